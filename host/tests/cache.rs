//! The compile cache: the second runtime loads what the first compiled; a corrupt entry
//! or an unusable cache directory falls back to compiling and still renders.

use plotbox_host::{
    CacheLocation, ModuleOrigin, OutputFormat, RenderLimits, Runtime, RuntimeConfig,
};
use std::path::PathBuf;

fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cache-test-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn runtime_with_cache(location: CacheLocation) -> Runtime {
    Runtime::new(RuntimeConfig {
        cache: location,
        ..RuntimeConfig::default()
    })
    .unwrap()
}

fn renders(runtime: &Runtime) -> Vec<u8> {
    let spec = br#"{"series": [{"type": "bar", "x": ["a", "b"], "y": [3, 5]}]}"#;
    runtime
        .render(spec, OutputFormat::Svg, &RenderLimits::default())
        .unwrap()
}

fn entries(dir: &PathBuf) -> Vec<PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.extension().is_some_and(|e| e == "cwasm"));
    found
}

#[test]
fn second_runtime_loads_the_compiled_module_from_the_cache() {
    let dir = fresh_dir("warm");
    let first = runtime_with_cache(CacheLocation::Dir(dir.clone()));
    assert_eq!(first.module_origin(), ModuleOrigin::Compiled);
    let cached = entries(&dir);
    assert_eq!(cached.len(), 1, "{cached:?}");
    let name = cached[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with(&first.module_sha256()[..16]), "{name}");
    let second = runtime_with_cache(CacheLocation::Dir(dir));
    assert_eq!(second.module_origin(), ModuleOrigin::Cache);
    assert_eq!(renders(&first), renders(&second));
}

#[test]
fn corrupt_entry_is_recompiled_and_replaced() {
    let dir = fresh_dir("corrupt");
    let reference = renders(&runtime_with_cache(CacheLocation::Dir(dir.clone())));
    let entry = entries(&dir).pop().unwrap();
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&entry, &bytes).unwrap();
    let after_flip = runtime_with_cache(CacheLocation::Dir(dir.clone()));
    assert_eq!(after_flip.module_origin(), ModuleOrigin::Compiled);
    assert_eq!(renders(&after_flip), reference);

    std::fs::write(&entry, &bytes[..100]).unwrap();
    let after_truncation = runtime_with_cache(CacheLocation::Dir(dir.clone()));
    assert_eq!(after_truncation.module_origin(), ModuleOrigin::Compiled);
    assert_eq!(renders(&after_truncation), reference);
    // The recompiled module was written back, whole.
    assert_eq!(
        runtime_with_cache(CacheLocation::Dir(dir)).module_origin(),
        ModuleOrigin::Cache
    );
}

#[test]
fn unusable_cache_directory_still_renders() {
    let dir = fresh_dir("unusable");
    std::fs::create_dir_all(&dir).unwrap();
    // A regular file where the cache directory should be: nothing can be written.
    let blocked = dir.join("not-a-dir");
    std::fs::write(&blocked, b"file").unwrap();
    let runtime = runtime_with_cache(CacheLocation::Dir(blocked.join("cache")));
    assert_eq!(runtime.module_origin(), ModuleOrigin::Compiled);
    assert!(renders(&runtime).starts_with(b"<svg"));
}

#[test]
fn the_directory_keeps_the_most_recently_used_entries_and_nothing_else_is_touched() {
    use plotbox_host::cache::MAX_ENTRIES;
    use std::time::{Duration, SystemTime};
    let dir = fresh_dir("bounded");
    std::fs::create_dir_all(&dir).unwrap();
    // Entries of other module versions, used an hour apart, the oldest first.
    let stale = MAX_ENTRIES + 3;
    let stale_names: Vec<String> = (0..stale)
        .map(|i| format!("{i:016x}-wasmtime48.0.8-{:016x}.cwasm", i + 1))
        .collect();
    let now = SystemTime::now();
    for (i, name) in stale_names.iter().enumerate() {
        let path = dir.join(name);
        std::fs::write(&path, b"an old compiled module").unwrap();
        let hours = u64::try_from(stale - i).unwrap();
        std::fs::File::options()
            .append(true)
            .open(&path)
            .unwrap()
            .set_modified(now - Duration::from_secs(3600 * hours))
            .unwrap();
    }
    // Not this host's: another program's entry and an unrelated file.
    let foreign = dir.join("039b0c91b9813a90-wasmtime-py50.0.1-fuel-epoch-x86_64.cwasm");
    std::fs::write(&foreign, b"python's").unwrap();
    std::fs::write(dir.join("notes.txt"), b"keep").unwrap();

    let first = runtime_with_cache(CacheLocation::Dir(dir.clone()));
    assert_eq!(first.module_origin(), ModuleOrigin::Compiled);
    let mut left: Vec<String> = entries(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|name| !name.contains("-wasmtime-py"))
        .collect();
    left.sort();
    assert_eq!(left.len(), MAX_ENTRIES, "{left:?}");
    // The new entry and the most recently used old ones.
    let new_entry = left
        .iter()
        .find(|name| name.starts_with(&first.module_sha256()[..16]))
        .cloned();
    assert!(new_entry.is_some(), "{left:?}");
    let mut kept_old = stale_names[stale - (MAX_ENTRIES - 1)..].to_vec();
    kept_old.extend(new_entry);
    kept_old.sort();
    assert_eq!(left, kept_old);
    assert!(foreign.is_file());
    assert!(dir.join("notes.txt").is_file());

    // The kept entry loads, and loading it does not cost another entry.
    let second = runtime_with_cache(CacheLocation::Dir(dir.clone()));
    assert_eq!(second.module_origin(), ModuleOrigin::Cache);
    assert_eq!(renders(&first), renders(&second));
    assert_eq!(entries(&dir).len(), MAX_ENTRIES + 1);
}
