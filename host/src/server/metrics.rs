//! Counters of the server, exposed at `/metrics` in the Prometheus text format
//! (version 0.0.4), written by hand.
//!
//! `prometheus-client` was considered and not taken. Every label here has a fixed,
//! small set of values known at compile time (format × outcome, status class), so the
//! counters are plain arrays of atomics: an increment on the render path is one
//! `fetch_add`, where the crate's `Family` hashes a label set and takes a lock. The
//! crate writes OpenMetrics text (its own content type, a closing `# EOF`), which would
//! change what existing scrapers read, and its registry and encoder are more to learn
//! than the hundred-odd lines of text writing below.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use renderer_wasm::ErrorKind;

/// Output formats, as the `format` label.
pub const FORMATS: [&str; 3] = ["svg", "png", "pdf"];

/// Outcomes of a render that reached a worker, as the `outcome` label: `ok` or the
/// error kind. `overloaded` never reaches a worker; it is counted as rejected.
const OUTCOMES: [&str; 6] = [
    "ok",
    "invalid_spec",
    "too_large",
    "deadline_exceeded",
    "memory_limit",
    "internal",
];

/// Upper bounds of the render duration histogram, in seconds: from a cached-looking
/// SVG (well under a millisecond) up to renders that hit a generous deadline.
const DURATION_BUCKETS_S: [f64; 14] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0,
];

/// HTTP status classes, as the `code` label of `plotbox_http_responses_total`.
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// One histogram of render durations for one format.
#[derive(Default)]
struct Histogram {
    buckets: [AtomicU64; DURATION_BUCKETS_S.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// All counters; shared by every request through the server state.
#[derive(Default)]
pub struct Metrics {
    renders: [[AtomicU64; OUTCOMES.len()]; FORMATS.len()],
    durations: [Histogram; FORMATS.len()],
    rejected: AtomicU64,
    cache_hits: AtomicU64,
    not_modified: AtomicU64,
    responses: [AtomicU64; STATUS_CLASSES.len()],
}

/// Index of a format in [`FORMATS`].
pub fn format_index(format: renderer_wasm::Format) -> usize {
    match format {
        renderer_wasm::Format::Svg => 0,
        renderer_wasm::Format::Png { .. } => 1,
        renderer_wasm::Format::Pdf => 2,
    }
}

fn outcome_index(outcome: Result<(), ErrorKind>) -> usize {
    let name = match outcome {
        Ok(()) => "ok",
        Err(kind) => kind.as_str(),
    };
    // An unexpected kind from a worker is a bug on our side, so it counts as internal.
    OUTCOMES
        .iter()
        .position(|o| *o == name)
        .unwrap_or(OUTCOMES.len() - 1)
}

impl Metrics {
    /// Records a render that ran on a worker.
    pub fn record_render(&self, format: usize, outcome: Result<(), ErrorKind>, took: Duration) {
        self.renders[format][outcome_index(outcome)].fetch_add(1, Ordering::Relaxed);
        let hist = &self.durations[format];
        let seconds = took.as_secs_f64();
        for (bucket, bound) in hist.buckets.iter().zip(DURATION_BUCKETS_S) {
            if seconds <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        hist.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        hist.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Records a request turned away with 503 because workers and queue were full.
    pub fn record_rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_not_modified(&self) {
        self.not_modified.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record_response(&self, status: u16) {
        let class = usize::from(status / 100).saturating_sub(1);
        if let Some(counter) = self.responses.get(class) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The exposition text; gauges that live elsewhere are passed in.
    pub fn render_text(&self, gauges: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        // `write!` into a String cannot fail, so its results are ignored throughout.
        let _ = writeln!(out, "# HELP plotbox_renders_total Renders that ran on a worker, by output format and outcome (ok or the error kind).");
        let _ = writeln!(out, "# TYPE plotbox_renders_total counter");
        for (f, format) in FORMATS.iter().enumerate() {
            for (o, outcome) in OUTCOMES.iter().enumerate() {
                let n = self.renders[f][o].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "plotbox_renders_total{{format=\"{format}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        let _ = writeln!(out, "# HELP plotbox_render_duration_seconds Time a render spent on a worker, by output format.");
        let _ = writeln!(out, "# TYPE plotbox_render_duration_seconds histogram");
        for (f, format) in FORMATS.iter().enumerate() {
            let hist = &self.durations[f];
            for (bucket, bound) in hist.buckets.iter().zip(DURATION_BUCKETS_S) {
                let n = bucket.load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "plotbox_render_duration_seconds_bucket{{format=\"{format}\",le=\"{bound}\"}} {n}"
                );
            }
            let count = hist.count.load(Ordering::Relaxed);
            let sum = hist.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(
                out,
                "plotbox_render_duration_seconds_bucket{{format=\"{format}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "plotbox_render_duration_seconds_sum{{format=\"{format}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "plotbox_render_duration_seconds_count{{format=\"{format}\"}} {count}"
            );
        }
        let counters = [
            (
                "plotbox_rejected_total",
                "Render requests turned away with 503 overloaded (workers and queue full).",
                self.rejected.load(Ordering::Relaxed),
            ),
            (
                "plotbox_cache_hits_total",
                "Render requests answered from the in-memory result cache.",
                self.cache_hits.load(Ordering::Relaxed),
            ),
            (
                "plotbox_not_modified_total",
                "Render requests answered 304 from a matching If-None-Match.",
                self.not_modified.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            let _ = writeln!(out, "{name} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP plotbox_http_responses_total HTTP responses, by status class."
        );
        let _ = writeln!(out, "# TYPE plotbox_http_responses_total counter");
        for (class, counter) in STATUS_CLASSES.iter().zip(&self.responses) {
            let n = counter.load(Ordering::Relaxed);
            let _ = writeln!(out, "plotbox_http_responses_total{{code=\"{class}\"}} {n}");
        }
        let gauge_lines = [
            (
                "plotbox_renders_in_flight",
                "Renders running on a worker now.",
                gauges.in_flight,
            ),
            (
                "plotbox_renders_queued",
                "Admitted renders waiting for a worker now.",
                gauges.queued,
            ),
            (
                "plotbox_workers",
                "Renders that may run at once.",
                gauges.workers,
            ),
            (
                "plotbox_queue_capacity",
                "Renders that may wait for a worker.",
                gauges.queue_capacity,
            ),
            (
                "plotbox_cache_bytes",
                "Bytes of rendered pictures held by the result cache.",
                gauges.cache_bytes,
            ),
            (
                "plotbox_cache_entries",
                "Pictures held by the result cache.",
                gauges.cache_entries,
            ),
        ];
        for (name, help, value) in gauge_lines {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name} {value}");
        }
        out
    }
}

/// Point-in-time values owned by other parts of the server.
pub struct Gauges {
    pub in_flight: usize,
    pub queued: usize,
    pub workers: usize,
    pub queue_capacity: usize,
    pub cache_bytes: usize,
    pub cache_entries: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauges() -> Gauges {
        Gauges {
            in_flight: 1,
            queued: 2,
            workers: 2,
            queue_capacity: 8,
            cache_bytes: 0,
            cache_entries: 0,
        }
    }

    fn sample(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn renders_are_counted_by_format_and_outcome() {
        let metrics = Metrics::default();
        metrics.record_render(0, Ok(()), Duration::from_micros(700));
        metrics.record_render(
            1,
            Err(ErrorKind::DeadlineExceeded),
            Duration::from_millis(30),
        );
        let text = metrics.render_text(&gauges());
        assert_eq!(
            sample(&text, r#"plotbox_renders_total{format="svg",outcome="ok"}"#),
            Some(1.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"plotbox_renders_total{format="png",outcome="deadline_exceeded"}"#
            ),
            Some(1.0)
        );
        assert_eq!(
            sample(&text, r#"plotbox_renders_total{format="png",outcome="ok"}"#),
            Some(0.0)
        );
        assert_eq!(sample(&text, "plotbox_renders_queued"), Some(2.0));
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::default();
        metrics.record_render(0, Ok(()), Duration::from_micros(700));
        metrics.record_render(0, Ok(()), Duration::from_millis(3));
        let text = metrics.render_text(&gauges());
        let bucket = |le: &str| {
            sample(
                &text,
                &format!(r#"plotbox_render_duration_seconds_bucket{{format="svg",le="{le}"}}"#),
            )
        };
        assert_eq!(bucket("0.0005"), Some(0.0));
        assert_eq!(bucket("0.001"), Some(1.0));
        assert_eq!(bucket("0.005"), Some(2.0));
        assert_eq!(bucket("+Inf"), Some(2.0));
        let sum = sample(
            &text,
            r#"plotbox_render_duration_seconds_sum{format="svg"}"#,
        );
        assert_eq!(sum, Some(0.0037));
    }
}
