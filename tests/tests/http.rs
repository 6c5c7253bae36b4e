//! `plotbox serve` end to end: the real binary on a free loopback port, driven over
//! real HTTP with hyper's client, stopped by each test.
//!
//! The tests run `target/release/plotbox` (cargo does not build another package's
//! binary for them): `scripts/test.sh` builds it first, and `plotbox_e2e::binary`
//! fails a test that would run a binary older than its sources.

use plotbox_e2e::{binary, listening_address, serve_command, url_encode};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::HeaderMap;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use sha2::{Digest, Sha256};

// ---- the server under test --------------------------------------------------------

/// A `plotbox serve` child process on a free port; killed on drop if still running.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

/// How long the server may take to print its address (it is well under a second
/// when the compile cache is warm; the first start compiles the module).
const START_TIMEOUT: Duration = Duration::from_secs(60);

impl Server {
    fn start(extra: &[&str]) -> Server {
        let log = std::env::temp_dir().join(format!(
            "plotbox-http-test-{}-{}.log",
            std::process::id(),
            next_id()
        ));
        let log_file = std::fs::File::create(&log).expect("create the server log file");
        let mut child = serve_command()
            .args(["--log-format", "json"])
            .args(extra)
            // Keep the tests' compile cache out of the user's home.
            .env("PLOTBOX_CACHE_DIR", test_cache_dir())
            .stderr(log_file)
            .spawn()
            .expect("start plotbox serve");
        let addr = listening_address(&mut child, START_TIMEOUT, || {
            std::fs::read_to_string(&log).unwrap_or_default()
        });
        Server { child, addr, log }
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// Sends SIGTERM (through `kill(1)`, to keep the tests free of unsafe FFI).
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit, at most `limit`.
    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The JSON log lines written so far.
    fn log_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The compile cache the test servers share (in cargo's per-target temp folder).
fn test_cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache")
}

fn next_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

// ---- HTTP ---------------------------------------------------------------------------

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The error `kind`, checking the docs/spec.md error shape on the way.
    fn error_kind(&self) -> String {
        let json = self.json();
        assert_eq!(self.header("content-type"), "application/json");
        assert!(json["error"]["message"].is_string(), "no message: {json}");
        json["error"]["kind"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

async fn send(
    method: Method,
    url: &str,
    body: impl Into<Bytes>,
    headers: &[(&str, &str)],
) -> Reply {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(body.into()))
        .expect("a valid request");
    let response = client.request(request).await.expect("an HTTP response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("the whole body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

async fn get(url: &str) -> Reply {
    send(Method::GET, url, Bytes::new(), &[]).await
}

async fn post(url: &str, body: impl Into<Bytes>) -> Reply {
    send(
        Method::POST,
        url,
        body,
        &[("content-type", "application/json")],
    )
    .await
}

// ---- specs and pictures -------------------------------------------------------------

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/http")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// W1: a 1,000-point line chart, 640×480, with title and axis labels.
fn w1() -> Vec<u8> {
    fixture("w1_line.json")
}

/// W1 with another title, so that no cache can answer in its place.
fn w1_titled(title: &str) -> Vec<u8> {
    let mut spec: Value = serde_json::from_slice(&w1()).expect("W1 is JSON");
    spec["title"] = Value::from(title);
    serde_json::to_vec(&spec).expect("serialize")
}

/// A spec whose PNG at scale 4 takes far longer than a short deadline.
fn heavy() -> Vec<u8> {
    fixture("heavy_scatter.json")
}

const SMALL: &[u8] =
    br#"{"title": "small", "series": [{"type": "bar", "x": ["a", "b", "c"], "y": [3, 1, 2]}]}"#;

/// Parses an SVG and returns its (width, height) and number of elements.
fn svg_info(body: &[u8]) -> (f64, f64, usize) {
    let text = std::str::from_utf8(body).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(text).expect("SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let number = |name: &str| {
        root.attribute(name)
            .map(|v| v.trim_end_matches("px"))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (
        number("width"),
        number("height"),
        root.descendants().filter(|n| n.is_element()).count(),
    )
}

/// Decodes a PNG and returns its size and how many distinct colors it uses.
fn png_info(body: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(body));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("PNG size")];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    let bytes_per_pixel = frame.line_size / frame.width as usize;
    let colors: std::collections::HashSet<&[u8]> = pixels[..frame.buffer_size()]
        .chunks(bytes_per_pixel)
        .collect();
    (frame.width, frame.height, colors.len())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---- Prometheus text --------------------------------------------------------------

/// Parses the Prometheus text format strictly enough to catch a malformed line:
/// returns the samples by `name{labels}`, and checks every sample has a `# TYPE`.
fn parse_metrics(text: &str) -> HashMap<String, f64> {
    let mut types = HashMap::new();
    let mut samples = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let (name, kind) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            assert!(
                ["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind),
                "bad TYPE line {line:?}"
            );
            types.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with('#') {
            assert!(line.starts_with("# HELP "), "unknown comment {line:?}");
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("no value: {line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("bad value: {line:?}"));
        let name = series.split('{').next().unwrap_or("");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name {line:?}"
        );
        if let Some(labels) = series.strip_prefix(name) {
            if !labels.is_empty() {
                assert!(
                    labels.starts_with('{') && labels.ends_with('}'),
                    "bad labels {line:?}"
                );
                for label in labels[1..labels.len() - 1].split(',') {
                    let (key, quoted) = label
                        .split_once('=')
                        .unwrap_or_else(|| panic!("bad label {line:?}"));
                    assert!(
                        !key.is_empty() && quoted.starts_with('"') && quoted.ends_with('"'),
                        "bad label {line:?}"
                    );
                }
            }
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                name.strip_suffix(suffix)
                    .filter(|base| types.get(*base).is_some_and(|t| t == "histogram"))
            })
            .unwrap_or(name);
        assert!(
            types.contains_key(family),
            "sample without # TYPE: {line:?}"
        );
        samples.insert(series.to_owned(), value);
    }
    samples
}

async fn metrics(server: &Server) -> HashMap<String, f64> {
    let reply = get(&server.url("/metrics")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").starts_with("text/plain"));
    parse_metrics(std::str::from_utf8(&reply.body).expect("metrics are UTF-8"))
}

fn sample(metrics: &HashMap<String, f64>, series: &str) -> f64 {
    *metrics
        .get(series)
        .unwrap_or_else(|| panic!("no sample {series}"))
}

// ---- tests --------------------------------------------------------------------------

#[tokio::test]
async fn health_schema_examples_page_and_module_routes() {
    let server = Server::start(&[]);

    let health = get(&server.url("/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.header("content-type"), "application/json");
    let json = health.json();
    assert_eq!(json["status"], "ok");
    let module_sha = json["module_sha256"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(module_sha.len(), 64);
    assert!(module_sha
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(health.header("x-plotbox-module-sha256"), module_sha);

    let ready = get(&server.url("/readyz")).await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.json()["status"], "ready");

    let schema = get(&server.url("/schema.json")).await;
    assert_eq!(schema.status, StatusCode::OK);
    assert_eq!(schema.header("content-type"), "application/json");
    assert!(
        schema.json()["properties"]["series"].is_object()
            || schema.json()["properties"]["axes"].is_object()
    );

    let examples = get(&server.url("/examples.json")).await;
    assert_eq!(examples.status, StatusCode::OK);
    let list = examples.json();
    let list = list.as_array().expect("examples are an array");
    for example in list {
        assert!(example["name"].is_string(), "{example}");
        let spec = serde_json::to_vec(&example["spec"]).expect("serialize");
        let rendered = post(&server.url("/render?format=svg"), spec).await;
        assert_eq!(
            rendered.status,
            StatusCode::OK,
            "example {}",
            example["name"]
        );
    }

    let page = get(&server.url("/")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "text/html; charset=utf-8");
    assert!(String::from_utf8_lossy(&page.body).contains("plotbox"));

    // What you preview is what the server sends: the module served to browsers is
    // the one whose hash /healthz reports.
    let module = get(&server.url("/pkg/renderer_wasm_bg.wasm")).await;
    assert_eq!(module.status, StatusCode::OK);
    assert_eq!(module.header("content-type"), "application/wasm");
    assert_eq!(&module.body[..4], b"\0asm");
    assert_eq!(sha256_hex(&module.body), module_sha);

    let glue = get(&server.url("/pkg/renderer_wasm.js")).await;
    assert_eq!(glue.status, StatusCode::OK);
    assert_eq!(
        glue.header("content-type"),
        "text/javascript; charset=utf-8"
    );

    // Static files revalidate by ETag.
    let etag = page.header("etag").to_owned();
    assert!(!etag.is_empty());
    let again = send(
        Method::GET,
        &server.url("/"),
        Bytes::new(),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn svg_and_png_renders_are_valid_and_get_equals_post() {
    let server = Server::start(&[]);
    let spec = w1();

    let svg = post(&server.url("/render?format=svg"), spec.clone()).await;
    assert_eq!(
        svg.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&svg.body)
    );
    assert_eq!(svg.header("content-type"), "image/svg+xml");
    let (width, height, elements) = svg_info(&svg.body);
    assert_eq!((width, height), (640.0, 480.0));
    assert!(
        elements > 20,
        "an SVG of {elements} elements cannot be a chart"
    );

    let png = post(&server.url("/render"), spec.clone()).await;
    assert_eq!(
        png.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&png.body)
    );
    assert_eq!(
        png.header("content-type"),
        "image/png",
        "PNG is the default format"
    );
    let (width, height, colors) = png_info(&png.body);
    assert_eq!((width, height), (640, 480));
    assert!(colors >= 8, "{colors} colors: blank or not anti-aliased");

    let png2 = post(&server.url("/render?format=png&scale=2"), spec.clone()).await;
    assert_eq!(png2.status, StatusCode::OK);
    let (width, height, _) = png_info(&png2.body);
    assert_eq!((width, height), (1280, 960));

    let encoded = url_encode(&spec);
    for (query, want) in [
        ("format=svg", &svg),
        ("format=png", &png),
        ("format=png&scale=2", &png2),
    ] {
        let got = get(&server.url(&format!("/render?{query}&spec={encoded}"))).await;
        assert_eq!(got.status, StatusCode::OK, "GET {query}");
        assert_eq!(got.header("content-type"), want.header("content-type"));
        assert!(got.body == want.body, "GET {query} differs from POST");
        assert_eq!(got.header("etag"), want.header("etag"));
        assert!(
            got.header("cache-control").contains("max-age"),
            "GET is cacheable"
        );
    }

    // Without `format`, Accept decides; an <img> (Accept: image/*) gets PNG.
    let by_accept = send(
        Method::POST,
        &server.url("/render"),
        spec.clone(),
        &[("accept", "image/svg+xml")],
    )
    .await;
    assert_eq!(by_accept.header("content-type"), "image/svg+xml");
    assert!(by_accept.body == svg.body);
    let img = send(
        Method::GET,
        &server.url(&format!("/render?spec={encoded}")),
        Bytes::new(),
        &[("accept", "image/avif,image/webp,image/*,*/*;q=0.8")],
    )
    .await;
    assert_eq!(img.header("content-type"), "image/png");
    assert!(img.body == png.body);
}

#[tokio::test]
async fn pdf_comes_by_query_and_by_accept_and_get_equals_post() {
    let server = Server::start(&[]);
    let spec = w1();

    let pdf = post(&server.url("/render?format=pdf"), spec.clone()).await;
    assert_eq!(
        pdf.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&pdf.body)
    );
    assert_eq!(pdf.header("content-type"), "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-1.7"), "not a PDF");
    assert!(pdf.body.ends_with(b"%%EOF"), "a truncated PDF");
    // W1 is 640x480 px at 100 dpi: a 6.4 x 4.8 in page.
    let text = String::from_utf8_lossy(&pdf.body);
    assert!(text.contains("/MediaBox [0 0 460.8 345.6]"), "page size");

    // The scale does not apply to a vector format: the same picture and the same ETag.
    let scaled = post(&server.url("/render?format=PDF&scale=3"), spec.clone()).await;
    assert!(scaled.body == pdf.body);
    assert_eq!(scaled.header("etag"), pdf.header("etag"));

    let encoded = url_encode(&spec);
    let got = get(&server.url(&format!("/render?format=pdf&spec={encoded}"))).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.header("content-type"), "application/pdf");
    assert!(got.body == pdf.body, "GET differs from POST");
    assert_eq!(got.header("etag"), pdf.header("etag"));
    let svg = post(&server.url("/render?format=svg"), spec.clone()).await;
    assert_ne!(svg.header("etag"), pdf.header("etag"));

    let by_accept = send(
        Method::POST,
        &server.url("/render"),
        spec.clone(),
        &[("accept", "application/pdf")],
    )
    .await;
    assert_eq!(by_accept.header("content-type"), "application/pdf");
    assert!(by_accept.body == pdf.body);
    assert!(by_accept
        .header("vary")
        .to_ascii_lowercase()
        .contains("accept"));
    // Naming PDF beside the pictures at the same rank keeps the picture.
    let tie = send(
        Method::POST,
        &server.url("/render"),
        spec.clone(),
        &[("accept", "image/png, application/pdf")],
    )
    .await;
    assert_eq!(tie.header("content-type"), "image/png");

    let bad = post(&server.url("/render?format=eps"), spec.clone()).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error_kind(), "invalid_spec");
    let message = bad.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("`pdf`"), "{message}");

    // A spec error is the same JSON whatever the format.
    let invalid = post(&server.url("/render?format=pdf"), &b"{\"series\": 3}"[..]).await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid.error_kind(), "invalid_spec");

    let metrics = metrics(&server).await;
    assert!(
        sample(
            &metrics,
            r#"plotbox_renders_total{format="pdf",outcome="ok"}"#
        ) >= 1.0,
        "PDF renders are counted"
    );
}

#[tokio::test]
async fn every_error_kind_has_its_status_and_json() {
    let server = Server::start(&[
        "--max-body",
        "100000",
        "--memory-mb",
        "16",
        "--timeout-ms",
        "60000",
    ]);
    let render = server.url("/render?format=svg");

    let not_json = post(&render, "{\"series\": [").await;
    assert_eq!(
        (not_json.status, not_json.error_kind().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_spec")
    );

    let typo = post(
        &render,
        r#"{"series": [{"type": "line", "y": [1, 2], "colour": "red"}]}"#,
    )
    .await;
    assert_eq!(
        (typo.status, typo.error_kind().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_spec")
    );
    assert_eq!(typo.json()["error"]["path"], "/series/0/colour");

    let huge_canvas = post(
        &render,
        r#"{"width": 1000000, "series": [{"type": "line", "y": [1, 2]}]}"#,
    )
    .await;
    assert_eq!(
        (huge_canvas.status, huge_canvas.error_kind().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );

    // Over --max-body: refused from Content-Length, before the body is read.
    let big_body = post(&render, vec![b' '; 200_000]).await;
    assert_eq!(
        (big_body.status, big_body.error_kind().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "too_large")
    );

    // A 3200×2400 PNG (7.7 M device pixels, within the canvas limit) needs about
    // 33 MiB, more than this server's 16 MiB: the sandbox stops it, never the process.
    let big_canvas =
        br#"{"width": 3200, "height": 2400, "series": [{"type": "line", "y": [1, 3, 2]}]}"#;
    let memory = post(&server.url("/render?format=png"), big_canvas.as_slice()).await;
    assert_eq!(
        (memory.status, memory.error_kind().as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "memory_limit"),
        "{}",
        String::from_utf8_lossy(&memory.body)
    );

    let bad_format = post(&server.url("/render?format=gif"), SMALL).await;
    assert_eq!(
        (bad_format.status, bad_format.error_kind().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_spec")
    );
    assert!(bad_format.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("`format`"));
    let bad_scale = post(&server.url("/render?format=png&scale=9"), SMALL).await;
    assert_eq!(
        (bad_scale.status, bad_scale.error_kind().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_spec")
    );
    assert!(bad_scale.json()["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("`scale`"));
    let no_spec = get(&server.url("/render?format=svg")).await;
    assert_eq!(
        (no_spec.status, no_spec.error_kind().as_str()),
        (StatusCode::BAD_REQUEST, "invalid_spec")
    );

    let unknown = get(&server.url("/nothing/here")).await;
    assert_eq!(
        (unknown.status, unknown.error_kind().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );

    let wrong_method = send(Method::DELETE, &render, Bytes::new(), &[]).await;
    assert_eq!(
        (wrong_method.status, wrong_method.error_kind().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    assert_eq!(wrong_method.header("allow"), "GET, HEAD, POST");
    let post_health = post(&server.url("/healthz"), "").await;
    assert_eq!(post_health.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post_health.header("allow"), "GET, HEAD");

    // After all of that the server is fine.
    let fine = post(&render, SMALL).await;
    assert_eq!(fine.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_streamed_past_max_body_is_refused() {
    let server = Server::start(&["--max-body", "100000"]);
    // A chunked body has no Content-Length to check, so the server must count.
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    let client = Client::builder(TokioExecutor::new()).build_http::<ChannelBody>();
    let request = Request::post(server.url("/render?format=svg"))
        .body(ChannelBody(receiver))
        .expect("request");
    let feeding = tokio::spawn(async move {
        // 400 kB in all, four times the limit; the sender stops when the server hangs up.
        for _ in 0..40 {
            if sender.send(Bytes::from(vec![b' '; 10_000])).await.is_err() {
                break;
            }
        }
    });
    let response = client.request(request).await.expect("a response");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["error"]["kind"], "too_large");
    feeding.abort();
}

/// A request body fed from a channel, so it is sent chunked, without Content-Length.
struct ChannelBody(tokio::sync::mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|data| Ok(hyper::body::Frame::data(data))))
    }
}

#[tokio::test]
async fn a_render_past_its_deadline_is_stopped_with_422_and_the_next_is_served() {
    // Memory enough for the 3200×2400 canvas (100,000 points, about 2 s of work), so
    // that time is what runs out.
    let server = Server::start(&["--timeout-ms", "100", "--memory-mb", "512"]);
    let started = Instant::now();
    let slow = post(&server.url("/render?format=png&scale=2"), heavy()).await;
    let took = started.elapsed();
    assert_eq!(
        slow.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&slow.body)
    );
    assert_eq!(slow.error_kind(), "deadline_exceeded");
    // "About the timeout": generous, but far from unbounded.
    assert!(took < Duration::from_secs(3), "stopped only after {took:?}");

    let next = post(&server.url("/render?format=svg"), w1()).await;
    assert_eq!(next.status, StatusCode::OK);
    svg_info(&next.body);
    let counted = metrics(&server).await;
    assert_eq!(
        sample(
            &counted,
            r#"plotbox_renders_total{format="png",outcome="deadline_exceeded"}"#
        ),
        1.0
    );
}

#[tokio::test]
async fn overload_gets_503_with_retry_after_and_every_admitted_request_is_answered() {
    let server = Server::start(&["--workers", "1", "--queue", "1", "--cache-mb", "0"]);
    let requests = 16;
    let mut tasks = Vec::new();
    for i in 0..requests {
        let url = server.url("/render?format=png&scale=2");
        tasks.push(tokio::spawn(async move {
            post(&url, w1_titled(&format!("overload {i}"))).await
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        let reply = tokio::time::timeout(Duration::from_secs(120), task)
            .await
            .expect("every request is answered")
            .expect("the task ran");
        match reply.status {
            StatusCode::OK => {
                let (width, height, colors) = png_info(&reply.body);
                assert_eq!((width, height), (1280, 960));
                assert!(colors >= 8);
                ok += 1;
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(reply.error_kind(), "overloaded");
                assert_eq!(reply.header("retry-after"), "1");
                refused += 1;
            }
            other => panic!("status {other}: {}", String::from_utf8_lossy(&reply.body)),
        }
    }
    assert!(ok >= 1 && refused >= 1, "{ok} rendered, {refused} refused");
    assert_eq!(ok + refused, requests);
    let counted = metrics(&server).await;
    assert_eq!(
        sample(&counted, "plotbox_rejected_total"),
        f64::from(refused)
    );
    assert_eq!(
        sample(
            &counted,
            r#"plotbox_renders_total{format="png",outcome="ok"}"#
        ),
        f64::from(ok)
    );
    assert_eq!(sample(&counted, "plotbox_renders_in_flight"), 0.0);
    assert_eq!(sample(&counted, "plotbox_renders_queued"), 0.0);
}

#[tokio::test]
async fn a_matching_if_none_match_gets_304_and_repeats_come_from_the_cache() {
    let server = Server::start(&[]);
    let url = server.url(&format!("/render?format=svg&spec={}", url_encode(SMALL)));
    let first = get(&url).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("x-plotbox-cache"), "miss");
    let etag = first.header("etag").to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "{etag}"
    );

    let revalidated = send(Method::GET, &url, Bytes::new(), &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.header("etag"), etag);

    let stale = send(
        Method::GET,
        &url,
        Bytes::new(),
        &[("if-none-match", "\"something-else\"")],
    )
    .await;
    assert_eq!(stale.status, StatusCode::OK);
    assert_eq!(stale.header("x-plotbox-cache"), "hit");
    assert!(stale.body == first.body);

    // Another format or scale is another picture, with another tag.
    let png = get(&server.url(&format!("/render?format=png&spec={}", url_encode(SMALL)))).await;
    assert_ne!(png.header("etag"), etag);

    let counted = metrics(&server).await;
    assert_eq!(sample(&counted, "plotbox_not_modified_total"), 1.0);
    assert_eq!(sample(&counted, "plotbox_cache_hits_total"), 1.0);
    assert_eq!(
        sample(
            &counted,
            r#"plotbox_renders_total{format="svg",outcome="ok"}"#
        ),
        1.0
    );
}

#[tokio::test]
async fn metrics_parse_and_their_counters_move() {
    let server = Server::start(&[]);
    let before = metrics(&server).await;
    for series in [
        "plotbox_rejected_total",
        "plotbox_renders_in_flight",
        "plotbox_renders_queued",
        r#"plotbox_render_duration_seconds_count{format="svg"}"#,
    ] {
        assert_eq!(sample(&before, series), 0.0, "{series}");
    }
    assert!(post(&server.url("/render?format=svg"), w1())
        .await
        .status
        .is_success());
    assert!(post(&server.url("/render?format=png"), w1())
        .await
        .status
        .is_success());
    assert_eq!(
        post(&server.url("/render?format=svg"), "[]").await.status,
        StatusCode::BAD_REQUEST
    );

    let after = metrics(&server).await;
    let moved = |series: &str| sample(&after, series) - sample(&before, series);
    assert_eq!(
        moved(r#"plotbox_renders_total{format="svg",outcome="ok"}"#),
        1.0
    );
    assert_eq!(
        moved(r#"plotbox_renders_total{format="png",outcome="ok"}"#),
        1.0
    );
    assert_eq!(
        moved(r#"plotbox_renders_total{format="svg",outcome="invalid_spec"}"#),
        1.0
    );
    assert_eq!(
        moved(r#"plotbox_render_duration_seconds_count{format="svg"}"#),
        2.0
    );
    assert_eq!(
        moved(r#"plotbox_render_duration_seconds_bucket{format="svg",le="+Inf"}"#),
        2.0
    );
    assert!(
        sample(
            &after,
            r#"plotbox_render_duration_seconds_sum{format="png"}"#
        ) > 0.0
    );
    assert!(moved(r#"plotbox_http_responses_total{code="2xx"}"#) >= 2.0);
    assert_eq!(moved(r#"plotbox_http_responses_total{code="4xx"}"#), 1.0);
}

#[tokio::test]
async fn each_request_has_an_id_and_one_log_line() {
    let mut server = Server::start(&[]);
    let given = send(
        Method::POST,
        &server.url("/render?format=svg"),
        SMALL,
        &[("x-request-id", "trace-abc-123")],
    )
    .await;
    assert_eq!(given.header("x-request-id"), "trace-abc-123");
    let fresh_a = get(&server.url("/nope")).await;
    let fresh_b = get(&server.url("/healthz")).await;
    let (a, b) = (
        fresh_a.header("x-request-id"),
        fresh_b.header("x-request-id"),
    );
    assert!(!a.is_empty() && a != b, "{a:?} {b:?}");

    server.terminate();
    assert!(server.wait(Duration::from_secs(20)).success());
    let lines = server.log_lines();
    let for_id = |id: &str| -> Vec<Value> {
        lines
            .iter()
            .filter(|line| line["request_id"] == id)
            .cloned()
            .collect()
    };
    let traced = for_id("trace-abc-123");
    assert_eq!(traced.len(), 1, "{lines:?}");
    let line = &traced[0];
    assert_eq!(line["method"], "POST");
    assert_eq!(line["path"], "/render");
    assert_eq!(line["status"], 200);
    assert_eq!(line["bytes"], given.body.len());
    assert!(line["duration_us"].is_u64());
    let missing = for_id(a);
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0]["status"], 404);
    assert_eq!(missing[0]["kind"], "not_found");
}

#[tokio::test]
async fn shutdown_finishes_the_render_in_flight_then_exits_zero() {
    // Limits loose enough that the long 3200×2400 render completes.
    let mut server = Server::start(&[
        "--workers",
        "1",
        "--memory-mb",
        "512",
        "--timeout-ms",
        "60000",
        "--fuel",
        "0",
    ]);
    let url = server.url("/render?format=png&scale=2");
    let in_flight = tokio::spawn(async move { post(&url, heavy()).await });
    // Wait until the render is on its worker, so the signal lands mid-render.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if sample(&metrics(&server).await, "plotbox_renders_in_flight") >= 1.0 {
            break;
        }
        assert!(Instant::now() < deadline, "the render never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.terminate();
    let reply = tokio::time::timeout(Duration::from_secs(60), in_flight)
        .await
        .expect("the render in flight is answered")
        .expect("the task ran");
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let (width, height, _) = png_info(&reply.body);
    assert_eq!((width, height), (3200, 2400));
    let status = tokio::task::spawn_blocking(move || {
        let status = server.wait(Duration::from_secs(30));
        (status, server)
    })
    .await
    .expect("wait");
    assert!(status.0.success(), "exit status {:?}", status.0);
}

// ---- browsers on other origins, and what a picture may do ---------------------------

/// A browser's preflight for a POST of JSON from `origin`.
async fn preflight(server: &Server, path: &str, origin: &str) -> Reply {
    send(
        Method::OPTIONS,
        &server.url(path),
        Bytes::new(),
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
    )
    .await
}

fn vary_names(reply: &Reply) -> Vec<String> {
    reply
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn cors_off_by_default_options_is_405_and_no_cors_header_is_sent() {
    let server = Server::start(&[]);
    let options = preflight(&server, "/render", "https://app.example").await;
    assert_eq!(options.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(options.error_kind(), "method_not_allowed");
    let rendered = send(
        Method::POST,
        &server.url("/render?format=svg"),
        SMALL,
        &[("origin", "https://app.example")],
    )
    .await;
    assert_eq!(rendered.status, StatusCode::OK);
    assert!(!rendered.headers.contains_key("access-control-allow-origin"));
    assert!(!vary_names(&rendered).contains(&"origin".to_owned()));
}

#[tokio::test]
async fn cors_listed_origins_get_a_preflight_and_their_origin_back_others_do_not() {
    let server = Server::start(&[
        "--cors-origin",
        "https://App.example, http://localhost:3000",
    ]);

    let ok = preflight(&server, "/render", "https://app.example").await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    assert!(ok.body.is_empty());
    assert_eq!(
        ok.header("access-control-allow-origin"),
        "https://app.example"
    );
    let methods = ok.header("access-control-allow-methods");
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed_headers = ok
        .header("access-control-allow-headers")
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("content-type"),
        "{allowed_headers}"
    );
    assert_eq!(ok.header("access-control-max-age"), "7200");
    assert!(vary_names(&ok).contains(&"origin".to_owned()));

    // The other listed origin, on a read-only route: only its methods.
    let health = preflight(&server, "/healthz", "http://localhost:3000").await;
    assert_eq!(health.status, StatusCode::NO_CONTENT);
    assert_eq!(
        health.header("access-control-allow-origin"),
        "http://localhost:3000"
    );
    assert_eq!(health.header("access-control-allow-methods"), "GET, HEAD");

    // An origin not in the list: refused, with nothing that would let a browser pass.
    let refused = preflight(&server, "/render", "https://evil.example").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.error_kind(), "origin_not_allowed");
    assert!(!refused.headers.contains_key("access-control-allow-origin"));
    assert!(!refused.headers.contains_key("access-control-allow-methods"));
    assert!(vary_names(&refused).contains(&"origin".to_owned()));

    let missing = preflight(&server, "/nothing/here", "https://app.example").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // A plain OPTIONS (no preflight) is answered with the route's methods.
    let plain = send(Method::OPTIONS, &server.url("/render"), Bytes::new(), &[]).await;
    assert_eq!(plain.status, StatusCode::NO_CONTENT);
    assert_eq!(plain.header("allow"), "GET, HEAD, POST");
    assert!(!plain.headers.contains_key("access-control-allow-methods"));

    // The actual request: the allowed origin can read the picture and its headers.
    let rendered = send(
        Method::POST,
        &server.url("/render?format=svg"),
        SMALL,
        &[
            ("origin", "https://app.example"),
            ("content-type", "application/json"),
        ],
    )
    .await;
    assert_eq!(rendered.status, StatusCode::OK);
    assert_eq!(
        rendered.header("access-control-allow-origin"),
        "https://app.example"
    );
    let exposed = rendered
        .header("access-control-expose-headers")
        .to_ascii_lowercase();
    for name in ["etag", "x-plotbox-warnings", "retry-after"] {
        assert!(exposed.contains(name), "{name} not in {exposed}");
    }
    let vary = vary_names(&rendered);
    assert!(
        vary.contains(&"accept".to_owned()) && vary.contains(&"origin".to_owned()),
        "{vary:?}"
    );
    svg_info(&rendered.body);

    let other = send(
        Method::POST,
        &server.url("/render?format=svg"),
        SMALL,
        &[("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.headers.contains_key("access-control-allow-origin"));
    assert!(vary_names(&other).contains(&"origin".to_owned()));

    // Same-origin and non-browser requests: no CORS header, but the answer still
    // varies on Origin, so a shared cache cannot hand it to another origin.
    let plain_get = get(&server.url("/healthz")).await;
    assert!(!plain_get
        .headers
        .contains_key("access-control-allow-origin"));
    assert!(vary_names(&plain_get).contains(&"origin".to_owned()));
}

#[tokio::test]
async fn cors_star_allows_every_origin_without_varying_on_it() {
    let server = Server::start(&["--cors-origin", "*"]);
    let ok = preflight(&server, "/render", "https://anyone.example").await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    assert_eq!(ok.header("access-control-allow-origin"), "*");
    assert!(ok.header("access-control-allow-methods").contains("POST"));
    assert_eq!(ok.header("access-control-max-age"), "7200");

    let rendered = send(
        Method::POST,
        &server.url("/render?format=svg"),
        SMALL,
        &[("origin", "https://anyone.example")],
    )
    .await;
    assert_eq!(rendered.status, StatusCode::OK);
    assert_eq!(rendered.header("access-control-allow-origin"), "*");
    assert_eq!(vary_names(&rendered), vec!["accept".to_owned()]);
}

#[tokio::test]
async fn pictures_carry_nosniff_and_a_csp_without_scripts_and_titles_are_escaped() {
    let server = Server::start(&[]);
    let spec = serde_json::json!({
        "title": "<script>alert(1)</script>",
        "series": [{"type": "line", "y": [1, 3, 2], "label": "<b onload=x>"}],
        "legend": "upper right",
    });
    let spec = serde_json::to_vec(&spec).expect("serialize");
    let svg = post(&server.url("/render?format=svg"), spec.clone()).await;
    assert_eq!(
        svg.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&svg.body)
    );
    let text = String::from_utf8_lossy(&svg.body);
    assert!(
        text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title is not escaped: {text}"
    );
    assert!(!text.contains("<script"), "markup from the spec: {text}");
    assert!(!text.contains("<b "), "markup from the spec: {text}");
    svg_info(&svg.body);

    let csp = "default-src 'none'; style-src 'unsafe-inline'";
    let encoded = url_encode(&spec);
    let get_svg = get(&server.url(&format!("/render?format=svg&spec={encoded}"))).await;
    let png = post(&server.url("/render?format=png"), spec.clone()).await;
    let pdf = post(&server.url("/render?format=pdf"), spec.clone()).await;
    let revalidated = send(
        Method::GET,
        &server.url(&format!("/render?format=svg&spec={encoded}")),
        Bytes::new(),
        &[("if-none-match", get_svg.header("etag"))],
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    for (name, reply) in [
        ("POST svg", &svg),
        ("GET svg (cache hit)", &get_svg),
        ("png", &png),
        ("pdf", &pdf),
        ("304", &revalidated),
    ] {
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{name}");
        assert_eq!(reply.header("content-security-policy"), csp, "{name}");
    }
}

#[tokio::test]
async fn serve_keeps_its_compiled_module_in_cache_dir() {
    let dir = plotbox_e2e::scratch("http", "cache-dir");
    let dir_arg = dir.to_str().expect("a UTF-8 temp path");
    let cwasm = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|name| name.ends_with(".cwasm"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let module_sha = {
        let server = Server::start(&["--cache-dir", dir_arg]);
        let health = get(&server.url("/healthz")).await;
        let rendered = post(&server.url("/render?format=svg"), SMALL).await;
        assert_eq!(rendered.status, StatusCode::OK);
        health.json()["module_sha256"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let entries = cwasm(&dir);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].starts_with(&module_sha[..16]), "{entries:?}");

    // `--no-cache` compiles without touching the directory.
    let other = plotbox_e2e::scratch("http", "no-cache");
    let other_arg = other.to_str().expect("a UTF-8 temp path");
    let server = Server::start(&["--cache-dir", other_arg, "--no-cache"]);
    assert_eq!(
        post(&server.url("/render?format=svg"), SMALL).await.status,
        StatusCode::OK
    );
    assert!(cwasm(&other).is_empty());
}

// ---- plotbox healthcheck -----------------------------------------------------------

/// `plotbox healthcheck ARGS` with PLOTBOX_ADDR set to `env_addr` (or unset).
fn healthcheck(args: &[&str], env_addr: Option<&str>) -> std::process::Output {
    let mut command = Command::new(binary());
    command
        .arg("healthcheck")
        .args(args)
        .env_remove("PLOTBOX_ADDR");
    if let Some(addr) = env_addr {
        command.env("PLOTBOX_ADDR", addr);
    }
    command.output().expect("run plotbox healthcheck")
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn healthcheck_exits_0_on_a_running_server_and_1_on_a_closed_port() {
    let server = Server::start(&[]);
    let addr = server.addr.to_string();

    let flag = healthcheck(&["--addr", &addr], None);
    assert_eq!(flag.status.code(), Some(0), "{}", stderr_of(&flag));
    let said = String::from_utf8_lossy(&flag.stdout);
    assert!(
        said.contains(&format!("http://{addr}/healthz answered 200")),
        "{said}"
    );

    // From PLOTBOX_ADDR as a container sets it for `serve`, with the unspecified
    // address the server would bind there: probed on loopback.
    let any = format!("0.0.0.0:{}", server.addr.port());
    let env = healthcheck(&[], Some(&any));
    assert_eq!(env.status.code(), Some(0), "{}", stderr_of(&env));

    // A port nobody listens on (bound, then released).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .to_string();
    let refused = healthcheck(&["--addr", &closed, "--timeout-ms", "500"], None);
    assert_eq!(refused.status.code(), Some(1));
    let message = stderr_of(&refused);
    assert!(
        message.contains(&format!("http://{closed}/healthz: cannot connect")),
        "{message}"
    );
}

#[test]
fn healthcheck_exits_1_on_a_non_200_answer_and_on_silence() {
    use std::io::{Read, Write};
    // A server that answers every probe with 503, then one that never answers.
    let unhealthy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unhealthy_addr = unhealthy.local_addr().expect("address").to_string();
    std::thread::spawn(move || {
        for mut stream in unhealthy.incoming().map_while(Result::ok) {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let _ =
                stream.write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let answer = healthcheck(&["--addr", &unhealthy_addr], None);
    assert_eq!(answer.status.code(), Some(1));
    let message = stderr_of(&answer);
    assert!(message.contains("answered 503, not 200"), "{message}");

    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_addr = silent.local_addr().expect("address").to_string();
    // Accepted (by the kernel's backlog) and held open without a byte of answer.
    let silence = healthcheck(&["--addr", &silent_addr, "--timeout-ms", "300"], None);
    drop(silent);
    assert_eq!(silence.status.code(), Some(1));
    let message = stderr_of(&silence);
    assert!(message.contains("no answer within 300 ms"), "{message}");
}
