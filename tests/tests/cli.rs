//! `plotbox render` and `plotbox schema` end to end: the real binary, its files,
//! standard streams and exit codes.
//!
//! The tests run `target/release/plotbox` (cargo does not build another package's
//! binary for them): `scripts/test.sh` builds it first, and `plotbox_e2e::binary`
//! fails a test that would run a binary older than its sources.

use plotbox_e2e::{binary, scratch};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn plotbox(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        // Keep the tests' compile cache out of the user's home.
        .env(
            "PLOTBOX_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        // A run refused before it reads its input (a usage error) may have exited
        // already; its exit code is what the test checks.
        if let Err(error) = input.write_all(bytes) {
            assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
        }
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn spec_file(dir: &Path, name: &str, spec: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, spec).unwrap();
    path
}

const LINE: &str = r#"{"width": 400, "height": 300, "title": "Signups",
    "x": {"label": "day"}, "y": {"label": "count"},
    "series": [{"type": "line", "x": [1, 2, 3, 4], "y": [10, 12, 9, 14], "label": "web"}]}"#;

fn svg_size(svg: &[u8]) -> (f64, f64) {
    let text = std::str::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let number = |name| {
        root.attribute(name)
            .unwrap()
            .trim_end_matches("px")
            .parse()
            .unwrap()
    };
    (number("width"), number("height"))
}

fn png_size(data: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(data));
    let reader = decoder.read_info().unwrap();
    (reader.info().width, reader.info().height)
}

fn error_json(output: &Output) -> serde_json::Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr
        .lines()
        .find(|line| line.starts_with("{\"error\""))
        .unwrap_or_else(|| panic!("no error JSON on stderr: {stderr}"));
    serde_json::from_str(line).unwrap()
}

#[test]
fn spec_file_to_svg_file() {
    let dir = scratch("cli", "svg");
    let spec = spec_file(&dir, "line.json", LINE);
    let out = dir.join("line.svg");
    let output = plotbox(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(output.status.success(), "{output:?}");
    let svg = std::fs::read(&out).unwrap();
    assert_eq!(svg_size(&svg), (400.0, 300.0));
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout when writing a file"
    );
}

#[test]
fn spec_file_to_png_file_at_scale_two() {
    let dir = scratch("cli", "png");
    let spec = spec_file(&dir, "line.json", LINE);
    let out = dir.join("line.png");
    let output = plotbox(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--scale",
            "2",
        ],
        None,
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(png_size(&std::fs::read(&out).unwrap()), (800, 600));
}

#[test]
fn spec_file_to_pdf_file_by_extension_or_flag() {
    let dir = scratch("cli", "pdf");
    let spec = spec_file(&dir, "line.json", LINE);
    let out = dir.join("line.pdf");
    let output = plotbox(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--scale",
            "3",
        ],
        None,
    );
    assert!(output.status.success(), "{output:?}");
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"), "not a PDF");
    // 400x300 px at the default 100 dpi: 4 x 3 in, and --scale does not apply.
    assert!(String::from_utf8_lossy(&pdf).contains("/MediaBox [0 0 288 216]"));

    let piped = plotbox(
        &["render", "-", "-o", "-", "--format", "pdf"],
        Some(LINE.as_bytes()),
    );
    assert!(piped.status.success(), "{piped:?}");
    assert_eq!(piped.stdout, pdf, "the same spec gives the same PDF bytes");

    // An uppercase extension is a PDF too; --format overrides the extension.
    let upper = dir.join("LINE.PDF");
    let output = plotbox(
        &["render", "-", "-o", upper.to_str().unwrap()],
        Some(LINE.as_bytes()),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(std::fs::read(&upper).unwrap(), pdf);
    let svg_named_pdf = dir.join("really-svg.pdf");
    let output = plotbox(
        &[
            "render",
            "-",
            "-o",
            svg_named_pdf.to_str().unwrap(),
            "--format",
            "svg",
        ],
        Some(LINE.as_bytes()),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        svg_size(&std::fs::read(&svg_named_pdf).unwrap()),
        (400.0, 300.0)
    );
}

#[test]
fn a_failed_pdf_render_exits_3_and_writes_nothing() {
    let dir = scratch("cli", "pdf-invalid");
    let spec = spec_file(
        &dir,
        "bad.json",
        r#"{"series": [{"type": "line", "y": "no"}]}"#,
    );
    let out = dir.join("bad.pdf");
    let output = plotbox(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(error_json(&output)["error"]["kind"], "invalid_spec");
    assert!(!out.exists());
}

#[test]
fn stdin_to_stdout_with_explicit_format() {
    let output = plotbox(
        &["render", "-", "-o", "-", "--format", "png"],
        Some(LINE.as_bytes()),
    );
    assert!(output.status.success(), "{output:?}");
    assert_eq!(png_size(&output.stdout), (400, 300));
    let output = plotbox(&["render", "-", "-o", "-"], Some(LINE.as_bytes()));
    assert!(output.status.success(), "{output:?}");
    assert_eq!(svg_size(&output.stdout), (400.0, 300.0));
}

#[test]
fn same_spec_gives_the_same_bytes_each_run() {
    let first = plotbox(&["render", "-", "-o", "-"], Some(LINE.as_bytes()));
    let second = plotbox(&["render", "-", "-o", "-"], Some(LINE.as_bytes()));
    assert!(first.status.success() && second.status.success());
    assert_eq!(first.stdout, second.stdout);
}

/// Renders `spec` to a file with extra flags, expecting the error `kind` with `code`;
/// the output file must not exist afterwards, and no temporary file may be left.
fn assert_error(name: &str, spec: &str, extra: &[&str], kind: &str, code: i32) {
    let dir = scratch("cli", name);
    let spec = spec_file(&dir, "spec.json", spec);
    let out = dir.join("out.png");
    let mut args = vec![
        "render",
        spec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = plotbox(&args, None);
    assert_eq!(output.status.code(), Some(code), "{name}: {output:?}");
    assert_eq!(error_json(&output)["error"]["kind"], kind, "{name}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "spec.json")
        .collect();
    assert!(left.is_empty(), "{name}: files left behind: {left:?}");
}

#[test]
fn invalid_spec_exits_3_with_path() {
    let spec = r#"{"series": [{"type": "line", "x": [1, 2], "y": [1, 2, 3]}]}"#;
    assert_error("invalid", spec, &[], "invalid_spec", 3);
    let dir = scratch("cli", "invalid-path");
    let file = spec_file(&dir, "spec.json", r#"{"series": [], "colour": "red"}"#);
    let output = plotbox(&["render", file.to_str().unwrap(), "-o", "-"], None);
    assert_eq!(error_json(&output)["error"]["path"], "/colour");
}

#[test]
fn too_large_exits_4() {
    let spec = r#"{"width": 100000, "series": [{"type": "line", "y": [1, 2]}]}"#;
    assert_error("too-large", spec, &[], "too_large", 4);
}

/// A scatter heavy enough that its PNG takes well over 20 ms.
fn heavy_spec() -> String {
    let xs: Vec<String> = (0..30_000).map(|i| (i % 997).to_string()).collect();
    let ys: Vec<String> = (0..30_000).map(|i| (i * 31 % 1009).to_string()).collect();
    format!(
        r#"{{"width": 1600, "height": 1200, "series": [{{"type": "scatter", "x": [{}], "y": [{}]}}]}}"#,
        xs.join(","),
        ys.join(",")
    )
}

#[test]
fn deadline_exceeded_exits_5() {
    assert_error(
        "deadline",
        &heavy_spec(),
        &["--scale", "2", "--timeout-ms", "5"],
        "deadline_exceeded",
        5,
    );
}

#[test]
fn deadline_from_the_environment() {
    let dir = scratch("cli", "deadline-env");
    let spec = spec_file(&dir, "spec.json", &heavy_spec());
    let output = Command::new(binary())
        .args([
            "render",
            spec.to_str().unwrap(),
            "-o",
            "-",
            "--format",
            "png",
            "--scale",
            "2",
        ])
        .env("PLOTBOX_TIMEOUT_MS", "5")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{output:?}");
}

#[test]
fn small_fuel_budget_exits_5() {
    assert_error("fuel", LINE, &["--fuel", "1000"], "deadline_exceeded", 5);
}

#[test]
fn memory_limit_exits_6() {
    assert_error(
        "memory",
        &heavy_spec(),
        // Scale 2: 7.7 M device pixels, within the spec's canvas limit, about 36 MiB
        // of raster in the sandbox.
        &["--scale", "2", "--memory-mb", "16", "--timeout-ms", "60000"],
        "memory_limit",
        6,
    );
}

#[test]
fn trapping_module_exits_8() {
    // A module with the raw ABI whose render traps: the host reports `internal`.
    let wasm: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
        0x01, 0x0e, 0x02, // type section: 2 types
        0x60, 0x01, 0x7f, 0x01, 0x7f, // (i32) -> i32
        0x60, 0x04, 0x7f, 0x7f, 0x7f, 0x7c, 0x01, 0x7f, // (i32 i32 i32 f64) -> i32
        0x03, 0x03, 0x02, 0x00, 0x01, // function section: alloc, render
        0x05, 0x03, 0x01, 0x00, 0x01, // memory section: 1 page
        0x07, 0x1b, 0x03, // export section: 3 exports
        0x06, b'm', b'e', b'm', b'o', b'r', b'y', 0x02, 0x00, //
        0x05, b'a', b'l', b'l', b'o', b'c', 0x00, 0x00, //
        0x06, b'r', b'e', b'n', b'd', b'e', b'r', 0x00, 0x01, //
        0x0a, 0x0b, 0x02, // code section: 2 bodies
        0x05, 0x00, 0x41, 0x80, 0x08, 0x0b, // alloc: i32.const 1024
        0x03, 0x00, 0x00, 0x0b, // render: unreachable
    ];
    let dir = scratch("cli", "trap");
    let module = dir.join("trap.wasm");
    std::fs::write(&module, wasm).unwrap();
    let output = plotbox(
        &[
            "render",
            "-",
            "-o",
            "-",
            "--module",
            module.to_str().unwrap(),
        ],
        Some(LINE.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(8), "{output:?}");
    let error = error_json(&output);
    assert_eq!(error["error"]["kind"], "internal");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("unreachable"));
}

#[test]
fn failed_render_keeps_an_existing_output_file() {
    let dir = scratch("cli", "keep");
    let spec = spec_file(&dir, "bad.json", "{not json");
    let out = dir.join("out.svg");
    std::fs::write(&out, b"previous").unwrap();
    let output = plotbox(
        &[
            "render",
            spec.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(std::fs::read(&out).unwrap(), b"previous");
}

#[test]
fn unknown_output_extension_without_format_exits_1_and_writes_nothing() {
    let output = plotbox(
        &["render", "-", "-o", "/tmp/plot.gif"],
        Some(LINE.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(!Path::new("/tmp/plot.gif").exists());
}

#[test]
fn schema_is_the_json_schema_of_the_spec() {
    let output = plotbox(&["schema"], None);
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(schema["$schema"]
        .as_str()
        .unwrap()
        .contains("json-schema.org"));
    assert!(schema["properties"]["axes"].is_object(), "{schema}");
}

#[test]
fn version_names_the_module_hash() {
    let output = plotbox(&["--version"], None);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let hash = text
        .split_whitespace()
        .skip_while(|word| *word != "sha256")
        .nth(1)
        .unwrap_or_else(|| panic!("no module hash in {text}"));
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let module = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/pkg/renderer_wasm_bg.wasm");
    // The module is a prerequisite of the build; missing, the test fails rather than
    // passing on nothing.
    let bytes = std::fs::read(&module).unwrap_or_else(|error| {
        panic!("{}: {error}; run scripts/build-module.sh", module.display())
    });
    use sha2::Digest;
    let want: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, want, "the binary embeds another module than www/pkg");
}

#[test]
fn help_documents_every_exit_code() {
    let output = plotbox(&["render", "--help"], None);
    let help = String::from_utf8(output.stdout).unwrap();
    for (code, kind) in [
        (3, "invalid_spec"),
        (4, "too_large"),
        (5, "deadline_exceeded"),
        (6, "memory_limit"),
        (7, "overloaded"),
        (8, "internal"),
    ] {
        assert!(
            help.contains(&format!("{code}  {kind}")),
            "{kind} missing:\n{help}"
        );
    }
}

/// `plotbox ARGS` with `PLOTBOX_MEMORY_MB` set (or not), without waiting for input.
fn plotbox_with_memory_env(args: &[&str], memory_env: Option<&str>) -> Output {
    let mut command = Command::new(binary());
    command
        .args(args)
        .env(
            "PLOTBOX_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache"),
        )
        .env_remove("PLOTBOX_MEMORY_MB")
        .stdin(Stdio::null());
    if let Some(value) = memory_env {
        command.env("PLOTBOX_MEMORY_MB", value);
    }
    command.output().unwrap()
}

#[test]
fn memory_mb_out_of_1_to_4096_is_a_usage_error_exit_2_for_render_and_serve() {
    let dir = scratch("cli", "memory-mb");
    let spec = spec_file(&dir, "line.json", LINE);
    let spec = spec.to_str().unwrap();
    let out = dir.join("out.svg");
    let out = out.to_str().unwrap();
    let render = ["render", spec, "-o", out];
    // Port 1 is never reached: the flags are refused before the server starts.
    let serve = ["serve", "--addr", "127.0.0.1:1"];
    for command in [&render[..], &serve[..]] {
        for value in ["0", "4097", "-1", "lots"] {
            // `=` so that `-1` is a value, not a flag.
            let flag = format!("--memory-mb={value}");
            let args: Vec<&str> = command.iter().copied().chain([flag.as_str()]).collect();
            let output = plotbox_with_memory_env(&args, None);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("--memory-mb"), "{args:?}: {stderr}");
        }
        let output = plotbox_with_memory_env(command, Some("0"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains("1..=4096"), "{command:?}: {stderr}");
    }
    assert!(!Path::new(out).exists());
    // The bounds themselves are accepted.
    for value in ["1", "4096"] {
        let args: Vec<&str> = render
            .iter()
            .copied()
            .chain(["--memory-mb", value])
            .collect();
        let output = plotbox_with_memory_env(&args, None);
        assert_ne!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_malformed_cors_origin_is_a_usage_error_exit_2() {
    for value in [
        "example.com",
        "https://example.com/",
        "*, https://a.example",
        "",
    ] {
        let output = plotbox_with_memory_env(
            &["serve", "--addr", "127.0.0.1:1", "--cors-origin", value],
            None,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{value:?}: {stderr}");
        assert!(stderr.contains("--cors-origin"), "{value:?}: {stderr}");
    }
}

#[test]
fn help_cites_docs_spec_md_which_users_have_not_spec_md() {
    for args in [&["render", "--help"][..], &["serve", "--help"][..]] {
        let output = plotbox(args, None);
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(!help.contains("SPEC.md"), "{args:?}:\n{help}");
    }
    let output = plotbox(&["render", "--help"], None);
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("docs/spec.md"), "{help}");
}
