//! Helpers shared by the end-to-end tests in `tests/` (the tests themselves are there).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

/// The binary under test, `target/release/plotbox`, checked to be up to date.
///
/// Cargo builds only the tested package's own binaries for its tests, and this crate
/// tests another package's; building it from here cannot work either, because `cargo
/// test` holds the target directory's lock while the tests run. So `scripts/test.sh`
/// builds it first, and a binary older than any source it is built from (the host's
/// and renderer's sources, the module, the playground and examples it embeds) fails
/// the test with the command that rebuilds it, instead of testing yesterday's code.
pub fn binary() -> PathBuf {
    static CHECKED: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match CHECKED.get_or_init(up_to_date_binary) {
        Ok(path) => path.clone(),
        Err(reason) => panic!("{reason}"),
    }
}

fn up_to_date_binary() -> Result<PathBuf, String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rebuild = "scripts/build-module.sh && cargo build --release -p plotbox-host";
    let path = workspace.join("target/release/plotbox");
    let built = modified(&path).map_err(|_| format!("{} is missing: {rebuild}", path.display()))?;
    let module = workspace.join("www/pkg/renderer_wasm_bg.wasm");
    let module_built =
        modified(&module).map_err(|_| format!("{} is missing: {rebuild}", module.display()))?;
    let stale_module = newest_source(
        &workspace,
        &["renderer-wasm/src", "renderer-wasm/Cargo.toml"],
    )
    .filter(|(_, time)| *time > module_built);
    if let Some((source, _)) = stale_module {
        return Err(format!(
            "the module is older than {}: {rebuild}",
            source.display()
        ));
    }
    let inputs = [
        "host/src",
        "host/build.rs",
        "host/Cargo.toml",
        "renderer-wasm/src",
        "www",
        "docs/examples",
        "Cargo.lock",
    ];
    if let Some((source, _)) = newest_source(&workspace, &inputs).filter(|(_, time)| *time > built)
    {
        return Err(format!(
            "{} is older than {}: {rebuild}",
            path.display(),
            source.display()
        ));
    }
    Ok(path)
}

fn modified(path: &Path) -> std::io::Result<SystemTime> {
    std::fs::metadata(path)?.modified()
}

/// The most recently modified file under `roots` (relative to `workspace`), skipping
/// the folders of things that are not sources (`node_modules`).
fn newest_source(workspace: &Path, roots: &[&str]) -> Option<(PathBuf, SystemTime)> {
    let mut newest: Option<(PathBuf, SystemTime)> = None;
    let mut pending: Vec<PathBuf> = roots.iter().map(|root| workspace.join(root)).collect();
    while let Some(path) = pending.pop() {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if path.file_name().is_some_and(|name| name == "node_modules") {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.flatten().map(|entry| entry.path()));
            }
        } else if let Ok(time) = metadata.modified() {
            if newest
                .as_ref()
                .is_none_or(|(_, newest_time)| time > *newest_time)
            {
                newest = Some((path, time));
            }
        }
    }
    newest
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
