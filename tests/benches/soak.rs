//! Soak of `plotbox serve` on loopback: N renders (default 100,000) of a mixed
//! workload at a small concurrency, every response checked, and the server's memory
//! (VmRSS and VmHWM of /proc/<pid>/status) recorded along the way.
//!
//! ```text
//! cargo build --release -p plotbox-host
//! cargo bench -p plotbox-e2e --bench soak              # 100,000 renders
//! PLOTBOX_SOAK_RENDERS=20000 cargo bench -p plotbox-e2e --bench soak
//! ```
//!
//! The mix, per 200 requests: W1 (1,000-point line) as SVG and PNG, W3 (20 bars) PNG,
//! W2 (10,000-point scatter) PNG, W3 as PDF, the 1.1 charts (dates, pie, box plot,
//! annotations), W1 PNGs repeated from a set of 16 (answered by the render cache while
//! they last in it), `GET /render?spec=` of 32 specs revalidated with `If-None-Match`
//! (304) or fetched again, and refused specs (`invalid_spec` with its `path`,
//! `too_large`); every 1,000th request is a heavy scatter that runs into the
//! server's `--timeout-ms` (`deadline_exceeded`). All other renders carry distinct
//! titles, so the 8 MiB render cache keeps churning.
//!
//! Every response is checked: a picture has the status, content type and magic bytes
//! of its format (and every 50th is decoded: PNG to its pixel size, SVG as XML with
//! the figure's size); an error is exactly the intended kind (and `path`); a 304 has
//! no body. Anything else is a failure, printed with the request. The table gives RSS
//! at 1k, 10k and every 10k renders after; the exit status is 1 on any failure.
//!
//! Settings (environment): `PLOTBOX_SOAK_RENDERS` (N), `PLOTBOX_SOAK_CONCURRENCY`
//! (default 3), `PLOTBOX_SOAK_SERVER_ARGS` (more flags for `plotbox serve`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, StatusCode};
use plotbox_e2e::loopback::{connect, exchange, get_text, metric, Sender};
use plotbox_e2e::{env_number, ServeProcess};
use serde_json::Value;

/// The server's render deadline: far above any render of the mix (W2 PNG, the slowest,
/// takes about 30 ms, though a render thread at niceness 10 on a machine loaded by
/// other work has been seen to stall past 500 ms), far below the heavy scatter's.
const TIMEOUT_MS: &str = "1000";
/// The memory cap of a render: room for the heavy scatter (its 300,000-point version
/// asked for 151 MiB), so that it runs into the deadline instead of the cap.
const MEMORY_MB: &str = "1024";
/// Copies of the heavy scatter's 100,000 points in the spec that must run past the
/// deadline: 300,000 points once rendered within 1 s on a machine gone idle; 800,000
/// take about four times as long (12.6 MB of JSON, under the 16 MiB body limit).
const HEAVY_COPIES: usize = 8;
/// Requests of one round of the mix; the mix is spread over it by a stride.
const ROUND: u64 = 200;
/// Every this many requests, one is the heavy scatter that runs past the deadline.
const DEADLINE_EVERY: u64 = 1000;
/// Decode every this many pictures of a kind in full.
const DECODE_EVERY: u64 = 50;
/// Failures printed in full; the rest are only counted.
const PRINT_FAILURES: u64 = 30;
/// A request that takes longer than this is a failure (a hang, not a slow render).
const REQUEST_LIMIT: Duration = Duration::from_secs(60);

fn main() {
    let renders = env_number("PLOTBOX_SOAK_RENDERS", 100_000);
    let concurrency = env_number("PLOTBOX_SOAK_CONCURRENCY", 3).max(1);
    let extra_args: Vec<String> = std::env::var("PLOTBOX_SOAK_SERVER_ARGS")
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();

    let scratch = std::env::temp_dir().join(format!("plotbox-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch folder");
    let module_cache = scratch.join("module-cache");
    let mut args: Vec<std::ffi::OsString> = ["--timeout-ms", TIMEOUT_MS, "--memory-mb", MEMORY_MB]
        .iter()
        .map(Into::into)
        .collect();
    args.extend(["--cache-dir".into(), module_cache.into_os_string()]);
    args.extend(extra_args.iter().map(Into::into));
    let server = ServeProcess::start(&args);
    let mix = Arc::new(Mix::new());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    println!(
        "soak: {renders} requests at concurrency {concurrency} against pid {} ({}), \
         --timeout-ms {TIMEOUT_MS} --memory-mb {MEMORY_MB} {}",
        server.pid(),
        server.addr,
        extra_args.join(" ")
    );
    let before = Memory::read(server.pid());
    let started = Instant::now();
    let outcome = runtime.block_on(run(
        server.addr,
        server.pid(),
        renders,
        concurrency,
        Arc::clone(&mix),
    ));
    let elapsed = started.elapsed();
    let metrics = runtime.block_on(get_text(server.addr, "/metrics"));

    println!();
    println!(
        "| renders | VmRSS MiB | VmHWM MiB | RssAnon MiB | threads | cache MiB (entries) | elapsed s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    if let Some(memory) = before {
        println!(
            "| 0 | {:.1} | {:.1} | {:.1} | {} | 0 (0) | 0 |",
            mib(memory.rss_kb),
            mib(memory.hwm_kb),
            mib(memory.anon_kb),
            memory.threads
        );
    }
    for point in &outcome.checkpoints {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {} | {:.1} ({}) | {:.0} |",
            point.done,
            mib(point.memory.rss_kb),
            mib(point.memory.hwm_kb),
            mib(point.memory.anon_kb),
            point.memory.threads,
            point.cache_bytes as f64 / (1024.0 * 1024.0),
            point.cache_entries,
            point.at.as_secs_f64()
        );
    }
    println!();
    let mut kinds: Vec<_> = outcome.by_label.iter().collect();
    kinds.sort();
    println!("| request | count |");
    println!("|---|---:|");
    for (label, count) in kinds {
        println!("| {label} | {count} |");
    }
    println!();
    for series in [
        "plotbox_cache_hits_total",
        "plotbox_not_modified_total",
        "plotbox_rejected_total",
    ] {
        println!("{series} {}", metric(&metrics, series).unwrap_or(f64::NAN));
    }
    println!(
        "{} requests in {:.1} s ({:.0}/s), {} decoded in full, {} failures",
        outcome.done,
        elapsed.as_secs_f64(),
        outcome.done as f64 / elapsed.as_secs_f64(),
        outcome.decoded,
        outcome.failures
    );
    let rss = |n: u64| {
        outcome
            .checkpoints
            .iter()
            .find(|p| p.done >= n)
            .map(|p| mib(p.memory.rss_kb))
    };
    if let (Some(first), Some(last)) = (rss(1_000), outcome.checkpoints.last()) {
        let spread = |a: f64| (a / first - 1.0) * 100.0;
        println!(
            "RSS {:.1} MiB at 1k, {} at 10k, {:.1} MiB at {} ({:+.1}% against 1k)",
            first,
            rss(10_000).map_or("-".to_owned(), |r| format!(
                "{r:.1} MiB ({:+.1}%)",
                spread(r)
            )),
            mib(last.memory.rss_kb),
            last.done,
            spread(mib(last.memory.rss_kb))
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at the end: {}", load.trim());
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
    if outcome.failures > 0 {
        std::process::exit(1);
    }
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// What /proc/<pid>/status says about the server's memory.
#[derive(Debug, Clone, Copy)]
struct Memory {
    rss_kb: u64,
    hwm_kb: u64,
    /// The part of VmRSS that is the process's own (heap, stacks, wasm linear memory
    /// written to), as opposed to mapped files and shared memory.
    anon_kb: u64,
    threads: u64,
}

impl Memory {
    fn read(pid: u32) -> Option<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status.lines().find_map(|line| {
                line.strip_prefix(name)?
                    .trim()
                    .trim_end_matches(" kB")
                    .parse()
                    .ok()
            })
        };
        Some(Memory {
            rss_kb: field("VmRSS:")?,
            hwm_kb: field("VmHWM:")?,
            anon_kb: field("RssAnon:")?,
            threads: field("Threads:")?,
        })
    }
}

/// One request of the mix and what must come back.
struct Planned {
    label: &'static str,
    method: &'static str,
    uri: String,
    body: Bytes,
    if_none_match: Option<String>,
    expect: Expect,
    /// For `GET /render?spec=`: which of the revalidated specs, to remember its `ETag`.
    etag_slot: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Svg { width: u32, height: u32 },
    Png { width: u32, height: u32 },
    Pdf,
    NotModified,
    Error(&'static str, Option<&'static str>),
}

/// The kinds of request in one round of [`ROUND`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    W1Svg,
    W1Png,
    W3Png,
    W2Png,
    W3Pdf,
    Dates,
    Pie,
    BoxPlot,
    Annotations,
    Repeat,
    GetSpec,
    Invalid,
    TooLarge,
}

const SLOTS: [(Slot, u64); 13] = [
    (Slot::W1Svg, 40),
    (Slot::W1Png, 36),
    (Slot::W3Png, 30),
    (Slot::W2Png, 3),
    (Slot::W3Pdf, 8),
    (Slot::Dates, 6),
    (Slot::Pie, 6),
    (Slot::BoxPlot, 6),
    (Slot::Annotations, 6),
    (Slot::Repeat, 20),
    (Slot::GetSpec, 24),
    (Slot::Invalid, 10),
    (Slot::TooLarge, 5),
];

/// Distinct specs fetched with `GET /render?spec=` and revalidated.
const GET_SPECS: usize = 32;
/// Distinct W1 PNGs that repeat, so the render cache answers them.
const REPEATED: u64 = 16;

/// A spec with a placeholder title: each request gets its own for one copy.
struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
    width: u32,
    height: u32,
}

impl Template {
    fn new(mut spec: Value) -> Self {
        let width = spec["width"].as_u64().unwrap_or(640) as u32;
        let height = spec["height"].as_u64().unwrap_or(480) as u32;
        spec["title"] = Value::from("@TITLE@");
        let text = serde_json::to_string(&spec).expect("serialize");
        let (head, tail) = text.split_once("@TITLE@").expect("the placeholder");
        Template {
            head: head.as_bytes().to_vec(),
            tail: tail.as_bytes().to_vec(),
            width,
            height,
        }
    }

    fn body(&self, title: &str) -> Bytes {
        let mut body = Vec::with_capacity(self.head.len() + title.len() + self.tail.len());
        body.extend_from_slice(&self.head);
        body.extend_from_slice(title.as_bytes());
        body.extend_from_slice(&self.tail);
        Bytes::from(body)
    }

    fn svg(&self) -> Expect {
        Expect::Svg {
            width: self.width,
            height: self.height,
        }
    }

    fn png(&self, scale: u32) -> Expect {
        Expect::Png {
            width: self.width * scale,
            height: self.height * scale,
        }
    }
}

/// The workload: templates, the order of slots in a round, the refused specs.
struct Mix {
    w1: Template,
    w2: Template,
    w3: Template,
    dates: Template,
    pie: Template,
    boxplot: Template,
    annotations: Template,
    heavy: Bytes,
    order: Vec<Slot>,
    invalid: Vec<(Bytes, &'static str)>,
    too_large: Vec<(Bytes, &'static str)>,
    get_uris: Vec<String>,
    get_size: (u32, u32),
}

impl Mix {
    fn new() -> Self {
        let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http");
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../renderer-wasm/tests/golden");
        let w1 = read_json(&e2e.join("w1_line.json"));
        let mut heavy = read_json(&e2e.join("heavy_scatter.json"));
        if let Some(series) = heavy["series"].as_array_mut() {
            let copies: Vec<Value> = series.to_vec();
            for _ in 1..HEAVY_COPIES {
                series.extend(copies.iter().cloned());
            }
        }
        let dates = read_json(&golden.join("time_days/spec.json"));
        let pie = read_json(&golden.join("pie_labels_autopct/spec.json"));
        let boxplot = read_json(&golden.join("box_vertical/spec.json"));
        let annotations = read_json(&golden.join("twin_axes_annotations/spec.json"));

        let slots: Vec<Slot> = SLOTS
            .iter()
            .flat_map(|&(slot, n)| std::iter::repeat_n(slot, n as usize))
            .collect();
        assert_eq!(slots.len() as u64, ROUND, "the mix fills one round");
        // A stride coprime with the round interleaves the kinds instead of running
        // 40 W1 SVGs back to back.
        let order = (0..ROUND)
            .map(|i| slots[((i * 83) % ROUND) as usize])
            .collect();

        let mut bad_type = w1.clone();
        bad_type["axes"][0]["series"][0]["type"] = Value::from("sparkline");
        let mut bad_length = w1.clone();
        if let Some(y) = bad_length["axes"][0]["series"][0]["y"].as_array_mut() {
            y.truncate(10);
        }
        let mut unknown_field = pie.clone();
        unknown_field["axes"][0]["series"][0]["colour"] = Value::from("red");
        let invalid = vec![
            (json_bytes(&bad_type), "/axes/0/series/0/type"),
            (json_bytes(&bad_length), "/axes/0/series/0/y"),
            (json_bytes(&unknown_field), "/axes/0/series/0/colour"),
            (Bytes::from_static(b"{\"width\": 640, \"series\": ["), ""),
        ];
        let mut wide = w1.clone();
        wide["width"] = Value::from(20_000);
        let mut big_canvas = w1.clone();
        big_canvas["width"] = Value::from(5000);
        big_canvas["height"] = Value::from(5000);
        let too_large = vec![(json_bytes(&wide), "/width"), (json_bytes(&big_canvas), "")];

        let pie_template = Template::new(pie.clone());
        let get_uris = (0..GET_SPECS)
            .map(|k| {
                let spec = pie_template.body(&format!("Plans, revalidated {k}"));
                format!("/render?format=png&spec={}", percent_encode(&spec))
            })
            .collect();
        let get_size = (pie_template.width, pie_template.height);
        Mix {
            w1: Template::new(w1),
            w2: Template::new(w2_spec()),
            w3: Template::new(w3_spec()),
            dates: Template::new(dates),
            pie: pie_template,
            boxplot: Template::new(boxplot),
            annotations: Template::new(annotations),
            heavy: json_bytes(&heavy),
            order,
            invalid,
            too_large,
            get_uris,
            get_size,
        }
    }

    /// Request `i` of the run; `etags` holds the `ETag`s seen for the GET specs.
    fn plan(&self, i: u64, etags: &Mutex<HashMap<usize, String>>) -> Planned {
        let title = format!("soak {i}");
        let post = |label, format: &str, body, expect| Planned {
            label,
            method: "POST",
            uri: format!("/render?format={format}"),
            body,
            if_none_match: None,
            expect,
            etag_slot: None,
        };
        if i % DEADLINE_EVERY == DEADLINE_EVERY - 1 {
            return Planned {
                label: "heavy PNG (deadline_exceeded)",
                method: "POST",
                uri: "/render?format=png&scale=2".into(),
                body: self.heavy.clone(),
                if_none_match: None,
                expect: Expect::Error("deadline_exceeded", None),
                etag_slot: None,
            };
        }
        let round = i / ROUND;
        match self.order[(i % ROUND) as usize] {
            Slot::W1Svg => post("W1 SVG", "svg", self.w1.body(&title), self.w1.svg()),
            Slot::W1Png => post("W1 PNG", "png", self.w1.body(&title), self.w1.png(1)),
            Slot::W3Png => post("W3 PNG", "png", self.w3.body(&title), self.w3.png(1)),
            Slot::W2Png => post("W2 PNG", "png", self.w2.body(&title), self.w2.png(1)),
            Slot::W3Pdf => post("W3 PDF", "pdf", self.w3.body(&title), Expect::Pdf),
            Slot::Dates => post(
                "dates PNG",
                "png",
                self.dates.body(&title),
                self.dates.png(1),
            ),
            Slot::Pie => post("pie SVG", "svg", self.pie.body(&title), self.pie.svg()),
            Slot::BoxPlot => Planned {
                uri: "/render?format=png&scale=2".into(),
                ..post(
                    "box plot PNG scale 2",
                    "png",
                    self.boxplot.body(&title),
                    self.boxplot.png(2),
                )
            },
            Slot::Annotations => post(
                "annotations SVG",
                "svg",
                self.annotations.body(&title),
                self.annotations.svg(),
            ),
            Slot::Repeat => post(
                "W1 PNG repeated",
                "png",
                self.w1.body(&format!("repeated {}", i % REPEATED)),
                self.w1.png(1),
            ),
            Slot::GetSpec => {
                let k = ((i * 7) % GET_SPECS as u64) as usize;
                // Every other round fetches without a validator: a cache hit, or a
                // render again once the spec has left the cache.
                let known = etags.lock().ok().and_then(|tags| tags.get(&k).cloned());
                let revalidate = known.filter(|_| round.is_multiple_of(2));
                let (width, height) = self.get_size;
                Planned {
                    label: if revalidate.is_some() {
                        "GET spec, If-None-Match (304)"
                    } else {
                        "GET spec"
                    },
                    method: "GET",
                    uri: self.get_uris[k].clone(),
                    body: Bytes::new(),
                    expect: if revalidate.is_some() {
                        Expect::NotModified
                    } else {
                        Expect::Png { width, height }
                    },
                    if_none_match: revalidate,
                    etag_slot: Some(k),
                }
            }
            Slot::Invalid => {
                let (body, path) = &self.invalid[(i % self.invalid.len() as u64) as usize];
                let path = (!path.is_empty()).then_some(*path);
                post(
                    "invalid_spec",
                    "svg",
                    body.clone(),
                    Expect::Error("invalid_spec", path),
                )
            }
            Slot::TooLarge => {
                let (body, path) = &self.too_large[(i % self.too_large.len() as u64) as usize];
                let path = (!path.is_empty()).then_some(*path);
                post(
                    "too_large",
                    "png",
                    body.clone(),
                    Expect::Error("too_large", path),
                )
            }
        }
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_bytes(value: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("serialize"))
}

/// W2 of bench/workloads.py (host/benches/sandbox.rs): 10,000 scatter points, 800×600.
fn w2_spec() -> Value {
    let x: Vec<u64> = (0..10_000u64).map(|i| (i * 7919) % 10_007).collect();
    let y: Vec<u64> = (0..10_000u64).map(|i| (i * 104_729) % 10_009).collect();
    serde_json::json!({"width": 800, "height": 600,
        "series": [{"type": "scatter", "x": x, "y": y}]})
}

/// W3 of bench/workloads.py: 20 bars, 640×480.
fn w3_spec() -> Value {
    let x: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    let y: Vec<f64> = (0..20u32)
        .map(|i| 10.0 + 90.0 * f64::from((i * 37) % 20) / 20.0)
        .collect();
    serde_json::json!({"width": 640, "height": 480, "series": [{"type": "bar", "x": x, "y": y}]})
}

/// `application/x-www-form-urlencoded` escaping of a query value.
fn percent_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A memory reading after `done` requests, with the render cache's fill.
struct Checkpoint {
    done: u64,
    memory: Memory,
    cache_bytes: u64,
    cache_entries: u64,
    at: Duration,
}

struct Outcome {
    done: u64,
    failures: u64,
    decoded: u64,
    checkpoints: Vec<Checkpoint>,
    by_label: HashMap<&'static str, u64>,
}

/// Shared by the clients of one run.
struct Shared {
    mix: Arc<Mix>,
    issued: AtomicU64,
    done: AtomicU64,
    /// Requests being sent or awaited now, and whether new ones must wait: memory is
    /// read with nothing in flight, so a checkpoint does not catch one render's
    /// buffers at one time and not at another.
    in_flight: AtomicU64,
    paused: AtomicBool,
    failures: AtomicU64,
    decoded: AtomicU64,
    etags: Mutex<HashMap<usize, String>>,
    by_label: Mutex<HashMap<&'static str, u64>>,
}

async fn run(addr: SocketAddr, pid: u32, renders: u64, concurrency: u64, mix: Arc<Mix>) -> Outcome {
    let shared = Arc::new(Shared {
        mix,
        issued: AtomicU64::new(0),
        done: AtomicU64::new(0),
        in_flight: AtomicU64::new(0),
        paused: AtomicBool::new(false),
        failures: AtomicU64::new(0),
        decoded: AtomicU64::new(0),
        etags: Mutex::new(HashMap::new()),
        by_label: Mutex::new(HashMap::new()),
    });
    let started = Instant::now();
    let mut clients = Vec::new();
    for _ in 0..concurrency {
        let shared = Arc::clone(&shared);
        clients.push(tokio::spawn(client(addr, renders, shared)));
    }
    // 1k, then every 10k, and the last request.
    let mut marks: Vec<u64> = std::iter::once(1_000)
        .chain((1..).map(|k| k * 10_000).take_while(|&n| n < renders))
        .filter(|&n| n < renders)
        .collect();
    marks.push(renders);
    let mut checkpoints = Vec::new();
    for mark in marks {
        while shared.done.load(Ordering::Relaxed) < mark
            && !clients.iter().all(|client| client.is_finished())
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Quiesce: no new requests, and the ones in flight answered.
        shared.paused.store(true, Ordering::SeqCst);
        while shared.in_flight.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let done = shared.done.load(Ordering::Relaxed);
        let read = Memory::read(pid);
        let metrics = get_text(addr, "/metrics").await;
        shared.paused.store(false, Ordering::SeqCst);
        let Some(memory) = read else {
            println!("the server (pid {pid}) is gone after {done} requests");
            break;
        };
        let point = Checkpoint {
            done,
            memory,
            cache_bytes: metric(&metrics, "plotbox_cache_bytes").unwrap_or(0.0) as u64,
            cache_entries: metric(&metrics, "plotbox_cache_entries").unwrap_or(0.0) as u64,
            at: started.elapsed(),
        };
        println!(
            "  {:>7} requests  RSS {:6.1} MiB  HWM {:6.1} MiB  anon {:6.1} MiB  threads {:3}  cache {:4.1} MiB  {:5.0} s  failures {}",
            point.done,
            mib(memory.rss_kb),
            mib(memory.hwm_kb),
            mib(memory.anon_kb),
            memory.threads,
            point.cache_bytes as f64 / (1024.0 * 1024.0),
            point.at.as_secs_f64(),
            shared.failures.load(Ordering::Relaxed)
        );
        checkpoints.push(point);
        if done < mark {
            break;
        }
    }
    for client in clients {
        if let Err(error) = client.await {
            println!("a client task failed: {error}");
            shared.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
    let by_label = shared
        .by_label
        .lock()
        .map(|labels| labels.clone())
        .unwrap_or_default();
    Outcome {
        done: shared.done.load(Ordering::Relaxed),
        failures: shared.failures.load(Ordering::Relaxed),
        decoded: shared.decoded.load(Ordering::Relaxed),
        checkpoints,
        by_label,
    }
}

/// One keep-alive connection sending requests back to back until `renders` are issued.
/// A broken connection is a failure, and the next request gets a new one.
async fn client(addr: SocketAddr, renders: u64, shared: Arc<Shared>) {
    let mut sender: Option<Sender> = None;
    loop {
        shared.in_flight.fetch_add(1, Ordering::SeqCst);
        if shared.paused.load(Ordering::SeqCst) {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        let i = shared.issued.fetch_add(1, Ordering::Relaxed);
        if i >= renders {
            shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            break;
        }
        let planned = shared.mix.plan(i, &shared.etags);
        if sender.is_none() {
            sender = connect(addr).await;
        }
        let verdict = match sender.as_mut() {
            Some(sender) => send_and_check(sender, &planned, &shared, i).await,
            None => Err("cannot connect".to_owned()),
        };
        if let Ok(mut labels) = shared.by_label.lock() {
            *labels.entry(planned.label).or_default() += 1;
        }
        if let Err(what) = verdict {
            // The connection may be the cause; start afresh.
            sender = None;
            let n = shared.failures.fetch_add(1, Ordering::Relaxed);
            if n < PRINT_FAILURES {
                println!(
                    "FAILURE request {i} ({} {} {}): {what}",
                    planned.label,
                    planned.method,
                    cut(&planned.uri, 80)
                );
            }
        }
        shared.done.fetch_add(1, Ordering::Relaxed);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn cut(text: &str, n: usize) -> &str {
    text.get(..n).unwrap_or(text)
}

/// Sends one request and checks the answer against what was planned.
async fn send_and_check(
    sender: &mut Sender,
    planned: &Planned,
    shared: &Shared,
    i: u64,
) -> Result<(), String> {
    let mut request = Request::builder()
        .method(planned.method)
        .uri(planned.uri.as_str())
        .header("host", "soak");
    if planned.method == "POST" {
        request = request.header("content-type", "application/json");
    }
    if let Some(tag) = &planned.if_none_match {
        request = request.header("if-none-match", tag.as_str());
    }
    let request = request
        .body(Full::new(planned.body.clone()))
        .map_err(|e| format!("building the request: {e}"))?;
    let (parts, body) = exchange(sender, request, REQUEST_LIMIT).await?;
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let status = parts.status;
    let decode = i % DECODE_EVERY < 3;
    match planned.expect {
        Expect::Svg { width, height } => {
            expect_status(status, StatusCode::OK, &body)?;
            expect_type(content_type, "image/svg+xml")?;
            if !body.starts_with(b"<svg") && !body.starts_with(b"<?xml") {
                return Err(format!("not an SVG: {:?}", lossy(&body)));
            }
            if decode {
                check_svg(&body, width, height)?;
                shared.decoded.fetch_add(1, Ordering::Relaxed);
            }
        }
        Expect::Png { width, height } => {
            expect_status(status, StatusCode::OK, &body)?;
            expect_type(content_type, "image/png")?;
            if !body.starts_with(b"\x89PNG\r\n\x1a\n") {
                return Err(format!("not a PNG: {:?}", lossy(&body)));
            }
            if decode {
                check_png(&body, width, height)?;
                shared.decoded.fetch_add(1, Ordering::Relaxed);
            }
            if let Some(slot) = planned.etag_slot {
                let tag = parts
                    .headers
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .ok_or("a GET picture without an ETag")?;
                let mut etags = shared.etags.lock().map_err(|_| "poisoned")?;
                let known = etags.entry(slot).or_insert_with(|| tag.to_owned());
                if known != tag {
                    return Err(format!("the ETag changed: {known} then {tag}"));
                }
            }
        }
        Expect::Pdf => {
            expect_status(status, StatusCode::OK, &body)?;
            expect_type(content_type, "application/pdf")?;
            let end = body.trim_ascii_end();
            if !body.starts_with(b"%PDF-") || !end.ends_with(b"%%EOF") {
                return Err(format!(
                    "not a whole PDF ({} bytes): {:?}",
                    body.len(),
                    lossy(&body)
                ));
            }
        }
        Expect::NotModified => {
            expect_status(status, StatusCode::NOT_MODIFIED, &body)?;
            if !body.is_empty() {
                return Err(format!("a 304 with {} bytes of body", body.len()));
            }
        }
        Expect::Error(kind, path) => {
            let error: Value = serde_json::from_slice(&body).map_err(|e| {
                format!("status {status}, not error JSON ({e}): {:?}", lossy(&body))
            })?;
            let got = error["error"]["kind"].as_str().unwrap_or("");
            if got != kind {
                return Err(format!(
                    "status {status}, kind {got:?} instead of {kind:?}: {}",
                    lossy(&body)
                ));
            }
            let wanted_status = match kind {
                "invalid_spec" => StatusCode::BAD_REQUEST,
                "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            expect_status(status, wanted_status, &body)?;
            if let Some(path) = path {
                let got = error["error"]["path"].as_str().unwrap_or("");
                if got != path {
                    return Err(format!(
                        "path {got:?} instead of {path:?}: {}",
                        lossy(&body)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn expect_status(got: StatusCode, wanted: StatusCode, body: &[u8]) -> Result<(), String> {
    if got == wanted {
        Ok(())
    } else {
        Err(format!(
            "status {got} instead of {wanted}: {:?}",
            lossy(body)
        ))
    }
}

fn expect_type(got: &str, wanted: &str) -> Result<(), String> {
    if got.starts_with(wanted) {
        Ok(())
    } else {
        Err(format!("content type {got:?} instead of {wanted:?}"))
    }
}

fn lossy(body: &[u8]) -> String {
    String::from_utf8_lossy(body.get(..200).unwrap_or(body)).into_owned()
}

/// Decodes the whole PNG and checks its pixel size.
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

/// Parses the SVG and checks the size of its root.
fn check_svg(data: &[u8], width: u32, height: u32) -> Result<(), String> {
    let text = std::str::from_utf8(data).map_err(|e| format!("SVG not UTF-8: {e}"))?;
    let document = roxmltree::Document::parse(text).map_err(|e| format!("SVG not XML: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" {
        return Err(format!("root element <{}>", root.tag_name().name()));
    }
    let number = |name: &str| {
        root.attribute(name)
            .map(|v| v.trim_end_matches("px"))
            .and_then(|v| v.parse::<f64>().ok())
    };
    if number("width") != Some(f64::from(width)) || number("height") != Some(f64::from(height)) {
        return Err(format!(
            "SVG of {:?}×{:?} instead of {width}×{height}",
            root.attribute("width"),
            root.attribute("height")
        ));
    }
    Ok(())
}
