//! The on-disk cache of compiled modules, so that a restart deserializes the module in
//! about a millisecond instead of compiling it for hundreds.
//!
//! An entry is named after everything that decides the machine code (module hash,
//! wasmtime version, engine configuration) and holds the SHA-256 of the artifact
//! followed by the artifact. The hash is checked before the artifact is handed to
//! wasmtime, whose deserializer trusts its input: a truncated or corrupted entry is
//! recompiled, never loaded. Every cache failure falls back to compiling.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::{Engine, Module};

/// Where compiled modules are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheLocation {
    /// `$XDG_CACHE_HOME/plotbox`, else `~/.cache/plotbox`; no cache when neither is set.
    Default,
    /// This directory (created if missing).
    Dir(PathBuf),
    /// Always compile.
    Disabled,
}

impl CacheLocation {
    /// The location `--cache-dir DIR` and `--no-cache` ask for (`--no-cache` wins).
    pub fn from_flags(dir: Option<&Path>, no_cache: bool) -> Self {
        match (dir, no_cache) {
            (_, true) => CacheLocation::Disabled,
            (Some(dir), false) => CacheLocation::Dir(dir.to_path_buf()),
            (None, false) => CacheLocation::Default,
        }
    }

    /// The directory this location stands for, if any.
    pub fn resolve(&self) -> Option<PathBuf> {
        match self {
            CacheLocation::Default => default_dir(),
            CacheLocation::Dir(dir) => Some(dir.clone()),
            CacheLocation::Disabled => None,
        }
    }
}

fn default_dir() -> Option<PathBuf> {
    let non_empty = |name| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(xdg) = non_empty("XDG_CACHE_HOME") {
        return Some(PathBuf::from(xdg).join("plotbox"));
    }
    non_empty("HOME").map(|home| PathBuf::from(home).join(".cache").join("plotbox"))
}

/// How a module was obtained, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleOrigin {
    /// Deserialized from a valid cache entry.
    Cache,
    /// Compiled (no cache, no entry, or an unusable entry).
    Compiled,
}

const CHECKSUM_LEN: usize = 32;

/// The compiled-module cache in one directory.
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    pub fn new(location: &CacheLocation) -> Self {
        CompileCache {
            dir: location.resolve(),
        }
    }

    /// The entry file for a module compiled by `engine`.
    pub fn entry_path(&self, engine: &Engine, module_sha256: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        // `precompile_compatibility_hash` covers the engine settings that change the
        // machine code (fuel, epochs, target, tunables); the wasmtime version is
        // spelled out so that entries of other releases are recognizable on disk.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let config = hasher.finish();
        let module = module_sha256.get(..16).unwrap_or(module_sha256);
        Some(dir.join(format!(
            "{module}-wasmtime{}-{config:016x}.cwasm",
            wasmtime_version()
        )))
    }

    /// The module from the cache, or compiled from `wasm` (and then stored).
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        module_sha256: &str,
    ) -> wasmtime::Result<(Module, ModuleOrigin)> {
        let Some(path) = self.entry_path(engine, module_sha256) else {
            return Ok((Module::new(engine, wasm)?, ModuleOrigin::Compiled));
        };
        if let Some(module) = load(engine, &path) {
            return Ok((module, ModuleOrigin::Cache));
        }
        let module = Module::new(engine, wasm)?;
        if let Err(error) = store(&module, &path) {
            tracing::warn!(path = %path.display(), %error, "cannot write the compile cache");
        }
        Ok((module, ModuleOrigin::Compiled))
    }
}

/// The wasmtime release this binary links (read from `Cargo.lock` by `build.rs`).
pub fn wasmtime_version() -> &'static str {
    env!("PLOTBOX_WASMTIME_VERSION")
}

fn load(engine: &Engine, path: &Path) -> Option<Module> {
    let entry = match std::fs::read(path) {
        Ok(entry) => entry,
        Err(error) => {
            tracing::debug!(path = %path.display(), %error, "no compile cache entry");
            return None;
        }
    };
    let (checksum, artifact) = entry.split_at_checked(CHECKSUM_LEN)?;
    if Sha256::digest(artifact).as_slice() != checksum {
        tracing::warn!(path = %path.display(), "corrupt compile cache entry; recompiling");
        return None;
    }
    // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize`.
    // The entry was written by `store` below (checksum verified just above, so it is
    // complete and unaltered since) and its name carries the engine's compatibility
    // hash; wasmtime additionally checks the version and configuration in the
    // artifact's header and returns an error on any mismatch.
    match unsafe { Module::deserialize(engine, artifact) } {
        Ok(module) => Some(module),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "unusable compile cache entry; recompiling");
            None
        }
    }
}

fn store(module: &Module, path: &Path) -> std::io::Result<()> {
    let artifact = module.serialize().map_err(std::io::Error::other)?;
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("cache entry has no directory"))?;
    std::fs::create_dir_all(dir)?;
    // Written under a unique name and renamed into place, so that a concurrent reader
    // sees either no entry or a complete one.
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id()
    ));
    let mut entry = Vec::with_capacity(CHECKSUM_LEN + artifact.len());
    entry.extend_from_slice(&Sha256::digest(&artifact));
    entry.extend_from_slice(&artifact);
    let result = std::fs::write(&temp, &entry).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}
