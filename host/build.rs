//! Embeds THE renderer module (the `wasm-bindgen`-processed file the browser loads, built
//! by `scripts/build-module.sh`) and exports its SHA-256 as `PLOTBOX_MODULE_SHA256`, for
//! `plotbox --version` and the compile-cache key.

// The static files of `plotbox serve` (page, examples), owned by the server.
mod build_assets;

use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn main() {
    build_assets::embed_server_assets();
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let module = manifest_dir.join("../www/pkg/renderer_wasm_bg.wasm");
    println!("cargo:rerun-if-changed={}", module.display());
    let bytes = match std::fs::read(&module) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!(
                "error: cannot read the renderer module {}: {error}\n\
                 run scripts/build-module.sh first",
                module.display()
            );
            std::process::exit(1);
        }
    };
    let hex: String = Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    println!("cargo:rustc-env=PLOTBOX_MODULE_SHA256={hex}");
    println!("cargo:rustc-env=PLOTBOX_MODULE_PATH={}", module.display());

    let lock = manifest_dir.join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let wasmtime = std::fs::read_to_string(&lock)
        .ok()
        .and_then(|lock| locked_version(&lock, "wasmtime"))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PLOTBOX_WASMTIME_VERSION={wasmtime}");
}

/// The version of package `name` in a Cargo.lock: the line after `name = "..."`.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| line.trim() == wanted)?;
    let version = lines.next()?.trim().strip_prefix("version = ")?;
    Some(version.trim_matches('"').to_owned())
}
