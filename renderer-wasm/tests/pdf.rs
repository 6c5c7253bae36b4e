//! The PDF encoder, read back with an independent parser (lopdf): every golden spec
//! gives a valid one-page PDF of the figure's size at 72 pt per inch, its one font is
//! embedded as a subset with a ToUnicode map, the text objects spell every scene text,
//! each glyph sits where the SVG puts it, and the bytes are deterministic. (poppler's
//! view of the same PDFs is in `tests/tests/pdf.rs`, end to end.)

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use renderer_wasm::scene::{Shape, Text};
use renderer_wasm::{render, text, Format};

fn golden_cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .expect("tests/golden exists")
        .map(|entry| entry.expect("readable golden entry").path())
        .filter(|path| path.join("spec.json").is_file())
        .collect();
    cases.sort();
    // A lost folder must fail the suite, not pass it on nothing.
    assert!(cases.len() >= 30, "only {} golden cases", cases.len());
    cases
}

fn pdf_of(spec: &[u8]) -> Vec<u8> {
    render(spec, Format::Pdf).unwrap_or_else(|e| panic!("no PDF: {}", e.to_json()))
}

/// The figure's size in px, its dpi, and its scene, as the renderer lays it out.
fn figure(spec: &[u8]) -> (f64, f64, f64, renderer_wasm::scene::Scene) {
    let figure = renderer_wasm::parse_figure(spec).expect("spec parses");
    let valid =
        renderer_wasm::validate::validate(figure, 1.0, &Default::default()).expect("spec is valid");
    let scene = renderer_wasm::layout::build_scene(&valid);
    (valid.width, valid.height, valid.dpi, scene)
}

fn number(object: &Object) -> f64 {
    match object {
        Object::Integer(value) => *value as f64,
        Object::Real(value) => f64::from(*value),
        other => panic!("not a number: {other:?}"),
    }
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).expect("reference resolves").1
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a Dictionary {
    deref(doc, object).as_dict().expect("a dictionary")
}

fn name<'a>(dict: &'a Dictionary, key: &[u8]) -> &'a [u8] {
    dict.get(key)
        .and_then(Object::as_name)
        .unwrap_or_else(|_| panic!("no name /{}", String::from_utf8_lossy(key)))
}

fn only_page(doc: &Document) -> ObjectId {
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 1, "one page");
    pages[&1]
}

/// What the test needs of one embedded font.
struct FontInfo {
    /// CID (the subset's glyph id) to the characters ToUnicode gives it.
    to_unicode: BTreeMap<u16, String>,
    /// CID to advance width in thousandths of an em.
    widths: BTreeMap<u16, f64>,
    /// CID to the subset's glyph id (the CIDToGIDMap).
    glyph_ids: Vec<u16>,
    base_font: String,
    /// The decompressed FontFile2.
    program: Vec<u8>,
}

fn hex_u16s(hex: &str) -> Vec<u16> {
    hex.as_bytes()
        .chunks(4)
        .map(|chunk| {
            u16::from_str_radix(std::str::from_utf8(chunk).expect("ascii"), 16).expect("hex")
        })
        .collect()
}

/// `<XXXX> <YYYY...>` lines of the map's `bfchar` sections.
fn parse_to_unicode(cmap: &str) -> BTreeMap<u16, String> {
    let mut map = BTreeMap::new();
    let mut inside = false;
    for line in cmap.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            inside = true;
        } else if line == "endbfchar" {
            inside = false;
        } else if inside {
            let parts: Vec<&str> = line
                .split(['<', '>', ' '])
                .filter(|part| !part.is_empty())
                .collect();
            assert_eq!(parts.len(), 2, "bfchar line {line:?}");
            let code = hex_u16s(parts[0])[0];
            let text = String::from_utf16(&hex_u16s(parts[1])).expect("UTF-16");
            map.insert(code, text);
        }
        assert!(!line.contains("bfrange"), "only bfchar is written");
    }
    map
}

/// The page's fonts by resource name, checked for the structure a Type 0 font with an
/// embedded TrueType subset needs.
fn fonts(doc: &Document, page: ObjectId) -> BTreeMap<Vec<u8>, FontInfo> {
    let mut found = BTreeMap::new();
    for (resource, font) in doc.get_page_fonts(page).expect("page fonts") {
        assert_eq!(name(font, b"Subtype"), b"Type0");
        assert_eq!(name(font, b"Encoding"), b"Identity-H");
        let base_font = String::from_utf8(name(font, b"BaseFont").to_vec()).expect("ascii");
        let descendants = deref(doc, font.get(b"DescendantFonts").expect("descendants"))
            .as_array()
            .expect("array");
        assert_eq!(descendants.len(), 1);
        let cid = dict(doc, &descendants[0]);
        assert_eq!(name(cid, b"Subtype"), b"CIDFontType2");
        let glyph_ids: Vec<u16> = deref(doc, cid.get(b"CIDToGIDMap").expect("CIDToGIDMap"))
            .as_stream()
            .expect("a CIDToGIDMap stream")
            .decompressed_content()
            .expect("inflates")
            .chunks(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        assert_eq!(
            String::from_utf8_lossy(name(cid, b"BaseFont")),
            base_font.as_str()
        );
        let descriptor = dict(doc, cid.get(b"FontDescriptor").expect("descriptor"));
        let program = deref(
            doc,
            descriptor.get(b"FontFile2").expect("FontFile2 embedded"),
        )
        .as_stream()
        .expect("stream")
        .decompressed_content()
        .expect("inflates");
        let mut widths = BTreeMap::new();
        let w = deref(doc, cid.get(b"W").expect("W"))
            .as_array()
            .expect("W array");
        for pair in w.chunks(2) {
            let start = pair[0].as_i64().expect("first CID") as u16;
            for (offset, width) in pair[1].as_array().expect("widths").iter().enumerate() {
                widths.insert(start + offset as u16, number(width));
            }
        }
        let cmap = deref(doc, font.get(b"ToUnicode").expect("ToUnicode"))
            .as_stream()
            .expect("stream")
            .decompressed_content()
            .expect("inflates");
        found.insert(
            resource,
            FontInfo {
                to_unicode: parse_to_unicode(&String::from_utf8(cmap).expect("ascii CMap")),
                widths,
                glyph_ids,
                base_font,
                program,
            },
        );
    }
    found
}

/// What the content stream draws as text, read as a viewer does.
#[derive(Debug, Default)]
struct PageText {
    /// Each text object's string through ToUnicode, or the enclosing span's
    /// ActualText; one entry per span or per text object outside a span.
    strings: Vec<String>,
    /// Each glyph's origin in the content stream's coordinates (the scene's px).
    origins: Vec<(f64, f64)>,
}

fn read_text(doc: &Document, page: ObjectId, fonts: &BTreeMap<Vec<u8>, FontInfo>) -> PageText {
    let content = Content::decode(&doc.get_page_content(page)).expect("content decodes");
    let mut page_text = PageText::default();
    // A span around whole text objects, or around a cluster inside one.
    let mut span: Option<String> = None;
    let mut cluster_span: Option<String> = None;
    let mut in_text_object = false;
    let mut current = String::new();
    let mut font: Option<&FontInfo> = None;
    let mut size = 0.0;
    let mut rise = 0.0;
    let mut matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let mut pen = 0.0;
    for op in &content.operations {
        let operands: &[Object] = &op.operands;
        match op.operator.as_str() {
            "BDC" => {
                assert_eq!(operands[0].as_name().expect("tag"), b"Span");
                let properties = operands[1].as_dict().expect("inline properties");
                let actual = properties
                    .get(b"ActualText")
                    .and_then(Object::as_str)
                    .expect("ActualText");
                assert_eq!(&actual[..2], [0xFE, 0xFF], "UTF-16BE with a BOM");
                let units: Vec<u16> = actual[2..]
                    .chunks(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                    .collect();
                let actual = String::from_utf16(&units).expect("UTF-16");
                if in_text_object {
                    assert!(span.is_none(), "spans nest");
                    cluster_span = Some(actual);
                } else {
                    span = Some(actual);
                }
            }
            "EMC" => match cluster_span.take() {
                Some(cluster) => current.push_str(&cluster),
                None => page_text
                    .strings
                    .push(span.take().expect("EMC closes a span")),
            },
            "BT" => {
                in_text_object = true;
                current.clear();
                pen = 0.0;
            }
            "ET" => {
                in_text_object = false;
                assert!(cluster_span.is_none(), "a cluster span is left open");
                // Inside a span its ActualText stands for the text objects.
                if span.is_none() {
                    page_text.strings.push(current.clone());
                }
            }
            "Tf" => {
                font = Some(&fonts[operands[0].as_name().expect("font name")]);
                size = number(&operands[1]);
            }
            "Ts" => rise = number(&operands[0]),
            "Tm" => {
                for (slot, value) in matrix.iter_mut().zip(operands) {
                    *slot = number(value);
                }
                pen = 0.0;
            }
            "TJ" => {
                let font = font.expect("Tf before TJ");
                for item in operands[0].as_array().expect("TJ array") {
                    match item {
                        Object::String(bytes, _) => {
                            for pair in bytes.chunks(2) {
                                let code = u16::from_be_bytes([pair[0], pair[1]]);
                                if cluster_span.is_none() {
                                    current.push_str(
                                        font.to_unicode
                                            .get(&code)
                                            .map_or("\u{FFFD}", String::as_str),
                                    );
                                }
                                let [a, b, c, d, e, f] = matrix;
                                page_text
                                    .origins
                                    .push((a * pen + c * rise + e, b * pen + d * rise + f));
                                pen += font.widths[&code] / 1000.0 * size;
                            }
                        }
                        adjust => pen -= number(adjust) / 1000.0 * size,
                    }
                }
            }
            "Tj" | "'" | "\"" | "Td" | "TD" | "T*" | "Tc" | "Tw" | "Tz" | "TL" => {
                panic!("unexpected text operator {}", op.operator)
            }
            _ => {}
        }
    }
    assert!(span.is_none(), "a span is left open");
    page_text
}

/// What a reader should get from each scene text, and where each glyph goes.
fn expected_text(scene: &renderer_wasm::scene::Scene) -> (Vec<String>, Vec<(f64, f64)>) {
    let mut strings = Vec::new();
    let mut origins = Vec::new();
    for item in &scene.items {
        let Shape::Text(text) = &item.shape else {
            continue;
        };
        let runs = text::runs(text);
        if runs.iter().all(|run| run.shaped.glyphs.is_empty()) {
            continue;
        }
        strings.push(text::accessible(text));
        origins.extend(glyph_origins(text, &runs));
    }
    (strings, origins)
}

/// Whether a text object spells `want`: in reading order (spelled glyph by glyph, or
/// given as ActualText), or, for right-to-left text, the same characters in the visual
/// order the glyphs are drawn in, which viewers put back into reading order (poppler's
/// reading of it is checked end to end, in `tests/tests/pdf.rs`).
fn spells(got: &str, want: &str) -> bool {
    let sorted = |text: &str| {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars
    };
    got == want || (has_right_to_left(want) && sorted(got) == sorted(want))
}

fn has_right_to_left(text: &str) -> bool {
    // Hebrew, Arabic, Syriac, Thaana, NKo, ... and their presentation forms.
    text.chars()
        .any(|ch| matches!(ch, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'))
}

fn assert_spelled(got: &[String], want: &[String], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} against {want:?}");
    for (got, want) in got.iter().zip(want) {
        assert!(spells(got, want), "{what}: {got:?}, want {want:?}");
    }
}

/// The glyph origins the SVG encoder places: translate(at) rotate(-rotation)
/// translate(run) and the glyph's offset.
fn glyph_origins(text: &Text, runs: &[text::Run]) -> Vec<(f64, f64)> {
    let radians = -text.rotation.to_radians();
    let (cos, sin) = (radians.cos(), radians.sin());
    let mut origins = Vec::new();
    for run in runs {
        for glyph in &run.shaped.glyphs {
            let (x, y) = (run.dx + glyph.x, run.dy + glyph.y);
            origins.push((text.at.x + cos * x - sin * y, text.at.y + sin * x + cos * y));
        }
    }
    origins
}

/// Every glyph origin the SVG has, drawn once in the PDF. The order may differ: a
/// cluster's glyphs on the baseline are drawn before its raised marks. Coordinates
/// are written to 1/100 px and TJ adjustments to 1/1000 em.
fn assert_same_origins(got: &[(f64, f64)], want: &[(f64, f64)], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: glyph count");
    let mut left: Vec<(f64, f64)> = got.to_vec();
    for (index, want) in want.iter().enumerate() {
        let found = left
            .iter()
            .position(|got| (got.0 - want.0).abs() < 0.02 && (got.1 - want.1).abs() < 0.02);
        match found {
            Some(at) => {
                left.swap_remove(at);
            }
            None => panic!("{what}: no glyph at {want:?} (the SVG's glyph {index})"),
        }
    }
}

#[test]
fn every_golden_is_a_one_page_pdf_of_the_figure_at_72_points_per_inch() {
    let cases = golden_cases();
    assert!(cases.len() >= 30, "only {} golden specs", cases.len());
    for case in cases {
        let spec = fs::read(case.join("spec.json")).expect("spec");
        let pdf = pdf_of(&spec);
        assert!(pdf.starts_with(b"%PDF-1.7\n"), "{}", case.display());
        assert!(pdf.ends_with(b"%%EOF"), "{}", case.display());
        let doc = Document::load_mem(&pdf)
            .unwrap_or_else(|e| panic!("{}: lopdf cannot read it: {e}", case.display()));
        let page = only_page(&doc);
        let page_dict = doc.get_dictionary(page).expect("page dict");
        let media_box: Vec<f64> = page_dict
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("MediaBox")
            .iter()
            .map(number)
            .collect();
        let (width, height, dpi, _) = figure(&spec);
        let want = [0.0, 0.0, width / dpi * 72.0, height / dpi * 72.0];
        for (got, want) in media_box.iter().zip(want) {
            assert!(
                (got - want).abs() < 1e-3,
                "{}: MediaBox {media_box:?}, want {want:?}",
                case.display()
            );
        }
    }
}

#[test]
fn text_is_real_text_in_an_embedded_subset_spelling_every_scene_text() {
    let full_font = dejavu::sans::regular().len();
    for case in golden_cases() {
        let spec = fs::read(case.join("spec.json")).expect("spec");
        let pdf = pdf_of(&spec);
        let doc = Document::load_mem(&pdf).expect("lopdf reads it");
        let page = only_page(&doc);
        let fonts = fonts(&doc, page);
        let (_, _, _, scene) = figure(&spec);
        let (want_strings, want_origins) = expected_text(&scene);
        if want_strings.is_empty() {
            assert!(fonts.is_empty(), "{}: a font without text", case.display());
            continue;
        }
        assert_eq!(fonts.len(), 1, "{}: one font", case.display());
        for font in fonts.values() {
            let (tag, family) = font.base_font.split_once('+').expect("a subset tag");
            assert!(
                tag.len() == 6 && tag.chars().all(|ch| ch.is_ascii_uppercase()),
                "{}: tag {tag}",
                case.display()
            );
            assert_eq!(family, "DejaVuSans");
            // A subset: a few glyphs, a small fraction of the 757 KB font, and still a
            // font a parser reads; every CID has a width and one of its glyphs.
            let face = ttf_parser::Face::parse(&font.program, 0).expect("the subset parses");
            assert_eq!(font.glyph_ids.len(), font.widths.len(), "a width per CID");
            assert!(
                font.glyph_ids
                    .iter()
                    .all(|id| *id < face.number_of_glyphs()),
                "{}: CIDs map to {:?}, the subset has {} glyphs",
                case.display(),
                font.glyph_ids,
                face.number_of_glyphs()
            );
            assert!(
                font.program.len() < full_font / 10,
                "{}: embedded font is {} bytes",
                case.display(),
                font.program.len()
            );
        }
        let page_text = read_text(&doc, page, &fonts);
        assert_spelled(
            &page_text.strings,
            &want_strings,
            &case.display().to_string(),
        );
        assert_same_origins(
            &page_text.origins,
            &want_origins,
            &case.display().to_string(),
        );
    }
}

#[test]
fn the_same_spec_gives_the_same_bytes_without_dates_or_ids() {
    for case in golden_cases().iter().take(12) {
        let spec = fs::read(case.join("spec.json")).expect("spec");
        let first = pdf_of(&spec);
        // Another thread starts with a cold shaping cache and other hash seeds.
        let spec_copy = spec.clone();
        let second = std::thread::spawn(move || pdf_of(&spec_copy))
            .join()
            .expect("thread");
        assert!(first == second, "{}: two renders differ", case.display());
        let text = String::from_utf8_lossy(&first);
        for needle in ["/CreationDate", "/ModDate", "/ID"] {
            assert!(!text.contains(needle), "{}: {needle}", case.display());
        }
    }
}

#[test]
fn superscripts_missing_glyphs_right_to_left_and_marks_read_as_written() {
    // A log axis labels 10^k with a superscript (ActualText); two characters DejaVu
    // Sans lacks are both .notdef, one glyph with a CID for each; Hebrew is drawn
    // right to left, against reading order; Arabic's shadda is a second glyph in its
    // letter's cluster, raised off the baseline; `e` with a combining acute is one
    // glyph for two characters.
    let spec = r#"{"title": "漢字 and 漢", "axes": [{"x": {"scale": "log", "label": "e\u0301te\u0301"},
                   "y": {"label": "שלום world"}, "title": "عمّان",
                   "series": [{"type": "line", "x": [1, 10, 100], "y": [1, 2, 3]}]}]}"#;
    let pdf = pdf_of(spec.as_bytes());
    let doc = Document::load_mem(&pdf).expect("lopdf reads it");
    let page = only_page(&doc);
    let fonts = fonts(&doc, page);
    let page_text = read_text(&doc, page, &fonts);
    let strings = &page_text.strings;
    // Right to left, text comes in drawing order, which viewers reverse: the Hebrew
    // word's glyphs last letter first, after "world" (the line's first strong
    // character makes it right to left), and Amman's meem with its shadda a span
    // whose ActualText is reversed too.
    for want in [
        "漢字 and 漢",
        "10^1",
        "e\u{301}te\u{301}",
        "world םולש",
        "نا\u{651}مع",
    ] {
        assert!(
            strings.iter().any(|s| s == want),
            "no {want:?} in {strings:?}"
        );
    }
    let (want_strings, want_origins) = expected_text(&figure(spec.as_bytes()).3);
    assert_spelled(strings, &want_strings, "the test spec");
    assert_same_origins(&page_text.origins, &want_origins, "the test spec");
}

#[test]
fn opacity_dashes_and_clips_are_pdf_graphics_state() {
    let spec = br#"{"series": [
        {"type": "line", "y": [1, 3, 2], "linestyle": "dashed", "alpha": 0.5},
        {"type": "scatter", "x": [0, 1, 2], "y": [2, 1, 3], "alpha": 0.25}
    ]}"#;
    let pdf = pdf_of(spec);
    let doc = Document::load_mem(&pdf).expect("lopdf reads it");
    let page = only_page(&doc);
    let content = Content::decode(&doc.get_page_content(page)).expect("content decodes");
    let operators: Vec<&str> = content
        .operations
        .iter()
        .map(|op| op.operator.as_str())
        .collect();
    for needed in [
        "cm", "re", "W", "n", "q", "Q", "gs", "d", "S", "f", "Do", "BT", "TJ",
    ] {
        assert!(operators.contains(&needed), "no {needed} in {operators:?}");
    }
    let dash = content
        .operations
        .iter()
        .find(|op| op.operator == "d")
        .expect("a dash");
    assert!(!dash.operands[0].as_array().expect("dash array").is_empty());
    let (resources, _) = doc.get_page_resources(page).expect("resources");
    // Scatter markers are one form XObject, a circle of four Béziers, placed by `Do`.
    let forms = dict(
        &doc,
        resources
            .expect("resources")
            .get(b"XObject")
            .expect("XObject"),
    );
    assert_eq!(forms.len(), 1, "one marker form");
    for (_, form) in forms.iter() {
        let form = deref(&doc, form).as_stream().expect("a form");
        assert_eq!(name(&form.dict, b"Subtype"), b"Form");
        let ops = Content::decode(&form.content).expect("form content decodes");
        let ops: Vec<&str> = ops
            .operations
            .iter()
            .map(|op| op.operator.as_str())
            .collect();
        assert_eq!(ops, ["m", "c", "c", "c", "c", "h", "f"]);
    }
    let states = dict(
        &doc,
        resources
            .expect("resources")
            .get(b"ExtGState")
            .expect("ExtGState"),
    );
    let mut alphas: Vec<f64> = states
        .iter()
        .flat_map(|(_, state)| {
            let state = dict(&doc, state);
            [b"ca", b"CA"].map(|key| number(state.get(key).expect("ca and CA")))
        })
        .collect();
    alphas.sort_by(f64::total_cmp);
    alphas.dedup();
    assert!(
        alphas.contains(&0.5) && alphas.contains(&0.25),
        "{alphas:?}"
    );
}

#[test]
fn a_transparent_background_paints_no_page_rectangle() {
    let first_rect = |spec: &[u8]| {
        let pdf = pdf_of(spec);
        let doc = Document::load_mem(&pdf).expect("lopdf reads it");
        let content = Content::decode(&doc.get_page_content(only_page(&doc))).expect("decodes");
        let rect = content
            .operations
            .iter()
            .find(|op| op.operator == "re")
            .expect("a rectangle");
        rect.operands.iter().map(number).collect::<Vec<f64>>()
    };
    let page = vec![0.0, 0.0, 640.0, 480.0];
    assert_eq!(
        first_rect(br#"{"series": [{"type": "line", "y": [1, 2]}]}"#),
        page
    );
    assert_ne!(
        first_rect(br#"{"background": "transparent", "series": [{"type": "line", "y": [1, 2]}]}"#),
        page
    );
}
