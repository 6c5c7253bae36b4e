//! Helpers shared by the end-to-end tests in `tests/` (the tests themselves are there).

use std::path::{Path, PathBuf};

/// The binary under test, `target/release/plotbox`; `scripts/test.sh` builds it before
/// the tests run. Missing, it fails the test with the command that builds it.
pub fn binary() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/plotbox");
    assert!(
        path.is_file(),
        "{} is missing: build it with `cargo build --release -p plotbox-host`",
        path.display()
    );
    path
}

/// A fresh, empty folder for one test of one suite: tests run in parallel threads of
/// one process, so each needs its own.
pub fn scratch(suite: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plotbox-{suite}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        panic!("scratch folder {}: {error}", dir.display());
    }
    dir
}
