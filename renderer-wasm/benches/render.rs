//! The benchmark workloads (W1 line, W2 scatter, W3 bars), rendered natively from spec bytes to picture bytes (parse,
//! validate, layout and encode all included):
//!
//! - W1: a line of 1,000 points, 640×480, with title and axis labels;
//! - W2: a scatter of 10,000 points, 800×600;
//! - W3: a bar chart of 20 categories;
//! - heavy: the contract's heavy scatter (100,000 points of size 3 at alpha 0.3 on
//!   1600×1200), the spec that came closest to the sandbox's 2 s deadline;
//!
//! each as SVG and as PNG at scale 1. Run with
//! `cargo bench -p renderer-wasm --bench render -- --warm-up-time 1 --measurement-time 3`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use renderer_wasm::{render, Format};

/// Deterministic pseudo-random numbers in 0..1 (no `rand` dependency needed).
fn noise(index: usize) -> f64 {
    let mut x = (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

fn numbers(values: impl Iterator<Item = f64>) -> String {
    let items: Vec<String> = values.map(|v| format!("{v:.4}")).collect();
    format!("[{}]", items.join(","))
}

/// A random walk, as a typical time series: a smooth sine would flatter the rasterizer
/// (simplification drops most of its vertices), white noise would overdraw one band.
fn w1_line() -> String {
    let x = numbers((0..1000).map(|i| i as f64 * 0.01));
    let y = numbers((0..1000).scan(0.0, |level, i| {
        *level += noise(i) - 0.5;
        Some(*level)
    }));
    format!(
        r#"{{"width": 640, "height": 480, "title": "W1: 1,000 points",
            "x": {{"label": "time (s)"}}, "y": {{"label": "signal"}},
            "series": [{{"type": "line", "x": {x}, "y": {y}}}]}}"#
    )
}

fn w2_scatter() -> String {
    let x = numbers((0..10_000).map(noise));
    let y = numbers((0..10_000).map(|i| noise(i + 10_000) * 100.0));
    format!(
        r#"{{"width": 800, "height": 600,
            "series": [{{"type": "scatter", "x": {x}, "y": {y}, "size": 4, "alpha": 0.5}}]}}"#
    )
}

fn heavy_scatter() -> String {
    let x = numbers((0..100_000).map(noise));
    let y = numbers((0..100_000).map(|i| noise(i + 100_000)));
    format!(
        r#"{{"width": 1600, "height": 1200, "title": "Heavy",
            "series": [{{"type": "scatter", "x": {x}, "y": {y}, "size": 3, "alpha": 0.3}}]}}"#
    )
}

fn w3_bars() -> String {
    let categories: Vec<String> = (0..20).map(|i| format!("\"c{i}\"")).collect();
    let y = numbers((0..20).map(|i| 10.0 + 90.0 * noise(i)));
    format!(
        r#"{{"width": 640, "height": 480,
            "series": [{{"type": "bar", "x": [{}], "y": {y}}}]}}"#,
        categories.join(",")
    )
}

fn workloads(c: &mut Criterion) {
    let cases = [
        ("W1 line 1k", w1_line()),
        ("W2 scatter 10k", w2_scatter()),
        ("W3 bar 20", w3_bars()),
        ("heavy scatter 100k", heavy_scatter()),
    ];
    let mut group = c.benchmark_group("render");
    for (name, spec) in &cases {
        for (format_name, format) in [("svg", Format::Svg), ("png", Format::Png { scale: 1.0 })] {
            // A workload that fails would measure the error path: refuse to report it.
            let picture = render(spec.as_bytes(), format)
                .unwrap_or_else(|e| panic!("{name} {format_name}: {}", e.to_json()));
            eprintln!("{name} {format_name}: {} bytes", picture.len());
            group.bench_with_input(BenchmarkId::new(*name, format_name), spec, |b, spec| {
                b.iter(|| render(spec.as_bytes(), format))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, workloads);
criterion_main!(benches);
