//! Helpers shared by the integration tests: runtimes over the real module or a WAT
//! fixture, spec files, and the process's resident memory.

use plotbox_host::{CacheLocation, ModuleSource, RenderLimits, Runtime, RuntimeConfig};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// A compile cache shared by the tests (in cargo's per-target temp folder), so that
/// only the first runtime of a run pays for compiling the real module.
pub fn test_cache() -> CacheLocation {
    CacheLocation::Dir(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache"))
}

/// The embedded module with the default configuration, built once per test binary.
pub fn real_runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::new(RuntimeConfig {
            cache: test_cache(),
            ..RuntimeConfig::default()
        })
        .expect("the embedded module builds a runtime")
    })
}

/// A runtime over a WAT module that implements (or abuses) the raw ABI.
pub fn wat_runtime(wat: &str, fuel_metering: bool) -> Runtime {
    let wasm = wat::parse_str(wat).expect("fixture is valid WAT");
    Runtime::new(RuntimeConfig {
        module: ModuleSource::Bytes(wasm),
        cache: CacheLocation::Disabled,
        fuel_metering,
        ..RuntimeConfig::default()
    })
    .expect("fixture builds a runtime")
}

/// A guest with the raw ABI whose `render` body is `render_body` (params: `$spec`,
/// `$len`, `$format`, `$scale`; result: the header address). `alloc` hands out the
/// buffer at 1024, growing memory to fit. Bytes 16..28 hold a header for the picture
/// `"ok"` at 64; extra data segments may be added with `extra`.
pub fn guest(render_body: &str, extra: &str) -> String {
    format!(
        r#"(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\00\00\00\00\40\00\00\00\02\00\00\00")
  (data (i32.const 64) "ok")
  {extra}
  (func (export "alloc") (param $len i32) (result i32)
    (drop (memory.grow (i32.add (i32.shr_u (local.get $len) (i32.const 16)) (i32.const 1))))
    (i32.const 1024))
  (func (export "dealloc") (param i32 i32))
  (func (export "render") (param $spec i32) (param $len i32) (param $format i32) (param $scale f64) (result i32)
    {render_body}))"#
    )
}

/// Limits with this timeout and the other defaults.
pub fn limits_with_timeout(timeout: Duration) -> RenderLimits {
    RenderLimits {
        timeout,
        ..RenderLimits::default()
    }
}

/// The folder of this crate's spec fixtures (the public sample specs).
pub fn fixture_specs() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs");
    read_specs(
        dir.read_dir()
            .expect("fixture folder")
            .flatten()
            .map(|e| e.path()),
    )
}

/// Every golden spec of the renderer (`renderer-wasm/tests/golden/*/spec.json`).
pub fn golden_specs() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../renderer-wasm/tests/golden");
    let Ok(entries) = dir.read_dir() else {
        return Vec::new();
    };
    read_specs(
        entries
            .flatten()
            .map(|e| e.path().join("spec.json"))
            .filter(|p| p.is_file()),
    )
}

fn read_specs(paths: impl Iterator<Item = PathBuf>) -> Vec<(String, Vec<u8>)> {
    let mut specs: Vec<_> = paths
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let bytes = std::fs::read(&path).expect("spec readable");
            (path.display().to_string(), bytes)
        })
        .collect();
    specs.sort();
    specs
}

/// The heavy fixture spec: scatter with many points.
pub fn heavy_spec() -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/specs/heavy_scatter.json"),
    )
    .expect("heavy spec")
}

/// Resident set size of this process in KiB, from /proc/self/status.
pub fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS line")
}

/// Width and height attributes of an SVG document's root, in user units.
pub fn svg_size(svg: &[u8]) -> (f64, f64) {
    let text = std::str::from_utf8(svg).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(text).expect("SVG is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let number = |name| {
        root.attribute(name)
            .and_then(|v| v.trim_end_matches("px").parse().ok())
            .unwrap_or_else(|| panic!("svg {name} attribute"))
    };
    (number("width"), number("height"))
}

/// A decoded PNG: width, height, samples per pixel and the 8-bit pixels.
pub fn decode_png(data: &[u8]) -> (u32, u32, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut pixels).expect("PNG frame");
    pixels.truncate(info.buffer_size());
    (info.width, info.height, info.color_type.samples(), pixels)
}
