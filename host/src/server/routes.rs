//! The router and one handler per endpoint (after hyper's `web_api` example): every
//! request gets an id, one log line and a response, errors included, as the error JSON
//! of docs/spec.md ("Errors") with its status.
//!
//! Errors outside the spec's kinds, which only HTTP has, use the same JSON shape with
//! the kinds `not_found` (404), `method_not_allowed` (405, with `Allow`) and
//! `origin_not_allowed` (403, a preflight from an origin `--cors-origin` does not list).

use std::convert::Infallible;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Body, Incoming};
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use renderer_wasm::{ErrorKind, Format};

use super::backend::Renderer;
use super::cache::{if_none_match_matches, Cached, RenderCache, RenderKey};
use super::cors::{Cors, CorsOrigins};
use super::metrics::{format_index, Gauges, Metrics};
use super::render::{PoolError, RenderPool};
use super::request::RenderQuery;
use super::request::{percent_decode_path, percent_encode_segment};
use super::static_files::{Asset, StaticFiles};
use crate::RenderFailure;

/// Header carrying the SHA-256 of the renderer module on `/healthz`.
pub const MODULE_SHA_HEADER: &str = "x-plotbox-module-sha256";
/// Header carrying the request id, taken from the client when it sends a sane one.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Whether a render came from the result cache (`hit`) or a worker (`miss`).
pub const CACHE_HEADER: &str = "x-plotbox-cache";
/// The module's warnings about a picture (e.g. a character no font has, drawn as a
/// box), as a JSON array of ASCII strings; absent when there are none.
pub const WARNINGS_HEADER: &str = "x-plotbox-warnings";
/// Seconds a client should wait after `overloaded`: renders take milliseconds, so
/// capacity comes back fast; the smallest whole value.
const RETRY_AFTER_S: &str = "1";
/// Where the operator's font files are served, each under its file name.
pub const FONT_FILES_PREFIX: &str = "/fonts/files/";
/// The `Content-Security-Policy` of rendered pictures: nothing may load or run.
pub const PICTURE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";
/// Longest client-supplied request id that is kept.
const MAX_REQUEST_ID_LEN: usize = 128;

pub type HttpResponse = Response<Full<Bytes>>;

/// Everything the handlers share, built once at start-up.
pub struct AppState {
    pub renderer: Arc<dyn Renderer>,
    pub module_sha256: String,
    /// Names the module and the operator fonts: the `ETag`s and cache keys hash it.
    pub render_identity: String,
    pub pool: RenderPool,
    pub cache: RenderCache,
    pub metrics: Metrics,
    pub files: StaticFiles,
    pub max_body: u64,
    schema: Bytes,
    healthz: Bytes,
    fonts: Bytes,
    /// The operator font files by file name (`GET /fonts/files/<name>`).
    font_files: std::collections::HashMap<String, Asset>,
    get_cache_control: HeaderValue,
    request_ids: RequestIds,
    /// `--cors-origin`; `None` leaves cross-origin requests to the browser's defaults.
    cors: Option<Cors>,
}

/// Settings of [`AppState`] that come from the command line.
pub struct StateConfig {
    pub workers: usize,
    pub queue: usize,
    pub cache_bytes: usize,
    pub max_body: u64,
    pub cache_max_age_s: u64,
    pub render_niceness: i32,
    /// `--cors-origin`: the other origins whose pages may read responses.
    pub cors: Option<CorsOrigins>,
}

impl AppState {
    pub fn new(renderer: Arc<dyn Renderer>, config: &StateConfig) -> Self {
        let module_sha256 = renderer.module_sha256().to_owned();
        let healthz = serde_json::json!({
            "status": "ok",
            "module_sha256": module_sha256,
            "version": env!("CARGO_PKG_VERSION"),
        });
        let files = StaticFiles::new(renderer.module_bytes());
        // Structs rather than `json!`, so that the fields keep their order (`name` first).
        #[derive(serde::Serialize)]
        struct FontsListing {
            families: Vec<crate::fonts::FamilyListing>,
            /// In the order the module numbers them, which is the order a browser must
            /// give them to `addFont` for the same fallback order.
            files: Vec<FontFileListing>,
        }
        #[derive(serde::Serialize)]
        struct FontFileListing {
            name: String,
            bytes: usize,
            url: String,
        }
        let file_listing = renderer
            .font_files()
            .iter()
            .map(|(name, data)| FontFileListing {
                name: name.clone(),
                bytes: data.len(),
                url: format!("{FONT_FILES_PREFIX}{}", percent_encode_segment(name)),
            })
            .collect();
        let font_files = renderer
            .font_files()
            .iter()
            .map(|(name, data)| (name.clone(), Asset::new(name, data.clone())))
            .collect();
        let fonts = serde_json::to_string(&FontsListing {
            files: file_listing,
            families: crate::fonts::families(renderer.fonts()),
        })
        .unwrap_or_else(|_| r#"{"families": [], "files": []}"#.to_owned());
        let get_cache_control =
            HeaderValue::from_str(&format!("public, max-age={}", config.cache_max_age_s))
                .unwrap_or(HeaderValue::from_static("no-cache"));
        AppState {
            pool: RenderPool::new(config.workers, config.queue, config.render_niceness),
            cache: RenderCache::new(config.cache_bytes),
            metrics: Metrics::default(),
            files,
            max_body: config.max_body,
            schema: Bytes::from(renderer_wasm::schema_json()),
            healthz: Bytes::from(healthz.to_string()),
            fonts: Bytes::from(fonts),
            font_files,
            render_identity: renderer.render_identity().to_owned(),
            get_cache_control,
            request_ids: RequestIds::new(),
            cors: config.cors.clone().map(Cors::new),
            module_sha256,
            renderer,
        }
    }
}

/// A response and the error kind it reports (for the log line).
struct Reply {
    response: HttpResponse,
    kind: Option<&'static str>,
}

impl Reply {
    fn ok(response: HttpResponse) -> Self {
        Reply {
            response,
            kind: None,
        }
    }
}

/// Serves one request; never fails, since every failure is an HTTP response.
pub async fn handle(
    state: Arc<AppState>,
    request: Request<Incoming>,
) -> Result<HttpResponse, Infallible> {
    let started = Instant::now();
    let request_id = state.request_ids.for_request(request.headers());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let origin = request.headers().get(header::ORIGIN).cloned();
    let Reply { mut response, kind } = match &state.cors {
        Some(cors) if method == Method::OPTIONS => options(&state, cors, &request, &path),
        _ => route(&state, request, &path).await,
    };
    if let Some(cors) = &state.cors {
        cors.decorate(response.headers_mut(), origin.as_ref());
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status().as_u16();
    state.metrics.record_response(status);
    tracing::info!(
        target: super::ACCESS_LOG_TARGET,
        request_id = %request_id,
        method = %method,
        path = %path,
        status,
        kind = kind.unwrap_or("-"),
        bytes = response.body().size_hint().exact().unwrap_or(0),
        duration_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    );
    Ok(response)
}

/// The methods a path answers (its `Allow`), or `None` for no such resource.
fn methods_of(state: &AppState, path: &str) -> Option<&'static str> {
    match path {
        "/render" => Some("GET, HEAD, POST"),
        "/healthz" | "/readyz" | "/metrics" | "/schema.json" | "/fonts" => Some("GET, HEAD"),
        _ if path.starts_with(FONT_FILES_PREFIX) => {
            let name = String::from_utf8(percent_decode_path(&path[FONT_FILES_PREFIX.len()..]));
            name.ok()
                .filter(|name| state.font_files.contains_key(name))
                .map(|_| "GET, HEAD")
        }
        _ => state.files.get(path).map(|_| "GET, HEAD"),
    }
}

/// `OPTIONS` with `--cors-origin`: a browser's preflight (it sends `Origin` and
/// `Access-Control-Request-Method`) gets 204 with what the route allows when the
/// origin is allowed, 403 when not; any other `OPTIONS` gets 204 with `Allow`.
fn options(state: &AppState, cors: &Cors, request: &Request<Incoming>, path: &str) -> Reply {
    let Some(methods) = methods_of(state, path) else {
        return error_reply(&http_error(
            "not_found",
            &format!("no such resource: OPTIONS {path}"),
        ));
    };
    let headers = request.headers();
    let origin = headers.get(header::ORIGIN);
    let is_preflight =
        origin.is_some() && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight && !cors.allows(origin) {
        let origin = origin.and_then(|o| o.to_str().ok()).unwrap_or("?");
        return error_reply(&http_error(
            "origin_not_allowed",
            &format!("pages of {origin} may not call this server (--cors-origin)"),
        ));
    }
    let mut response = with_body(StatusCode::NO_CONTENT, "text/plain", Bytes::new());
    response.headers_mut().remove(header::CONTENT_TYPE);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(methods));
    if is_preflight {
        cors.preflight(response.headers_mut(), methods);
    }
    Reply::ok(response)
}

async fn route(state: &AppState, request: Request<Incoming>, path: &str) -> Reply {
    let method = request.method();
    let is_read = method == Method::GET || method == Method::HEAD;
    match path {
        "/render" if is_read => render_get(state, &request).await,
        "/render" if method == Method::POST => render_post(state, request).await,
        "/render" => method_not_allowed(method, path, "GET, HEAD, POST"),
        "/healthz" | "/readyz" | "/metrics" | "/schema.json" | "/fonts" if !is_read => {
            method_not_allowed(method, path, "GET, HEAD")
        }
        "/healthz" => healthz(state),
        "/readyz" => readyz(state),
        "/metrics" => metrics(state),
        "/schema.json" => Reply::ok(with_body(
            StatusCode::OK,
            "application/json",
            state.schema.clone(),
        )),
        "/fonts" => {
            let mut response = with_body(StatusCode::OK, "application/json", state.fonts.clone());
            // Fixed for the life of the process, but a restart may change the fonts.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            Reply::ok(response)
        }
        _ if path.starts_with(FONT_FILES_PREFIX) => {
            // Only names of the loaded set, looked up in memory: a path never reaches
            // the file system, so `..` and the like are merely names that are absent.
            let name = String::from_utf8(percent_decode_path(&path[FONT_FILES_PREFIX.len()..]));
            match name.ok().and_then(|name| state.font_files.get(&name)) {
                Some(asset) if is_read => asset_reply(&request, asset),
                Some(_) => method_not_allowed(method, path, "GET, HEAD"),
                None => error_reply(&http_error(
                    "not_found",
                    &format!("no operator font file at {path} (GET /fonts lists them)"),
                )),
            }
        }
        _ => match state.files.get(path) {
            Some(asset) if is_read => asset_reply(&request, asset),
            Some(_) => method_not_allowed(method, path, "GET, HEAD"),
            None => error_reply(&http_error(
                "not_found",
                &format!("no such resource: {method} {path}"),
            )),
        },
    }
}

/// A static file, or 304 when the client has it. Revalidated every time: the page, the
/// module and the fonts change with a deploy or a restart, and an `ETag` check is cheap.
fn asset_reply(request: &Request<Incoming>, asset: &Asset) -> Reply {
    let mut response = if header_matches(request.headers(), &asset.etag) {
        with_body(StatusCode::NOT_MODIFIED, asset.content_type, Bytes::new())
    } else {
        with_body(StatusCode::OK, asset.content_type, asset.body.clone())
    };
    let headers = response.headers_mut();
    set(headers, header::ETAG, &asset.etag);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Reply::ok(response)
}

async fn render_get(state: &AppState, request: &Request<Incoming>) -> Reply {
    let query = RenderQuery::parse(request.uri().query().unwrap_or(""));
    let format = match query.output_format(header_str(request.headers(), header::ACCEPT)) {
        Ok(format) => format,
        Err(err) => return render_error_reply(&err),
    };
    let Some(spec) = query.spec else {
        return render_error_reply(&RenderFailure::new(
            ErrorKind::InvalidSpec,
            "GET /render needs the spec, URL-encoded, in the `spec` query parameter",
        ));
    };
    let if_none_match = header_str(request.headers(), header::IF_NONE_MATCH);
    render(
        state,
        Bytes::from(spec.into_bytes()),
        format,
        true,
        if_none_match,
    )
    .await
}

async fn render_post(state: &AppState, request: Request<Incoming>) -> Reply {
    let query = RenderQuery::parse(request.uri().query().unwrap_or(""));
    let format = match query.output_format(header_str(request.headers(), header::ACCEPT)) {
        Ok(format) => format,
        Err(err) => return render_error_reply(&err),
    };
    let declared = header_str(request.headers(), header::CONTENT_LENGTH)
        .and_then(|length| length.trim().parse::<u64>().ok());
    let mut body = request.into_body();
    if declared.is_some_and(|length| length > state.max_body) {
        discard_in_background(body);
        return body_too_large(state.max_body);
    }
    // Counting while reading catches chunked bodies and lying Content-Lengths. The
    // limit reads through `&mut`, so that a refused body can still be drained.
    let limit = usize::try_from(state.max_body).unwrap_or(usize::MAX);
    let spec = match Limited::new(&mut body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) if err.is::<LengthLimitError>() => {
            discard_in_background(body);
            return body_too_large(state.max_body);
        }
        Err(err) => {
            return render_error_reply(&RenderFailure::new(
                ErrorKind::InvalidSpec,
                format!("could not read the request body: {err}"),
            ))
        }
    };
    render(state, spec, format, false, None).await
}

/// Most of a refused body read and dropped after the 413, and for how long.
const LINGER_BYTES: u64 = 64 << 20;
const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// Reads and drops what is left of a refused body, so that a client still sending it
/// reads the 413 instead of a broken pipe (the "lingering close" of nginx and Apache).
/// Nothing is kept, and the bounds stop a client from holding the task.
fn discard_in_background(mut body: Incoming) {
    tokio::spawn(async move {
        let drain = async {
            let mut seen = 0u64;
            while let Some(Ok(frame)) = body.frame().await {
                seen += frame.data_ref().map_or(0, |data| data.len() as u64);
                if seen > LINGER_BYTES {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(LINGER_TIME, drain).await;
    });
}

/// Renders through the cache and the worker pool. GET responses are cacheable and
/// honour `If-None-Match`; the check comes first, so a revalidation costs no render.
async fn render(
    state: &AppState,
    spec: Bytes,
    format: Format,
    is_get: bool,
    if_none_match: Option<&str>,
) -> Reply {
    let key = RenderKey::new(&state.render_identity, &spec, format);
    let etag = key.etag();
    if is_get && if_none_match.is_some_and(|header| if_none_match_matches(header, &etag)) {
        state.metrics.record_not_modified();
        let mut response = with_body(StatusCode::NOT_MODIFIED, content_type(format), Bytes::new());
        picture_headers(state, response.headers_mut(), &etag, is_get, "hit");
        return Reply::ok(response);
    }
    if let Some(Cached { picture, warnings }) = state.cache.get(&key) {
        state.metrics.record_cache_hit();
        let mut response = with_body(StatusCode::OK, content_type(format), picture);
        picture_headers(state, response.headers_mut(), &etag, is_get, "hit");
        if let Some(warnings) = warnings {
            response
                .headers_mut()
                .insert(HeaderName::from_static(WARNINGS_HEADER), warnings);
        }
        return Reply::ok(response);
    }

    let renderer = Arc::clone(&state.renderer);
    let job = move || {
        let started = Instant::now();
        let result = renderer.render(&spec, format);
        (result, started.elapsed())
    };
    let format_label = format_index(format);
    match state.pool.run(job).await {
        Ok((Ok(rendered), took)) => {
            state.metrics.record_render(format_label, Ok(()), took);
            let picture = Bytes::from(rendered.picture);
            let warnings = warnings_header(&rendered.warnings);
            state.cache.insert(
                key,
                Cached {
                    picture: picture.clone(),
                    warnings: warnings.clone(),
                },
            );
            let mut response = with_body(StatusCode::OK, content_type(format), picture);
            picture_headers(state, response.headers_mut(), &etag, is_get, "miss");
            if let Some(warnings) = warnings {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(WARNINGS_HEADER), warnings);
            }
            Reply::ok(response)
        }
        Ok((Err(err), took)) => {
            state
                .metrics
                .record_render(format_label, Err(err.kind()), took);
            render_error_reply(&err)
        }
        Err(overloaded @ PoolError::Overloaded { .. }) => {
            state.metrics.record_rejected();
            let mut reply = render_error_reply(&RenderFailure::new(
                ErrorKind::Overloaded,
                overloaded.to_string(),
            ));
            reply
                .response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_S));
            reply
        }
        Err(PoolError::Worker(message)) => {
            let err = RenderFailure::internal(format!("render worker failed: {message}"));
            state
                .metrics
                .record_render(format_label, Err(err.kind()), Default::default());
            render_error_reply(&err)
        }
    }
}

/// `X-Plotbox-Warnings`: the warnings as a JSON array, or `None` when there are none.
/// The sandbox already made them printable ASCII, so the JSON is a valid header value;
/// should that ever fail, the picture goes out without the header (and a log line).
fn warnings_header(warnings: &[String]) -> Option<HeaderValue> {
    if warnings.is_empty() {
        return None;
    }
    let json = serde_json::to_string(warnings).ok()?;
    match HeaderValue::from_str(&json) {
        Ok(value) => Some(value),
        Err(_) => {
            tracing::warn!(%json, "warnings are not a valid header value; left out");
            None
        }
    }
}

fn picture_headers(
    state: &AppState,
    headers: &mut HeaderMap,
    etag: &str,
    is_get: bool,
    cache: &'static str,
) {
    set(headers, header::ETAG, etag);
    if is_get {
        headers.insert(header::CACHE_CONTROL, state.get_cache_control.clone());
    }
    // The format may come from Accept, so shared caches must key on it.
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    // A picture is never a page: no sniffing it into HTML, and should an SVG ever
    // carry markup through an escaping bug, opened on this origin it runs nothing
    // (inline styles stay allowed; the SVGs use `style` attributes).
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PICTURE_CSP),
    );
    headers.insert(
        HeaderName::from_static(CACHE_HEADER),
        HeaderValue::from_static(cache),
    );
}

fn healthz(state: &AppState) -> Reply {
    let mut response = with_body(StatusCode::OK, "application/json", state.healthz.clone());
    set(
        response.headers_mut(),
        HeaderName::from_static(MODULE_SHA_HEADER),
        &state.module_sha256,
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Reply::ok(response)
}

/// Ready means the module is compiled (it is, before the server listens) and a render
/// would be admitted now, so a load balancer can steer traffic elsewhere when not.
fn readyz(state: &AppState) -> Reply {
    let ready = state.pool.has_capacity();
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "busy" },
        "in_flight": state.pool.in_flight(),
        "queued": state.pool.queued(),
        "workers": state.pool.worker_count(),
        "queue_capacity": state.pool.queue_capacity(),
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut response = with_body(status, "application/json", Bytes::from(body.to_string()));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if !ready {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_S));
    }
    Reply {
        response,
        kind: (!ready).then_some("overloaded"),
    }
}

fn metrics(state: &AppState) -> Reply {
    let (cache_bytes, cache_entries) = state.cache.usage();
    let text = state.metrics.render_text(&Gauges {
        in_flight: state.pool.in_flight(),
        queued: state.pool.queued(),
        workers: state.pool.worker_count(),
        queue_capacity: state.pool.queue_capacity(),
        cache_bytes,
        cache_entries,
    });
    let mut response = with_body(
        StatusCode::OK,
        "text/plain; version=0.0.4; charset=utf-8",
        Bytes::from(text),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Reply::ok(response)
}

fn render_error_reply(err: &RenderFailure) -> Reply {
    error_reply(&HttpError {
        status: StatusCode::from_u16(err.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        kind: err.kind().as_str(),
        body: err.to_json(),
    })
}

/// An error response in the JSON shape of docs/spec.md ("Errors").
struct HttpError {
    status: StatusCode,
    kind: &'static str,
    body: String,
}

/// Errors that only HTTP has (no route, wrong method).
fn http_error(kind: &'static str, message: &str) -> HttpError {
    let status = match kind {
        "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
        "origin_not_allowed" => StatusCode::FORBIDDEN,
        _ => StatusCode::NOT_FOUND,
    };
    let body = serde_json::json!({ "error": { "kind": kind, "message": message } });
    HttpError {
        status,
        kind,
        body: body.to_string(),
    }
}

fn error_reply(err: &HttpError) -> Reply {
    let mut response = with_body(
        err.status,
        "application/json",
        Bytes::from(err.body.clone()),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Reply {
        response,
        kind: Some(err.kind),
    }
}

fn method_not_allowed(method: &Method, path: &str, allow: &'static str) -> Reply {
    let mut reply = error_reply(&http_error(
        "method_not_allowed",
        &format!("{path} does not accept {method}; it accepts {allow}"),
    ));
    reply
        .response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    reply
}

/// 413 without reading the rest of the body; the connection is closed, since the
/// unread remainder would otherwise be taken for the next request.
fn body_too_large(max_body: u64) -> Reply {
    let mut reply = render_error_reply(&RenderFailure::new(
        ErrorKind::TooLarge,
        format!("the request body is larger than the limit of {max_body} bytes (--max-body)"),
    ));
    reply
        .response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    reply
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Svg => "image/svg+xml",
        Format::Png { .. } => "image/png",
        Format::Pdf => "application/pdf",
    }
}

fn with_body(status: StatusCode, content_type: &'static str, body: Bytes) -> HttpResponse {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn header_str(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn header_matches(headers: &HeaderMap, etag: &str) -> bool {
    header_str(headers, header::IF_NONE_MATCH).is_some_and(|h| if_none_match_matches(h, etag))
}

/// Request ids: the client's `X-Request-Id` when it is short and printable (so ids
/// can follow a request across services), else a fresh one unique to this process.
struct RequestIds {
    prefix: u32,
    next: AtomicU64,
}

impl RequestIds {
    fn new() -> Self {
        // A random prefix keeps ids from different runs of the server apart in logs.
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        RequestIds {
            prefix: (random >> 32) as u32,
            next: AtomicU64::new(1),
        }
    }

    fn for_request(&self, headers: &HeaderMap) -> String {
        if let Some(given) = header_str(headers, HeaderName::from_static(REQUEST_ID_HEADER)) {
            let sane = !given.is_empty()
                && given.len() <= MAX_REQUEST_ID_LEN
                && given.bytes().all(|b| b.is_ascii_graphic());
            if sane {
                return given.to_owned();
            }
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n:08x}", self.prefix)
    }
}
