//! `plotbox serve`: the HTTP face of plotbox (hyper 1 on tokio).
//!
//! | route | what |
//! |---|---|
//! | `POST /render?format=svg\|png\|pdf&scale=` | the spec as the body; the format from the query, else `Accept`, else PNG |
//! | `GET /render?spec=<url-encoded JSON>&format=&scale=` | the same picture, byte for byte, for `<img src>` |
//! | `GET /schema.json` | the spec's JSON Schema |
//! | `GET /examples.json` | `[{"name", "spec"}]`, the golden example specs |
//! | `GET /fonts` | `{"families": [{"name", "source", "files", "styles"}]}`: the families a spec can name |
//! | `GET /healthz` | liveness, with the module's SHA-256 (also in `X-Plotbox-Module-Sha256`) |
//! | `GET /readyz` | 200 while a render would be admitted, else 503 |
//! | `GET /metrics` | Prometheus text |
//! | `GET /`, `/pkg/...` | the browser playground and the renderer module it runs |
//!
//! Renders run on blocking threads, at most `--workers` at once with `--queue` more
//! waiting ([`render`]); beyond that a request gets 503 `overloaded` with
//! `Retry-After` at once, so the async threads stay free for `/healthz`. Errors are
//! the error JSON of docs/spec.md with the status of their kind
//! ([`crate::RenderFailure::http_status`]). A bad `format` or `scale` query
//! parameter is `invalid_spec` (400) without a `path`, its message naming the
//! parameter. Pictures carry an `ETag` over (module, spec, format,
//! scale, fonts); GET honours `If-None-Match` with 304 and is `Cache-Control: public`.
//! A picture the module warned about (e.g. a character no font has, drawn as a box)
//! carries `X-Plotbox-Warnings`, a JSON array of ASCII strings, kept with the picture
//! in the result cache. With `--font-dir`, `GET /fonts` lists the operator's families
//! next to DejaVu Sans (see `crate::fonts`).
//! Pictures carry `X-Content-Type-Options: nosniff` and a `Content-Security-Policy`
//! under which nothing loads or runs, so an SVG opened on the server's origin stays
//! a picture. With `--cors-origin` (`*` or a list of origins), pages on those origins
//! may `fetch` from the server: responses to them carry `Access-Control-Allow-Origin`
//! (with a list, every response has `Vary: Origin`), and a preflight `OPTIONS` gets
//! 204 with the route's methods, or 403 `origin_not_allowed` for another origin; see
//! `cors`.
//! SIGTERM or ctrl-c stops accepting, lets in-flight requests finish (at most
//! `--shutdown-grace-s`), and returns.
//!
//! ```no_run
//! use clap::Parser;
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     serve: plotbox_host::server::ServeArgs,
//! }
//! plotbox_host::server::serve(Cli::parse().serve, "warn")?;
//! # Ok::<(), plotbox_host::server::ServeError>(())
//! ```

mod backend;
mod cache;
mod config;
mod cors;
mod metrics;
mod priority;
mod render;
mod request;
mod routes;
mod static_files;

use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

pub use backend::Renderer;
pub use config::{memory_mb_parser, LogFormat, ServeArgs, MEMORY_MB_RANGE};
pub use cors::{CorsOriginError, CorsOrigins};
pub use routes::{AppState, StateConfig, MODULE_SHA_HEADER, REQUEST_ID_HEADER};

/// The `tracing` target of the one line logged per request.
pub const ACCESS_LOG_TARGET: &str = "plotbox::access";

/// How long a client may take to send a request's headers before the connection is
/// dropped, so idle or slow-loris connections cannot pile up.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop does not
/// spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Why the server could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The tokio runtime could not be built.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The renderer (the sandbox and its module) could not be built.
    #[error("cannot build the renderer: {0}")]
    Renderer(String),
    /// `--font-dir` is unusable (unreadable, empty, or a broken font file).
    #[error("{0}")]
    Fonts(crate::FontDirError),
}

/// Runs `plotbox serve` until SIGTERM or ctrl-c: builds the renderer once, listens,
/// serves, then drains in-flight requests and returns `Ok` (exit code 0).
///
/// `log_filter` is an `EnvFilter` directive (the CLI's `--log`); the access log
/// (target `plotbox::access`, `info`) is added unless the filter names it.
pub fn serve(args: ServeArgs, log_filter: &str) -> Result<(), ServeError> {
    init_logging(args.log_format, log_filter);
    bound_heap_retention();
    let renderer = Arc::new(backend::build(&args)?);
    let state = Arc::new(AppState::new(
        renderer,
        &StateConfig {
            workers: args.worker_count(),
            queue: args.queue,
            cache_bytes: args.cache_bytes(),
            max_body: args.max_body,
            cache_max_age_s: args.cache_max_age_s,
            render_niceness: args.render_niceness,
            cors: args.cors_origin.clone(),
        },
    ));
    // Renders are the only blocking tasks. Capping the blocking pool at the worker
    // count (plus one for a task that ends while its successor starts) and keeping idle
    // threads alive stops the pool from spawning fresh threads over a long run: each
    // new thread can take a new glibc malloc arena, which is never given back, and RSS
    // crept up by a few MiB per hundred thousand renders.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("plotbox-http")
        .max_blocking_threads(args.worker_count() + 1)
        .thread_keep_alive(std::time::Duration::from_secs(3600))
        .build()
        .map_err(ServeError::Runtime)?;
    let grace = args.shutdown_grace();
    let result = runtime.block_on(async {
        let listener = TcpListener::bind(args.addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: args.addr,
                source,
            })?;
        run(listener, state, shutdown_signal(), grace).await;
        Ok(())
    });
    // Renders whose clients hung up may still be running on blocking threads; they
    // get the same grace, then the process exits regardless.
    runtime.shutdown_timeout(grace);
    result
}

/// Serves connections from `listener` until `shutdown` completes, then stops
/// accepting and waits up to `grace` for open connections to finish their requests.
pub async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) {
    if let Ok(addr) = listener.local_addr() {
        // On stdout, for scripts and tests that start the server on port 0.
        println!("plotbox listening on http://{addr}");
        let _ = std::io::stdout().flush();
        tracing::info!(
            %addr,
            module_sha256 = %state.module_sha256,
            workers = state.pool.worker_count(),
            queue = state.pool.queue_capacity(),
            "listening"
        );
    }
    // Each connection is watched; on shutdown, hyper lets the request in progress on
    // it finish, then closes it instead of waiting for another request.
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Responses are written whole; waiting to coalesce them only adds latency.
                    let _ = stream.set_nodelay(true);
                    let state = Arc::clone(&state);
                    let service =
                        service_fn(move |request| routes::handle(Arc::clone(&state), request));
                    let connection = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
                    let watched = graceful.watch(connection);
                    tokio::spawn(async move {
                        if let Err(err) = watched.await {
                            tracing::debug!(error = %err, "connection ended with an error");
                        }
                    });
                }
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!(
        in_flight = state.pool.in_flight(),
        queued = state.pool.queued(),
        "shutting down: no new connections; finishing requests in flight"
    );
    match tokio::time::timeout(grace, graceful.shutdown()).await {
        Ok(()) => tracing::info!("all connections closed"),
        Err(_) => tracing::warn!(
            grace_s = grace.as_secs(),
            "grace period over; exiting with requests unfinished"
        ),
    }
}

/// Makes glibc's malloc hand memory back instead of keeping it. Blocks of 128 KiB and
/// larger are mapped and unmapped on their own, outside the arenas: glibc's default
/// threshold (the same 128 KiB) rises to the largest block freed so far, up to 32 MiB,
/// after which pictures and request bodies of a few hundred kB are carved from arenas
/// shared by the render threads and freed from other threads, and the holes they left
/// kept the server's RSS growing (59 MiB after 1,000 mixed requests, 69 MiB after
/// 10,000; with the fixed threshold 47 and 41 MiB). Fixing it also stops the trim
/// threshold from rising with it, so free memory at the top of a heap goes back too.
fn bound_heap_retention() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt takes two integers and only changes glibc's tuning parameters;
    // it is valid at any time, from any thread.
    unsafe {
        const THRESHOLD: libc::c_int = 128 * 1024;
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, THRESHOLD);
    }
}

/// Completes on the first SIGTERM or ctrl-c (SIGINT).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("ctrl-c received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

/// Logs on stderr, with one line per request (target [`ACCESS_LOG_TARGET`]).
fn init_logging(format: LogFormat, filter: &str) {
    let directives = if filter.contains(ACCESS_LOG_TARGET) {
        filter.to_owned()
    } else {
        format!("{filter},{ACCESS_LOG_TARGET}=info,plotbox_host::server=info")
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,plotbox::access=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // Another subscriber (set by the CLI) wins; ours is only a default.
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
