//! Text in the one embedded font, DejaVu Sans (from the `dejavu` crate; its license
//! is in `renderer-wasm/FONT-LICENSE`).
//!
//! The renderer owns text instead of leaving it to a viewer or a system font: layout
//! measures strings here, and both encoders draw the same glyph outlines from here, so
//! a picture is identical in every viewer and on every machine.
//!
//! Shaping is HarfBuzz's algorithm (the `rustybuzz` port) over the font's GSUB and
//! GPOS tables: kerning, ligatures, Arabic joining and mark positioning come from the
//! font as a browser would apply them. A line is first split into directional runs by
//! the Unicode bidirectional algorithm (`unicode-bidi`; the paragraph direction comes
//! from its first strong character, as HTML's `dir="auto"`), then into runs of one
//! script, because HarfBuzz shapes one direction and one script at a time and picks
//! the script's shaper (Arabic joining, Hebrew marks) from it.
//!
//! Most chart text (tick labels, Latin titles) is Latin-1 without ligatures, where
//! all of that comes down to one glyph per character and pair kerning: such text
//! takes a shortcut with the same result (see `simple_line`), so that a chart of
//! numbers does not pay for HarfBuzz's setup in every sandboxed render. Each string
//! is shaped once per render and font (see [`clear_cache`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;

use std::collections::BTreeSet;
use std::sync::Arc;

use rustybuzz::{Direction, Script, ShapePlan, UnicodeBuffer};
use ttf_parser::{Face, GlyphId};
use unicode_bidi::BidiInfo;
use unicode_script::UnicodeScript;

use crate::fonts::{FamilyId, FontLibrary};

/// Names a font for the shaping caches. A key must name the same font data for the
/// life of the module instance: shaped strings are kept for one render, but shape
/// plans for good (see [`clear_cache`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FontKey(pub u32);

/// A font the shaper can use: the embedded DejaVu Sans today, operator fonts later.
pub struct Font<'a> {
    key: FontKey,
    data: &'a [u8],
    index: u32,
    face: Face<'a>,
    /// HarfBuzz's view of the font, made on the first string that needs it: making it
    /// parses every GSUB and GPOS lookup, which the sandbox would otherwise pay on
    /// every render (each render is a fresh instance) even for a chart of digits.
    shaper: OnceLock<rustybuzz::Face<'a>>,
    /// Whether [`simple_line`] gives exactly what the full shaper gives for this font.
    /// The tests prove it for DejaVu Sans; it is false for any other font.
    simple_text_is_exact: bool,
}

impl<'a> Font<'a> {
    /// Parses face `index` of a font file (0 unless it is a collection).
    pub fn parse(key: FontKey, data: &'a [u8], index: u32) -> Option<Self> {
        let face = Face::parse(data, index).ok()?;
        Some(Font {
            key,
            data,
            index,
            face,
            shaper: OnceLock::new(),
            simple_text_is_exact: false,
        })
    }

    pub fn key(&self) -> FontKey {
        self.key
    }

    /// The font file and the face's index in it, for encoders that embed the font.
    pub fn data(&self) -> (&'a [u8], u32) {
        (self.data, self.index)
    }

    /// The parsed font, for metrics and outlines.
    pub fn face(&self) -> &Face<'a> {
        &self.face
    }

    fn shaper(&self) -> &rustybuzz::Face<'a> {
        self.shaper
            .get_or_init(|| rustybuzz::Face::from_face(self.face.clone()))
    }
}

/// The key of the embedded DejaVu Sans.
pub const EMBEDDED: FontKey = FontKey(0);

/// A new handle on the embedded DejaVu Sans, for a [`FontLibrary`] (each library
/// keeps its own, so that a library's shaping state is its own).
pub fn dejavu() -> Font<'static> {
    // The font is a constant of this crate, not input: failing here is a build bug.
    #[allow(clippy::expect_used)]
    let font =
        Font::parse(EMBEDDED, dejavu::sans::regular(), 0).expect("the embedded DejaVu Sans parses");
    Font {
        simple_text_is_exact: true,
        ..font
    }
}

/// The embedded font. Parsing is lazy and cheap; it happens once per process (per
/// module instance, in the sandbox).
pub fn embedded() -> &'static Font<'static> {
    static FONT: OnceLock<Font<'static>> = OnceLock::new();
    FONT.get_or_init(dejavu)
}

/// The parsed embedded font: the line metrics of every text (see [`box_ascent`]).
pub fn face() -> &'static Face<'static> {
    embedded().face()
}

thread_local! {
    /// The fonts of the render running on this thread. Layout and the encoders reach
    /// text through free functions, so the library is part of the render's
    /// environment, like the shaping cache; [`with_library`] sets it for one render.
    static LIBRARY: RefCell<Option<Arc<FontLibrary>>> = const { RefCell::new(None) };
}

/// Runs `render` with `library` as the fonts of every text it shapes or draws.
pub fn with_library<R>(library: &Arc<FontLibrary>, render: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<FontLibrary>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            LIBRARY.with(|current| *current.borrow_mut() = previous);
        }
    }
    let previous = LIBRARY.with(|current| current.borrow_mut().replace(Arc::clone(library)));
    let _restore = Restore(previous);
    render()
}

/// The fonts of the current render: DejaVu Sans alone outside [`with_library`].
pub fn library() -> Arc<FontLibrary> {
    LIBRARY
        .with(|current| current.borrow().clone())
        .unwrap_or_else(FontLibrary::embedded_only)
}

/// The characters a glyph stands for: a byte range of the shaped string (the glyph's
/// HarfBuzz cluster). Glyphs of one cluster (a base and its marks) share the range; a
/// ligature's range covers all its characters. For a PDF's ToUnicode map or
/// ActualText.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The characters in `text`, the string that was shaped ("" for a wrong string).
    pub fn of(self, text: &str) -> &str {
        text.get(self.range()).unwrap_or("")
    }
}

/// One placed glyph of a shaped string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlacedGlyph {
    pub id: GlyphId,
    /// Offset of the glyph origin from the start of its piece, in px.
    pub x: f64,
    /// Offset of the glyph origin below the baseline, in px (y down, as in the scene):
    /// negative for a mark raised above its base, 0 for nearly every glyph.
    pub y: f64,
    /// The characters this glyph draws (a byte range of the whole shaped string).
    pub text: TextRange,
}

/// A piece of a shaped line drawn in one font, glyphs in visual order (left to right,
/// also in right-to-left scripts).
#[derive(Debug, Clone, PartialEq)]
pub struct Shaped {
    /// The font the glyph ids belong to.
    pub font: FontKey,
    pub glyphs: Vec<PlacedGlyph>,
    /// Advance width of the piece, in px.
    pub width: f64,
    /// px per font unit of `font` at the requested size.
    pub scale: f64,
}

/// A shaped single line: its pieces in visual order, each in one font, with the
/// offset of each piece's start from the line's start (px).
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub pieces: Vec<(f64, Shaped)>,
    /// Advance width of the whole line, in px.
    pub width: f64,
}

/// Shapes `text` at `size` px in `family` of the current [`library`], falling back
/// character by character (the family, every operator font, DejaVu Sans). A character
/// no font has becomes the family's `.notdef` box and is reported by
/// [`take_missing`]; control characters are shaped as spaces.
pub fn shape_line_in(family: FamilyId, text: &str, size: f64) -> ShapedLine {
    let library = library();
    let line = cached_line(&library, family, text);
    let mut pieces: Vec<(f64, Shaped)> = Vec::new();
    // Where the current piece starts, in ems (its offset is this times `size`).
    let mut piece_start = 0.0;
    for (index, glyph) in line.glyphs.iter().enumerate() {
        let starts_piece = pieces
            .last()
            .is_none_or(|(_, piece)| piece.font != glyph.font);
        if starts_piece {
            piece_start = glyph.pen;
            let font = library.font(glyph.font);
            pieces.push((
                glyph.pen * size,
                Shaped {
                    font: glyph.font,
                    glyphs: Vec::new(),
                    width: 0.0,
                    scale: size / f64::from(font.face().units_per_em()),
                },
            ));
        }
        let Some((_, piece)) = pieces.last_mut() else {
            continue;
        };
        piece.glyphs.push(PlacedGlyph {
            id: glyph.id,
            // Whole-line positions are exact multiples of the font unit in ems, so a
            // string measures the same at every size and whichever way it was shaped.
            x: (glyph.x - piece_start) * size,
            y: -glyph.y_up * size,
            text: glyph.text,
        });
        let piece_end = line
            .glyphs
            .get(index + 1)
            .map_or(line.advance, |next| next.pen);
        piece.width = (piece_end - piece_start) * size;
    }
    if pieces.is_empty() {
        // An empty text still has a font and a place, as it had before fallback.
        let key = library.first_font(family);
        let scale = size / f64::from(library.font(key).face().units_per_em());
        pieces.push((
            0.0,
            Shaped {
                font: key,
                glyphs: Vec::new(),
                width: 0.0,
                scale,
            },
        ));
    }
    ShapedLine {
        pieces,
        width: line.advance * size,
    }
}

/// Shapes `text` at `size` px in DejaVu Sans (and the current library's fallbacks) as
/// one piece: for text known to be in one font, and for tests.
pub fn shape(text: &str, size: f64) -> Shaped {
    let line = shape_line_in(FamilyId::default(), text, size);
    let font = line
        .pieces
        .first()
        .map_or(EMBEDDED, |(_, piece)| piece.font);
    let scale = size / f64::from(library().font(font).face().units_per_em());
    let glyphs = line
        .pieces
        .into_iter()
        .flat_map(|(offset, piece)| {
            piece.glyphs.into_iter().map(move |glyph| PlacedGlyph {
                x: glyph.x + offset,
                ..glyph
            })
        })
        .collect();
    Shaped {
        font,
        glyphs,
        width: line.width,
        scale,
    }
}

/// Forgets the shaped strings and the missing characters. Called at the start of each
/// render, so that the cache holds only the strings of one spec (and what one spec
/// can hold is bounded by its size). Shape plans are kept: they depend only on the
/// font, a few per script.
pub fn clear_cache() {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.lines.clear();
        cache.missing.clear();
    });
}

/// The characters that no font had since the last [`clear_cache`], in code point
/// order: each was drawn as a box.
pub fn take_missing() -> Vec<char> {
    CACHE.with(|cache| {
        std::mem::take(&mut cache.borrow_mut().missing)
            .into_iter()
            .collect()
    })
}

thread_local! {
    // The module is single-threaded; natively each test thread gets its own cache.
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

#[derive(Default)]
struct Cache {
    lines: HashMap<(u64, FamilyId), HashMap<Box<str>, Rc<Line>>>,
    plans: HashMap<(u64, FontKey, Direction, Option<Script>), Rc<ShapePlan>>,
    missing: BTreeSet<char>,
}

/// A shaped line in ems (font units ÷ units per em: exact binary fractions for
/// DejaVu Sans's 2048), independent of size.
#[derive(Debug, Default)]
struct Line {
    glyphs: Vec<UnitGlyph>,
    advance: f64,
}

#[derive(Debug, Clone, Copy)]
struct UnitGlyph {
    font: FontKey,
    id: GlyphId,
    /// Where the pen stood before this glyph's advance.
    pen: f64,
    /// The glyph's origin: the pen plus the shaper's x offset.
    x: f64,
    /// y up (HarfBuzz's y offset).
    y_up: f64,
    text: TextRange,
}

fn cached_line(library: &FontLibrary, family: FamilyId, text: &str) -> Rc<Line> {
    let key = (library.id(), family);
    let hit = CACHE.with(|cache| {
        cache
            .borrow()
            .lines
            .get(&key)
            .and_then(|lines| lines.get(text))
            .cloned()
    });
    if let Some(line) = hit {
        return line;
    }
    if text.len() > u32::MAX as usize {
        return Rc::new(Line::default());
    }
    let first = library.font(library.first_font(family));
    let line =
        Rc::new(simple_line(first, text).unwrap_or_else(|| shape_line(library, family, text)));
    CACHE.with(|cache| {
        cache
            .borrow_mut()
            .lines
            .entry(key)
            .or_default()
            .insert(text.into(), Rc::clone(&line));
    });
    line
}

/// Characters that [`simple_line`] shapes: printable ASCII and Latin-1 (less the
/// soft hyphen, which HarfBuzz hides), and the thin space, minus sign and dashes of
/// tick labels. None of them is right-to-left, a mark or a default-ignorable, and
/// DejaVu Sans has them all.
fn is_simple(ch: char) -> bool {
    matches!(ch, ' '..='~' | '\u{A0}'..='\u{AC}' | '\u{AE}'..='\u{FF}')
        || matches!(ch, '\u{2009}' | '\u{2013}' | '\u{2014}' | '\u{2212}')
}

/// Shapes text of only [`is_simple`] characters, outside DejaVu Sans's one ligature
/// family (ff, fi, fl, ffi, ffl), as one glyph per character with the `kern` table's
/// pair kerning: what the full shaper gives for it (the tests compare the two over
/// every pair of these characters and many strings), without building HarfBuzz's
/// face and shape plans. Nearly every tick label and most titles take this path.
fn simple_line(font: &Font<'_>, text: &str) -> Option<Line> {
    if !font.simple_text_is_exact || !text.chars().all(is_simple) {
        return None;
    }
    let bytes = text.as_bytes();
    if bytes
        .windows(2)
        .any(|pair| pair[0] == b'f' && matches!(pair[1], b'f' | b'i' | b'l'))
    {
        return None;
    }
    let face = &font.face;
    let em = f64::from(face.units_per_em());
    let mut glyphs = Vec::with_capacity(text.len());
    let mut advance: i64 = 0;
    let mut previous = None;
    for (offset, ch) in text.char_indices() {
        let id = face.glyph_index(ch).unwrap_or(GlyphId(0));
        if let Some(left) = previous {
            advance += i64::from(kerning(face, left, id));
        }
        // `cached_line` refuses texts longer than u32::MAX bytes.
        let start = offset as u32;
        glyphs.push(UnitGlyph {
            font: font.key,
            id,
            pen: advance as f64 / em,
            x: advance as f64 / em,
            y_up: 0.0,
            text: TextRange {
                start,
                end: start + ch.len_utf8() as u32,
            },
        });
        advance += i64::from(face.glyph_hor_advance(id).unwrap_or(0));
        previous = Some(id);
    }
    Some(Line {
        glyphs,
        advance: advance as f64 / em,
    })
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

/// Shapes one line: bidi runs in visual order, each split into script runs and those
/// into runs of one font.
fn shape_line(library: &FontLibrary, family: FamilyId, text: &str) -> Line {
    let mut fallback = Fallback {
        library,
        family,
        chain: None,
    };
    let mut line = Line::default();
    if text.is_empty() {
        return line;
    }
    let bidi = BidiInfo::new(text, None);
    let mut buffer = UnicodeBuffer::new();
    // A line break inside a label starts a new bidi paragraph; the paragraphs stay on
    // the one line, in logical order.
    for paragraph in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        for run in runs {
            let rtl = levels.get(run.start).is_some_and(|level| level.is_rtl());
            let mut pieces: Vec<(Range<usize>, FontKey)> = script_runs(text, run)
                .into_iter()
                .flat_map(|piece| font_runs(&mut fallback, text, piece))
                .collect();
            // Within a right-to-left run the logically later piece is further left.
            if rtl {
                pieces.reverse();
            }
            for (piece, font) in pieces {
                buffer = shape_run(library, font, text, piece, rtl, buffer, &mut line);
            }
        }
    }
    line
}

/// Splits a run (byte range of `text`) where the script changes. Common characters
/// (spaces, digits, punctuation) and combining marks stay with the script before
/// them, or the first one after them at the start of the run.
fn script_runs(text: &str, run: Range<usize>) -> Vec<Range<usize>> {
    use unicode_script::Script as S;
    let mut pieces = Vec::new();
    let mut start = run.start;
    let mut current = None;
    for (offset, ch) in text.get(run.clone()).unwrap_or("").char_indices() {
        let script = ch.script();
        if matches!(script, S::Common | S::Inherited | S::Unknown) {
            continue;
        }
        match current {
            Some(previous) if previous != script => {
                let at = run.start + offset;
                pieces.push(start..at);
                start = at;
                current = Some(script);
            }
            Some(_) => {}
            None => current = Some(script),
        }
    }
    pieces.push(start..run.end);
    pieces
}

/// Which font draws a character of a text in one family.
struct Fallback<'a> {
    library: &'a FontLibrary,
    family: FamilyId,
    /// The whole fallback chain, made on the first character the family's first font
    /// lacks (making it parses the operator fonts).
    chain: Option<Vec<FontKey>>,
}

impl Fallback<'_> {
    fn first(&self) -> FontKey {
        self.library.first_font(self.family)
    }

    /// The first font of the chain with `ch`; `None` if no font has it.
    fn font_for(&mut self, ch: char) -> Option<FontKey> {
        let library = self.library;
        let has = |key: FontKey| library.font(key).face().glyph_index(ch).is_some();
        let first = self.first();
        if has(first) {
            return Some(first);
        }
        let family = self.family;
        self.chain
            .get_or_insert_with(|| library.fallback_chain(family))
            .iter()
            .copied()
            .find(|key| has(*key))
    }
}

/// Splits a run of one script (byte range of `text`) by the font that draws each
/// character: the first of the fallback chain that has it. Marks and joiners stay in the font of
/// the character before them, so that they can attach to it; a character no font has
/// stays in the first font (its `.notdef` box) and is recorded as missing.
fn font_runs(
    fallback: &mut Fallback<'_>,
    text: &str,
    run: Range<usize>,
) -> Vec<(Range<usize>, FontKey)> {
    let first = fallback.first();
    let mut pieces: Vec<(Range<usize>, FontKey)> = Vec::new();
    for (offset, ch) in text.get(run.clone()).unwrap_or("").char_indices() {
        let at = run.start + offset;
        let previous = pieces.last().map(|(_, font)| *font);
        let attaches = ch.script() == unicode_script::Script::Inherited
            || matches!(ch, '\u{200C}' | '\u{200D}' | '\u{FE00}'..='\u{FE0F}');
        let font = match previous {
            Some(previous) if attaches => previous,
            _ if ch.is_control() || ch.is_whitespace() => previous.unwrap_or(first),
            _ => fallback.font_for(ch).unwrap_or_else(|| {
                CACHE.with(|cache| cache.borrow_mut().missing.insert(ch));
                first
            }),
        };
        match pieces.last_mut() {
            Some((range, last)) if *last == font => range.end = at + ch.len_utf8(),
            _ => pieces.push((at..at + ch.len_utf8(), font)),
        }
    }
    if pieces.is_empty() {
        pieces.push((run, first));
    }
    pieces
}

/// Shapes `range` of `text` in one direction, script and font, and appends its glyphs
/// to `line`. Takes and gives back the buffer, so that its allocation is reused.
fn shape_run(
    library: &FontLibrary,
    key: FontKey,
    text: &str,
    range: Range<usize>,
    rtl: bool,
    mut buffer: UnicodeBuffer,
    line: &mut Line,
) -> UnicodeBuffer {
    let Some(run_text) = text.get(range.clone()) else {
        return buffer;
    };
    let font = library.font(key);
    // Neighbouring text decides joining at the run's edges (an Arabic letter before a
    // digit or a Latin word stays unjoined on that side either way, but a tatweel or
    // a zero-width joiner in the next run must count).
    buffer.set_pre_context(text.get(..range.start).unwrap_or(""));
    for (offset, ch) in run_text.char_indices() {
        let ch = if ch.is_control() { ' ' } else { ch };
        // `cached_line` refuses texts longer than u32::MAX bytes.
        buffer.add(ch, (range.start + offset) as u32);
    }
    buffer.set_post_context(text.get(range.end..).unwrap_or(""));
    let direction = if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    };
    buffer.set_direction(direction);
    buffer.guess_segment_properties();
    // `guess_segment_properties` leaves the script unset for a run of only common
    // characters, and `script()` reports that as UNKNOWN; HarfBuzz plans that case
    // with no script, so must we.
    let script = Some(buffer.script()).filter(|script| *script != rustybuzz::script::UNKNOWN);
    let plan = plan(library, font, direction, script);
    let shaped = rustybuzz::shape_with_plan(font.shaper(), &plan, buffer);

    // Cluster starts in logical order: a glyph's characters run from its cluster's
    // start to the next cluster's start.
    let mut starts: Vec<u32> = shaped
        .glyph_infos()
        .iter()
        .map(|info| info.cluster)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |start: u32| match starts.binary_search(&start) {
        Ok(index) => starts.get(index + 1).copied().unwrap_or(range.end as u32),
        Err(_) => start,
    };
    let em = f64::from(font.face().units_per_em());
    for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
        line.glyphs.push(UnitGlyph {
            font: key,
            id: GlyphId(u16::try_from(info.glyph_id).unwrap_or(0)),
            pen: line.advance,
            x: line.advance + f64::from(position.x_offset) / em,
            y_up: f64::from(position.y_offset) / em,
            text: TextRange {
                start: info.cluster,
                end: end_of(info.cluster),
            },
        });
        line.advance += f64::from(position.x_advance) / em;
    }
    shaped.clear()
}

/// The shape plan for a font, direction and script: compiling one walks the font's
/// feature lists, far dearer than shaping a short label, so it is done once.
fn plan(
    library: &FontLibrary,
    font: &Font<'_>,
    direction: Direction,
    script: Option<Script>,
) -> Rc<ShapePlan> {
    let key = (library.id(), font.key, direction, script);
    if let Some(plan) = CACHE.with(|cache| cache.borrow().plans.get(&key).cloned()) {
        return plan;
    }
    let plan = Rc::new(ShapePlan::new(font.shaper(), direction, script, None, &[]));
    CACHE.with(|cache| {
        cache.borrow_mut().plans.insert(key, Rc::clone(&plan));
    });
    plan
}

/// Advance width of `text` at `size` px in `family`.
pub fn measure(family: FamilyId, text: &str, size: f64) -> f64 {
    let library = library();
    cached_line(&library, family, text).advance * size
}

/// Size of a superscript relative to its base (mathtext's `SHRINK_FACTOR`).
pub const SUPERSCRIPT_SCALE: f64 = 0.7;
/// How far a superscript's baseline sits above the base's, in base font sizes (about
/// where mathtext puts the exponent of `10^3` in DejaVu Sans).
pub const SUPERSCRIPT_RAISE: f64 = 0.45;

/// Advance width of `text` followed by an optional superscript, at `size` px.
pub fn measure_with_superscript(
    family: FamilyId,
    text: &str,
    superscript: Option<&str>,
    size: f64,
) -> f64 {
    measure(family, text, size)
        + superscript.map_or(0.0, |s| measure(family, s, size * SUPERSCRIPT_SCALE))
}

/// One piece of a text drawn in one font at a single size: the main string (or a
/// piece of it, where fonts change) or its superscript.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub shaped: Shaped,
    /// Origin of the run's first glyph relative to the text's anchor point, in px, x
    /// right and y down, before the text's rotation.
    pub dx: f64,
    pub dy: f64,
    /// Whether the run is (a piece of) the text's superscript, not its main string.
    pub superscript: bool,
}

/// The runs of a scene text, placed. Every encoder draws text through this, so
/// anchoring, fallback and superscripts cannot differ between SVG, PNG and PDF.
pub fn runs(text: &crate::scene::Text) -> Vec<Run> {
    let main = shape_line_in(text.family, &text.text, text.size);
    let superscript = text
        .superscript
        .as_deref()
        .map(|s| shape_line_in(text.family, s, text.size * SUPERSCRIPT_SCALE));
    let width = main.width + superscript.as_ref().map_or(0.0, |s| s.width);
    let (dx, dy) = run_origin(width, text.size, text.anchor, text.baseline);
    let main_width = main.width;
    let mut runs: Vec<Run> = main
        .pieces
        .into_iter()
        .map(|(offset, shaped)| Run {
            shaped,
            dx: dx + offset,
            dy,
            superscript: false,
        })
        .collect();
    if let Some(line) = superscript {
        runs.extend(line.pieces.into_iter().map(|(offset, shaped)| Run {
            shaped,
            dx: dx + main_width + offset,
            dy: dy - SUPERSCRIPT_RAISE * text.size,
            superscript: true,
        }));
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
pub fn glyph_outline(font: FontKey, id: GlyphId) -> Vec<OutlineSegment> {
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
    if library()
        .font(font)
        .face()
        .outline_glyph(id, &mut collect)
        .is_none()
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<u16> {
        shape(text, 20.0)
            .glyphs
            .iter()
            .map(|glyph| glyph.id.0)
            .collect()
    }

    /// The nominal glyph of each character (its isolated form, for Arabic letters).
    fn cmap(text: &str) -> Vec<u16> {
        text.chars()
            .map(|ch| face().glyph_index(ch).map_or(0, |id| id.0))
            .collect()
    }

    fn advance(ch: char) -> i32 {
        let face = face();
        face.glyph_index(ch)
            .and_then(|id| face.glyph_hor_advance(id))
            .map_or(0, i32::from)
    }

    /// Width in font units (the font has 2048 per em, so 2048 px is one px a unit).
    fn units(text: &str) -> i64 {
        let em = f64::from(face().units_per_em());
        shape(text, em).width.round() as i64
    }

    #[test]
    fn wider_strings_measure_wider() {
        assert!(
            measure(FamilyId::default(), "0000", 10.0) > measure(FamilyId::default(), "00", 10.0)
        );
        assert!(
            (measure(FamilyId::default(), "00", 20.0)
                - 2.0 * measure(FamilyId::default(), "00", 10.0))
            .abs()
                < 1e-9
        );
    }

    #[test]
    fn font_metrics_are_sane() {
        assert!(ascent(10.0) > cap_height(10.0));
        assert!(descent(10.0) > 0.0);
        assert_eq!(measure(FamilyId::default(), "", 12.0), 0.0);
    }

    #[test]
    fn arabic_letters_join() {
        let salam = "\u{633}\u{644}\u{627}\u{645}"; // سلام
        let shaped = ids(salam);
        assert_ne!(shaped, cmap(salam));
        assert_ne!(
            shaped.iter().rev().copied().collect::<Vec<_>>(),
            cmap(salam)
        );
        // Visually from the left: final-less meem (after alef nothing joins), the
        // final lam-alef ligature, the initial seen.
        assert_eq!(shaped, cmap("\u{645}\u{FEFC}\u{FEB3}"));
        // Each glyph stands for its characters; the ligature for two.
        let ranges: Vec<Range<usize>> = shape(salam, 20.0)
            .glyphs
            .iter()
            .map(|glyph| glyph.text.range())
            .collect();
        assert_eq!(ranges, [6..8, 2..6, 0..2]);
    }

    #[test]
    fn an_arabic_word_in_a_latin_title_reads_right_to_left() {
        let title = "Total \u{633}\u{644}\u{627}\u{645} today";
        let shaped = shape(title, 20.0);
        let ids: Vec<u16> = shaped.glyphs.iter().map(|glyph| glyph.id.0).collect();
        let mut expected = cmap("Total ");
        expected.extend(cmap("\u{645}\u{FEFC}\u{FEB3}"));
        expected.extend(cmap(" today"));
        assert_eq!(ids, expected);
        let starts: Vec<u32> = shaped.glyphs.iter().map(|glyph| glyph.text.start).collect();
        assert_eq!(starts[5..10], [5, 12, 8, 6, 14]);
        assert!(shaped.glyphs.windows(2).all(|pair| pair[0].x < pair[1].x));
    }

    #[test]
    fn hebrew_inside_latin_is_reversed() {
        let shalom = "\u{5E9}\u{5DC}\u{5D5}\u{5DD}"; // שלום
        let mut expected = cmap("Total ");
        expected.extend(cmap("\u{5DD}\u{5D5}\u{5DC}\u{5E9}"));
        expected.extend(cmap(" today"));
        assert_eq!(ids(&format!("Total {shalom} today")), expected);
    }

    #[test]
    fn a_right_to_left_label_keeps_its_numbers_left_to_right() {
        // The first strong character makes the paragraph right-to-left, so the
        // number, which follows the word, stands to its left, its digits in order.
        let mut expected = cmap("2024 ");
        expected.extend(cmap("\u{5DD}\u{5D5}\u{5DC}\u{5E9}"));
        assert_eq!(ids("\u{5E9}\u{5DC}\u{5D5}\u{5DD} 2024"), expected);
        // Brackets are mirrored in right-to-left text.
        let mut expected = cmap("(");
        expected.extend(cmap("\u{5DD}\u{5D5}\u{5DC}\u{5E9}"));
        expected.extend(cmap(")"));
        assert_eq!(ids("(\u{5E9}\u{5DC}\u{5D5}\u{5DD})"), expected);
    }

    #[test]
    fn combining_marks_compose_or_sit_on_their_base() {
        // e + combining acute is the font's precomposed é.
        assert_eq!(ids("e\u{301}"), cmap("\u{E9}"));
        assert_eq!(units("e\u{301}"), units("\u{E9}"));
        // X has no precomposed circumflex: the mark is placed over it, raised for a
        // capital, and stands for the same characters as its base.
        let shaped = shape("X\u{302}", 2048.0);
        let [base, mark] = shaped.glyphs.as_slice() else {
            panic!("two glyphs: {:?}", shaped.glyphs);
        };
        assert!(mark.y < 0.0, "raised: {mark:?}");
        assert!(mark.x > base.x && mark.x < base.x + f64::from(advance('X')));
        assert_eq!(mark.text, base.text);
        assert_eq!(base.text.range(), 0..3);
        // An Arabic kasra goes below its letter.
        let shaped = shape("\u{628}\u{650}", 2048.0);
        assert!(
            shaped.glyphs.iter().any(|glyph| glyph.y > 0.0),
            "{shaped:?}"
        );
    }

    /// The pair kerning of the `kern` table, as text was shaped before GPOS.
    fn kern_table(left: char, right: char) -> i32 {
        let face = face();
        let (Some(left), Some(right)) = (face.glyph_index(left), face.glyph_index(right)) else {
            return 0;
        };
        face.tables().kern.map_or(0, |kern| {
            kern.subtables
                .into_iter()
                .filter(|t| t.horizontal && !t.variable)
                .find_map(|t| t.glyphs_kerning(left, right))
                .map_or(0, i32::from)
        })
    }

    #[test]
    fn kerning_is_the_fonts_as_before() {
        assert!(units("AV") < i64::from(advance('A') + advance('V')));
        // DejaVu's GPOS kerning, which the full shaper applies, agrees with its `kern`
        // table, which text used before, for every pair of printable ASCII characters
        // that forms no ligature.
        let printable: Vec<char> = (' '..='~').collect();
        for &left in &printable {
            for &right in &printable {
                if left == 'f' && matches!(right, 'f' | 'i' | 'l') {
                    continue;
                }
                let pair: String = [left, right].into_iter().collect();
                let expected = advance(left) + advance(right) + kern_table(left, right);
                let full = full_line(&pair).advance;
                assert_eq!(full * 2048.0, f64::from(expected), "{pair:?}");
            }
        }
    }

    #[test]
    fn latin_ligatures_are_the_fonts() {
        let fi = shape("fi", 20.0);
        assert_eq!(ids("fi"), cmap("\u{FB01}"));
        assert_eq!(fi.glyphs[0].text.range(), 0..2);
        assert_eq!(ids("ffi"), cmap("\u{FB03}"));
        assert_eq!(ids("office"), cmap("o\u{FB03}ce"));
        assert_eq!(ids("flow"), cmap("\u{FB02}ow"));
    }

    #[test]
    fn control_characters_are_spaces() {
        assert_eq!(ids("a\tb"), cmap("a b"));
        assert_eq!(ids("a\nb"), cmap("a b"));
    }

    /// Deterministic pseudo-random numbers (splitmix64).
    fn random(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    #[test]
    fn any_text_shapes_without_panic_and_covers_its_characters() {
        // Blocks with every kind of trouble: marks, bidi controls and isolates, joiners,
        // paragraph separators, unassigned and private-use code points, Arabic, Hebrew,
        // Devanagari, Han and the last code point.
        let pools: [(u32, u32); 12] = [
            (0x20, 0x7F),
            (0x00, 0x20),
            (0x300, 0x370),
            (0x590, 0x600),
            (0x600, 0x700),
            (0x900, 0x980),
            (0x200B, 0x2070),
            (0x4E00, 0x4E20),
            (0xE000, 0xE010),
            (0xFB00, 0xFB08),
            (0xFE70, 0xFF00),
            (0x10FFF0, 0x110000),
        ];
        let mut state = 1;
        let mut texts = vec![
            "\u{202B}".repeat(200) + "x" + &"\u{202C}".repeat(200),
            "\u{2067}".repeat(200) + "\u{5D0}a",
            "\u{301}".repeat(100),
            "\u{644}\u{627}".repeat(300),
        ];
        for _ in 0..3000 {
            let len = random(&mut state) % 16;
            let text: String = (0..len)
                .filter_map(|_| {
                    let (low, high) = pools[(random(&mut state) % pools.len() as u64) as usize];
                    char::from_u32(low + (random(&mut state) % u64::from(high - low)) as u32)
                })
                .collect();
            texts.push(text);
        }
        for text in &texts {
            clear_cache();
            let shaped = shape(text, 12.0);
            assert!(shaped.width.is_finite(), "{text:?}");
            for glyph in &shaped.glyphs {
                assert!(glyph.x.is_finite() && glyph.y.is_finite(), "{text:?}");
                assert!(
                    text.get(glyph.text.range()).is_some(),
                    "{text:?}: {glyph:?}"
                );
            }
            for (offset, _) in text.char_indices() {
                assert!(
                    shaped
                        .glyphs
                        .iter()
                        .any(|glyph| glyph.text.range().contains(&offset)),
                    "{text:?}: no glyph for byte {offset}"
                );
            }
        }
    }

    /// The line as the full shaper gives it, in DejaVu Sans alone.
    fn full_line(text: &str) -> Line {
        let library = FontLibrary::embedded_only();
        shape_line(&library, FamilyId::default(), text)
    }

    /// The line both ways, as comparable values; None when the fast path declines.
    fn both_ways(text: &str) -> Option<(String, String)> {
        let simple = simple_line(embedded(), text)?;
        let full = full_line(text);
        Some((format!("{simple:?}"), format!("{full:?}")))
    }

    fn simple_chars() -> Vec<char> {
        (' '..='\u{2212}').filter(|ch| is_simple(*ch)).collect()
    }

    #[test]
    fn the_fast_path_shapes_every_pair_as_the_shaper_does() {
        let chars = simple_chars();
        assert_eq!(chars.len(), 95 + 95 + 4);
        let mut compared = 0;
        for &left in &chars {
            for &right in &chars {
                let pair: String = [left, right].into_iter().collect();
                match both_ways(&pair) {
                    Some((simple, full)) => {
                        assert_eq!(simple, full, "{pair:?}");
                        compared += 1;
                    }
                    None => assert!(left == 'f' && matches!(right, 'f' | 'i' | 'l'), "{pair:?}"),
                }
            }
        }
        assert_eq!(compared, chars.len() * chars.len() - 3);
    }

    #[test]
    fn the_fast_path_shapes_strings_as_the_shaper_does() {
        let chars = simple_chars();
        let mut texts: Vec<String> = vec![
            "W1: 1,000 points".into(),
            "time (s)".into(),
            "\u{2212}0.5".into(),
            "2\u{2009}\u{D7}\u{2009}10".into(),
            "AVAVATAY, Wo. To. L\u{2019}".into(),
            "Caf\u{E9} \u{C5}ngstr\u{F6}m \u{B1}3\u{B0}C \u{BD}".into(),
        ];
        // Triples around the glyphs that kern most, so that a pair adjustment that
        // moved the second glyph (and so spoilt the next pair) would show.
        let kerned: Vec<char> = "AFLPTVWYfkrvwxy.,-\"'17\u{C6}\u{DD}".chars().collect();
        for &left in &kerned {
            for &middle in &chars {
                for &right in &kerned {
                    texts.push([left, middle, right].into_iter().collect());
                }
            }
        }
        let mut state = 7;
        for _ in 0..20_000 {
            let len = 1 + random(&mut state) % 24;
            texts.push(
                (0..len)
                    .map(|_| chars[(random(&mut state) % chars.len() as u64) as usize])
                    .collect(),
            );
        }
        let mut compared = 0;
        for text in &texts {
            if let Some((simple, full)) = both_ways(text) {
                assert_eq!(simple, full, "{text:?}");
                compared += 1;
            }
        }
        assert!(
            compared > texts.len() * 9 / 10,
            "{compared} of {}",
            texts.len()
        );
    }

    #[test]
    fn the_fast_path_leaves_everything_else_to_the_shaper() {
        for text in [
            "fi", "office", "e\u{301}", "\u{5D0}", "a\u{AD}b", "a\tb", "\u{2010}",
        ] {
            assert!(simple_line(embedded(), text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn the_cache_gives_what_shaping_gives() {
        let text = "Revenue \u{627}\u{644}\u{625}\u{64A}\u{631}\u{627}\u{62F} 2024";
        clear_cache();
        let first = shape(text, 13.0);
        let again = shape(text, 13.0);
        clear_cache();
        let fresh = shape(text, 13.0);
        assert_eq!(first, again);
        assert_eq!(first, fresh);
        let larger = shape(text, 26.0);
        assert!((larger.width - 2.0 * first.width).abs() < 1e-9);
    }
}
