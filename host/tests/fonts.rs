//! Operator fonts and warnings through the sandbox, with WAT guests that implement the
//! optional exports (`use_fonts`, `warnings`) so that the host's side is tested on its
//! own: the blob lies where `use_fonts` is told, in every instance, outside the render's
//! memory limit; the compile cache keys the rewritten module apart; warnings are read
//! defensively.

use plotbox_host::{
    CacheLocation, ErrorKind, FontSet, HostError, ModuleOrigin, ModuleSource, OutputFormat,
    RenderLimits, Runtime, RuntimeConfig,
};
use std::path::PathBuf;

/// "PBFONTS1", the blob's magic, as the little-endian `i64` the guest compares with.
const MAGIC_I64: &str = "0x3153544e4f464250";

/// A guest whose `use_fonts` keeps the blob's place (and refuses a blob without the
/// magic, or answers `use_fonts_status` when given), whose `render` runs
/// `render_body` and then returns the whole blob as the picture, and whose
/// `warnings` returns the bytes of `warnings`.
fn font_guest(render_body: &str, warnings: &str, use_fonts_status: Option<i32>) -> Vec<u8> {
    let status = match use_fonts_status {
        Some(status) => format!("(i32.const {status})"),
        None => format!(
            "(if (result i32) (i64.eq (i64.load (local.get $ptr)) (i64.const {MAGIC_I64}))
               (then (i32.const 0)) (else (i32.const 1)))"
        ),
    };
    let warnings_len = warnings.len();
    let warnings: String = warnings.bytes().map(|b| format!("\\{b:02x}")).collect();
    wat::parse_str(format!(
        r#"(module
  (memory (export "memory") 1)
  (global $font_ptr (mut i32) (i32.const 0))
  (global $font_len (mut i32) (i32.const 0))
  (data (i32.const 2048) "{warnings}")
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "use_fonts") (param $ptr i32) (param $len i32) (result i32)
    (global.set $font_ptr (local.get $ptr))
    (global.set $font_len (local.get $len))
    {status})
  (func (export "render") (param $spec i32) (param $len i32) (param $format i32) (param $scale f64) (result i32)
    {render_body}
    (i32.store (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (global.get $font_ptr))
    (i32.store (i32.const 24) (global.get $font_len))
    (i32.const 16))
  (func (export "warnings") (result i32)
    (i32.store (i32.const 32) (i32.const 0))
    (i32.store (i32.const 36) (i32.const 2048))
    (i32.store (i32.const 40) (i32.const {warnings_len}))
    (i32.const 32)))"#
    ))
    .expect("fixture is valid WAT")
}

/// The embedded DejaVu Sans `copies` times: a real font set of any size.
fn font_set(copies: usize) -> FontSet {
    let dejavu = renderer_wasm::text::embedded().data().0;
    let files = (0..copies)
        .map(|i| {
            let name = format!("copy{i}.ttf");
            (PathBuf::from(&name), name, dejavu.to_vec())
        })
        .collect();
    FontSet::from_named_files(files).expect("DejaVu Sans is a valid font")
}

fn runtime(
    wasm: Vec<u8>,
    fonts: Option<FontSet>,
    cache: CacheLocation,
) -> Result<Runtime, HostError> {
    Runtime::new(RuntimeConfig {
        module: ModuleSource::Bytes(wasm),
        cache,
        fonts,
        ..RuntimeConfig::default()
    })
}

const NO_WARNINGS: &str = "[]";

#[test]
fn every_render_reads_the_whole_blob_where_use_fonts_says() {
    let fonts = font_set(2);
    let blob = fonts.blob().to_vec();
    let runtime = runtime(
        font_guest("", NO_WARNINGS, None),
        Some(fonts),
        CacheLocation::Disabled,
    )
    .expect("builds");
    for _ in 0..3 {
        let (result, _) =
            runtime.render_with_stats(b"{}", OutputFormat::Svg, &RenderLimits::default());
        let rendered = result.expect("renders");
        assert!(
            rendered.picture == blob,
            "the picture is the blob, byte for byte"
        );
        assert!(rendered.warnings.is_empty());
    }
    let catalog = runtime.fonts().expect("a catalog");
    assert_eq!(catalog.files.len(), 2);
    assert_eq!(catalog.blob_len, blob.len());
    assert_ne!(runtime.render_identity(), runtime.module_sha256());
}

#[test]
fn fonts_do_not_count_against_the_render_memory_limit() {
    // 6 × 740 KiB of fonts against a 2 MiB limit: the guest's own 1 page plus 16
    // grown pages (1.06 MiB) fit; 40 more pages (2.6 MiB) do not.
    let grow = |pages: u32| {
        format!(
            "(if (i32.lt_s (memory.grow (i32.const {pages})) (i32.const 0)) (then unreachable))"
        )
    };
    let limits = RenderLimits {
        memory_bytes: 2 << 20,
        ..RenderLimits::default()
    };
    let build = |body: &str| {
        Runtime::new(RuntimeConfig {
            module: ModuleSource::Bytes(font_guest(body, NO_WARNINGS, None)),
            cache: CacheLocation::Disabled,
            max_memory_bytes: 2 << 20,
            fonts: Some(font_set(6)),
            ..RuntimeConfig::default()
        })
        .expect("builds")
    };
    build(&grow(16))
        .render(b"{}", OutputFormat::Svg, &limits)
        .expect("1 MiB of its own fits the 2 MiB limit beside 4.4 MB of fonts");
    let failure = build(&grow(40))
        .render(b"{}", OutputFormat::Svg, &limits)
        .expect_err("2.6 MiB of its own does not fit");
    assert_eq!(failure.kind(), ErrorKind::MemoryLimit);
    assert!(
        failure
            .message()
            .contains("memory limit of 2 MiB (it asked for 2.6 MiB)"),
        "the message counts the render's own memory only: {}",
        failure.message()
    );
}

#[test]
fn a_module_that_refuses_the_fonts_or_lacks_use_fonts_fails_at_start_up() {
    let refused = runtime(
        font_guest("", NO_WARNINGS, Some(3)),
        Some(font_set(1)),
        CacheLocation::Disabled,
    );
    match refused {
        Err(HostError::Fonts(message)) => assert!(message.contains("status 3"), "{message}"),
        other => panic!("expected a fonts error, got {:?}", other.err()),
    }
    let without = wat::parse_str(crate::util::guest("(i32.const 16)", "")).expect("WAT");
    match runtime(without.clone(), Some(font_set(1)), CacheLocation::Disabled) {
        Err(HostError::Fonts(message)) => assert!(message.contains("use_fonts"), "{message}"),
        other => panic!("expected a fonts error, got {:?}", other.err()),
    }
    // Without fonts the same module is fine, and has no warnings.
    let plain = runtime(without, None, CacheLocation::Disabled).expect("builds");
    let (result, _) = plain.render_with_stats(b"{}", OutputFormat::Svg, &RenderLimits::default());
    assert_eq!(result.expect("renders").warnings, Vec::<String>::new());
}

#[test]
fn the_rewritten_module_has_its_own_compile_cache_entry() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("font-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = CacheLocation::Dir(dir.clone());
    let wasm = font_guest("", NO_WARNINGS, None);
    let origins: Vec<ModuleOrigin> = [None, Some(1), None, Some(1), Some(2)]
        .into_iter()
        .map(|copies| {
            runtime(wasm.clone(), copies.map(font_set), cache.clone())
                .expect("builds")
                .module_origin()
        })
        .collect();
    use ModuleOrigin::{Cache, Compiled};
    assert_eq!(origins, [Compiled, Compiled, Cache, Cache, Compiled]);
    let entries = std::fs::read_dir(&dir).expect("cache dir").count();
    assert_eq!(entries, 3, "one entry per (module, fonts)");
    // A cached module with fonts still renders the blob.
    let fonts = font_set(1);
    let blob = fonts.blob().to_vec();
    let cached = runtime(wasm, Some(fonts), cache).expect("builds");
    assert_eq!(cached.module_origin(), Cache);
    assert!(cached
        .render(b"{}", OutputFormat::Svg, &RenderLimits::default())
        .is_ok_and(|picture| picture == blob));
    let _ = std::fs::remove_dir_all(&dir);
}

fn warnings_of(json: &str) -> Vec<String> {
    let runtime =
        runtime(font_guest("", json, None), None, CacheLocation::Disabled).expect("builds");
    let (result, _) = runtime.render_with_stats(b"{}", OutputFormat::Svg, &RenderLimits::default());
    result
        .expect("a render with bad warnings still succeeds")
        .warnings
}

#[test]
fn warnings_come_back_and_garbage_is_ignored() {
    assert_eq!(
        warnings_of(r#"["no font has U+4E2D; drawn as a box"]"#),
        ["no font has U+4E2D; drawn as a box"]
    );
    assert!(warnings_of("not json").is_empty());
    assert!(warnings_of(r#"{"a": 1}"#).is_empty());
    assert!(warnings_of(r#"[1, 2]"#).is_empty());
    // Control and non-ASCII characters are replaced, long messages cut.
    assert_eq!(warnings_of(r#"["bad\n\u00e9"]"#), ["bad??"]);
    let long = "x".repeat(1000);
    assert_eq!(
        warnings_of(&format!(r#"["{long}"]"#))[0].len(),
        plotbox_host::MAX_WARNING_LEN
    );
    let many = vec![r#""w""#; 50].join(",");
    let warnings = warnings_of(&format!("[{many}]"));
    assert_eq!(warnings.len(), plotbox_host::MAX_WARNINGS + 1);
    assert_eq!(
        warnings.last().map(String::as_str),
        Some("30 more warnings not shown")
    );
}
