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

/// The spec's canvas limit and the sandbox's default memory cap agree: the largest
/// canvas a spec may ask for renders as PNG under the default 128 MiB. Measured with
/// `plotbox render --memory-mb M` (the smallest M that works, for a chart like the one
/// below): 4 M device pixels need 20 MiB, 10 M 45 MiB, 16 M 71 MiB, 20 M 88 MiB, 30 M
/// 130 MiB and 40 M (the old limit) 174 MiB; SVG and PDF of a 40 M-pixel canvas need
/// 3 MiB. So the raster costs about 4.3 bytes a device pixel, and 16 M leaves 57 MiB
/// for the data, the text and the encoded picture.
#[test]
fn the_largest_allowed_canvas_renders_as_png_under_the_default_memory_cap() {
    let pixels = renderer_wasm::Limits::default().max_device_pixels;
    // The square canvas of exactly the limit (4000 × 4000 for 16 M).
    let side = (pixels as f64).sqrt().floor() as u64;
    assert_eq!(
        side * side,
        pixels,
        "the limit is a square number of pixels"
    );
    let points = |f: fn(f64) -> f64| {
        let values: Vec<String> = (0..200)
            .map(|i| format!("{:.4}", f(f64::from(i) / 20.0)))
            .collect();
        values.join(", ")
    };
    let spec = format!(
        r#"{{"width": {side}, "height": {side}, "title": "the largest canvas",
            "x": {{"label": "time"}}, "y": {{"label": "value"}},
            "series": [
              {{"type": "line", "y": [{}], "label": "sine"}},
              {{"type": "scatter", "y": [{}], "label": "cosine", "alpha": 0.5}},
              {{"type": "bar", "x": [20, 60, 100, 140, 180], "y": [0.5, -0.5, 0.8, -0.2, 0.3], "width": 0.5, "label": "bars"}}
            ]}}"#,
        points(f64::sin),
        points(f64::cos),
    );
    let limits = RenderLimits {
        // Memory is what this test is about: time and fuel are generous, since a loaded
        // test machine may be slow.
        timeout: std::time::Duration::from_secs(120),
        fuel: None,
        ..RenderLimits::default()
    };
    assert_eq!(
        limits.memory_bytes,
        128 << 20,
        "the default cap this test is about"
    );
    let png = real_runtime()
        .render(spec.as_bytes(), OutputFormat::Png { scale: 1.0 }, &limits)
        .unwrap_or_else(|failure| panic!("the largest canvas does not render: {failure:?}"));
    let (width, height, samples, pixels) = crate::util::decode_png(&png);
    assert_eq!((u64::from(width), u64::from(height)), (side, side));
    let first = &pixels[..samples];
    assert!(pixels.chunks(samples).any(|pixel| pixel != first), "blank");
}
