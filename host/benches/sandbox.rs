//! Benchmarks of the sandbox (being written).
fn main() {}
