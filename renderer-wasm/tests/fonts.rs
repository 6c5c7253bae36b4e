//! Operator fonts and fallback through the public API, with a real CJK font: Debian's
//! `fonts-wqy-microhei` (WenQuanYi Micro Hei, a TrueType collection), which
//! `scripts/test.sh` installs.

use std::sync::Arc;

use renderer_wasm::fonts::FontLibrary;
use renderer_wasm::{render_with_fonts, ErrorKind, Format, Limits, Rendered};

const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
const WQY_FAMILY: &str = "WenQuanYi Micro Hei";

fn with_wqy() -> Arc<FontLibrary> {
    let bytes = std::fs::read(WQY).unwrap_or_else(|error| {
        panic!("{WQY}: {error}; install Debian's fonts-wqy-microhei (scripts/test.sh does)")
    });
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    Arc::new(FontLibrary::with_files(&[bytes]).expect("WenQuanYi Micro Hei loads"))
}

fn render(spec: &str, format: Format, fonts: &Arc<FontLibrary>) -> Rendered {
    render_with_fonts(spec.as_bytes(), format, &Limits::default(), fonts).expect("renders")
}

fn svg(spec: &str, fonts: &Arc<FontLibrary>) -> (String, Vec<String>) {
    let rendered = render(spec, Format::Svg, fonts);
    (
        String::from_utf8(rendered.picture).expect("UTF-8"),
        rendered.warnings,
    )
}

/// The glyph references of the text group whose accessible string is `label`.
fn glyph_refs(svg: &str, label: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("the SVG parses");
    let group = document
        .descendants()
        .find(|node| node.attribute("aria-label") == Some(label))
        .unwrap_or_else(|| panic!("no text {label:?} in the SVG"));
    group
        .descendants()
        .filter_map(|node| node.attribute("href"))
        .map(str::to_owned)
        .collect()
}

const CJK_TITLE: &str = r#"{"title": "温度 2024", "series": [{"type": "line", "y": [1, 2, 3]}]}"#;

#[test]
fn the_collections_family_is_listed_and_named_without_case() {
    let fonts = with_wqy();
    assert!(fonts.family_names().contains(&WQY_FAMILY));
    assert!(fonts.family("wenquanyi micro hei").is_some());
}

#[test]
fn cjk_characters_fall_back_to_the_operator_font_and_latin_stays_in_dejavu() {
    let (svg, warnings) = svg(CJK_TITLE, &with_wqy());
    assert_eq!(warnings, Vec::<String>::new());
    let refs = glyph_refs(&svg, "温度 2024");
    // Two CJK glyphs from operator font 1, then the digits in DejaVu Sans (`g..`); the
    // space draws nothing.
    assert_eq!(refs.len(), 6, "{refs:?}");
    assert!(refs[..2].iter().all(|r| r.starts_with("#f1g")), "{refs:?}");
    assert!(refs[2..].iter().all(|r| r.starts_with("#g")), "{refs:?}");
    // Every referenced glyph is defined.
    for r in &refs {
        assert!(
            svg.contains(&format!("id=\"{}\"", &r[1..])),
            "{r} undefined"
        );
    }
}

#[test]
fn a_character_no_font_has_is_a_box_and_a_warning() {
    let (svg, warnings) = svg(CJK_TITLE, &FontLibrary::embedded_only());
    assert_eq!(
        warnings,
        [
            "no font has the character U+5EA6; it is drawn as a box",
            "no font has the character U+6E29; it is drawn as a box",
        ]
    );
    let refs = glyph_refs(&svg, "温度 2024");
    assert_eq!(&refs[..2], ["#g0", "#g0"], "DejaVu Sans' .notdef box");
    // With the font, nothing is missing: the warnings belong to one render only.
    assert!(render(CJK_TITLE, Format::Png { scale: 1.0 }, &with_wqy())
        .warnings
        .is_empty());
}

#[test]
fn a_chosen_family_draws_latin_too() {
    let spec = format!(
        r#"{{"font": {{"family": "{WQY_FAMILY}"}}, "title": "温度 2024", "series": [{{"type": "line", "y": [1, 2, 3]}}]}}"#
    );
    let (svg, warnings) = svg(&spec, &with_wqy());
    assert!(warnings.is_empty());
    let refs = glyph_refs(&svg, "温度 2024");
    assert!(refs.iter().all(|r| r.starts_with("#f1g")), "{refs:?}");
    // Tick labels take the figure's family as well.
    let ticks = glyph_refs(&svg, "1.00");
    assert!(ticks.iter().all(|r| r.starts_with("#f1g")), "{ticks:?}");
}

#[test]
fn a_text_series_picks_its_own_family() {
    let spec = format!(
        r#"{{"series": [{{"type": "line", "y": [1, 2]}}, {{"type": "text", "x": 0.5, "y": 1.5, "text": "Ab", "fontfamily": "{WQY_FAMILY}"}}]}}"#
    );
    let (svg, _) = svg(&spec, &with_wqy());
    assert!(glyph_refs(&svg, "Ab").iter().all(|r| r.starts_with("#f1g")));
    assert!(glyph_refs(&svg, "1.0").iter().all(|r| r.starts_with("#g")));
}

#[test]
fn an_unknown_family_is_invalid_with_its_path() {
    let fonts = FontLibrary::embedded_only();
    let cases = [
        (
            r#"{"font": {"family": "Comic Sans"}, "series": []}"#,
            "/font/family",
        ),
        (
            r#"{"series": [{"type": "text", "x": 0, "y": 0, "text": "a", "fontfamily": "WenQuanYi Micro Hei"}]}"#,
            "/series/0/fontfamily",
        ),
        (
            r#"{"axes": [{"series": []}, {"series": [{"type": "annotation", "text": "a", "xy": [0, 0], "fontfamily": "x"}]}]}"#,
            "/axes/1/series/0/fontfamily",
        ),
    ];
    for (spec, path) in cases {
        let error = render_with_fonts(spec.as_bytes(), Format::Svg, &Limits::default(), &fonts)
            .expect_err(spec);
        assert_eq!(error.kind, ErrorKind::InvalidSpec, "{spec}");
        assert_eq!(error.path.as_deref(), Some(path), "{spec}");
        assert!(error.message.contains("DejaVu Sans"), "{}", error.message);
    }
}

#[test]
fn the_pdf_embeds_a_subset_of_each_font_it_draws_from() {
    let pdf = render(CJK_TITLE, Format::Pdf, &with_wqy()).picture;
    let document = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    let mut names: Vec<String> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| dict.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"FontDescriptor"))
        .filter_map(|dict| dict.get(b"FontName").and_then(|n| n.as_name()).ok())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    // Subset fonts are named `ABCDEF+Name`.
    assert!(
        names.iter().any(|n| n.ends_with("+DejaVuSans")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.contains("+WenQuanYi")), "{names:?}");
}

/// A CFF-flavoured OpenType font: Debian's `fonts-urw-base35` (URW's Nimbus Sans),
/// which `scripts/test.sh` installs.
const NIMBUS: &str = "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf";

#[test]
fn a_cff_font_is_embedded_as_an_opentype_program_and_its_text_extracts() {
    let bytes = std::fs::read(NIMBUS).unwrap_or_else(|error| {
        panic!("{NIMBUS}: {error}; install Debian's fonts-urw-base35 (scripts/test.sh does)")
    });
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let fonts = Arc::new(FontLibrary::with_files(&[bytes]).expect("Nimbus Sans loads"));
    let spec = r#"{"font": {"family": "Nimbus Sans"}, "title": "Office hours 2024", "series": [{"type": "line", "y": [1, 2, 3]}]}"#;
    let pdf = render(spec, Format::Pdf, &fonts).picture;
    let document = lopdf::Document::load_mem(&pdf).expect("the PDF parses");
    let dicts: Vec<&lopdf::Dictionary> = document
        .objects
        .values()
        .filter_map(|object| match object {
            lopdf::Object::Dictionary(dict) => Some(dict),
            lopdf::Object::Stream(stream) => Some(&stream.dict),
            _ => None,
        })
        .collect();
    let name = |dict: &lopdf::Dictionary, key: &[u8]| {
        dict.get(key)
            .and_then(|value| value.as_name())
            .ok()
            .map(|name| String::from_utf8_lossy(name).into_owned())
    };
    assert!(
        dicts
            .iter()
            .any(|d| name(d, b"Subtype").as_deref() == Some("CIDFontType0")),
        "a CFF font is a CIDFontType0"
    );
    assert!(
        dicts.iter().any(|d| d.get(b"FontFile3").is_ok()),
        "its program is a FontFile3"
    );
    assert!(
        dicts
            .iter()
            .any(|d| name(d, b"Subtype").as_deref() == Some("OpenType")),
        "an OpenType program"
    );
    // The whole text in one font, so the ToUnicode map spells it: no ActualText.
    assert!(!pdf.windows(10).any(|w| w == b"ActualText"));
}
