//! Operator fonts end to end (`--font-dir`), with a real CJK font from Debian
//! (`fonts-wqy-microhei`, which `scripts/test.sh` installs) copied into a scratch
//! directory: the real `plotbox render` and `plotbox serve` over real HTTP, the PDFs
//! read by poppler (`pdftotext`, `pdffonts`).
//!
//! Build the binary first: `cargo build --release -p plotbox-host`.

use plotbox_e2e::{binary, scratch};
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// Where Debian's `fonts-wqy-microhei` puts its one file.
const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
const WQY_FAMILY: &str = "WenQuanYi Micro Hei";
/// "温度 2024": U+6E29 U+5EA6, which DejaVu Sans lacks.
const CJK_TITLE: &str = "\u{6e29}\u{5ea6} 2024";
const WARNINGS_HEADER: &str = "x-plotbox-warnings";

fn cjk_spec() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "title": CJK_TITLE,
        "series": [{"type": "line", "y": [1, 2, 3]}],
    }))
    .expect("serialize")
}

fn family_spec() -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "font": {"family": WQY_FAMILY},
        "title": "family",
        "series": [{"type": "line", "y": [1, 2, 3]}],
    }))
    .expect("serialize")
}

fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache")
}

/// A font directory holding a copy of the WenQuanYi collection.
fn wqy_dir(test: &str) -> PathBuf {
    assert!(
        Path::new(WQY).is_file(),
        "{WQY} is missing: `apt-get install -y fonts-wqy-microhei` (scripts/test.sh does)"
    );
    let dir = scratch("fonts", test).join("fonts");
    std::fs::create_dir_all(&dir).expect("font folder");
    std::fs::copy(WQY, dir.join("wqy-microhei.ttc")).expect("copy the font");
    dir
}

/// `plotbox render - -o - --format FORMAT [extra]` with the spec on stdin.
fn render(spec: &[u8], format: &str, extra: &[&str]) -> Output {
    run_plotbox(
        &[&["render", "-", "-o", "-", "--format", format], extra].concat(),
        spec,
    )
}

fn run_plotbox(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .env("PLOTBOX_CACHE_DIR", cache_dir())
        .env_remove("PLOTBOX_FONT_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plotbox starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("spec written");
    child.wait_with_output().expect("plotbox finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeded(output: Output, what: &str) -> Output {
    assert!(output.status.success(), "{what}: {}", stderr(&output));
    output
}

fn tool(name: &str, pdf: &Path) -> String {
    let output = Command::new(name)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("{name}: {e} (`apt-get install -y poppler-utils`; scripts/test.sh does)")
        });
    assert!(output.status.success(), "{name}: {}", stderr(&output));
    String::from_utf8(output.stdout).expect("UTF-8")
}

// ---- the command line ---------------------------------------------------------------

#[test]
fn cjk_title_in_a_pdf_is_real_text_in_the_embedded_subset_wenquanyi_font() {
    let dir = wqy_dir("pdf");
    let output = succeeded(
        render(
            &cjk_spec(),
            "pdf",
            &["--font-dir", dir.to_str().expect("UTF-8 path")],
        ),
        "render the PDF",
    );
    assert!(
        !stderr(&output).contains("warning"),
        "with the font, nothing is missing: {}",
        stderr(&output)
    );
    let pdf = dir.with_file_name("cjk.pdf");
    std::fs::write(&pdf, &output.stdout).expect("write the PDF");

    let text = tool("pdftotext", &pdf);
    assert!(
        text.contains(CJK_TITLE),
        "pdftotext finds the title: {text:?}"
    );
    // pdffonts prints `pdffonts FILE` only; `-` would be a second file.
    let fonts = {
        let output = Command::new("pdffonts")
            .arg(&pdf)
            .output()
            .expect("pdffonts runs (apt-get install -y poppler-utils)");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let line = fonts
        .lines()
        .find(|line| line.contains("WenQuanYi"))
        .unwrap_or_else(|| panic!("pdffonts lists no WenQuanYi font:\n{fonts}"));
    // name type encoding emb sub uni object ID: the subset tag is `ABCDEF+`.
    let columns: Vec<&str> = line.split_whitespace().collect();
    let (emb, sub) = (columns[columns.len() - 5], columns[columns.len() - 4]);
    assert_eq!((emb, sub), ("yes", "yes"), "embedded and subset:\n{fonts}");
    assert!(columns[0].contains('+'), "a subset name: {line}");
}

#[test]
fn without_fonts_the_cli_warns_on_stderr_and_with_them_it_does_not() {
    let output = succeeded(render(&cjk_spec(), "svg", &[]), "render without fonts");
    let warnings: Vec<String> = stderr(&output)
        .lines()
        .filter_map(|line| line.strip_prefix("plotbox: warning: "))
        .map(str::to_owned)
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("U+6E29")),
        "a warning names U+6E29: {warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("U+5EA6")),
        "{warnings:?}"
    );
    assert!(!output.stdout.is_empty(), "the picture is still written");

    let dir = wqy_dir("cli-warnings");
    // The environment variable works like the flag.
    let output = Command::new(binary())
        .args(["render", "-", "-o", "-", "--format", "svg"])
        .env("PLOTBOX_CACHE_DIR", cache_dir())
        .env("PLOTBOX_FONT_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().expect("stdin").write_all(&cjk_spec())?;
            child.wait_with_output()
        })
        .expect("plotbox runs");
    let output = succeeded(output, "render with PLOTBOX_FONT_DIR");
    assert!(
        !stderr(&output).contains("warning"),
        "no warnings with the font: {}",
        stderr(&output)
    );
}

#[test]
fn a_family_is_usable_with_the_font_dir_and_an_invalid_spec_without() {
    let dir = wqy_dir("cli-family");
    succeeded(
        render(
            &family_spec(),
            "svg",
            &["--font-dir", dir.to_str().expect("UTF-8 path")],
        ),
        "render with the family",
    );
    let output = render(&family_spec(), "svg", &[]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let error: Value = stderr(&output)
        .lines()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| panic!("no error JSON: {}", stderr(&output)));
    assert_eq!(error["error"]["kind"], "invalid_spec");
    assert_eq!(error["error"]["path"], "/font/family");
}

/// A directory holding the good font and `broken.ttf` (the first 4 KiB of it).
fn broken_dir(test: &str) -> PathBuf {
    let dir = wqy_dir(test);
    let good = std::fs::read(dir.join("wqy-microhei.ttc")).expect("read the font");
    std::fs::write(dir.join("broken.ttf"), &good[..4096]).expect("write");
    dir
}

#[test]
fn a_broken_font_file_stops_render_and_serve_at_start_up_naming_the_file() {
    let dir = broken_dir("broken");
    let dir_arg = dir.to_str().expect("UTF-8 path");
    let output = render(&cjk_spec(), "svg", &["--font-dir", dir_arg]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing rendered");
    assert!(
        stderr(&output).contains("broken.ttf"),
        "the message names the file: {}",
        stderr(&output)
    );

    // `serve` must exit on its own, before listening.
    let mut child = Command::new(binary())
        .args(["serve", "--addr", "127.0.0.1:0", "--font-dir", dir_arg])
        .env("PLOTBOX_CACHE_DIR", cache_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plotbox serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("plotbox serve kept running with a broken font");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().expect("output");
    assert!(!status.success());
    let message = stderr(&output);
    assert!(message.contains("broken.ttf"), "{message}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("listening"),
        "it never listened"
    );

    // An empty directory is an error too, not a silent "no fonts".
    let empty = scratch("fonts", "empty-font-dir");
    let output = render(
        &cjk_spec(),
        "svg",
        &["--font-dir", empty.to_str().expect("UTF-8 path")],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("holds no font files"),
        "{}",
        stderr(&output)
    );
}

// ---- the server ---------------------------------------------------------------------

/// `plotbox serve` on a free port; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(binary())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("PLOTBOX_CACHE_DIR", cache_dir())
            .env_remove("PLOTBOX_FONT_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("plotbox serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("plotbox listening on http://") {
                    let _ = sender.send(addr.trim().to_owned());
                }
            }
        });
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => Server {
                child,
                addr: addr.parse().expect("an address"),
            },
            Err(_) => {
                let _ = child.kill();
                panic!("plotbox serve {extra:?} printed no address");
            }
        }
    }

    fn with_fonts(dir: &Path) -> Server {
        Server::start(&["--font-dir", dir.to_str().expect("UTF-8 path")])
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `X-Plotbox-Warnings` list, checking that it is ASCII JSON.
    fn warnings(&self) -> Option<Vec<String>> {
        let raw = self.headers.get(WARNINGS_HEADER)?;
        assert!(raw.as_bytes().is_ascii(), "the header is ASCII: {raw:?}");
        let text = raw.to_str().expect("visible ASCII");
        Some(serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}")))
    }
}

async fn send(method: Method, url: &str, body: Vec<u8>) -> Reply {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("a request");
    let response = client.request(request).await.expect("a response");
    let (parts, body) = response.into_parts();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("the body").to_bytes(),
    }
}

async fn post(server: &Server, path: &str, spec: Vec<u8>) -> Reply {
    send(Method::POST, &server.url(path), spec).await
}

#[tokio::test]
async fn png_with_the_font_differs_from_the_missing_glyph_picture_and_only_that_warns() {
    let dir = wqy_dir("http-png");
    let plain = Server::start(&[]);
    let fonts = Server::with_fonts(&dir);

    let missing = post(&plain, "/render?format=png", cjk_spec()).await;
    let drawn = post(&fonts, "/render?format=png", cjk_spec()).await;
    assert_eq!(
        (missing.status, drawn.status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert!(missing.body.starts_with(b"\x89PNG") && drawn.body.starts_with(b"\x89PNG"));
    assert_ne!(
        missing.body, drawn.body,
        "the CJK glyphs change the picture"
    );
    let warnings = missing
        .warnings()
        .expect("X-Plotbox-Warnings without the font");
    assert!(
        warnings.iter().any(|w| w.contains("U+6E29")),
        "a warning names U+6E29: {warnings:?}"
    );
    assert_eq!(drawn.warnings(), None, "no header when nothing is missing");
    // The fonts are part of the picture's identity.
    assert_ne!(missing.header("etag"), drawn.header("etag"));

    // A cache hit answers what the render answered, warnings included.
    let again = post(&plain, "/render?format=png", cjk_spec()).await;
    assert_eq!(again.header("x-plotbox-cache"), Some("hit"));
    assert_eq!(again.body, missing.body);
    assert_eq!(again.warnings(), Some(warnings));
    let again = post(&fonts, "/render?format=png", cjk_spec()).await;
    assert_eq!(again.header("x-plotbox-cache"), Some("hit"));
    assert_eq!(again.warnings(), None);
}

#[tokio::test]
async fn a_family_renders_with_the_font_dir_and_is_invalid_spec_at_its_path_without() {
    let dir = wqy_dir("http-family");
    let fonts = Server::with_fonts(&dir);
    let ok = post(&fonts, "/render?format=svg", family_spec()).await;
    assert_eq!(
        ok.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&ok.body)
    );
    assert_eq!(ok.warnings(), None);

    let plain = Server::start(&[]);
    let refused = post(&plain, "/render?format=svg", family_spec()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let error = refused.json();
    assert_eq!(error["error"]["kind"], "invalid_spec");
    assert_eq!(error["error"]["path"], "/font/family");
}

#[tokio::test]
async fn get_fonts_lists_the_embedded_and_the_operator_families() {
    let dir = wqy_dir("http-list");
    let fonts = Server::with_fonts(&dir);
    let reply = send(Method::GET, &fonts.url("/fonts"), Vec::new()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let listing = reply.json();
    let families = listing["families"].as_array().expect("a families array");
    assert_eq!(families[0]["name"], "DejaVu Sans");
    assert_eq!(families[0]["source"], "embedded");
    let wqy = families
        .iter()
        .find(|family| family["name"] == WQY_FAMILY)
        .unwrap_or_else(|| panic!("{WQY_FAMILY} is listed: {listing}"));
    assert_eq!(wqy["source"], "operator");
    assert_eq!(wqy["files"], serde_json::json!(["wqy-microhei.ttc"]));
    assert!(
        wqy["styles"].as_array().is_some_and(|s| !s.is_empty()),
        "{wqy}"
    );

    let plain = Server::start(&[]);
    let listing = send(Method::GET, &plain.url("/fonts"), Vec::new())
        .await
        .json();
    let names: Vec<&str> = listing["families"]
        .as_array()
        .expect("families")
        .iter()
        .filter_map(|family| family["name"].as_str())
        .collect();
    assert_eq!(names, ["DejaVu Sans"]);
    let post = send(Method::POST, &plain.url("/fonts"), Vec::new()).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);

    // Only the sandbox's copy of the module carries the fonts: browsers get (and
    // `/healthz` names) the module as built.
    let module_of = |server: &Server| server.url("/pkg/renderer_wasm_bg.wasm");
    let (with, without) = (
        send(Method::GET, &module_of(&fonts), Vec::new()).await,
        send(Method::GET, &module_of(&plain), Vec::new()).await,
    );
    assert_eq!(with.status, StatusCode::OK);
    assert!(with.body == without.body, "the same module bytes");
    let (fonts_health, plain_health) = (
        send(Method::GET, &fonts.url("/healthz"), Vec::new()).await,
        send(Method::GET, &plain.url("/healthz"), Vec::new()).await,
    );
    assert_eq!(
        fonts_health.json()["module_sha256"],
        plain_health.json()["module_sha256"]
    );
}

#[tokio::test]
async fn font_files_are_served_from_the_loaded_set_and_nothing_else() {
    let dir = wqy_dir("http-files");
    // A second file whose name needs escaping in a URL: the copy under another name.
    std::fs::copy(WQY, dir.join("wqy copy+1.ttc")).expect("copy the font");
    let fonts = Server::with_fonts(&dir);
    let original = std::fs::read(WQY).expect("read the font");
    // The files on disk change after start-up: the server serves what it loaded, the
    // bytes its sandbox maps, not the directory's current contents.
    std::fs::write(dir.join("wqy-microhei.ttc"), b"changed").expect("overwrite");

    let listing = send(Method::GET, &fonts.url("/fonts"), Vec::new())
        .await
        .json();
    assert_eq!(
        listing["files"],
        serde_json::json!([
            {"name": "wqy copy+1.ttc", "bytes": original.len(), "url": "/fonts/files/wqy%20copy%2B1.ttc"},
            {"name": "wqy-microhei.ttc", "bytes": original.len(), "url": "/fonts/files/wqy-microhei.ttc"},
        ]),
        "the files in the module's order, with their URLs"
    );
    for file in listing["files"].as_array().expect("files") {
        let url = fonts.url(file["url"].as_str().expect("a url"));
        let reply = send(Method::GET, &url, Vec::new()).await;
        assert_eq!(reply.status, StatusCode::OK, "{url}");
        assert!(reply.body == original, "{url}: the loaded bytes");
        assert_eq!(reply.header("content-type"), Some("font/collection"));
        assert_eq!(reply.header("cache-control"), Some("no-cache"));
        let etag = reply.header("etag").expect("an ETag").to_owned();

        // Revalidation costs no body.
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let request = Request::builder()
            .uri(&url)
            .header("if-none-match", &etag)
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let response = client.request(request).await.expect("a response");
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{url}");

        let post = send(Method::POST, &url, Vec::new()).await;
        assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    }

    // Only the loaded names: no paths, no other files, not even one beside the fonts.
    std::fs::write(dir.join("notes.txt"), "not a font").expect("write");
    for path in [
        "/fonts/files/notes.txt",
        "/fonts/files/..%2F..%2F..%2Fetc%2Fpasswd",
        "/fonts/files/../fonts",
        "/fonts/files/",
        "/fonts/files/wqy%2Dmicrohei.ttc%00",
        "/fonts/files/%FF.ttc",
    ] {
        let reply = send(Method::GET, &fonts.url(path), Vec::new()).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(reply.json()["error"]["kind"], "not_found", "{path}");
    }

    // Without --font-dir there are no files to list or serve.
    let plain = Server::start(&[]);
    let listing = send(Method::GET, &plain.url("/fonts"), Vec::new())
        .await
        .json();
    assert_eq!(listing["files"], serde_json::json!([]));
    let reply = send(
        Method::GET,
        &plain.url("/fonts/files/wqy-microhei.ttc"),
        Vec::new(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
