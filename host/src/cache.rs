//! The on-disk cache of compiled modules, so that a restart deserializes the module in
//! about a millisecond instead of compiling it for hundreds.
//!
//! An entry is named after everything that decides the machine code (module hash,
//! wasmtime version, engine configuration) and holds the SHA-256 of the artifact
//! followed by the artifact. The hash is checked before the artifact is handed to
//! wasmtime, whose deserializer trusts its input: a truncated or corrupted entry is
//! recompiled, never loaded. Every cache failure falls back to compiling.
//!
//! Names are hashed with SHA-256, not std's `DefaultHasher`, whose algorithm may
//! change between Rust releases and would then orphan every entry. The directory is
//! bounded: after writing an entry, only the [`MAX_ENTRIES`] most recently used of
//! this host's entries are kept (a load marks its entry used), so that upgrades and
//! configuration changes do not pile up compiled modules of 5 to 7 MB each. Files
//! that are not this host's entries (another program's, temporary files) are left
//! alone.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
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

/// Entries kept in a cache directory: room for a few module versions times the
/// configurations in use (with and without fonts or fuel), about 50 MB in all.
pub const MAX_ENTRIES: usize = 8;

/// A [`Hasher`] whose output is the first 8 bytes of the SHA-256 of what was written:
/// the same value from one Rust release to the next, unlike `DefaultHasher`.
#[derive(Default)]
pub struct StableHasher(Sha256);

impl Hasher for StableHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }
}

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
        let mut hasher = StableHasher::default();
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
        let path = self.entry_path(engine, module_sha256);
        if let Some(module) = path.as_deref().and_then(|path| load(engine, path)) {
            if let Some(path) = &path {
                mark_used(path);
            }
            return Ok((module, ModuleOrigin::Cache));
        }
        let artifact = compile(engine, wasm)?;
        if let Some(path) = &path {
            match store(&artifact, path) {
                Ok(()) => prune(path),
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot write the compile cache")
                }
            }
        }
        // SAFETY: `Module::deserialize` requires bytes produced by `Module::serialize`
        // or `Engine::precompile_module`; these come from `precompile_module` of an
        // engine with `engine`'s very configuration, just above.
        let module = unsafe { Module::deserialize(engine, &artifact) }?;
        drop(artifact);
        release_free_heap();
        Ok((module, ModuleOrigin::Compiled))
    }
}

/// Compiles `wasm` into an artifact for `engine` with a throwaway engine of the same
/// configuration. Cranelift keeps its scratch contexts, grown to the largest function
/// it compiled, for as long as its engine lives: after this module about 80 MB,
/// which the long-lived engine of `plotbox serve` (it never compiles again) would
/// otherwise keep resident for good.
fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
    Engine::new(engine.config())?.precompile_module(wasm)
}

/// Hands the heap that compiling freed back to the system. glibc keeps freed memory in
/// its arenas (compiling left over 100 MB there), so without this a server whose
/// cache was cold starts at about 240 MiB of RSS instead of about 20.
fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes a plain integer and only returns free pages of
    // glibc's own arenas to the kernel; no live allocation moves.
    unsafe {
        libc::malloc_trim(0);
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

fn store(artifact: &[u8], path: &Path) -> std::io::Result<()> {
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
    entry.extend_from_slice(&Sha256::digest(artifact));
    entry.extend_from_slice(artifact);
    let result = std::fs::write(&temp, &entry).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Whether a file name is one of this host's entries
/// (`<module>-wasmtime<version>-<config>.cwasm`), old or current.
fn is_entry_name(name: &str) -> bool {
    name.ends_with(".cwasm")
        && name.split('-').nth(1).is_some_and(|part| {
            part.strip_prefix("wasmtime")
                .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
        })
}

/// Marks an entry as just used (its modification time), so that [`prune`] keeps the
/// entries in use. A read-only cache simply stays as it is.
fn mark_used(path: &Path) {
    let touched = std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()));
    if let Err(error) = touched {
        tracing::debug!(path = %path.display(), %error, "cannot mark the compile cache entry used");
    }
}

/// Removes all but the [`MAX_ENTRIES`] most recently used entries of `written`'s
/// directory; `written` itself always stays. Failures (another process removing the
/// same file, permissions) are logged and ignored: the cache only grows then.
fn prune(written: &Path) {
    let Some(dir) = written.parent() else { return };
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(bool, SystemTime, PathBuf)> = listing
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(is_entry_name))
        .filter_map(|entry| {
            let modified = entry.metadata().ok()?.modified().ok()?;
            let path = entry.path();
            Some((path == written, modified, path))
        })
        .collect();
    if entries.len() <= MAX_ENTRIES {
        return;
    }
    // The entry just written first, then the most recently used.
    entries.sort_by_key(|(written, modified, _)| std::cmp::Reverse((*written, *modified)));
    for (_, _, path) in entries.into_iter().skip(MAX_ENTRIES) {
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::debug!(path = %path.display(), "removed an old compile cache entry"),
            Err(error) => {
                tracing::debug!(path = %path.display(), %error, "cannot remove an old compile cache entry")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_hash_is_the_first_bytes_of_sha256() {
        let mut hasher = StableHasher::default();
        hasher.write(b"abc");
        // SHA-256("abc") = ba7816bf 8f01cfea ...; little-endian.
        assert_eq!(hasher.finish(), 0xeacf_018f_bf16_78ba);
    }

    #[test]
    fn only_this_hosts_entries_are_recognized() {
        assert!(is_entry_name(
            "039b0c91b9813a90-wasmtime48.0.8-104a22eb84a45148.cwasm"
        ));
        assert!(!is_entry_name(
            "039b0c91b9813a90-wasmtime-py50.0.1-fuel-epoch-x86_64.cwasm"
        ));
        assert!(!is_entry_name(
            ".039b0c91b9813a90-wasmtime48.0.8-104a22eb84a45148.cwasm.123.tmp"
        ));
        assert!(!is_entry_name("notes.txt"));
    }
}
