//! PNG output, checked by decoding it and looking at pixels: size at each scale,
//! content, anti-aliasing, where a known data point lands, transparent and dark
//! backgrounds, straight (demultiplied) alpha, the color type (RGB when every pixel is
//! opaque, RGBA otherwise), and every golden spec rendering.

use std::fs;
use std::path::Path;

use renderer_wasm::scene::{Point, Rect, Shape};
use renderer_wasm::{layout, parse_figure, render, validate, Format, Limits};

/// A decoded 8-bit image, as RGBA whatever it was stored as.
struct Image {
    width: u32,
    height: u32,
    /// How the PNG stores it: RGB (opaque pictures) or RGBA.
    color: png::ColorType,
    rgba: Vec<u8>,
}

impl Image {
    fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let at = ((y * self.width + x) * 4) as usize;
        [
            self.rgba[at],
            self.rgba[at + 1],
            self.rgba[at + 2],
            self.rgba[at + 3],
        ]
    }
}

fn decode(bytes: &[u8]) -> Image {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // RGB gains an alpha of 255; RGBA passes through unchanged.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("a PNG header");
    let stored = (reader.info().color_type, reader.info().bit_depth);
    assert!(
        matches!(
            stored,
            (
                png::ColorType::Rgb | png::ColorType::Rgba,
                png::BitDepth::Eight
            )
        ),
        "stored as {stored:?}"
    );
    let mut rgba = vec![0; reader.output_buffer_size().expect("sane size")];
    let info = reader.next_frame(&mut rgba).expect("PNG image data");
    rgba.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        color: stored.0,
        rgba,
    }
}

fn render_png(spec: &str, scale: f64) -> Image {
    let bytes = render(spec.as_bytes(), Format::Png { scale })
        .unwrap_or_else(|e| panic!("{spec} does not render: {}", e.to_json()));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    decode(&bytes)
}

fn scene_of(spec: &str) -> renderer_wasm::scene::Scene {
    let figure = parse_figure(spec.as_bytes()).expect("spec parses");
    let valid = validate::validate(figure, 1.0, &Limits::default()).expect("spec is valid");
    layout::build_scene(&valid)
}

/// The first marker of the spec's scene and the plot area it is clipped to, in CSS
/// px: layout's own answer to where the axes are, so the test does not guess margins.
fn first_marker(spec: &str) -> (Rect, Point) {
    scene_of(spec)
        .items
        .iter()
        .find_map(|item| match (&item.shape, item.clip) {
            (Shape::Circle { center, .. }, Some(clip)) => Some((clip, *center)),
            _ => None,
        })
        .expect("a clipped marker in the scene")
}

#[test]
fn size_is_canvas_times_scale() {
    let spec = r#"{"width": 301, "height": 201, "series": [{"type": "line", "y": [1, 3, 2]}]}"#;
    for (scale, width, height) in [
        (1.0, 301, 201),
        (1.5, 452, 302), // 451.5 and 301.5 round up
        (2.0, 602, 402),
        (3.5, 1054, 704),
        (4.0, 1204, 804),
    ] {
        let image = render_png(spec, scale);
        assert_eq!(
            (image.width, image.height),
            (width, height),
            "scale {scale}"
        );
    }
}

#[test]
fn scale_outside_one_to_four_is_refused() {
    let spec = br#"{"series": [{"type": "line", "y": [1, 2]}]}"#;
    for scale in [0.5, 4.5, f64::NAN] {
        assert!(
            render(spec, Format::Png { scale }).is_err(),
            "scale {scale}"
        );
    }
}

#[test]
fn a_plot_is_not_blank() {
    let image = render_png(
        r#"{"title": "t", "series": [{"type": "line", "y": [1, 3, 2, 5]}]}"#,
        1.0,
    );
    let background = image.pixel(0, 0);
    assert_eq!(background, [255, 255, 255, 255]);
    let differing = image
        .rgba
        .chunks_exact(4)
        .filter(|p| *p != background)
        .count();
    let total = (image.width * image.height) as usize;
    // Line, spines, grid, ticks and labels: well over 1% of the canvas, far under all.
    assert!(
        differing * 100 > total && differing * 2 < total,
        "{differing} of {total} pixels drawn"
    );
    // tab:blue (#1f77b4) must be there at full strength somewhere on the line.
    assert!(image.rgba.chunks_exact(4).any(|p| p == [31, 119, 180, 255]));
}

#[test]
fn diagonal_edges_are_anti_aliased() {
    let spec = r#"{"series": [{"type": "line", "x": [0, 10], "y": [0, 7], "color": "black", "linewidth": 2}],
                   "x": {"min": 0, "max": 10, "grid": false}, "y": {"min": 0, "max": 10, "grid": false}}"#;
    let plot = plot_area(spec);
    let image = render_png(spec, 1.0);
    // Inside the plot area, away from the spines, only the line is drawn: its edge
    // pixels must be gray, neither white nor black.
    let mut gray = 0;
    let mut black = 0;
    for y in (plot.y as u32 + 3)..(plot.bottom() as u32 - 3) {
        for x in (plot.x as u32 + 3)..(plot.right() as u32 - 3) {
            let [r, g, b, _] = image.pixel(x, y);
            assert!(r == g && g == b, "a black line on white has only grays");
            match r {
                0..=20 => black += 1,
                40..=215 => gray += 1,
                _ => {}
            }
        }
    }
    assert!(black > 100, "the line is drawn ({black} black pixels)");
    assert!(gray > 200, "its edges are smoothed ({gray} gray pixels)");
}

/// The plot area of a spec: the clip rectangle of its first clipped item.
fn plot_area(spec: &str) -> Rect {
    scene_of(spec)
        .items
        .iter()
        .find_map(|item| item.clip)
        .expect("a clipped item")
}

/// The centroid of pure-red pixels, in device px (pixel centers at +0.5).
fn red_centroid(image: &Image) -> (f64, f64, usize) {
    let (mut sum_x, mut sum_y, mut weight, mut count) = (0.0, 0.0, 0.0, 0);
    for y in 0..image.height {
        for x in 0..image.width {
            let [r, g, b, _] = image.pixel(x, y);
            // Red on white blends to (255, 255 - k, 255 - k); gray text and spines
            // have r == g and weigh nothing.
            if r > 200 && g == b {
                let w = f64::from(r - g) / 255.0;
                sum_x += (f64::from(x) + 0.5) * w;
                sum_y += (f64::from(y) + 0.5) * w;
                weight += w;
                if g < 10 {
                    count += 1;
                }
            }
        }
    }
    (sum_x / weight, sum_y / weight, count)
}

#[test]
fn a_data_point_lands_on_its_pixel() {
    for (x, y, fx, fy) in [(5.0, 5.0, 0.5, 0.5), (2.5, 7.5, 0.25, 0.25)] {
        let spec = format!(
            r#"{{"series": [{{"type": "scatter", "x": [{x}], "y": [{y}], "color": "red", "size": 20}}],
                 "x": {{"min": 0, "max": 10, "grid": false}}, "y": {{"min": 0, "max": 10, "grid": false}}}}"#
        );
        let (plot, center) = first_marker(&spec);
        // Layout's mapping: x from the left, y from the bottom.
        let expected = (plot.x + fx * plot.w, plot.y + fy * plot.h);
        assert!(
            (center.x - expected.0).abs() < 0.01 && (center.y - expected.1).abs() < 0.01,
            "scene marker at {center:?}, expected {expected:?} in {plot:?}"
        );
        for scale in [1.0, 2.0, 3.5] {
            let image = render_png(&spec, scale);
            let (cx, cy, solid) = red_centroid(&image);
            assert!(solid > 100, "the marker is drawn solid at scale {scale}");
            let (ex, ey) = (expected.0 * scale, expected.1 * scale);
            assert!(
                (cx - ex).abs() < 0.25 && (cy - ey).abs() < 0.25,
                "red centroid ({cx:.2}, {cy:.2}) vs expected ({ex:.2}, {ey:.2}) at scale {scale}"
            );
        }
    }
}

#[test]
fn an_opaque_picture_is_stored_as_rgb_and_a_translucent_one_as_rgba() {
    // Three bytes a pixel instead of four when alpha would be 255 everywhere: less to
    // filter and compress (BENCHMARKS.md, "The PNG encoder"), the same picture.
    let line = r#"{"series": [{"type": "line", "y": [1, 3, 2]}]}"#;
    assert_eq!(render_png(line, 1.0).color, png::ColorType::Rgb);
    let dark = r#"{"theme": "dark", "series": [{"type": "line", "y": [1, 3, 2]}]}"#;
    assert_eq!(render_png(dark, 2.0).color, png::ColorType::Rgb);
    // Translucent ink on an opaque background is opaque once composited.
    let translucent_ink =
        r#"{"series": [{"type": "scatter", "x": [1, 2], "y": [1, 2], "alpha": 0.3}]}"#;
    assert_eq!(render_png(translucent_ink, 1.0).color, png::ColorType::Rgb);
    let transparent =
        r#"{"background": "transparent", "series": [{"type": "line", "y": [1, 3, 2]}]}"#;
    assert_eq!(render_png(transparent, 1.0).color, png::ColorType::Rgba);
}

#[test]
fn transparent_background_stays_transparent() {
    let image = render_png(
        r#"{"background": "transparent", "series": [{"type": "line", "y": [1, 3, 2]}]}"#,
        2.0,
    );
    assert_eq!(image.color, png::ColorType::Rgba);
    for (x, y) in [
        (0, 0),
        (image.width - 1, 0),
        (0, image.height - 1),
        (image.width - 1, image.height - 1),
    ] {
        assert_eq!(image.pixel(x, y)[3], 0, "corner ({x}, {y})");
    }
    assert!(
        image.rgba.chunks_exact(4).any(|p| p[3] == 255),
        "opaque ink"
    );
}

#[test]
fn translucent_ink_on_transparent_is_stored_unpremultiplied() {
    let spec = r#"{"background": "transparent", "series": [{"type": "scatter", "x": [5], "y": [5], "color": "red", "alpha": 0.5, "size": 40}],
                   "x": {"min": 0, "max": 10}, "y": {"min": 0, "max": 10}}"#;
    let (plot, _) = first_marker(spec);
    let image = render_png(spec, 1.0);
    let [r, g, b, a] = image.pixel(
        (plot.x + plot.w / 2.0) as u32,
        (plot.y + plot.h / 2.0) as u32,
    );
    // Premultiplied storage would give (128, 0, 0, 128); straight alpha keeps red red.
    assert!(r >= 250 && g <= 2 && b <= 2, "color ({r}, {g}, {b})");
    assert!((126..=129).contains(&a), "alpha {a}");
}

#[test]
fn dark_theme_has_a_dark_background() {
    let image = render_png(
        r#"{"theme": "dark", "series": [{"type": "line", "y": [1, 3, 2]}]}"#,
        1.0,
    );
    let [r, g, b, a] = image.pixel(0, 0);
    assert_eq!(a, 255);
    let luminance = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    assert!(luminance < 60.0, "corner ({r}, {g}, {b}) is not dark");
}

#[test]
fn every_golden_spec_renders_to_png_at_its_size() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut checked = 0;
    for entry in fs::read_dir(dir).expect("tests/golden") {
        let path = entry.expect("entry").path().join("spec.json");
        let Ok(spec) = fs::read_to_string(&path) else {
            continue;
        };
        let json: serde_json::Value = serde_json::from_str(&spec).expect("JSON");
        let side =
            |name: &str, default: u64| json.get(name).and_then(|v| v.as_u64()).unwrap_or(default);
        // `figsize` is inches at `dpi` (default 100), rounded to whole pixels.
        let dpi = json.get("dpi").and_then(|v| v.as_f64()).unwrap_or(100.0);
        let inches = |i: usize| {
            json.get("figsize")
                .and_then(|f| f.get(i))
                .and_then(|v| v.as_f64())
                .map(|inches| (inches * dpi).round() as u64)
        };
        let expected = (
            inches(0).unwrap_or_else(|| side("width", 640)) as u32,
            inches(1).unwrap_or_else(|| side("height", 480)) as u32,
        );
        let image = render_png(&spec, 1.0);
        assert_eq!((image.width, image.height), expected, "{}", path.display());
        let first = image.pixel(0, 0);
        assert!(
            image.rgba.chunks_exact(4).any(|p| p != first),
            "{} is blank",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 30);
}

/// A 10×10 grid of small multiples at 1600×1200: in each cell a 50-point line, a
/// 20-point scatter and a title. The same spec as the host's small-multiples test.
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
fn a_ten_by_ten_grid_of_small_multiples_renders_with_both_series_in_every_cell() {
    let spec = small_multiples();
    let image = render_png(&spec, 1.0);
    assert_eq!((image.width, image.height), (1600, 1200));
    // Each axes starts the color cycle afresh: the line is C0, the scatter C1.
    let near = |pixel: [u8; 4], color: [u8; 3]| {
        pixel[..3]
            .iter()
            .zip(color)
            .all(|(have, want)| have.abs_diff(want) <= 24)
    };
    let (blue, orange) = ([0x1f, 0x77, 0xb4], [0xff, 0x7f, 0x0e]);
    for row in 0..10 {
        for col in 0..10 {
            let pixels = || {
                (row * 120..(row + 1) * 120)
                    .flat_map(move |y| (col * 160..(col + 1) * 160).map(move |x| (x, y)))
                    .map(|(x, y)| image.pixel(x, y))
            };
            assert!(
                pixels().any(|p| near(p, blue)),
                "cell ({row}, {col}) has no line"
            );
            assert!(
                pixels().any(|p| near(p, orange)),
                "cell ({row}, {col}) has no scatter"
            );
        }
    }
}
