//! What both targets share: the limits a fuzz render runs under, and the format a byte
//! picks.

use renderer_wasm::{Format, Limits};

/// Smaller than the defaults so that no input is slow by design: a 1000×1000 canvas
/// at most, a few thousand points. Anything slow within these is a real finding (the
/// defaults only multiply the same work).
pub fn limits() -> Limits {
    Limits {
        max_side: 1_000,
        max_device_pixels: 1_000_000,
        max_axes: 16,
        max_series: 32,
        max_points: 10_000,
        max_bins: 1_000,
        max_heatmap_cells: 10_000,
        max_text_chars: 200,
    }
}

/// SVG, PDF, or PNG at a device pixel ratio of 1 to 4 (`max_device_pixels` keeps
/// the raster small whatever the scale).
pub fn format(byte: u8) -> Format {
    match byte % 6 {
        0 => Format::Svg,
        1 => Format::Pdf,
        n => Format::Png {
            scale: f64::from(n - 1),
        },
    }
}

/// A render must answer with a picture or a typed error; a panic is the fuzzer's
/// crash. A non-empty picture is checked for its format's magic bytes so that an
/// encoder returning garbage also counts.
pub fn render(spec: &[u8], format: Format) {
    if let Ok(picture) = renderer_wasm::render_with_limits(spec, format, &limits()) {
        let magic: &[u8] = match format {
            Format::Svg => b"<svg",
            Format::Png { .. } => b"\x89PNG",
            Format::Pdf => b"%PDF",
        };
        assert!(
            picture.starts_with(magic),
            "picture without its magic bytes"
        );
    }
}
