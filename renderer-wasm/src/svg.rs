//! The SVG encoder: a [`Scene`] becomes one self-contained SVG document.
//!
//! Text is drawn as glyph outlines, as matplotlib's `svg.fonttype = 'path'` does: each
//! glyph used is defined once in `<defs>` (in font units) and placed with `<use>`, so the
//! picture is the same in every viewer, with or without fonts installed. Each text run
//! keeps its string in an `aria-label` for screen readers and search.
//!
//! The bytes are deterministic: numbers are written by [`push_num`] at a fixed
//! precision (never through the platform's float formatting), nothing iterates a hash
//! map, and ids are assigned in order of first use. The same scene therefore gives the
//! same string natively and in wasm32.

use crate::text::FontKey;
use ttf_parser::GlyphId;

use crate::scene::{Color, Item, Point, Rect, Scene, Shape, Stroke, Text};
use crate::text;

/// Decimals for coordinates in CSS px: 1/100 px is far below what any viewer shows.
const COORD_DECIMALS: u32 = 2;
/// Decimals for opacities.
const OPACITY_DECIMALS: u32 = 3;
/// Decimals for the px-per-font-unit scale of text runs (about 0.005 at 10 px; 2
/// decimals would distort glyph sizes).
const FONT_SCALE_DECIMALS: u32 = 7;
/// Decimals for glyph outlines and positions, in font units (2048 per em).
const FONT_UNIT_DECIMALS: u32 = 1;

/// Encodes a scene as an SVG document.
pub fn encode(scene: &Scene) -> String {
    let mut body = Body {
        out: String::with_capacity(estimate_body_len(scene)),
        glyphs: GlyphSet::default(),
        clips: Vec::new(),
    };
    if let Some(background) = scene.background {
        body.out.push_str("<rect width=\"");
        push_num(&mut body.out, scene.width, COORD_DECIMALS);
        body.out.push_str("\" height=\"");
        push_num(&mut body.out, scene.height, COORD_DECIMALS);
        body.out.push('"');
        push_paint(&mut body.out, "fill", background);
        body.out.push_str("/>\n");
    }
    body.items(&scene.items);

    let mut svg = String::with_capacity(body.out.len() + 256 + body.glyphs.order.len() * 400);
    svg.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    push_num(&mut svg, scene.width, COORD_DECIMALS);
    svg.push_str("\" height=\"");
    push_num(&mut svg, scene.height, COORD_DECIMALS);
    svg.push_str("\" viewBox=\"0 0 ");
    push_num(&mut svg, scene.width, COORD_DECIMALS);
    svg.push(' ');
    push_num(&mut svg, scene.height, COORD_DECIMALS);
    // Round joins are set once here and inherited: every stroke in a plot uses them.
    svg.push_str("\" stroke-linejoin=\"round\">\n");
    if !body.glyphs.order.is_empty() || !body.clips.is_empty() {
        svg.push_str("<defs>\n");
        for &(font, glyph) in &body.glyphs.order {
            push_glyph_def(&mut svg, font, glyph);
        }
        for (index, clip) in body.clips.iter().enumerate() {
            svg.push_str("<clipPath id=\"c");
            push_uint(&mut svg, index as u64);
            svg.push_str("\"><rect");
            push_rect_attrs(&mut svg, clip);
            svg.push_str("/></clipPath>\n");
        }
        svg.push_str("</defs>\n");
    }
    svg.push_str(&body.out);
    svg.push_str("</svg>\n");
    svg
}

/// A rough size of the body, so that the output grows at most once or twice.
fn estimate_body_len(scene: &Scene) -> usize {
    scene
        .items
        .iter()
        .map(|item| match &item.shape {
            Shape::Rect { .. } | Shape::Circle { .. } => 80,
            Shape::Path { points, .. } => 100 + points.len() * 14,
            Shape::Text(text) => 120 + text.text.len() * 30,
        })
        .sum::<usize>()
        + 256
}

/// The glyphs used so far, in order of first use.
#[derive(Default)]
struct GlyphSet {
    order: Vec<(FontKey, GlyphId)>,
    /// Indexed by font key, then glyph id: whether the glyph was looked at yet and
    /// whether it has an outline. Plain vectors keep lookups cheap and output free of
    /// hash order.
    known: Vec<Vec<GlyphState>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GlyphState {
    Unknown,
    Drawn,
    /// No outline (a space): nothing to define or place.
    Blank,
}

impl GlyphSet {
    /// Records a use of `glyph`; false if it has nothing to draw.
    fn use_glyph(&mut self, font: FontKey, glyph: GlyphId) -> bool {
        let font_index = font.0 as usize;
        if font_index >= self.known.len() {
            self.known.resize_with(font_index + 1, Vec::new);
        }
        let known = &mut self.known[font_index];
        let index = usize::from(glyph.0);
        if index >= known.len() {
            known.resize(index + 1, GlyphState::Unknown);
        }
        if known[index] == GlyphState::Unknown {
            let drawn = text::library()
                .font(font)
                .face()
                .outline_glyph(glyph, &mut NoOutline)
                .is_some();
            known[index] = if drawn {
                self.order.push((font, glyph));
                GlyphState::Drawn
            } else {
                GlyphState::Blank
            };
        }
        known[index] == GlyphState::Drawn
    }
}

/// The document body and what it needs defined in `<defs>`.
struct Body {
    out: String,
    glyphs: GlyphSet,
    /// Distinct clip rectangles; the index is the id number (`c0`, `c1`, ...).
    clips: Vec<Rect>,
}

impl Body {
    fn items(&mut self, items: &[Item]) {
        let mut open_clip: Option<Rect> = None;
        for item in items {
            if item.clip != open_clip {
                if open_clip.is_some() {
                    self.out.push_str("</g>\n");
                }
                if let Some(clip) = item.clip {
                    let id = self.clip_id(clip);
                    self.out.push_str("<g clip-path=\"url(#c");
                    push_uint(&mut self.out, id as u64);
                    self.out.push_str(")\">\n");
                }
                open_clip = item.clip;
            }
            self.shape(&item.shape);
        }
        if open_clip.is_some() {
            self.out.push_str("</g>\n");
        }
    }

    fn clip_id(&mut self, clip: Rect) -> usize {
        if let Some(index) = self.clips.iter().position(|known| *known == clip) {
            return index;
        }
        self.clips.push(clip);
        self.clips.len() - 1
    }

    fn shape(&mut self, shape: &Shape) {
        let out = &mut self.out;
        match shape {
            Shape::Rect { rect, fill } => {
                out.push_str("<rect");
                push_rect_attrs(out, rect);
                push_paint(out, "fill", *fill);
                out.push_str("/>\n");
            }
            Shape::Path {
                points,
                closed,
                fill,
                stroke,
            } => {
                if points.is_empty() || (fill.is_none() && stroke.is_none()) {
                    return;
                }
                out.push_str("<path d=\"");
                push_points(out, points);
                if *closed {
                    out.push('Z');
                }
                out.push('"');
                push_fill_and_stroke(out, *fill, stroke.as_ref());
                out.push_str("/>\n");
            }
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                if fill.is_none() && stroke.is_none() {
                    return;
                }
                out.push_str("<circle cx=\"");
                push_num(out, center.x, COORD_DECIMALS);
                out.push_str("\" cy=\"");
                push_num(out, center.y, COORD_DECIMALS);
                out.push_str("\" r=\"");
                push_num(out, *radius, COORD_DECIMALS);
                out.push('"');
                push_fill_and_stroke(out, *fill, stroke.as_ref());
                out.push_str("/>\n");
            }
            Shape::Text(text) => self.text(text),
        }
    }

    /// One text: a group carrying its accessible string and color, placed at the
    /// run's origin in font units (y up), holding one `<use>` per visible glyph. A
    /// text with a superscript nests one such placed group per run.
    fn text(&mut self, text: &Text) {
        let runs = text::runs(text);
        let out = &mut self.out;
        out.push_str("<g aria-label=\"");
        push_escaped(out, &text::accessible(text));
        out.push('"');
        push_paint(out, "fill", text.color);
        if let [run] = runs.as_slice() {
            self.run_transform(text, run);
            self.out.push_str(">\n");
            self.glyph_uses(&run.shaped);
        } else {
            self.out.push_str(">\n");
            for run in &runs {
                self.out.push_str("<g");
                self.run_transform(text, run);
                self.out.push_str(">\n");
                self.glyph_uses(&run.shaped);
                self.out.push_str("</g>\n");
            }
        }
        self.out.push_str("</g>\n");
    }

    /// ` transform="..."` placing a run's glyphs (font units, y up) on the canvas.
    fn run_transform(&mut self, text: &Text, run: &text::Run) {
        let out = &mut self.out;
        let scale = run.shaped.scale;
        out.push_str(" transform=\"translate(");
        if text.rotation == 0.0 {
            push_num(out, text.at.x + run.dx, COORD_DECIMALS);
            out.push(' ');
            push_num(out, text.at.y + run.dy, COORD_DECIMALS);
            out.push(')');
        } else {
            push_num(out, text.at.x, COORD_DECIMALS);
            out.push(' ');
            push_num(out, text.at.y, COORD_DECIMALS);
            // Scene rotation is counter-clockwise; SVG's rotate() turns clockwise on
            // a y-down canvas.
            out.push_str(") rotate(");
            push_num(out, -text.rotation, COORD_DECIMALS);
            out.push_str(") translate(");
            push_num(out, run.dx, COORD_DECIMALS);
            out.push(' ');
            push_num(out, run.dy, COORD_DECIMALS);
            out.push(')');
        }
        out.push_str(" scale(");
        push_num(out, scale, FONT_SCALE_DECIMALS);
        out.push(' ');
        push_num(out, -scale, FONT_SCALE_DECIMALS);
        out.push_str(")\"");
    }

    fn glyph_uses(&mut self, shaped: &text::Shaped) {
        for glyph in &shaped.glyphs {
            if !self.glyphs.use_glyph(shaped.font, glyph.id) {
                continue;
            }
            let out = &mut self.out;
            out.push_str("<use href=\"#");
            push_glyph_id(out, shaped.font, glyph.id);
            out.push('"');
            let x_units = if shaped.scale > 0.0 {
                glyph.x / shaped.scale
            } else {
                0.0
            };
            if x_units != 0.0 {
                out.push_str(" x=\"");
                push_num(out, x_units, FONT_UNIT_DECIMALS);
                out.push('"');
            }
            // Font units are y up inside the run's group; the scene's y is down.
            let y_units = if shaped.scale > 0.0 {
                -glyph.y / shaped.scale
            } else {
                0.0
            };
            if y_units != 0.0 {
                out.push_str(" y=\"");
                push_num(out, y_units, FONT_UNIT_DECIMALS);
                out.push('"');
            }
            out.push_str("/>\n");
        }
    }
}

/// An outline sink that discards everything: asking whether a glyph has an outline
/// at all (a space has none and needs no `<use>`).
struct NoOutline;

impl ttf_parser::OutlineBuilder for NoOutline {
    fn move_to(&mut self, _: f32, _: f32) {}
    fn line_to(&mut self, _: f32, _: f32) {}
    fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
    fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
    fn close(&mut self) {}
}

/// A glyph's element id: `g12` in DejaVu Sans, `f1g12` in operator font 1.
fn push_glyph_id(out: &mut String, font: FontKey, glyph: GlyphId) {
    if font != text::EMBEDDED {
        out.push('f');
        push_uint(out, u64::from(font.0));
    }
    out.push('g');
    push_uint(out, u64::from(glyph.0));
}

fn push_glyph_def(out: &mut String, font: FontKey, glyph: GlyphId) {
    out.push_str("<path id=\"");
    push_glyph_id(out, font, glyph);
    out.push_str("\" d=\"");
    for segment in text::glyph_outline(font, glyph) {
        match segment {
            text::OutlineSegment::MoveTo(x, y) => {
                out.push('M');
                push_font_pair(out, x, y);
            }
            text::OutlineSegment::LineTo(x, y) => {
                out.push('L');
                push_font_pair(out, x, y);
            }
            text::OutlineSegment::QuadTo(x1, y1, x, y) => {
                out.push('Q');
                push_font_pair(out, x1, y1);
                out.push(' ');
                push_font_pair(out, x, y);
            }
            text::OutlineSegment::CurveTo(x1, y1, x2, y2, x, y) => {
                out.push('C');
                push_font_pair(out, x1, y1);
                out.push(' ');
                push_font_pair(out, x2, y2);
                out.push(' ');
                push_font_pair(out, x, y);
            }
            text::OutlineSegment::Close => out.push('Z'),
        }
    }
    out.push_str("\"/>\n");
}

fn push_font_pair(out: &mut String, x: f32, y: f32) {
    push_num(out, f64::from(x), FONT_UNIT_DECIMALS);
    out.push(' ');
    push_num(out, f64::from(y), FONT_UNIT_DECIMALS);
}

/// `M x y L x y x y ...`: after the first `L` the command letter is implied.
fn push_points(out: &mut String, points: &[Point]) {
    for (index, point) in points.iter().enumerate() {
        match index {
            0 => out.push('M'),
            1 => out.push('L'),
            _ => out.push(' '),
        }
        push_num(out, point.x, COORD_DECIMALS);
        out.push(' ');
        push_num(out, point.y, COORD_DECIMALS);
    }
}

fn push_rect_attrs(out: &mut String, rect: &Rect) {
    out.push_str(" x=\"");
    push_num(out, rect.x, COORD_DECIMALS);
    out.push_str("\" y=\"");
    push_num(out, rect.y, COORD_DECIMALS);
    out.push_str("\" width=\"");
    push_num(out, rect.w.max(0.0), COORD_DECIMALS);
    out.push_str("\" height=\"");
    push_num(out, rect.h.max(0.0), COORD_DECIMALS);
    out.push('"');
}

fn push_fill_and_stroke(out: &mut String, fill: Option<Color>, stroke: Option<&Stroke>) {
    match fill {
        Some(fill) => push_paint(out, "fill", fill),
        None => out.push_str(" fill=\"none\""),
    }
    if let Some(stroke) = stroke {
        push_paint(out, "stroke", stroke.color);
        out.push_str(" stroke-width=\"");
        push_num(out, stroke.width, COORD_DECIMALS);
        out.push('"');
        if let Some(dash) = dash_pattern(&stroke.dash) {
            out.push_str(" stroke-dasharray=\"");
            for (index, length) in dash.iter().enumerate() {
                if index > 0 {
                    out.push(' ');
                }
                push_num(out, *length, COORD_DECIMALS);
            }
            out.push('"');
        }
    }
}

/// ` fill="#rrggbb"` (or `stroke`), with `fill-opacity` when the color is not opaque.
fn push_paint(out: &mut String, property: &str, color: Color) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(' ');
    out.push_str(property);
    out.push_str("=\"#");
    for channel in [color.r, color.g, color.b] {
        out.push(char::from(HEX[usize::from(channel >> 4)]));
        out.push(char::from(HEX[usize::from(channel & 0xf)]));
    }
    out.push('"');
    let alpha = if color.a.is_finite() {
        color.a.clamp(0.0, 1.0)
    } else {
        1.0
    };
    if alpha < 1.0 {
        out.push(' ');
        out.push_str(property);
        out.push_str("-opacity=\"");
        push_num(out, alpha, OPACITY_DECIMALS);
        out.push('"');
    }
}

/// The dash pattern both encoders draw, or `None` for a solid line. It follows SVG's
/// rules so that the PNG matches what a viewer does with the SVG: an odd-length list
/// repeats to even length, and a list with a negative, non-finite or all-zero length
/// draws solid.
pub(crate) fn dash_pattern(dash: &[f64]) -> Option<Vec<f64>> {
    if dash.is_empty()
        || dash
            .iter()
            .any(|length| !length.is_finite() || *length < 0.0)
        || dash.iter().sum::<f64>() <= 0.0
    {
        return None;
    }
    let mut pattern = dash.to_vec();
    if !pattern.len().is_multiple_of(2) {
        pattern.extend_from_slice(dash);
    }
    Some(pattern)
}

/// Escapes text for an attribute value. Characters XML 1.0 forbids (most controls,
/// U+FFFE, U+FFFF) become spaces, since they cannot be written at all.
fn push_escaped(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            ch if (ch as u32) < 0x20 || ch == '\u{FFFE}' || ch == '\u{FFFF}' => out.push(' '),
            ch => out.push(ch),
        }
    }
}

fn push_uint(out: &mut String, value: u64) {
    let mut buffer = [0u8; 20];
    let start = write_digits(&mut buffer, value);
    push_ascii(out, &buffer[start..]);
}

/// Writes `value`'s decimal digits at the end of `buffer`; returns where they start.
fn write_digits(buffer: &mut [u8; 20], mut value: u64) -> usize {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            return start;
        }
    }
}

/// Appends bytes this module produced itself, which are always ASCII.
fn push_ascii(out: &mut String, bytes: &[u8]) {
    out.push_str(std::str::from_utf8(bytes).unwrap_or("0"));
}

/// Writes `value` rounded to `decimals` places, trailing zeros and a trailing point
/// trimmed, `-0` written as `0`. Only integer arithmetic follows the one rounding
/// multiplication, which IEEE 754 defines exactly, so every target writes the same
/// digits. Non-finite values (never produced by layout) are written as `0` so the
/// document stays valid; magnitudes beyond 1e15 are clamped.
pub(crate) fn push_num(out: &mut String, value: f64, decimals: u32) {
    const LIMIT: f64 = 1e15;
    let factor = 10u64.pow(decimals);
    let value = if value.is_finite() {
        value.clamp(-LIMIT, LIMIT)
    } else {
        0.0
    };
    let scaled = (value * factor as f64).round();
    // Exact: |scaled| <= 1e15 * 1e7 < 2^63 for every precision used here.
    let magnitude = scaled.abs() as u64;
    if magnitude == 0 {
        out.push('0');
        return;
    }
    // Sign, up to 16 integer digits, point, up to 7 decimals.
    let mut text = [0u8; 32];
    let mut len = 0;
    if scaled < 0.0 {
        text[0] = b'-';
        len = 1;
    }
    let mut digits = [0u8; 20];
    let start = write_digits(&mut digits, magnitude / factor);
    let integer = &digits[start..];
    text[len..len + integer.len()].copy_from_slice(integer);
    len += integer.len();
    let mut fraction = magnitude % factor;
    if fraction != 0 {
        let mut width = decimals as usize;
        while fraction.is_multiple_of(10) {
            fraction /= 10;
            width -= 1;
        }
        text[len] = b'.';
        len += 1;
        for position in (0..width).rev() {
            text[len + position] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        len += width;
    }
    push_ascii(out, &text[..len]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_number(value: f64, decimals: u32) -> String {
        let mut out = String::new();
        push_num(&mut out, value, decimals);
        out
    }

    #[test]
    fn numbers_are_fixed_precision_and_trimmed() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.001, "0"),
            (1.0, "1"),
            (1.5, "1.5"),
            (1.25, "1.25"),
            (1.255, "1.25"), // 1.255 is 1.25499... in binary
            (-12.3456, "-12.35"),
            (100.0, "100"),
            (0.05, "0.05"),
            (-0.5, "-0.5"),
            (123456.789, "123456.79"),
            (f64::NAN, "0"),
            (f64::INFINITY, "0"),
            (1e20, "1000000000000000"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_number(value, 2), expected, "{value}");
        }
        assert_eq!(format_number(0.0048828125, 7), "0.0048828");
        let mut out = String::new();
        push_uint(&mut out, 1234567890);
        assert_eq!(out, "1234567890");
    }

    #[test]
    fn dash_follows_svg_rules() {
        assert_eq!(dash_pattern(&[]), None);
        assert_eq!(dash_pattern(&[0.0, 0.0]), None);
        assert_eq!(dash_pattern(&[-1.0, 2.0]), None);
        assert_eq!(dash_pattern(&[3.0]), Some(vec![3.0, 3.0]));
        assert_eq!(dash_pattern(&[4.0, 2.0]), Some(vec![4.0, 2.0]));
    }

    #[test]
    fn escaping_keeps_xml_valid() {
        let mut out = String::new();
        push_escaped(&mut out, "a<b>&\"c\"\u{1}\u{FFFF}");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&quot;  ");
    }
}
