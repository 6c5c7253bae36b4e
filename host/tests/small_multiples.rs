//! Many axes in one PNG fit the default memory cap: a 10×10 grid of small multiples at
//! 1600×1200 once failed with `memory_limit`, when the PNG encoder kept a canvas-sized
//! clip mask for every axes (190 MB).

use crate::util::{decode_png, real_runtime};
use plotbox_host::{OutputFormat, RenderLimits};

/// A 10×10 grid of small multiples at 1600×1200: in each cell a 50-point line, a
/// 20-point scatter and a title. The same spec as the renderer's small-multiples test
/// (`renderer-wasm/tests/png.rs`).
fn small_multiples() -> String {
    let numbers = |values: Vec<f64>| {
        let texts: Vec<String> = values.iter().map(|v| format!("{v:.4}")).collect();
        texts.join(", ")
    };
    let axes: Vec<String> = (0..100)
        .map(|cell| {
            let phase = f64::from(cell);
            let line = numbers((0..50).map(|i| (f64::from(i) * 0.2 + phase).sin()).collect());
            let x = numbers((0..20).map(|i| f64::from(i) * 2.5).collect());
            let y = numbers((0..20).map(|i| (f64::from(i) * 0.7 + phase).cos()).collect());
            format!(
                r#"{{"title": "cell {cell}", "series": [{{"type": "line", "y": [{line}]}}, {{"type": "scatter", "x": [{x}], "y": [{y}]}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"width": 1600, "height": 1200, "subplots": {{"rows": 10, "cols": 10}}, "axes": [{}]}}"#,
        axes.join(", ")
    )
}

#[test]
fn a_ten_by_ten_grid_renders_as_png_within_the_default_limits() {
    let limits = RenderLimits::default();
    assert_eq!(
        limits.memory_bytes,
        128 << 20,
        "the default cap this test is about"
    );
    let png = real_runtime()
        .render(
            small_multiples().as_bytes(),
            OutputFormat::Png { scale: 1.0 },
            &limits,
        )
        .unwrap_or_else(|failure| panic!("the grid does not render: {failure:?}"));
    let (width, height, samples, pixels) = decode_png(&png);
    assert_eq!((width, height), (1600, 1200));
    let first = &pixels[..samples];
    assert!(pixels.chunks(samples).any(|pixel| pixel != first), "blank");
}
