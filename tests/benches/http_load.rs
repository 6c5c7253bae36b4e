//! Load benchmark of `plotbox serve` on loopback: W1 (a 1,000-point line chart,
//! 640×480, title and axis labels) as SVG and as PNG, at concurrency 1, 2 and 16;
//! prints throughput and p50/p99 latency as a Markdown table.
//!
//! ```text
//! cargo build --release -p plotbox-host
//! cargo bench -p plotbox-e2e --bench http_load
//! ```
//!
//! Bounded: each cell runs for at most `PLOTBOX_BENCH_SECONDS` (default 3) seconds or
//! `PLOTBOX_BENCH_REQUESTS` (default 20,000) requests, after a short warm-up. Every
//! request carries a distinct title, so the server's result cache cannot stand in for
//! rendering; `PLOTBOX_BENCH_SAME_SPEC=1` sends one spec throughout instead, with the
//! cache on, which measures the HTTP path alone. `PLOTBOX_BENCH_SERVER_ARGS` adds
//! flags to `plotbox serve`. The client runs on one thread, so the server keeps most
//! of the machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use plotbox_e2e::{env_number, percentile, ServeProcess};

const CONCURRENCY: [usize; 3] = [1, 2, 16];
const WARM_UP_REQUESTS: u64 = 50;

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters cells by name.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seconds = env_number("PLOTBOX_BENCH_SECONDS", 3);
    let max_requests = env_number("PLOTBOX_BENCH_REQUESTS", 20_000);
    let extra_args: Vec<String> = std::env::var("PLOTBOX_BENCH_SERVER_ARGS")
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();

    let same_spec = std::env::var("PLOTBOX_BENCH_SAME_SPEC").is_ok_and(|v| v == "1");
    let cache_mb = if same_spec { "8" } else { "0" };
    let mut args = vec!["--cache-mb".to_owned(), cache_mb.to_owned()];
    args.extend(extra_args.iter().cloned());
    let server = ServeProcess::start(&args);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let template = Template::w1(same_spec);

    println!("| workload | concurrency | requests | renders/s | p50 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for format in ["svg", "png"] {
        for concurrency in CONCURRENCY {
            let name = format!("w1-{format}-c{concurrency}");
            if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
                continue;
            }
            let cell = Cell {
                addr: server.addr,
                path: format!("/render?format={format}"),
                concurrency,
                duration: Duration::from_secs(seconds),
                template: template.clone(),
            };
            runtime.block_on(cell.run(WARM_UP_REQUESTS.min(max_requests), Duration::from_secs(5)));
            let result = runtime.block_on(cell.run(max_requests, cell.duration));
            let mut latencies = result.latencies;
            latencies.sort_unstable();
            println!(
                "| W1 {format} | {concurrency} | {} | {:.0} | {:.2} | {:.2} | {} |",
                latencies.len(),
                latencies.len() as f64 / result.elapsed.as_secs_f64(),
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.99),
                result.errors,
            );
        }
    }
    drop(server);
}

/// W1 split around its title, so each request gets a distinct title for the cost of
/// one copy.
#[derive(Clone)]
struct Template {
    head: Bytes,
    tail: Bytes,
    same_spec: bool,
}

impl Template {
    fn w1(same_spec: bool) -> Self {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http/w1_line.json");
        let text = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut spec: serde_json::Value = serde_json::from_slice(&text).expect("W1 is JSON");
        spec["title"] = serde_json::Value::from("@TITLE@");
        let text = serde_json::to_string(&spec).expect("serialize");
        let (head, tail) = text.split_once("@TITLE@").expect("the placeholder");
        Template {
            head: Bytes::from(head.to_owned()),
            tail: Bytes::from(tail.to_owned()),
            same_spec,
        }
    }

    fn body(&self, n: u64) -> Bytes {
        let title = if self.same_spec {
            "W1".to_owned()
        } else {
            format!("W1 request {n}")
        };
        let mut body = Vec::with_capacity(self.head.len() + title.len() + self.tail.len());
        body.extend_from_slice(&self.head);
        body.extend_from_slice(title.as_bytes());
        body.extend_from_slice(&self.tail);
        Bytes::from(body)
    }
}

/// One (workload, concurrency) measurement.
struct Cell {
    addr: SocketAddr,
    path: String,
    concurrency: usize,
    duration: Duration,
    template: Template,
}

struct CellResult {
    latencies: Vec<Duration>,
    errors: u64,
    elapsed: Duration,
}

static NEXT_TITLE: AtomicU64 = AtomicU64::new(0);

impl Cell {
    /// `concurrency` clients, each on its own keep-alive connection, send requests
    /// back to back until `budget` requests are started or `limit` has passed.
    async fn run(&self, budget: u64, limit: Duration) -> CellResult {
        let started = Instant::now();
        let issued = Arc::new(AtomicU64::new(0));
        let mut clients = Vec::new();
        for _ in 0..self.concurrency {
            let (addr, path, template, issued) = (
                self.addr,
                self.path.clone(),
                self.template.clone(),
                Arc::clone(&issued),
            );
            clients.push(tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                let _ = stream.set_nodelay(true);
                let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
                    .await
                    .expect("handshake");
                tokio::spawn(connection);
                let (mut latencies, mut errors) = (Vec::new(), 0u64);
                while started.elapsed() < limit && issued.fetch_add(1, Ordering::Relaxed) < budget {
                    let body = template.body(NEXT_TITLE.fetch_add(1, Ordering::Relaxed));
                    let request = Request::post(path.as_str())
                        .header("host", "bench")
                        .header("content-type", "application/json")
                        .body(Full::new(body))
                        .expect("request");
                    let sent = Instant::now();
                    let ok = match sender.send_request(request).await {
                        Ok(response) => {
                            let status = response.status();
                            let body = response.into_body().collect().await;
                            status == StatusCode::OK && body.is_ok()
                        }
                        Err(_) => false,
                    };
                    if ok {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            }));
        }
        let mut result = CellResult {
            latencies: Vec::new(),
            errors: 0,
            elapsed: Duration::ZERO,
        };
        for client in clients {
            let (latencies, errors) = client.await.expect("client task");
            result.latencies.extend(latencies);
            result.errors += errors;
        }
        result.elapsed = started.elapsed();
        result
    }
}
