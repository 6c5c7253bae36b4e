//! plotbox's shaping against HarfBuzz itself: `tests/oracle/harfbuzz.json` holds what
//! `hb-shape` 6.0 (the C library browsers use) gives for strings of one script in the
//! embedded DejaVu Sans (`tools/hb-reference/make.py` wrote it). The same glyphs in
//! the same visual order at the same places is what "Arabic joins and Hebrew reads
//! right to left" means for a renderer.

use renderer_wasm::text;
use serde_json::Value;

/// At 2048 px a DejaVu Sans font unit is one pixel.
const UNITS_PER_EM: f64 = 2048.0;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/harfbuzz.json");
    let text = std::fs::read_to_string(path).expect("the HarfBuzz fixture is committed");
    serde_json::from_str(&text).expect("the fixture is JSON")
}

fn number(value: &Value) -> i64 {
    value.as_i64().expect("an integer")
}

#[test]
fn the_fixture_is_of_the_embedded_font() {
    use sha2::{Digest, Sha256};
    let fixture = fixture();
    let digest: String = Sha256::digest(dejavu::sans::regular())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(
        fixture["font_sha256"].as_str(),
        Some(digest.as_str()),
        "the fixture was made with another DejaVu Sans than the one embedded"
    );
}

#[test]
fn shaping_gives_harfbuzzs_glyphs_order_and_positions() {
    let fixture = fixture();
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 15, "the fixture lost its cases");
    for case in cases {
        let string = case["text"].as_str().expect("text");
        let shaped = text::shape(string, UNITS_PER_EM);
        let mut pen = 0i64;
        let mut expected = Vec::new();
        for glyph in case["glyphs"].as_array().expect("glyphs") {
            let fields: Vec<i64> = glyph
                .as_array()
                .expect("a glyph")
                .iter()
                .map(number)
                .collect();
            let [id, cluster, dx, dy, advance] = fields[..] else {
                panic!("{string}: a glyph has five fields");
            };
            expected.push((id, cluster, (pen + dx) as f64, -dy as f64));
            pen += advance;
        }
        let ours: Vec<(i64, i64, f64, f64)> = shaped
            .glyphs
            .iter()
            .map(|g| (i64::from(g.id.0), i64::from(g.text.start), g.x, g.y))
            .collect();
        assert_eq!(ours, expected, "{string}: glyphs differ from HarfBuzz's");
        assert_eq!(shaped.width, pen as f64, "{string}: advance differs");
    }
}
