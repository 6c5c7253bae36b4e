//! Text in the one embedded font, DejaVu Sans (from the `dejavu` crate; its license
//! is in `renderer-wasm/FONT-LICENSE`).
//!
//! The renderer owns text instead of leaving it to a viewer or a system font: layout
//! measures strings here, and both encoders draw the same glyph outlines from here, so
//! a picture is identical in every viewer and on every machine. Shaping is simple:
//! one glyph per character through the `cmap`, horizontal advances, and pair kerning
//! from the `kern` table (as matplotlib's Agg text does).

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// The parsed embedded font. Parsing is lazy and cheap; it happens once per process
/// (per module instance, in the sandbox).
pub fn face() -> &'static Face<'static> {
    static FACE: OnceLock<Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| {
        // The font is a constant of this crate, not input: failing here is a build bug.
        #[allow(clippy::expect_used)]
        Face::parse(dejavu::sans::regular(), 0).expect("the embedded DejaVu Sans parses")
    })
}

/// One placed glyph of a shaped string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    /// Offset of the glyph origin from the start of the string, in px.
    pub x: f64,
}

/// A shaped single line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the whole string, in px.
    pub width: f64,
    /// px per font unit at the requested size.
    pub scale: f64,
}

/// Shapes `text` at `size` px. Characters the font lacks become its `.notdef` box.
pub fn shape(text: &str, size: f64) -> Shaped {
    let face = face();
    let scale = size / f64::from(face.units_per_em());
    let mut glyphs = Vec::with_capacity(text.len());
    let mut pen = 0.0;
    let mut previous: Option<GlyphId> = None;
    for ch in text.chars() {
        let ch = if ch.is_control() { ' ' } else { ch };
        let id = face.glyph_index(ch).unwrap_or(GlyphId(0));
        if let Some(left) = previous {
            pen += f64::from(kerning(face, left, id)) * scale;
        }
        glyphs.push(PlacedGlyph { id, x: pen });
        pen += f64::from(face.glyph_hor_advance(id).unwrap_or(0)) * scale;
        previous = Some(id);
    }
    Shaped {
        glyphs,
        width: pen,
        scale,
    }
}

/// Advance width of `text` at `size` px.
pub fn measure(text: &str, size: f64) -> f64 {
    shape(text, size).width
}

/// Size of a superscript relative to its base (mathtext's `SHRINK_FACTOR`).
pub const SUPERSCRIPT_SCALE: f64 = 0.7;
/// How far a superscript's baseline sits above the base's, in base font sizes (about
/// where mathtext puts the exponent of `10^3` in DejaVu Sans).
pub const SUPERSCRIPT_RAISE: f64 = 0.45;

/// Advance width of `text` followed by an optional superscript, at `size` px.
pub fn measure_with_superscript(text: &str, superscript: Option<&str>, size: f64) -> f64 {
    measure(text, size) + superscript.map_or(0.0, |s| measure(s, size * SUPERSCRIPT_SCALE))
}

/// One piece of a text drawn at a single size: the main string or its superscript.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub shaped: Shaped,
    /// Origin of the run's first glyph relative to the text's anchor point, in px, x
    /// right and y down, before the text's rotation.
    pub dx: f64,
    pub dy: f64,
}

/// The runs of a scene text, placed. Both encoders draw text through this, so
/// anchoring and superscripts cannot differ between SVG and PNG.
pub fn runs(text: &crate::scene::Text) -> Vec<Run> {
    let main = shape(&text.text, text.size);
    let superscript = text
        .superscript
        .as_deref()
        .map(|s| shape(s, text.size * SUPERSCRIPT_SCALE));
    let width = main.width + superscript.as_ref().map_or(0.0, |s| s.width);
    let (dx, dy) = run_origin(width, text.size, text.anchor, text.baseline);
    let main_width = main.width;
    let mut runs = vec![Run {
        shaped: main,
        dx,
        dy,
    }];
    if let Some(shaped) = superscript {
        runs.push(Run {
            shaped,
            dx: dx + main_width,
            dy: dy - SUPERSCRIPT_RAISE * text.size,
        });
    }
    runs
}

/// A `×` with mathtext's space around it, as drawn in a `2×10³` label.
pub const SPACED_TIMES: &str = "\u{2009}×\u{2009}";

/// How far a text with a superscript reaches above its baseline, as matplotlib's
/// mathtext box for `10^{3}` does: fitted to its (hinted) extents at 8 to 14 pt and 72
/// to 200 dpi, within about a pixel.
pub fn superscript_top(size: f64) -> f64 {
    0.88 * size + 3.4
}

/// How far a text with a superscript reaches below its baseline (mathtext's box ends
/// at the digits' bottom, a little lower than the baseline, not at `p`'s descent).
pub fn superscript_bottom(size: f64) -> f64 {
    box_descent(size).min(2.5)
}

/// The text a reader should get for a scene text: `10^3` and `2×10^3` for labels
/// with a superscript (without the drawn spacing around the `×`).
pub fn accessible(text: &crate::scene::Text) -> String {
    match &text.superscript {
        Some(s) => format!("{}^{s}", text.text.replace(SPACED_TIMES, "×")),
        None => text.text.clone(),
    }
}

/// Distance from the baseline up to the top of the line box, in px.
pub fn ascent(size: f64) -> f64 {
    let face = face();
    f64::from(face.ascender()) * size / f64::from(face.units_per_em())
}

/// Distance from the baseline down to the bottom of the line box, in px (positive).
pub fn descent(size: f64) -> f64 {
    let face = face();
    -f64::from(face.descender()) * size / f64::from(face.units_per_em())
}

/// Top of a text's layout box above the baseline, in px: the height of `l`, as
/// matplotlib measures a line of text (its "lp" metrics, in whole pixels as its
/// renderer reports them), not the font's ascender.
pub fn box_ascent(size: f64) -> f64 {
    (glyph_extent('l', true) * size).ceil()
}

/// Bottom of a text's layout box below the baseline, in px (positive): the depth of
/// `p`, as matplotlib measures a line.
pub fn box_descent(size: f64) -> f64 {
    (glyph_extent('p', false) * size).ceil()
}

/// The top (or, with `top` false, the depth below the baseline) of a glyph, in ems.
fn glyph_extent(ch: char, top: bool) -> f64 {
    let face = face();
    let units = face
        .glyph_index(ch)
        .and_then(|id| face.glyph_bounding_box(id))
        .map_or(0, |bbox| if top { bbox.y_max } else { -bbox.y_min });
    f64::from(units) / f64::from(face.units_per_em())
}

/// Height of capital letters above the baseline, in px; centring on this looks right
/// for tick labels, which are mostly digits.
pub fn cap_height(size: f64) -> f64 {
    let face = face();
    let units = face
        .glyph_index('H')
        .and_then(|id| face.glyph_bounding_box(id))
        .map_or(face.ascender(), |bbox| bbox.y_max);
    f64::from(units) * size / f64::from(face.units_per_em())
}

/// One step of a glyph outline, in font units with y up (the font's own convention).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutlineSegment {
    MoveTo(f32, f32),
    LineTo(f32, f32),
    /// Control point, then end point.
    QuadTo(f32, f32, f32, f32),
    /// Two control points, then end point.
    CurveTo(f32, f32, f32, f32, f32, f32),
    Close,
}

/// The outline of one glyph, which both encoders draw, so SVG and PNG text have the
/// same shape. Empty for glyphs with no outline (space).
pub fn glyph_outline(id: GlyphId) -> Vec<OutlineSegment> {
    struct Collect(Vec<OutlineSegment>);
    impl ttf_parser::OutlineBuilder for Collect {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(OutlineSegment::MoveTo(x, y));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(OutlineSegment::LineTo(x, y));
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.0.push(OutlineSegment::QuadTo(x1, y1, x, y));
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.0.push(OutlineSegment::CurveTo(x1, y1, x2, y2, x, y));
        }
        fn close(&mut self) {
            self.0.push(OutlineSegment::Close);
        }
    }
    let mut collect = Collect(Vec::new());
    // A glyph without an outline yields None and whatever it pushed is meaningless.
    if face().outline_glyph(id, &mut collect).is_none() {
        return Vec::new();
    }
    collect.0
}

/// Where the origin of a shaped run's first glyph sits relative to the text's anchor
/// point, in px, x right and y down, before the text's rotation. Both encoders place
/// text with this, so anchoring cannot differ between SVG and PNG.
pub fn run_origin(
    width: f64,
    size: f64,
    anchor: crate::scene::Anchor,
    baseline: crate::scene::Baseline,
) -> (f64, f64) {
    use crate::scene::{Anchor, Baseline};
    let dx = match anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => -width / 2.0,
        Anchor::End => -width,
    };
    // Top, middle and bottom are those of matplotlib's line box ("lp"), so that a
    // `va="top"` text sits where matplotlib puts it.
    let dy = match baseline {
        Baseline::Top => box_ascent(size),
        Baseline::Middle => (box_ascent(size) - box_descent(size)) / 2.0,
        Baseline::Alphabetic => 0.0,
        Baseline::Bottom => -box_descent(size),
    };
    (dx, dy)
}

fn kerning(face: &Face<'_>, left: GlyphId, right: GlyphId) -> i16 {
    let Some(kern) = face.tables().kern else {
        return 0;
    };
    kern.subtables
        .into_iter()
        .filter(|t| t.horizontal && !t.variable)
        .find_map(|t| t.glyphs_kerning(left, right))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_strings_measure_wider() {
        assert!(measure("0000", 10.0) > measure("00", 10.0));
        assert!((measure("00", 20.0) - 2.0 * measure("00", 10.0)).abs() < 1e-9);
    }

    #[test]
    fn font_metrics_are_sane() {
        assert!(ascent(10.0) > cap_height(10.0));
        assert!(descent(10.0) > 0.0);
        assert_eq!(measure("", 12.0), 0.0);
    }
}
