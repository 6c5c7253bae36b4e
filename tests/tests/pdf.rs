//! PDF end to end, read by poppler (Debian's `poppler-utils`, which `scripts/test.sh`
//! installs): every golden spec rendered by the real `plotbox render` to PDF
//!
//! - has every text of its SVG (titles, axis and tick labels, legends; the SVG's
//!   `aria-label`s) in `pdftotext`'s output, so the text is real, searchable text
//!   (word by word where a text holds right-to-left script: poppler orders the words
//!   of a line by its own guess of the line's direction);
//! - lists its font in `pdffonts` as embedded, subset, with a ToUnicode map;
//! - rasterized by `pdftoppm` at the figure's dpi (one CSS px per pixel) is the size
//!   of its PNG and within [`MAX_MEAN_DIFFERENCE`] and [`MAX_DIFFERING_FRACTION`] of it.
//!
//! Build the binary first: `cargo build --release -p plotbox-host`.

use plotbox_e2e::{binary, scratch};
use std::path::Path;
use std::process::{Command, Stdio};

/// Largest mean absolute difference per channel (0–255) between poppler's raster of
/// a golden's PDF and the PNG, both over white. Measured on the 53 goldens: 0.2 to
/// 1.6 (anti-aliasing of edges and FreeType's hinted text against tiny-skia's
/// unhinted outlines; thin strokes are a shade lighter in poppler).
const MAX_MEAN_DIFFERENCE: f64 = 3.0;
/// Largest fraction of pixels where some channel differs by more than
/// [`STRONG_DIFFERENCE`]. Measured: 0.1% to 1.0%, all on glyph and line edges.
const MAX_DIFFERING_FRACTION: f64 = 0.025;
const STRONG_DIFFERENCE: u8 = 64;

/// A poppler tool, with a message saying how to get it when it is missing.
fn poppler(tool: &str) -> Command {
    let found = Command::new(tool)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        found,
        "{tool} is missing: `apt-get install -y poppler-utils` (scripts/test.sh does)"
    );
    Command::new(tool)
}

struct Golden {
    name: String,
    spec: Vec<u8>,
}

fn goldens() -> Vec<Golden> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../renderer-wasm/tests/golden");
    let mut goldens: Vec<Golden> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.expect("golden entry").path();
            let spec = std::fs::read(path.join("spec.json")).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some(Golden { name, spec })
        })
        .collect();
    goldens.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(goldens.len() >= 30, "only {} goldens", goldens.len());
    goldens
}

/// `plotbox render - -o - --format <format>`: the picture bytes.
fn render(spec: &[u8], format: &str) -> Vec<u8> {
    let mut child = Command::new(binary())
        .args(["render", "-", "-o", "-", "--format", format])
        .env(
            "PLOTBOX_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("plotbox-cache"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("plotbox starts");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(spec).expect("spec written");
    }
    let output = child.wait_with_output().expect("plotbox finishes");
    assert!(
        output.status.success(),
        "plotbox render --format {format}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn run(mut command: Command) -> String {
    let output = command.output().expect("the tool runs");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The strings the SVG offers a reader: one `aria-label` per text.
fn svg_texts(svg: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(svg).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(text).expect("SVG parses");
    doc.descendants()
        .filter_map(|node| node.attribute("aria-label"))
        .map(str::to_owned)
        .collect()
}

/// The text without whitespace and without the bidi controls poppler wraps
/// right-to-left text in.
fn without_whitespace(text: &str) -> String {
    text.chars()
        .filter(|ch| !ch.is_whitespace() && !is_bidi_control(*ch))
        .collect()
}

fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn has_right_to_left(text: &str) -> bool {
    // Hebrew, Arabic and the scripts between, and their presentation forms.
    text.chars().any(|ch| {
        matches!(ch, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
    })
}

/// What must be found of a text: itself, or each of its words (without the brackets
/// poppler does not mirror back) where it holds right-to-left script.
fn needles(text: &str) -> Vec<String> {
    if !has_right_to_left(text) {
        return vec![without_whitespace(text)];
    }
    text.split_whitespace()
        .map(|word| without_whitespace(word.trim_matches(|ch: char| "()[]{}<>".contains(ch))))
        .filter(|word| !word.is_empty())
        .collect()
}

/// RGB over white, from an 8-bit RGB or straight-alpha RGBA PNG.
fn rgb_over_white(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut pixels = vec![0; reader.output_buffer_size().expect("PNG size")];
    let frame = reader.next_frame(&mut pixels).expect("PNG pixels");
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let pixels = &pixels[..frame.buffer_size()];
    let rgb = match frame.color_type {
        png::ColorType::Rgb => pixels.to_vec(),
        png::ColorType::Rgba => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let alpha = u32::from(p[3]);
                [0, 1, 2]
                    .map(|c| ((u32::from(p[c]) * alpha + 255 * (255 - alpha) + 127) / 255) as u8)
            })
            .collect(),
        other => panic!("unexpected PNG color type {other:?}"),
    };
    (frame.width, frame.height, rgb)
}

/// The figure's dpi: the spec's, else matplotlib's default.
fn dpi(spec: &[u8]) -> f64 {
    let json: serde_json::Value = serde_json::from_slice(spec).expect("spec is JSON");
    json["dpi"].as_f64().unwrap_or(100.0)
}

#[test]
fn pdftotext_finds_every_text_of_every_golden() {
    let dir = scratch("pdf", "pdftotext_finds_every_text_of_every_golden");
    let mut checked = 0;
    for golden in goldens() {
        let pdf_path = dir.join(format!("{}.pdf", golden.name));
        std::fs::write(&pdf_path, render(&golden.spec, "pdf")).expect("PDF written");
        let mut command = poppler("pdftotext");
        command.args(["-enc", "UTF-8"]).arg(&pdf_path).arg("-");
        let extracted = without_whitespace(&run(command));
        let texts = svg_texts(&render(&golden.spec, "svg"));
        for text in &texts {
            for needle in needles(text) {
                assert!(
                    extracted.contains(&needle),
                    "{}: pdftotext does not find {needle:?} of {text:?} in {extracted:?}",
                    golden.name
                );
            }
        }
        checked += texts.len();
    }
    assert!(checked > 500, "only {checked} texts");
}

#[test]
fn pdffonts_lists_the_font_embedded_and_subset_with_a_unicode_map() {
    let dir = scratch(
        "pdf",
        "pdffonts_lists_the_font_embedded_and_subset_with_a_unicode_map",
    );
    for golden in goldens().iter().filter(|g| {
        [
            "figure_title",
            "log_y",
            "pie_labels_autopct",
            "text_alignment",
        ]
        .contains(&g.name.as_str())
    }) {
        let pdf_path = dir.join(format!("{}.pdf", golden.name));
        std::fs::write(&pdf_path, render(&golden.spec, "pdf")).expect("PDF written");
        let mut command = poppler("pdffonts");
        command.arg(&pdf_path);
        let listing = run(command);
        // name, type (two words), encoding, emb, sub, uni, object number, generation.
        let fonts: Vec<Vec<&str>> = listing
            .lines()
            .skip(2)
            .map(|line| line.split_whitespace().collect())
            .collect();
        assert_eq!(fonts.len(), 1, "{}: {listing}", golden.name);
        let font = &fonts[0];
        let (tag, family) = font[0].split_once('+').expect("a subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{listing}"
        );
        assert_eq!(family, "DejaVuSans");
        assert_eq!(font[1..4], ["CID", "TrueType", "Identity-H"], "{listing}");
        assert_eq!(
            font[4..7],
            ["yes", "yes", "yes"],
            "emb, sub, uni: {listing}"
        );
    }
}

#[test]
fn pdftoppm_draws_each_golden_as_its_png() {
    let dir = scratch("pdf", "pdftoppm_draws_each_golden_as_its_png");
    let mut results = Vec::new();
    for golden in goldens() {
        let pdf_path = dir.join(format!("{}.pdf", golden.name));
        std::fs::write(&pdf_path, render(&golden.spec, "pdf")).expect("PDF written");
        let prefix = dir.join(&golden.name);
        let mut command = poppler("pdftoppm");
        command
            .args(["-r", &dpi(&golden.spec).to_string(), "-png", "-singlefile"])
            .arg(&pdf_path)
            .arg(&prefix);
        run(command);
        let poppler_png = std::fs::read(prefix.with_extension("png")).expect("pdftoppm's PNG");
        let (width, height, ours) = rgb_over_white(&render(&golden.spec, "png"));
        let (poppler_width, poppler_height, theirs) = rgb_over_white(&poppler_png);
        assert_eq!(
            (poppler_width, poppler_height),
            (width, height),
            "{}: the page at the figure's dpi is not the PNG's size",
            golden.name
        );
        let total: u64 = ours
            .iter()
            .zip(&theirs)
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum();
        let mean = total as f64 / ours.len() as f64;
        let strong = ours
            .chunks_exact(3)
            .zip(theirs.chunks_exact(3))
            .filter(|(a, b)| {
                a.iter()
                    .zip(*b)
                    .any(|(x, y)| x.abs_diff(*y) > STRONG_DIFFERENCE)
            })
            .count();
        let fraction = strong as f64 / f64::from(width * height);
        results.push((golden.name, mean, fraction));
    }
    for (name, mean, fraction) in &results {
        println!(
            "{name}: mean {mean:.2}, {:.2}% differ by > {STRONG_DIFFERENCE}",
            fraction * 100.0
        );
    }
    let worst_mean = results.iter().map(|r| r.1).fold(0.0, f64::max);
    let worst_fraction = results.iter().map(|r| r.2).fold(0.0, f64::max);
    println!(
        "worst: mean {worst_mean:.2}, {:.2}% of pixels",
        worst_fraction * 100.0
    );
    let failing: Vec<String> = results
        .iter()
        .filter(|(_, mean, fraction)| {
            *mean > MAX_MEAN_DIFFERENCE || *fraction > MAX_DIFFERING_FRACTION
        })
        .map(|(name, mean, fraction)| format!("{name}: mean {mean:.2}, {:.2}%", fraction * 100.0))
        .collect();
    assert!(
        failing.is_empty(),
        "over the tolerance (mean {MAX_MEAN_DIFFERENCE}, {}% of pixels):\n{}",
        MAX_DIFFERING_FRACTION * 100.0,
        failing.join("\n")
    );
}
