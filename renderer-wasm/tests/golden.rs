//! Golden SVG files: every case folder in `tests/golden/` holds a `spec.json` and the
//! `expected.svg` it must render to, byte for byte. One case exists per feature of
//! docs/spec.md (see `tests/golden/README.md`); `PLOTBOX_BLESS=1` rewrites the expected files
//! instead of comparing, as resvg's tests do.
//!
//! Besides the bytes, each SVG is parsed as XML and checked for the structure the
//! encoder promises: the spec's size, a viewBox, content, and every `<use>` and
//! `clip-path` reference resolving to a definition.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use renderer_wasm::{render, Format};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Case folders in name order, so failures are reported in a stable order.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|entry| entry.expect("readable golden entry").path())
        .filter(|path| path.join("spec.json").is_file())
        .collect();
    cases.sort();
    // A lost folder must fail the suite, not pass it on nothing.
    assert!(cases.len() >= 30, "only {} golden cases", cases.len());
    cases
}

fn blessing() -> bool {
    std::env::var_os("PLOTBOX_BLESS").is_some_and(|value| value == "1")
}

fn render_svg(spec: &[u8], case: &Path) -> String {
    let bytes = render(spec, Format::Svg)
        .unwrap_or_else(|e| panic!("{} does not render: {}", case.display(), e.to_json()));
    String::from_utf8(bytes).expect("SVG is UTF-8")
}

/// The first line where two documents differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    for (number, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!(
                "line {}:\n  expected: {}\n  actual:   {}",
                number + 1,
                e.chars().take(200).collect::<String>(),
                a.chars().take(200).collect::<String>()
            );
        }
    }
    format!(
        "one is a prefix of the other ({} vs {} lines)",
        expected.lines().count(),
        actual.lines().count()
    )
}

#[test]
fn every_case_matches_its_expected_svg() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} golden cases found", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let spec = fs::read(case.join("spec.json")).expect("readable spec.json");
        let svg = render_svg(&spec, case);
        let expected_path = case.join("expected.svg");
        if blessing() {
            fs::write(&expected_path, &svg).expect("expected.svg is writable");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == svg => {}
            Ok(expected) => {
                // Left next to the expected file so the two can be viewed side by side;
                // *.actual.svg is ignored by git.
                let _ = fs::write(case.join("actual.svg"), &svg);
                failures.push(format!(
                    "{}: {}",
                    case.display(),
                    first_difference(&expected, &svg)
                ));
            }
            Err(e) => failures.push(format!("{}: no expected.svg ({e})", case.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases differ (PLOTBOX_BLESS=1 regenerates after a deliberate change):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn rendering_is_deterministic() {
    for case in cases() {
        let spec = fs::read(case.join("spec.json")).expect("readable spec.json");
        assert_eq!(
            render_svg(&spec, &case),
            render_svg(&spec, &case),
            "{}",
            case.display()
        );
    }
}

/// The size a spec asks for, with the defaults of docs/spec.md.
fn spec_size(spec: &[u8]) -> (f64, f64) {
    let json: serde_json::Value = serde_json::from_slice(spec).expect("spec.json is JSON");
    let side =
        |name: &str, default: f64| json.get(name).and_then(|v| v.as_f64()).unwrap_or(default);
    // `figsize` is inches at `dpi` (default 100), rounded to whole pixels.
    let dpi = side("dpi", 100.0);
    let inches = |i: usize| {
        json.get("figsize")
            .and_then(|f| f.get(i))
            .and_then(|v| v.as_f64())
            .map(|inches| (inches * dpi).round())
    };
    (
        inches(0).unwrap_or_else(|| side("width", 640.0)),
        inches(1).unwrap_or_else(|| side("height", 480.0)),
    )
}

#[test]
fn every_case_is_well_formed_svg_with_resolving_references() {
    for case in cases() {
        let spec = fs::read(case.join("spec.json")).expect("readable spec.json");
        let svg = render_svg(&spec, &case);
        let name = case.display();
        let document =
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: not XML: {e}"));
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg", "{name}");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg"),
            "{name}"
        );
        let (width, height) = spec_size(&spec);
        let number = |attribute: &str| -> f64 {
            root.attribute(attribute)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{name}: {attribute} is not a plain number"))
        };
        assert_eq!(
            (number("width"), number("height")),
            (width, height),
            "{name}"
        );
        assert_eq!(
            root.attribute("viewBox"),
            Some(format!("0 0 {width} {height}").as_str()),
            "{name}"
        );

        let ids: BTreeSet<&str> = document
            .descendants()
            .filter_map(|node| node.attribute("id"))
            .collect();
        let mut glyph_uses = 0;
        let mut drawn = 0;
        for node in document.descendants().filter(|n| n.is_element()) {
            if let Some(href) = node.attribute("href") {
                let id = href.strip_prefix('#').expect("local reference");
                assert!(ids.contains(id), "{name}: <use> of undefined {id}");
                glyph_uses += 1;
            }
            if let Some(clip) = node.attribute("clip-path") {
                let id = clip
                    .strip_prefix("url(#")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .expect("clip-path is url(#id)");
                assert!(ids.contains(id), "{name}: clip-path to undefined {id}");
            }
            let in_defs = node.ancestors().any(|a| a.has_tag_name("defs"));
            if !in_defs && matches!(node.tag_name().name(), "path" | "circle" | "rect") {
                drawn += 1;
            }
        }
        // Every case has at least tick labels, and a plot draws more than a background.
        assert!(glyph_uses > 0, "{name}: no text");
        assert!(drawn >= 5, "{name}: only {drawn} shapes");
    }
}

/// Spot checks that the goldens show what their names say, so a blessed file is not
/// trusted blindly.
#[test]
fn features_appear_in_the_svg() {
    let svg_of = |case: &str| {
        let dir = golden_dir().join(case);
        render_svg(&fs::read(dir.join("spec.json")).expect("spec"), &dir)
    };
    let transparent = svg_of("background_transparent");
    let light = svg_of("minimal_default");
    // The background is the first thing drawn after the defs, only when not transparent.
    let first_drawn = |svg: &str| {
        let body = svg.split("</defs>\n").nth(1).unwrap_or(svg).to_string();
        body.lines().next().unwrap_or_default().to_string()
    };
    assert!(first_drawn(&light).starts_with("<rect width=\"640\" height=\"480\" fill=\"#ffffff\""));
    assert!(!first_drawn(&transparent).starts_with("<rect width=\"640\""));
    assert!(first_drawn(&svg_of("background_color")).contains("fill=\"#fdf6e3\""));

    let dashed = svg_of("line_styles_markers");
    assert!(dashed.contains("stroke-dasharray"), "dashed lines");
    assert!(dashed.contains("<circle"), "o markers");
    assert!(
        dashed.contains("aria-label=\"Line styles\""),
        "figure title kept as label"
    );

    let escaped = svg_of("text_alignment");
    assert!(escaped.contains("aria-label=\"big &amp; &lt;escaped&gt;\""));

    let ticks = svg_of("explicit_ticks_labels");
    for label in ["Mon", "Wed", "Fri", "Sun"] {
        assert!(
            ticks.contains(&format!("aria-label=\"{label}\"")),
            "{label}"
        );
    }

    // Rotated y label.
    assert!(svg_of("shorthand").contains("rotate(-90)"));
    // Several plot areas → several clip paths.
    assert!(svg_of("subplots_2x2").contains("id=\"c3\""));
    // Alpha becomes an opacity attribute.
    assert!(svg_of("scatter_sizes_colors").contains("fill-opacity=\"0.6\""));
}
