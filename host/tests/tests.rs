//! Integration tests of the sandbox host, in one binary (each `mod` is one concern).

// Shared helpers: runtimes over the real module or WAT fixtures, specs, RSS, decoders.
mod util;

// Hostile guests (WAT): every limit obeyed and violated; garbage results are `internal`.
mod hostile;
// The real module: pictures, error kinds, and 8 threads giving the sequential bytes.
mod module;
// The sandboxed module's SVG equals the native renderer's, byte for byte.
mod identity;
// Resident memory stays flat over 10,000 renders.
mod memory;
// The compile cache: warm loads, corrupt and unwritable caches fall back to compiling.
mod cache;
// A 10×10 grid of axes as PNG within the default memory cap.
mod small_multiples;
// Operator fonts mapped into every instance (WAT guests), warnings read defensively.
mod fonts;
