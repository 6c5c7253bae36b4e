//! Overload of `plotbox serve` on loopback: measures its capacity, then offers four
//! times that for 30 s while a separate client times `/healthz`.
//!
//! ```text
//! cargo build --release -p plotbox-host
//! cargo bench -p plotbox-e2e --bench overload
//! ```
//!
//! 1. Capacity: W1 (1,000-point line) as PNG at scale 2, each with its own title (so
//!    the render cache cannot answer), from as many keep-alive clients as the server
//!    has workers, for `PLOTBOX_OVERLOAD_CAPACITY_S` (default 5) seconds.
//! 2. Overload: open-loop arrivals at `PLOTBOX_OVERLOAD_FACTOR` (default 4) times that
//!    rate for `PLOTBOX_OVERLOAD_S` (default 30) seconds, each sent as soon as it is
//!    due on an idle keep-alive connection or a new one, whatever is still
//!    outstanding. Meanwhile one client on its own thread and its own connection
//!    sends `GET /healthz` every 50 ms and records each latency.
//!
//! Every answer must be a whole PNG of the right size (its `IEND`, every 10th decoded)
//! with 200, or `overloaded` with 503 and `Retry-After`; anything else (another
//! status, a reset, no answer within 60 s) is an admitted request lost. The exit
//! status is 1 when one was lost or `/healthz` ever took 100 ms or more.
//! `PLOTBOX_OVERLOAD_SERVER_ARGS` adds flags to `plotbox serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use plotbox_e2e::loopback::{connect, exchange, get_text, metric, Sender};
use plotbox_e2e::{env_number, percentile, ServeProcess};

/// How often the health client asks.
const HEALTH_PERIOD: Duration = Duration::from_millis(50);
/// The requirement on every `/healthz` answer under overload.
const HEALTH_LIMIT: Duration = Duration::from_millis(100);
/// Longer than this without an answer is a lost request.
const REQUEST_LIMIT: Duration = Duration::from_secs(60);
const SCALE: u32 = 2;
/// Decode every this many pictures in full (the client shares the cores with the
/// server; the rest are checked for their signature and their `IEND`).
const DECODE_EVERY: u64 = 10;
const PRINT_FAILURES: u64 = 20;

fn main() {
    let capacity_s = env_number("PLOTBOX_OVERLOAD_CAPACITY_S", 5);
    let overload_s = env_number("PLOTBOX_OVERLOAD_S", 30);
    let factor = env_number("PLOTBOX_OVERLOAD_FACTOR", 4) as f64;
    let extra_args: Vec<String> = std::env::var("PLOTBOX_OVERLOAD_SERVER_ARGS")
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    let scratch = std::env::temp_dir().join(format!("plotbox-overload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let mut args: Vec<std::ffi::OsString> = vec![
        "--cache-dir".into(),
        scratch.join("module-cache").into_os_string(),
    ];
    args.extend(extra_args.iter().map(Into::into));
    let server = ServeProcess::start(&args);
    let template = Arc::new(Template::w1());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    let metrics = runtime.block_on(get_text(server.addr, "/metrics"));
    let workers = metric(&metrics, "plotbox_workers").unwrap_or(1.0) as usize;
    let queue = metric(&metrics, "plotbox_queue_capacity").unwrap_or(0.0) as usize;
    println!(
        "overload: pid {} on {}, {workers} workers, queue {queue}, {}",
        server.pid(),
        server.addr,
        extra_args.join(" ")
    );

    let stats = Arc::new(Stats::default());
    // Warm-up, then capacity: closed loop, as many clients as workers.
    runtime.block_on(closed_loop(
        server.addr,
        workers,
        Duration::from_secs(1),
        &template,
        &stats,
    ));
    let stats = Arc::new(Stats::default());
    let capacity_started = Instant::now();
    runtime.block_on(closed_loop(
        server.addr,
        workers,
        Duration::from_secs(capacity_s),
        &template,
        &stats,
    ));
    let capacity =
        stats.ok.load(Ordering::Relaxed) as f64 / capacity_started.elapsed().as_secs_f64();
    println!(
        "capacity: {capacity:.1} renders/s (W1 PNG at scale {SCALE}, concurrency {workers}, \
         {capacity_s} s, {} failures)",
        stats.lost.load(Ordering::Relaxed)
    );
    if capacity <= 0.0 {
        println!("no capacity measured; stopping");
        std::process::exit(1);
    }

    let rate = capacity * factor;
    let health_stop = Arc::new(AtomicBool::new(false));
    let health = {
        let (addr, stop) = (server.addr, Arc::clone(&health_stop));
        std::thread::spawn(move || health_client(addr, &stop))
    };
    let stats = Arc::new(Stats::default());
    let overload_started = Instant::now();
    let (offered, peak_connections) = runtime.block_on(open_loop(
        server.addr,
        rate,
        Duration::from_secs(overload_s),
        &template,
        &stats,
    ));
    let overload_elapsed = overload_started.elapsed();
    health_stop.store(true, Ordering::Relaxed);
    let health = health.join().unwrap_or_default();
    let after = runtime.block_on(get_text(server.addr, "/metrics"));

    let ok = stats.ok.load(Ordering::Relaxed);
    let refused = stats.refused.load(Ordering::Relaxed);
    let lost = stats.lost.load(Ordering::Relaxed);
    let mut latencies: Vec<Duration> = health.iter().filter_map(|h| *h).collect();
    let unanswered = health.len() - latencies.len();
    latencies.sort_unstable();
    let over = latencies.iter().filter(|l| **l >= HEALTH_LIMIT).count();
    println!();
    println!("| | |");
    println!("|---|---:|");
    println!(
        "| capacity (W1 PNG scale {SCALE}, concurrency {workers}) | {capacity:.1} renders/s |"
    );
    println!(
        "| offered ({factor}× for {overload_s} s, open loop) | {offered} requests, {:.1}/s |",
        offered as f64 / overload_elapsed.as_secs_f64()
    );
    println!(
        "| 200 with a whole PNG | {ok} ({:.1}/s) |",
        ok as f64 / overload_elapsed.as_secs_f64()
    );
    println!("| 503 overloaded with Retry-After | {refused} |");
    println!("| lost (anything else) | {lost} |");
    println!(
        "| PNGs decoded in full | {} |",
        stats.decoded.load(Ordering::Relaxed)
    );
    println!("| most client connections open | {peak_connections} |");
    println!(
        "| /healthz: answers, p50 / p99 / max | {}, {:.1} / {:.1} / {:.1} ms |",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().map_or(f64::NAN, |l| l.as_secs_f64() * 1e3)
    );
    println!(
        "| /healthz at or over {} ms, or unanswered | {over}, {unanswered} |",
        HEALTH_LIMIT.as_millis()
    );
    println!(
        "| server: rejected_total, renders ok (png) | {}, {} |",
        metric(&after, "plotbox_rejected_total").unwrap_or(f64::NAN),
        metric(
            &after,
            r#"plotbox_renders_total{format="png",outcome="ok"}"#
        )
        .unwrap_or(f64::NAN)
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at the end: {}", load.trim());
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
    if lost > 0 || over > 0 || unanswered > 0 || latencies.is_empty() {
        std::process::exit(1);
    }
}

#[derive(Default)]
struct Stats {
    next_title: AtomicU64,
    ok: AtomicU64,
    refused: AtomicU64,
    lost: AtomicU64,
    decoded: AtomicU64,
}

/// W1 split around its title, so each request gets a distinct title for one copy.
struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
    width: u32,
    height: u32,
}

impl Template {
    fn w1() -> Self {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http/w1_line.json");
        let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut spec: serde_json::Value = serde_json::from_slice(&text).expect("W1 is JSON");
        let width = spec["width"].as_u64().unwrap_or(640) as u32;
        let height = spec["height"].as_u64().unwrap_or(480) as u32;
        spec["title"] = serde_json::Value::from("@TITLE@");
        let text = serde_json::to_string(&spec).expect("serialize");
        let (head, tail) = text.split_once("@TITLE@").expect("the placeholder");
        Template {
            head: head.as_bytes().to_vec(),
            tail: tail.as_bytes().to_vec(),
            width: width * SCALE,
            height: height * SCALE,
        }
    }

    fn body(&self, n: u64) -> Bytes {
        let title = format!("overload {n}");
        let mut body = Vec::with_capacity(self.head.len() + title.len() + self.tail.len());
        body.extend_from_slice(&self.head);
        body.extend_from_slice(title.as_bytes());
        body.extend_from_slice(&self.tail);
        Bytes::from(body)
    }
}

/// How one render request ended.
enum Answer {
    Picture,
    Refused,
    Lost(String),
}

/// One W1 PNG request on `sender`, its answer checked.
async fn render_once(sender: &mut Sender, template: &Template, stats: &Stats) -> Answer {
    let n = stats.next_title.fetch_add(1, Ordering::Relaxed);
    let request = match Request::post(format!("/render?format=png&scale={SCALE}"))
        .header("host", "overload")
        .header("content-type", "application/json")
        .body(Full::new(template.body(n)))
    {
        Ok(request) => request,
        Err(e) => return Answer::Lost(format!("building the request: {e}")),
    };
    let (parts, body) = match exchange(sender, request, REQUEST_LIMIT).await {
        Ok(answer) => answer,
        Err(what) => return Answer::Lost(what),
    };
    match parts.status {
        StatusCode::OK => {
            let whole = body.starts_with(b"\x89PNG\r\n\x1a\n")
                && body.len() >= 12
                && &body[body.len() - 8..body.len() - 4] == b"IEND";
            if !whole {
                return Answer::Lost(format!("200 without a whole PNG ({} bytes)", body.len()));
            }
            if n.is_multiple_of(DECODE_EVERY) {
                if let Err(what) = check_png(&body, template.width, template.height) {
                    return Answer::Lost(what);
                }
                stats.decoded.fetch_add(1, Ordering::Relaxed);
            }
            Answer::Picture
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            let kind = serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"]["kind"].as_str().map(str::to_owned));
            if parts.headers.get("retry-after").is_none() {
                Answer::Lost("503 without Retry-After".into())
            } else if kind.as_deref() != Some("overloaded") {
                Answer::Lost(format!("503 of kind {kind:?}"))
            } else {
                Answer::Refused
            }
        }
        other => Answer::Lost(format!(
            "status {other}: {}",
            String::from_utf8_lossy(body.get(..200).unwrap_or(&body))
        )),
    }
}

fn check_png(data: &[u8], width: u32, height: u32) -> Result<(), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(data));
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("PNG header: {e}"))?;
    let mut pixels = vec![0; reader.output_buffer_size().ok_or("PNG too big")?];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|e| format!("PNG data: {e}"))?;
    if (frame.width, frame.height) != (width, height) {
        return Err(format!(
            "PNG of {}×{} instead of {width}×{height}",
            frame.width, frame.height
        ));
    }
    Ok(())
}

fn record(stats: &Stats, answer: &Answer) {
    match answer {
        Answer::Picture => stats.ok.fetch_add(1, Ordering::Relaxed),
        Answer::Refused => stats.refused.fetch_add(1, Ordering::Relaxed),
        Answer::Lost(what) => {
            let n = stats.lost.fetch_add(1, Ordering::Relaxed);
            if n < PRINT_FAILURES {
                println!("LOST: {what}");
            }
            n
        }
    };
}

/// `clients` keep-alive clients sending back to back for `duration`.
async fn closed_loop(
    addr: SocketAddr,
    clients: usize,
    duration: Duration,
    template: &Arc<Template>,
    stats: &Arc<Stats>,
) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (template, stats) = (Arc::clone(template), Arc::clone(stats));
            tokio::spawn(async move {
                let mut sender = None;
                while started.elapsed() < duration {
                    if sender.is_none() {
                        sender = connect(addr).await;
                    }
                    let Some(active) = sender.as_mut() else {
                        record(&stats, &Answer::Lost("cannot connect".into()));
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let answer = render_once(active, &template, &stats).await;
                    if matches!(answer, Answer::Lost(_)) {
                        sender = None;
                    }
                    record(&stats, &answer);
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

/// Requests due at `rate` per second for `duration`, each sent when due on an idle
/// connection or a new one; waits for every answer. Returns (requests offered, most
/// connections open at once).
async fn open_loop(
    addr: SocketAddr,
    rate: f64,
    duration: Duration,
    template: &Arc<Template>,
    stats: &Arc<Stats>,
) -> (u64, usize) {
    let idle: Arc<Mutex<Vec<Sender>>> = Arc::new(Mutex::new(Vec::new()));
    let open = Arc::new(AtomicU64::new(0));
    let peak = Arc::new(AtomicU64::new(0));
    let started = tokio::time::Instant::now();
    let period = Duration::from_secs_f64(1.0 / rate);
    let mut tasks = Vec::new();
    let mut offered = 0u64;
    loop {
        // Arrival times are fixed in advance: a late tick sends what is due at once.
        let due = started + period.mul_f64(offered as f64);
        if due.duration_since(started) >= duration {
            break;
        }
        tokio::time::sleep_until(due).await;
        offered += 1;
        let (template, stats, idle, open, peak) = (
            Arc::clone(template),
            Arc::clone(stats),
            Arc::clone(&idle),
            Arc::clone(&open),
            Arc::clone(&peak),
        );
        tasks.push(tokio::spawn(async move {
            let pooled = idle.lock().ok().and_then(|mut idle| idle.pop());
            let sender = match pooled {
                Some(sender) => Some(sender),
                None => {
                    let fresh = connect(addr).await;
                    if fresh.is_some() {
                        let now = open.fetch_add(1, Ordering::Relaxed) + 1;
                        peak.fetch_max(now, Ordering::Relaxed);
                    }
                    fresh
                }
            };
            let Some(mut sender) = sender else {
                record(&stats, &Answer::Lost("cannot connect".into()));
                return;
            };
            let answer = render_once(&mut sender, &template, &stats).await;
            if matches!(answer, Answer::Lost(_)) {
                open.fetch_sub(1, Ordering::Relaxed);
            } else if let Ok(mut idle) = idle.lock() {
                idle.push(sender);
            }
            record(&stats, &answer);
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    (offered, peak.load(Ordering::Relaxed) as usize)
}

/// On its own thread and runtime, so that the load's client work does not delay it:
/// `GET /healthz` every [`HEALTH_PERIOD`] on one keep-alive connection until `stop`;
/// each latency, or `None` for a failure.
fn health_client(addr: SocketAddr, stop: &AtomicBool) -> Vec<Option<Duration>> {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return vec![None];
    };
    runtime.block_on(async {
        let mut latencies = Vec::new();
        let mut sender = connect(addr).await;
        let mut ticks = tokio::time::interval(HEALTH_PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !stop.load(Ordering::Relaxed) {
            ticks.tick().await;
            if sender.is_none() {
                sender = connect(addr).await;
            }
            let Some(active) = sender.as_mut() else {
                latencies.push(None);
                continue;
            };
            let sent = Instant::now();
            let answer = async {
                active.ready().await.ok()?;
                let request = Request::get("/healthz")
                    .header("host", "overload")
                    .body(Full::new(Bytes::new()))
                    .ok()?;
                let response = active.send_request(request).await.ok()?;
                let status = response.status();
                let body = response.into_body().collect().await.ok()?.to_bytes();
                (status == StatusCode::OK && body.starts_with(b"{")).then_some(())
            };
            match tokio::time::timeout(Duration::from_secs(5), answer).await {
                Ok(Some(())) => latencies.push(Some(sent.elapsed())),
                _ => {
                    println!("HEALTH: /healthz failed after {:?}", sent.elapsed());
                    latencies.push(None);
                    sender = None;
                }
            }
        }
        latencies
    })
}
