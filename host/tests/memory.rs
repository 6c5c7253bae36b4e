//! Every render returns its memory: resident memory after 10,000 renders is within a
//! few percent of what it was after the first 1,000.

use crate::util::{real_runtime, rss_kib};
use plotbox_host::{OutputFormat, RenderLimits};

#[test]
fn resident_memory_stays_flat_over_ten_thousand_renders() {
    // The other tests of this binary render in the same process at the same time, so
    // RSS means something only alone: the measurement runs in a child process.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "memory::measure_rss_over_ten_thousand_renders",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    assert!(
        report.contains("1 passed"),
        "the measurement did not run:\n{report}"
    );
}

#[test]
#[ignore = "run alone, in its own process, by resident_memory_stays_flat_over_ten_thousand_renders"]
fn measure_rss_over_ten_thousand_renders() {
    let runtime = real_runtime();
    let limits = RenderLimits::default();
    let specs: Vec<String> = (0..10)
        .map(|i| {
            format!(r#"{{"width": 300, "height": 200, "series": [{{"type": "line", "y": [1, {i}, 3]}}]}}"#)
        })
        .collect();
    let mut after_first_thousand = 0;
    for round in 0..10_000 {
        let spec = &specs[round % specs.len()];
        let svg = runtime
            .render(spec.as_bytes(), OutputFormat::Svg, &limits)
            .unwrap();
        assert!(svg.starts_with(b"<svg"));
        if round == 999 {
            after_first_thousand = rss_kib();
        }
    }
    let after_last = rss_kib();
    let growth = after_last as f64 / after_first_thousand as f64 - 1.0;
    eprintln!("RSS after 1,000 renders {after_first_thousand} KiB, after 10,000 {after_last} KiB");
    assert!(
        growth < 0.05,
        "RSS grew {:.1}% from {after_first_thousand} KiB to {after_last} KiB",
        growth * 100.0
    );
}
