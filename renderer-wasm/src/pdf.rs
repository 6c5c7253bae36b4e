//! The PDF encoder: a [`Scene`] becomes a one-page vector PDF with real, selectable
//! text.
//!
//! It draws what the SVG encoder writes: rectangles, paths and circles as vector paths
//! (round joins, butt caps, nonzero fill, SVG's dash rules from
//! [`crate::svg::dash_pattern`]), opacity through ExtGState `ca`/`CA`, and each run of
//! clipped items inside one `q … W n … Q` clip. A circle (a scatter marker) is drawn
//! once per radius as a form XObject and placed with `Do`, as matplotlib's PDF backend
//! does: 100,000 markers as Béziers made a 19 MB content stream that took 1.9 s to
//! write and compress in the sandbox. Text is placed by the same
//! [`text::runs`] as in SVG and PNG, but written as text: glyph ids of the shaped runs
//! in a Type 0 font (`Identity-H`, so a code is a glyph id and shaping can later give
//! any glyph sequence), whose CIDFontType2 is the subset of the font the glyphs come
//! from, with a `ToUnicode` map so that the text can be selected, searched and copied.
//!
//! # Page size
//!
//! The page is the figure at 72 points per inch, as matplotlib's PDF backend makes it:
//! a canvas of `w × h` px at `dpi` is a page of `w / dpi × 72` by `h / dpi × 72` pt.
//! A 6.4 × 4.8 in figure is a 6.4 × 4.8 in page whatever its dpi, and a 10 pt font in
//! the spec is 10 pt on paper, which is what LaTeX and print want. Rasterized at `dpi`
//! (`pdftoppm -r <dpi>`), the page is exactly the PNG's pixel size at scale 1. The
//! content stream works in the scene's CSS px (y down) under one `cm`, so every
//! coordinate is written as the SVG writes it.
//!
//! # Determinism
//!
//! The same scene gives the same bytes natively and in wasm32: no dates or random ids
//! are written (there is no `/CreationDate` and no trailer `/ID`), numbers in the
//! content stream go through [`push_num`] at fixed precision, pdf-writer writes its own
//! numbers with an integer algorithm (ryu), glyphs, fonts and graphics states are
//! numbered in order of first use, and the subset font's tag is a hash of its glyphs.

use std::collections::HashMap;
use std::ops::Range;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect as PdfRect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::error::RenderError;
use crate::scene::{Color, Item, Point, Rect, Scene, Shape, Stroke, Text};
use crate::svg::{dash_pattern, push_num};
use crate::text;

/// PDF user space units (points) per inch.
pub const POINTS_PER_INCH: f64 = 72.0;

/// Decimals for coordinates in CSS px, as in the SVG.
const COORD_DECIMALS: u32 = 2;
/// Decimals for color channels in 0..1: four keep every 8-bit value exact.
const COLOR_DECIMALS: u32 = 4;
/// Decimals for opacities, as in the SVG.
const OPACITY_DECIMALS: u32 = 3;
/// Decimals for font sizes in px (a 10 pt font at 100 dpi is 13.888… px).
const FONT_SIZE_DECIMALS: u32 = 4;
/// Decimals for TJ position adjustments, in thousandths of an em.
const ADJUST_DECIMALS: u32 = 3;
/// Decimals for the entries of the text and page matrices that are not offsets.
const MATRIX_DECIMALS: u32 = 6;
/// zlib level of every stream. On 100,000 scatter markers (a 3.5 MB content stream)
/// level 3 takes a third of level 6's time natively (100 ms against 330 ms for the
/// whole render) for a 7% larger file; level 1 is no faster and 15% larger.
const DEFLATE_LEVEL: u8 = 3;

/// Points per CSS px for a figure at `dpi`; 0.75 (96 dpi, CSS's own ratio) for a dpi
/// that is not a positive number, which validation never lets through.
pub fn points_per_px(dpi: f64) -> f64 {
    if dpi.is_finite() && dpi > 0.0 {
        POINTS_PER_INCH / dpi
    } else {
        0.75
    }
}

/// Encodes a scene as a one-page PDF; `dpi` is the figure's, which sets the page size.
pub fn encode(scene: &Scene, dpi: f64) -> Result<Vec<u8>, RenderError> {
    let k = points_per_px(dpi);
    let (page_width, page_height) = (scene.width * k, scene.height * k);
    let mut page = Page::new(estimate_content_len(scene));
    // One matrix takes the scene's px (y down) to the page's points (y up).
    push_num(&mut page.out, k, MATRIX_DECIMALS);
    page.out.push_str(" 0 0 ");
    push_num(&mut page.out, -k, MATRIX_DECIMALS);
    page.out.push_str(" 0 ");
    push_num(&mut page.out, page_height, MATRIX_DECIMALS);
    // Round joins are set once: every stroke in a plot uses them (butt caps are the
    // default).
    page.out.push_str(" cm\n1 j\n");
    if let Some(background) = scene.background {
        page.fill_rect(
            &Rect {
                x: 0.0,
                y: 0.0,
                w: scene.width,
                h: scene.height,
            },
            background,
        );
    }
    page.items(&scene.items)?;
    page.finish(page_width, page_height)
}

/// A rough size of the content stream, so that it grows at most once or twice.
fn estimate_content_len(scene: &Scene) -> usize {
    scene
        .items
        .iter()
        .map(|item| match &item.shape {
            Shape::Rect { .. } => 40,
            Shape::Circle { .. } => 40,
            Shape::Path { points, .. } => 60 + points.len() * 14,
            Shape::Text(text) => 120 + text.text.len() * 8,
        })
        .sum::<usize>()
        + 256
}

/// The graphics state the content stream has set, so that only changes are written.
#[derive(Debug, Clone, PartialEq)]
struct State {
    fill: [u8; 3],
    stroke: [u8; 3],
    /// Fill and stroke opacity in thousandths (`ca`, `CA`).
    alpha: (u16, u16),
    /// Line width in hundredths of a px.
    line_width: i64,
    /// Dash pattern in hundredths of a px; empty is solid.
    dash: Vec<i64>,
}

impl State {
    /// PDF's initial graphics state: black, opaque, 1 unit wide, solid.
    fn initial() -> Self {
        State {
            fill: [0, 0, 0],
            stroke: [0, 0, 0],
            alpha: (1000, 1000),
            line_width: 100,
            dash: Vec::new(),
        }
    }
}

/// The page being written: its content stream and the resources it refers to.
struct Page {
    out: String,
    state: State,
    /// The state to return to when the open clip's `Q` restores it.
    saved: Option<State>,
    /// Distinct (`ca`, `CA`) pairs in thousandths in order of first use; the index is
    /// the name (`/A0`, ...).
    alphas: Names<(u16, u16)>,
    /// Distinct circle markers in order of first use; the index is the name (`/M0`,
    /// ...).
    markers: Names<Marker>,
    fonts: FontSet,
}

/// Most distinct circle markers a page defines as forms; circles of further sizes
/// (a scatter with a size per point) are drawn in place, so that the number of
/// objects stays bounded.
const MAX_MARKERS: usize = 4096;

/// Resources named by their index in order of first use. The map only finds them:
/// output order never depends on hashing.
struct Names<T> {
    order: Vec<T>,
    index: HashMap<T, usize>,
}

impl<T: Copy + Eq + std::hash::Hash> Names<T> {
    fn new() -> Self {
        Names {
            order: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// The index of `value`, added if it is new and fewer than `limit` are known.
    fn index_of(&mut self, value: T, limit: usize) -> Option<usize> {
        if let Some(index) = self.index.get(&value) {
            return Some(*index);
        }
        if self.order.len() >= limit {
            return None;
        }
        self.order.push(value);
        self.index.insert(value, self.order.len() - 1);
        Some(self.order.len() - 1)
    }
}

/// A circle around the origin, painted by an operator, as a form XObject. The form
/// takes colors, opacity and line width from where it is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Marker {
    /// Radius in hundredths of a px, as the SVG writes it.
    radius: i64,
    /// Line width in hundredths of a px (0 without a stroke): the form's bounding box
    /// must hold the stroke.
    line_width: i64,
    fill: bool,
    stroke: bool,
}

impl Page {
    fn new(capacity: usize) -> Self {
        Page {
            out: String::with_capacity(capacity),
            state: State::initial(),
            saved: None,
            alphas: Names::new(),
            markers: Names::new(),
            fonts: FontSet::default(),
        }
    }

    fn items(&mut self, items: &[Item]) -> Result<(), RenderError> {
        let mut open_clip: Option<Rect> = None;
        for item in items {
            if item.clip != open_clip {
                if open_clip.is_some() {
                    self.restore();
                }
                if let Some(clip) = item.clip {
                    self.save();
                    push_rect(&mut self.out, &clip);
                    self.out.push_str(" re W n\n");
                }
                open_clip = item.clip;
            }
            self.shape(&item.shape)?;
        }
        if open_clip.is_some() {
            self.restore();
        }
        Ok(())
    }

    fn save(&mut self) {
        self.out.push_str("q\n");
        self.saved = Some(self.state.clone());
    }

    fn restore(&mut self) {
        self.out.push_str("Q\n");
        if let Some(state) = self.saved.take() {
            self.state = state;
        }
    }

    fn shape(&mut self, shape: &Shape) -> Result<(), RenderError> {
        match shape {
            Shape::Rect { rect, fill } => self.fill_rect(rect, *fill),
            Shape::Path {
                points,
                closed,
                fill,
                stroke,
            } => {
                // A lone point draws nothing in SVG or PNG either.
                if points.len() < 2 {
                    return Ok(());
                }
                let stroke = stroke.as_ref().filter(|s| visible_width(s.width));
                if !self.paint_setup(*fill, stroke) {
                    return Ok(());
                }
                push_path(&mut self.out, points, *closed);
                self.paint(fill.is_some(), stroke.is_some());
            }
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                if !(radius.is_finite() && *radius > 0.0) {
                    return Ok(());
                }
                let stroke = stroke.as_ref().filter(|s| visible_width(s.width));
                if !self.paint_setup(*fill, stroke) {
                    return Ok(());
                }
                let marker = Marker {
                    radius: hundredths(*radius),
                    line_width: stroke.map_or(0, |s| hundredths(s.width)),
                    fill: fill.is_some(),
                    stroke: stroke.is_some(),
                };
                match self.markers.index_of(marker, MAX_MARKERS) {
                    Some(index) => {
                        self.out.push_str("q 1 0 0 1 ");
                        push_pair(&mut self.out, center.x, center.y);
                        self.out.push_str(" cm /M");
                        self.out.push_str(&index.to_string());
                        self.out.push_str(" Do Q\n");
                    }
                    None => {
                        push_circle(&mut self.out, *center, *radius);
                        self.paint(fill.is_some(), stroke.is_some());
                    }
                }
            }
            Shape::Text(text) => self.text(text)?,
        }
        Ok(())
    }

    /// A filled rectangle; SVG draws nothing for an empty or negative size, and a
    /// negative size in PDF would draw a flipped one, so those are skipped.
    fn fill_rect(&mut self, rect: &Rect, fill: Color) {
        let drawable = [rect.x, rect.y, rect.w, rect.h]
            .iter()
            .all(|v| v.is_finite())
            && rect.w > 0.0
            && rect.h > 0.0;
        if !drawable || !self.paint_setup(Some(fill), None) {
            return;
        }
        push_rect(&mut self.out, rect);
        self.out.push_str(" re f\n");
    }

    /// Sets colors, opacity, width and dash for a shape; false if it paints nothing.
    fn paint_setup(&mut self, fill: Option<Color>, stroke: Option<&Stroke>) -> bool {
        if fill.is_none() && stroke.is_none() {
            return false;
        }
        // An operator that does not paint keeps the other's opacity, so that a run of
        // filled shapes does not switch `gs` back and forth.
        let alpha = (
            fill.map_or(self.state.alpha.0, |c| milli_alpha(c.a)),
            stroke.map_or(self.state.alpha.1, |s| milli_alpha(s.color.a)),
        );
        self.set_alpha(alpha);
        if let Some(fill) = fill {
            let rgb = [fill.r, fill.g, fill.b];
            if self.state.fill != rgb {
                push_rgb(&mut self.out, rgb);
                self.out.push_str(" rg\n");
                self.state.fill = rgb;
            }
        }
        if let Some(stroke) = stroke {
            let rgb = [stroke.color.r, stroke.color.g, stroke.color.b];
            if self.state.stroke != rgb {
                push_rgb(&mut self.out, rgb);
                self.out.push_str(" RG\n");
                self.state.stroke = rgb;
            }
            let width = hundredths(stroke.width);
            if self.state.line_width != width {
                push_num(&mut self.out, stroke.width, COORD_DECIMALS);
                self.out.push_str(" w\n");
                self.state.line_width = width;
            }
            // A pattern written as all zeros would be an error in PDF; SVG draws such
            // a line solid.
            let pattern = dash_pattern(&stroke.dash)
                .filter(|pattern| pattern.iter().any(|length| hundredths(*length) > 0))
                .unwrap_or_default();
            let dash: Vec<i64> = pattern.iter().map(|length| hundredths(*length)).collect();
            if self.state.dash != dash {
                self.out.push('[');
                for (index, length) in pattern.iter().enumerate() {
                    if index > 0 {
                        self.out.push(' ');
                    }
                    push_num(&mut self.out, *length, COORD_DECIMALS);
                }
                self.out.push_str("] 0 d\n");
                self.state.dash = dash;
            }
        }
        true
    }

    fn set_alpha(&mut self, alpha: (u16, u16)) {
        if self.state.alpha == alpha {
            return;
        }
        // At most 1001 × 1001 pairs exist.
        let index = self.alphas.index_of(alpha, usize::MAX).unwrap_or(0);
        self.out.push_str("/A");
        self.out.push_str(&index.to_string());
        self.out.push_str(" gs\n");
        self.state.alpha = alpha;
    }

    /// The painting operator of a path just written: nonzero fill, stroke, or both.
    fn paint(&mut self, fill: bool, stroke: bool) {
        self.out.push_str(paint_operator(fill, stroke));
    }

    /// One scene text: a text object per run, at the run's origin. A text whose glyphs
    /// cannot spell it through the fonts' `ToUnicode` maps (a superscript, and the
    /// cases [`EmbeddedFont::encode`] lists) is wrapped in a span whose `ActualText` is
    /// what a reader should get, as the SVG's `aria-label`.
    fn text(&mut self, text: &Text) -> Result<(), RenderError> {
        let runs = text::runs(text);
        if runs.iter().all(|run| run.shaped.glyphs.is_empty()) {
            return Ok(());
        }
        let mut spelled = text.superscript.is_none();
        let mut placed = Vec::with_capacity(runs.len());
        let mut covered = Vec::with_capacity(runs.len());
        for run in &runs {
            let source = match (run.superscript, text.superscript.as_deref()) {
                (true, Some(superscript)) => superscript,
                _ => text.text.as_str(),
            };
            let font = self.fonts.font_of(run)?;
            let (codes, run_spelled, range) = self.fonts.fonts[font].encode(&run.shaped, source);
            spelled &= run_spelled;
            if !run.superscript {
                covered.push(range);
            }
            placed.push((font, codes, source));
        }
        // The pieces of the main string, one per font, must spell all of it.
        covered.sort_by_key(|range| range.start);
        let mut next = 0;
        for range in covered {
            spelled &= range.start == next;
            next = range.end;
        }
        spelled &= next == text.text.len();
        if !self.paint_setup(Some(text.color), None) {
            return Ok(());
        }
        if !spelled {
            push_actual_text(&mut self.out, &text::accessible(text));
        }
        for (run, (font, codes, source)) in runs.iter().zip(placed) {
            if codes.is_empty() {
                continue;
            }
            self.out.push_str("BT\n/F");
            self.out.push_str(&font.to_string());
            self.out.push(' ');
            push_num(
                &mut self.out,
                run.shaped.scale * f64::from(self.fonts.fonts[font].units_per_em),
                FONT_SIZE_DECIMALS,
            );
            self.out.push_str(" Tf\n");
            push_text_matrix(&mut self.out, text, run);
            // Spans do not nest: inside the text's own, clusters need none.
            let cluster_spans = spelled.then_some(source);
            self.show(run, font, &codes, cluster_spans);
            self.out.push_str("ET\n");
        }
        if !spelled {
            self.out.push_str("EMC\n");
        }
        Ok(())
    }

    /// `[<codes> adjustment <codes> ...] TJ`: each glyph where the run puts it. A viewer
    /// advances by the font's `/W` widths (the glyph advances shaping started from),
    /// so only the differences (kerning, mark offsets) are written; a glyph moved off
    /// the baseline (a mark) is written after a text rise (`Ts`).
    ///
    /// With `cluster_spans` (the run's string), a cluster of several glyphs (a base and
    /// its marks) is a span whose `ActualText` is its characters. poppler places a span
    /// from its first glyph's origin to its last glyph's advance: so the glyphs on the
    /// baseline come first (a raised mark there would split the word), and the last
    /// one gets a CID whose width reaches the cluster's end (a mark's own would leave
    /// a gap that reads as a space).
    fn show(&mut self, run: &text::Run, font: usize, codes: &[u16], cluster_spans: Option<&str>) {
        let font = &mut self.fonts.fonts[font];
        let scale = run.shaped.scale;
        let size = scale * f64::from(font.units_per_em);
        let glyphs = &run.shaped.glyphs;
        let out = &mut self.out;
        let mut show = Show::default();
        let mut pen = 0.0;
        let mut rise = 0;
        let mut start = 0;
        while start < glyphs.len() {
            let cluster = glyphs[start].text;
            let end = (start..glyphs.len())
                .find(|&i| glyphs[i].text != cluster)
                .unwrap_or(glyphs.len());
            let mut members: Vec<usize> = (start..end).collect();
            let span = cluster_spans.filter(|_| members.len() > 1);
            if let Some(source) = span {
                show.close(out);
                let chars: Vec<char> = cluster
                    .of(source)
                    .chars()
                    .map(|ch| if ch.is_control() { ' ' } else { ch })
                    .collect();
                push_actual_text(out, &in_drawing_order(chars));
                members.sort_by_key(|&i| hundredths(glyphs[i].y) != 0);
            }
            let cluster_end = members
                .iter()
                .map(|&i| glyphs[i].x + f64::from(font.advance(glyphs[i].id)) * scale)
                .fold(f64::NEG_INFINITY, f64::max);
            let last = members.last().copied();
            for index in members {
                let glyph = &glyphs[index];
                let mut code = codes.get(index).copied().unwrap_or(0);
                if span.is_some() && Some(index) == last && scale > 0.0 {
                    let advance = ((cluster_end - glyph.x) / scale).round().max(0.0);
                    code = font.with_advance(code, advance as i32);
                }
                let glyph_rise = hundredths(-glyph.y);
                if glyph_rise != rise {
                    show.close(out);
                    push_num(out, -glyph.y, COORD_DECIMALS);
                    out.push_str(" Ts\n");
                    rise = glyph_rise;
                }
                if size > 0.0 {
                    // TJ numbers are subtracted from the position, in thousandths of
                    // an em.
                    let adjust = (pen - glyph.x) / size * 1000.0;
                    if adjust.abs() >= 0.0005 {
                        show.adjust(out, adjust);
                    }
                }
                show.glyph(out, code);
                pen = glyph.x + f64::from(font.cid_advance(code)) * scale;
            }
            if span.is_some() {
                show.close(out);
                out.push_str("EMC\n");
            }
            start = end;
        }
        show.close(out);
        if rise != 0 {
            // The rise is part of the text state, which outlives ET.
            out.push_str("0 Ts\n");
        }
    }

    /// The whole document around the content stream.
    fn finish(self, page_width: f64, page_height: f64) -> Result<Vec<u8>, RenderError> {
        let Page {
            out,
            alphas,
            markers,
            fonts,
            ..
        } = self;
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let page_tree = next.bump();
        let page = next.bump();
        let content = next.bump();
        let info = next.bump();
        let font_refs: Vec<FontRefs> = fonts
            .fonts
            .iter()
            .map(|_| FontRefs::new(&mut next))
            .collect();
        let (alphas, markers) = (alphas.order, markers.order);
        let alpha_refs: Vec<Ref> = alphas.iter().map(|_| next.bump()).collect();
        let marker_refs: Vec<Ref> = markers.iter().map(|_| next.bump()).collect();

        let mut pdf = Pdf::with_capacity(out.len() / 4 + 64 * 1024);
        pdf.catalog(catalog).pages(page_tree);
        pdf.pages(page_tree).kids([page]).count(1);
        let mut page_dict = pdf.page(page);
        page_dict
            .media_box(PdfRect::new(
                0.0,
                0.0,
                page_width as f32,
                page_height as f32,
            ))
            .parent(page_tree)
            .contents(content);
        let mut resources = page_dict.resources();
        if !font_refs.is_empty() {
            let mut dict = resources.fonts();
            for (index, refs) in font_refs.iter().enumerate() {
                dict.pair(Name(format!("F{index}").as_bytes()), refs.type0);
            }
            dict.finish();
        }
        if !alpha_refs.is_empty() {
            let mut dict = resources.ext_g_states();
            for (index, id) in alpha_refs.iter().enumerate() {
                dict.pair(Name(format!("A{index}").as_bytes()), *id);
            }
            dict.finish();
        }
        if !marker_refs.is_empty() {
            let mut dict = resources.x_objects();
            for (index, id) in marker_refs.iter().enumerate() {
                dict.pair(Name(format!("M{index}").as_bytes()), *id);
            }
            dict.finish();
        }
        resources.finish();
        page_dict.finish();

        pdf.stream(content, &deflate(out.as_bytes()))
            .filter(Filter::FlateDecode);
        pdf.document_info(info)
            .producer(TextStr(concat!("plotbox ", env!("CARGO_PKG_VERSION"))));
        for (font, refs) in fonts.fonts.iter().zip(&font_refs) {
            font.write(&mut pdf, refs)?;
        }
        for (&(fill, stroke), id) in alphas.iter().zip(&alpha_refs) {
            pdf.ext_graphics(*id)
                .non_stroking_alpha(f32::from(fill) / 1000.0)
                .stroking_alpha(f32::from(stroke) / 1000.0);
        }
        for (marker, id) in markers.iter().zip(&marker_refs) {
            let radius = marker.radius as f64 / 100.0;
            let mut content = String::with_capacity(256);
            push_circle(&mut content, Point { x: 0.0, y: 0.0 }, radius);
            content.push_str(paint_operator(marker.fill, marker.stroke));
            // The stroke reaches half its width out, plus a px for anti-aliasing.
            let reach = (radius + marker.line_width as f64 / 200.0 + 1.0) as f32;
            pdf.form_xobject(*id, content.as_bytes())
                .bbox(PdfRect::new(-reach, -reach, reach, reach));
        }
        Ok(pdf.finish())
    }
}

fn paint_operator(fill: bool, stroke: bool) -> &'static str {
    match (fill, stroke) {
        (true, true) => "B\n",
        (true, false) => "f\n",
        (false, true) => "S\n",
        (false, false) => "n\n",
    }
}

/// A `TJ` operator being written: whether its array and a hex string in it are open.
#[derive(Default)]
struct Show {
    array: bool,
    hex: bool,
}

impl Show {
    fn glyph(&mut self, out: &mut String, code: u16) {
        if !self.array {
            out.push('[');
            self.array = true;
        }
        if !self.hex {
            out.push('<');
            self.hex = true;
        }
        push_hex_u16(out, code);
    }

    fn adjust(&mut self, out: &mut String, adjust: f64) {
        if !self.array {
            out.push('[');
            self.array = true;
        }
        if self.hex {
            out.push('>');
            self.hex = false;
        }
        push_num(out, adjust, ADJUST_DECIMALS);
    }

    fn close(&mut self, out: &mut String) {
        if self.hex {
            out.push('>');
        }
        if self.array {
            out.push_str("] TJ\n");
        }
        *self = Show::default();
    }
}

/// The characters one glyph (or one cluster's span) stands for, in the order a viewer
/// expects them: reading order, except right to left. Viewers take the glyphs of
/// right-to-left text as drawn, right to left, and reverse the characters to get
/// reading order, those of a ligature (`لا`) or a span too; so those are written
/// reversed, and come out in reading order.
fn in_drawing_order(mut chars: Vec<char>) -> String {
    use unicode_bidi::BidiClass;
    let right_to_left = chars
        .iter()
        .any(|&ch| matches!(unicode_bidi::bidi_class(ch), BidiClass::R | BidiClass::AL));
    if right_to_left {
        chars.reverse();
    }
    chars.into_iter().collect()
}

/// Opens a marked-content span whose `ActualText` is `text` (UTF-16BE with a BOM).
fn push_actual_text(out: &mut String, text: &str) {
    out.push_str("/Span <</ActualText <FEFF");
    for unit in text.encode_utf16() {
        push_hex_u16(out, unit);
    }
    out.push_str(">>> BDC\n");
}

/// Whether a stroke of this width draws anything: SVG and PNG draw nothing for 0,
/// while PDF would draw its thinnest line.
fn visible_width(width: f64) -> bool {
    width.is_finite() && width > 0.0
}

/// Opacity in thousandths, clamped as the SVG writes it.
fn milli_alpha(alpha: f64) -> u16 {
    let alpha = if alpha.is_finite() {
        alpha.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let decimals = 10f64.powi(OPACITY_DECIMALS as i32);
    (alpha * decimals).round() as u16
}

fn hundredths(value: f64) -> i64 {
    if value.is_finite() {
        (value.clamp(-1e15, 1e15) * 100.0).round() as i64
    } else {
        0
    }
}

fn push_rgb(out: &mut String, rgb: [u8; 3]) {
    for (index, channel) in rgb.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        push_num(out, f64::from(*channel) / 255.0, COLOR_DECIMALS);
    }
}

fn push_pair(out: &mut String, x: f64, y: f64) {
    push_num(out, x, COORD_DECIMALS);
    out.push(' ');
    push_num(out, y, COORD_DECIMALS);
}

/// `x y w h` of a rectangle (the operator follows).
fn push_rect(out: &mut String, rect: &Rect) {
    push_pair(out, rect.x, rect.y);
    out.push(' ');
    push_pair(out, rect.w.max(0.0), rect.h.max(0.0));
}

fn push_path(out: &mut String, points: &[Point], closed: bool) {
    for (index, point) in points.iter().enumerate() {
        push_pair(out, point.x, point.y);
        out.push_str(if index == 0 { " m\n" } else { " l\n" });
    }
    if closed {
        out.push_str("h\n");
    }
}

/// A circle as four cubic Béziers (the usual quarter-circle approximation, within
/// 0.03% of the radius).
fn push_circle(out: &mut String, center: Point, radius: f64) {
    const KAPPA: f64 = 0.552_284_749_830_793_4;
    let (x, y, r, c) = (center.x, center.y, radius, radius * KAPPA);
    push_pair(out, x + r, y);
    out.push_str(" m\n");
    let quarters = [
        [(x + r, y + c), (x + c, y + r), (x, y + r)],
        [(x - c, y + r), (x - r, y + c), (x - r, y)],
        [(x - r, y - c), (x - c, y - r), (x, y - r)],
        [(x + c, y - r), (x + r, y - c), (x + r, y)],
    ];
    for quarter in quarters {
        for (index, (px, py)) in quarter.iter().enumerate() {
            if index > 0 {
                out.push(' ');
            }
            push_pair(out, *px, *py);
        }
        out.push_str(" c\n");
    }
    out.push_str("h\n");
}

/// `Tm` placing a run: the SVG's `translate(at) rotate(-rotation) translate(dx dy)`,
/// then y flipped back up, since the page matrix turned the page's y down.
fn push_text_matrix(out: &mut String, text: &Text, run: &text::Run) {
    let (cos, sin, x, y) = if text.rotation == 0.0 {
        (1.0, 0.0, text.at.x + run.dx, text.at.y + run.dy)
    } else {
        let radians = -text.rotation.to_radians();
        let (cos, sin) = (libm::cos(radians), libm::sin(radians));
        (
            cos,
            sin,
            text.at.x + cos * run.dx - sin * run.dy,
            text.at.y + sin * run.dx + cos * run.dy,
        )
    };
    for value in [cos, sin, sin, -cos] {
        push_num(out, value, MATRIX_DECIMALS);
        out.push(' ');
    }
    push_pair(out, x, y);
    out.push_str(" Tm\n");
}

fn push_hex_u16(out: &mut String, value: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((value >> shift) & 0xf)]));
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL)
}

/// The fonts a page's text uses, in order of first use (`/F0`, `/F1`, ...).
#[derive(Default)]
struct FontSet {
    fonts: Vec<EmbeddedFont>,
}

impl FontSet {
    /// The index of the font a run's glyph ids index, added on first use.
    fn font_of(&mut self, run: &text::Run) -> Result<usize, RenderError> {
        let (data, index) = font_source(run);
        if let Some(found) = self
            .fonts
            .iter()
            .position(|font| std::ptr::eq(font.data, data) && font.index == index)
        {
            return Ok(found);
        }
        self.fonts.push(EmbeddedFont::new(data, index)?);
        Ok(self.fonts.len() - 1)
    }
}

/// The bytes of the font a run is shaped in, and the face's index in them (for a
/// collection): what the PDF subsets and embeds.
fn font_source(run: &text::Run) -> (&'static [u8], u32) {
    text::library().font(run.shaped.font).data()
}

/// One font as the PDF embeds it: the glyphs used so far, renumbered densely for the
/// subset, and the CIDs the content stream writes for them.
///
/// A CID is a glyph together with the characters it stands for, so that one glyph
/// can stand for different characters: `.notdef` for each missing character, a
/// mirrored parenthesis in right-to-left text. The `CIDToGIDMap` takes each CID to its
/// glyph and `ToUnicode` to its characters.
struct EmbeddedFont {
    data: &'static [u8],
    /// Whether the outlines are CFF: such a font is embedded as an OpenType program
    /// (`FontFile3`) in a CIDFontType0, whose CIDs must be the subset's glyph ids.
    cff: bool,
    index: u32,
    face: Face<'static>,
    units_per_em: u16,
    glyphs: GlyphRemapper,
    /// Indexed by subset glyph id: the font's own glyph id.
    original: Vec<u16>,
    /// Indexed by CID; CID 0 is `.notdef` standing for nothing.
    cids: Vec<Cid>,
    cid_of: HashMap<Cid, u16>,
}

/// What a CID draws and stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Cid {
    /// The glyph's id in the subset.
    glyph: u16,
    chars: String,
    /// Its width in font units where it is not the glyph's own (the last glyph of a
    /// cluster's span).
    advance: Option<i32>,
}

impl EmbeddedFont {
    fn new(data: &'static [u8], index: u32) -> Result<Self, RenderError> {
        let face = Face::parse(data, index)
            .map_err(|error| RenderError::internal(format!("pdf: cannot read a font: {error}")))?;
        let cff = face.tables().glyf.is_none();
        if cff && face.tables().cff.is_none() {
            return Err(RenderError::internal(
                "pdf: only fonts with TrueType or CFF outlines can be embedded",
            ));
        }
        Ok(EmbeddedFont {
            data,
            cff,
            index,
            units_per_em: face.units_per_em(),
            face,
            glyphs: GlyphRemapper::new(),
            original: vec![0],
            cids: vec![Cid {
                glyph: 0,
                chars: String::new(),
                advance: None,
            }],
            cid_of: HashMap::new(),
        })
    }

    fn advance(&self, glyph: GlyphId) -> u16 {
        self.face.glyph_hor_advance(glyph).unwrap_or(0)
    }

    /// The CID of a glyph (an id of the whole font) standing for `chars`, added on
    /// first use; `None` once every CID is taken.
    /// In a CFF font the CID is the subset glyph id, so a glyph stands for one string
    /// of characters only: the second string it would stand for is `None` (unspelled).
    fn cid(&mut self, glyph: GlyphId, chars: String) -> Option<u16> {
        let subset_glyph = self.glyphs.remap(glyph.0);
        if usize::from(subset_glyph) == self.original.len() {
            self.original.push(glyph.0);
        }
        if self.cff {
            return self.cff_cid(subset_glyph, chars);
        }
        let key = Cid {
            glyph: subset_glyph,
            chars,
            advance: None,
        };
        self.cid_for(key)
    }

    fn cff_cid(&mut self, subset_glyph: u16, chars: String) -> Option<u16> {
        // Glyphs are numbered in order of first use, so a new one is the next CID.
        match self.cids.get_mut(usize::from(subset_glyph)) {
            None => {
                self.cids.push(Cid {
                    glyph: subset_glyph,
                    chars,
                    advance: None,
                });
                Some(subset_glyph)
            }
            Some(known) if known.chars == chars => Some(subset_glyph),
            Some(known) if known.chars.is_empty() && subset_glyph != 0 => {
                known.chars = chars;
                Some(subset_glyph)
            }
            Some(_) => None,
        }
    }

    fn cid_for(&mut self, key: Cid) -> Option<u16> {
        if let Some(cid) = self.cid_of.get(&key) {
            return Some(*cid);
        }
        let cid = u16::try_from(self.cids.len()).ok()?;
        self.cids.push(key.clone());
        self.cid_of.insert(key, cid);
        Some(cid)
    }

    /// A CID like `cid` but `advance` font units wide; `cid` itself when that is its
    /// width or every CID is taken.
    fn with_advance(&mut self, cid: u16, advance: i32) -> u16 {
        // A CFF font's CIDs are its glyphs; the span is a little off instead.
        if self.cff || self.cid_advance(cid) == advance {
            return cid;
        }
        let Some(known) = self.cids.get(usize::from(cid)) else {
            return cid;
        };
        let key = Cid {
            advance: Some(advance),
            ..known.clone()
        };
        self.cid_for(key).unwrap_or(cid)
    }

    /// The width of a CID in font units, as its `/W` entry says.
    fn cid_advance(&self, cid: u16) -> i32 {
        let Some(key) = self.cids.get(usize::from(cid)) else {
            return 0;
        };
        key.advance.unwrap_or_else(|| {
            let glyph = self.original.get(usize::from(key.glyph)).copied();
            i32::from(self.advance(GlyphId(glyph.unwrap_or(0))))
        })
    }

    /// The codes (CIDs) of a shaped run of `source`, and whether its characters are
    /// all spelled through them. A glyph stands for its cluster's characters; in a
    /// cluster of several glyphs (a base and its marks) a glyph the font maps one of
    /// them to stands for that character and one other glyph for the rest (such a
    /// cluster is also an `ActualText` span, see [`Page::show`]). Not spelled:
    /// characters in no cluster or in two, and glyphs past the last CID.
    /// Right-to-left glyphs come in visual order and are spelled glyph by glyph all
    /// the same: viewers put text drawn that way back into reading order (poppler
    /// reverses an `ActualText` too, so one for a whole right-to-left run would come
    /// out backwards).
    fn encode(&mut self, shaped: &text::Shaped, source: &str) -> (Vec<u16>, bool, Range<usize>) {
        let glyphs = &shaped.glyphs;
        let mut texts: Vec<String> = vec![String::new(); glyphs.len()];
        let mut spelled = true;
        // The glyphs by cluster, clusters in reading order.
        let mut order: Vec<usize> = (0..glyphs.len()).collect();
        order.sort_by_key(|&i| (glyphs[i].text.start, i));
        // A run may be one font's piece of its string: its clusters start where the
        // piece does, and the caller checks that the pieces cover the string.
        let first = order.first().map_or(0, |&i| glyphs[i].text.range().start);
        let mut next = first;
        for members in order.chunk_by(|&a, &b| glyphs[a].text.start == glyphs[b].text.start) {
            let range = glyphs[members[0]].text.range();
            spelled &= range.start == next && range.end > range.start;
            next = range.end;
            // Control characters are shaped as spaces; a reader gets a space.
            let mut chars: Vec<char> = source
                .get(range)
                .unwrap_or("")
                .chars()
                .map(|ch| if ch.is_control() { ' ' } else { ch })
                .collect();
            if let [only] = members {
                texts[*only] = in_drawing_order(chars);
                continue;
            }
            let mut unassigned = Vec::new();
            for &member in members {
                let found = chars
                    .iter()
                    .position(|&ch| self.face.glyph_index(ch) == Some(glyphs[member].id));
                match found {
                    Some(at) => texts[member] = chars.remove(at).to_string(),
                    None => unassigned.push(member),
                }
            }
            if let Some(rest) = unassigned.first() {
                texts[*rest] = in_drawing_order(chars);
            }
        }
        let codes = glyphs
            .iter()
            .zip(texts)
            .map(|(glyph, text)| {
                self.cid(glyph.id, text).unwrap_or_else(|| {
                    spelled = false;
                    // A CFF glyph that already spells other characters is still drawn.
                    if self.cff {
                        self.glyphs.get(glyph.id.0).unwrap_or(0)
                    } else {
                        0
                    }
                })
            })
            .collect();
        (codes, spelled, first..next)
    }

    /// The font's objects: Type 0 font, CIDFont, descriptor, subset program,
    /// `CIDToGIDMap` and `ToUnicode` map.
    fn write(&self, pdf: &mut Pdf, refs: &FontRefs) -> Result<(), RenderError> {
        let program = subsetter::subset(self.data, self.index, &self.glyphs).map_err(|error| {
            RenderError::internal(format!("pdf: cannot subset a font: {error}"))
        })?;
        let base_font = format!("{}+{}", self.subset_tag(), self.postscript_name());
        let base_font = Name(base_font.as_bytes());
        let per_mille = 1000.0 / f32::from(self.units_per_em);
        pdf.type0_font(refs.type0)
            .base_font(base_font)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(refs.cid)
            .to_unicode(refs.to_unicode);

        let mut cid = pdf.cid_font(refs.cid);
        cid.subtype(if self.cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(base_font)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(refs.descriptor)
        .default_width(0.0);
        if !self.cff {
            cid.cid_to_gid_map_stream(refs.cid_to_gid);
        }
        cid.widths().consecutive(
            0,
            (0..self.cids.len()).map(|cid| {
                let cid = u16::try_from(cid).unwrap_or(0);
                self.cid_advance(cid) as f32 * per_mille
            }),
        );
        cid.finish();

        let bbox = self.face.global_bounding_box();
        let mut flags = FontFlags::SYMBOLIC;
        flags.set(FontFlags::FIXED_PITCH, self.face.is_monospaced());
        flags.set(FontFlags::ITALIC, self.face.is_italic());
        let scaled = |units: i16| f32::from(units) * per_mille;
        let mut descriptor = pdf.font_descriptor(refs.descriptor);
        descriptor
            .name(base_font)
            .flags(flags)
            .bbox(PdfRect::new(
                scaled(bbox.x_min),
                scaled(bbox.y_min),
                scaled(bbox.x_max),
                scaled(bbox.y_max),
            ))
            .italic_angle(self.face.italic_angle())
            .ascent(scaled(self.face.ascender()))
            .descent(scaled(self.face.descender()))
            .cap_height(scaled(
                self.face.capital_height().unwrap_or(self.face.ascender()),
            ))
            // No font table holds it; this is the usual estimate from the weight.
            .stem_v(10.0 + 0.244 * (f32::from(self.face.weight().to_number()) - 50.0));
        if self.cff {
            descriptor.font_file3(refs.program);
            descriptor.finish();
            pdf.stream(refs.program, &deflate(&program))
                .filter(Filter::FlateDecode)
                .pair(Name(b"Subtype"), Name(b"OpenType"));
        } else {
            descriptor.font_file2(refs.program);
            descriptor.finish();
            pdf.stream(refs.program, &deflate(&program))
                .filter(Filter::FlateDecode)
                .pair(
                    Name(b"Length1"),
                    i32::try_from(program.len()).unwrap_or(i32::MAX),
                );
        }

        let map: Vec<u8> = self
            .cids
            .iter()
            .flat_map(|cid| cid.glyph.to_be_bytes())
            .collect();
        pdf.stream(refs.cid_to_gid, &deflate(&map))
            .filter(Filter::FlateDecode);

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (cid, key) in self.cids.iter().enumerate() {
            if let (false, Ok(cid)) = (key.chars.is_empty(), u16::try_from(cid)) {
                cmap.pair_with_multiple(cid, key.chars.chars());
            }
        }
        pdf.stream(refs.to_unicode, &deflate(cmap.finish().as_slice()))
            .filter(Filter::FlateDecode);
        Ok(())
    }

    /// The font's PostScript name, cut to the characters a PDF name can hold as is.
    fn postscript_name(&self) -> String {
        let name = self
            .face
            .names()
            .into_iter()
            .filter(|name| name.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|name| name.to_string())
            .unwrap_or_default();
        let name: String = name
            .chars()
            .filter(|ch| ch.is_ascii_alphanumeric() || *ch == '-')
            .take(100)
            .collect();
        if name.is_empty() {
            "Font".to_owned()
        } else {
            name
        }
    }

    /// Six capital letters naming this subset (PDF 32000-1 §9.6.4): a hash of its
    /// glyphs, so that the same glyphs give the same name.
    fn subset_tag(&self) -> String {
        // FNV-1a, 64 bit.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for glyph in self.glyphs.remapped_gids() {
            for byte in glyph.to_be_bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        (0..6)
            .map(|_| {
                let letter = char::from(b'A' + (hash % 26) as u8);
                hash /= 26;
                letter
            })
            .collect()
    }
}

/// The object numbers of one embedded font.
struct FontRefs {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    program: Ref,
    to_unicode: Ref,
    cid_to_gid: Ref,
}

impl FontRefs {
    fn new(next: &mut Ref) -> Self {
        FontRefs {
            type0: next.bump(),
            cid: next.bump(),
            descriptor: next.bump(),
            program: next.bump(),
            to_unicode: next.bump(),
            cid_to_gid: next.bump(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_is_the_figure_at_72_points_per_inch() {
        assert_eq!(points_per_px(100.0), 0.72);
        assert_eq!(points_per_px(72.0), 1.0);
        assert_eq!(points_per_px(0.0), 0.75);
        assert_eq!(points_per_px(f64::NAN), 0.75);
    }

    #[test]
    fn opacity_is_thousandths_clamped() {
        assert_eq!(milli_alpha(0.5), 500);
        assert_eq!(milli_alpha(1.5), 1000);
        assert_eq!(milli_alpha(-1.0), 0);
        assert_eq!(milli_alpha(f64::NAN), 1000);
    }

    #[test]
    fn subset_tags_are_six_capitals_and_follow_the_glyphs() {
        let (data, index) = (dejavu::sans::regular(), 0);
        let mut a = EmbeddedFont::new(data, index).expect("font");
        let mut b = EmbeddedFont::new(data, index).expect("font");
        a.glyphs.remap(10);
        b.glyphs.remap(11);
        let tag = a.subset_tag();
        assert_eq!(tag.len(), 6);
        assert!(tag.chars().all(|ch| ch.is_ascii_uppercase()));
        assert_ne!(tag, b.subset_tag());
        assert_eq!(a.postscript_name(), "DejaVuSans");
    }

    #[test]
    fn circles_share_a_form_per_size_up_to_a_bound() {
        let mut scene = Scene::new(100.0, 100.0, None);
        for index in 0..MAX_MARKERS + 10 {
            // Two circles of each size.
            for x in [10.0, 20.0] {
                scene.push(
                    None,
                    Shape::Circle {
                        center: Point { x, y: 50.0 },
                        radius: 1.0 + index as f64 / 100.0,
                        fill: Some(Color::rgb(10, 20, 30)),
                        stroke: None,
                    },
                );
            }
        }
        let mut page = Page::new(0);
        page.items(&scene.items).expect("draws");
        assert_eq!(page.markers.order.len(), MAX_MARKERS);
        assert_eq!(page.out.matches(" Do Q").count(), 2 * MAX_MARKERS);
        // The rest are drawn in place, four Béziers each.
        assert_eq!(page.out.matches(" c\n").count(), 2 * 10 * 4);
    }

    #[test]
    fn a_zero_width_stroke_or_empty_rect_draws_nothing() {
        let mut scene = Scene::new(10.0, 10.0, None);
        scene.push(
            None,
            Shape::Path {
                points: vec![Point { x: 0.0, y: 0.0 }, Point { x: 5.0, y: 5.0 }],
                closed: false,
                fill: None,
                stroke: Some(Stroke {
                    color: Color::rgb(0, 0, 0),
                    width: 0.0,
                    dash: Vec::new(),
                }),
            },
        );
        scene.push(
            None,
            Shape::fill_rect(1.0, 1.0, -3.0, 2.0, Color::rgb(1, 2, 3)),
        );
        let mut page = Page::new(0);
        page.items(&scene.items).expect("draws");
        assert_eq!(page.out, "");
    }
}
