//! The PNG encoder: a [`Scene`] rasterized with tiny-skia (anti-aliased) at a device
//! pixel ratio, then encoded with the `png` crate as 8-bit RGB when every pixel is
//! opaque (most charts), straight-alpha RGBA otherwise.
//!
//! It draws exactly what the SVG encoder writes: the same glyph outlines from
//! [`crate::text`], the same text placement ([`text::run_origin`]), the same dash rules
//! ([`crate::svg::dash_pattern`]), round joins and butt caps, nonzero fill, and clip
//! rectangles anti-aliased as a viewer clips an SVG.
//!
//! Speed matters (a W1 plot must rasterize in a few ms inside the sandbox, where wasm
//! runs 2–4× slower than native): rectangles go through tiny-skia's `fill_rect` fast
//! path with the scale applied by hand, glyph paths are built once per render, and the
//! clip mask is used only for shapes that reach outside their clip rectangle. Markers
//! (small circles, polygons and segments) are rasterized once per style and sub-pixel
//! phase and then copied (see `png/sprite.rs`): 100,000 of them went from half a
//! second to a few tens of ms natively.
//!
//! Memory matters as much (the sandbox gives a render 128 MiB): tiny-skia's masks are
//! canvas-sized, so there is only one, repainted when the clip rectangle changes. A
//! mask per distinct rectangle made a 10×10 grid of axes at 1600×1200 hold 100 of them
//! (190 MB). Layout pushes each axes' clipped shapes together, so the mask is
//! repainted about once per axes, and repainting touches only the old and the new
//! rectangle, not the whole canvas.

use std::collections::HashMap;

use tiny_skia::{
    FillRule, IntSize, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, StrokeDash,
    Transform,
};

use crate::error::{ErrorKind, RenderError};
use sprite::Sprites;

mod sprite;
use crate::scene::{Color, Point, Rect, Scene, Shape, Stroke, Text};
use crate::text;

/// zlib effort of the encoder. `Fast` (fdeflate) costs about 1 ms for 640×480 natively
/// and still compresses flat plot backgrounds well; `Balanced` is 5× slower (5.3 ms,
/// more than the whole W1 budget once in wasm) for a smaller file. In png 0.18
/// `Fastest` is the same deflate with the `Up` filter; the filter is set apart
/// ([`ENCODING`]).
const COMPRESSION: png::Compression = png::Compression::Fast;

/// Rasterizes a scene at `scale` and encodes it as PNG.
pub fn encode(scene: &Scene, scale: f64) -> Result<Vec<u8>, RenderError> {
    let pixmap = rasterize(scene, scale)?;
    encode_pixmap(pixmap)
}

/// Rasterizes a scene at `scale` into premultiplied RGBA pixels of
/// `round(width × scale) × round(height × scale)`.
pub fn rasterize(scene: &Scene, scale: f64) -> Result<Pixmap, RenderError> {
    rasterize_with(scene, scale, Markers::Sprites)
}

/// How small repeated shapes (markers) are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markers {
    /// From cached sprites (see [`sprite`]).
    Sprites,
    /// Each one filled and stroked by tiny-skia: the reference the sprites must match.
    #[cfg_attr(not(test), allow(dead_code))]
    Direct,
}

/// How the clip mask is prepared for a new clip rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Masks {
    /// Only the pixels the previous rectangle painted are cleared.
    Repainted,
    /// The whole mask is cleared, as a freshly allocated one would be: the reference
    /// that repainting must match byte for byte.
    #[cfg_attr(not(test), allow(dead_code))]
    Cleared,
}

fn rasterize_with(scene: &Scene, scale: f64, markers: Markers) -> Result<Pixmap, RenderError> {
    rasterize_masked(scene, scale, markers, Masks::Repainted)
}

// Not inlined, here and on the other once-per-render phases (`clip_to`, `text`,
// `demultiply`, `pack_rgb_if_opaque`, `encode_pixmap_with`): the call costs nothing
// at that rate, and a profile can then tell the phases apart (BENCHMARKS.md, "Where
// the time goes"); inlined by LLVM, they all showed as the ABI's `render_here`. The
// shipped module's wasm-opt still inlines single-caller functions; the profile build
// keeps them with `-ocimfs 0`.
#[inline(never)]
fn rasterize_masked(
    scene: &Scene,
    scale: f64,
    markers: Markers,
    masks: Masks,
) -> Result<Pixmap, RenderError> {
    let size = device_size(scene, scale)?;
    let mut raster = Raster {
        pixmap: new_pixmap(size, scene.background)?,
        size,
        scale,
        transform: Transform::from_scale(scale as f32, scale as f32),
        clip: None,
        masks,
        glyphs: HashMap::new(),
        sprites: (markers == Markers::Sprites).then(|| Sprites::new(scale)),
    };
    for item in &scene.items {
        if let (Shape::Rect { rect, fill }, Some(clip)) = (&item.shape, item.clip) {
            // A rectangle clipped to a rectangle is their intersection: exact, and far
            // cheaper than a mask (bars and heatmap cells meet the plot edges).
            if let Some(visible) = intersect(rect, &clip) {
                raster.shape(
                    &Shape::Rect {
                        rect: visible,
                        fill: *fill,
                    },
                    false,
                );
            }
            continue;
        }
        let masked = match item.clip {
            Some(clip) if !inside(&item.shape, &clip) => {
                raster.clip_to(clip)?;
                true
            }
            _ => false,
        };
        raster.shape(&item.shape, masked);
    }
    Ok(raster.pixmap)
}

fn device_size(scene: &Scene, scale: f64) -> Result<IntSize, RenderError> {
    let width = (scene.width * scale).round();
    let height = (scene.height * scale).round();
    let fits = |side: f64| side.is_finite() && side >= 1.0 && side <= f64::from(i32::MAX / 4);
    if !fits(width) || !fits(height) {
        return Err(too_large(width, height));
    }
    IntSize::from_wh(width as u32, height as u32).ok_or_else(|| too_large(width, height))
}

fn too_large(width: f64, height: f64) -> RenderError {
    RenderError::new(
        ErrorKind::TooLarge,
        format!("a {width}x{height} pixel image cannot be allocated"),
    )
}

/// A zeroed buffer of `len` bytes, or `too_large` if memory is short: `vec![0; len]`
/// would abort the process (or trap the module) instead.
fn zeroed(len: usize, size: IntSize) -> Result<Vec<u8>, RenderError> {
    let mut data = Vec::new();
    data.try_reserve_exact(len)
        .map_err(|_| too_large(f64::from(size.width()), f64::from(size.height())))?;
    data.resize(len, 0);
    Ok(data)
}

/// A canvas of `size` filled with `background` (transparent if `None`), or
/// `too_large` if memory is short.
///
/// Written once, with the background's bytes: zeroing the fresh canvas and then
/// painting it was one pass too many (zeroing alone was 12% of a W1 PNG render in
/// wasm, BENCHMARKS.md). The first pixel is set and then doubled with
/// `extend_from_within`, a few `memcpy`s, which wasmtime runs as native code; the
/// bytes are tiny-skia's own premultiplied color, as `Pixmap::fill` writes them.
fn new_pixmap(size: IntSize, background: Option<Color>) -> Result<Pixmap, RenderError> {
    let len = size.width() as usize * size.height() as usize * 4;
    let data = match background {
        None => zeroed(len, size)?,
        Some(color) => {
            let pixel = skia_color(color).premultiply().to_color_u8();
            let mut data = Vec::new();
            data.try_reserve_exact(len)
                .map_err(|_| too_large(f64::from(size.width()), f64::from(size.height())))?;
            data.extend_from_slice(&[pixel.red(), pixel.green(), pixel.blue(), pixel.alpha()]);
            while data.len() < len {
                let more = data.len().min(len - data.len());
                data.extend_from_within(..more);
            }
            data
        }
    };
    Pixmap::from_vec(data, size)
        .ok_or_else(|| too_large(f64::from(size.width()), f64::from(size.height())))
}

struct Raster {
    pixmap: Pixmap,
    size: IntSize,
    scale: f64,
    /// CSS px to device px.
    transform: Transform,
    /// The mask of the latest clip rectangle a shape needed; allocated on first use.
    clip: Option<ClipMask>,
    masks: Masks,
    /// Glyph outlines in font units, built on first use; `None` for blank glyphs.
    glyphs: HashMap<(text::FontKey, u16), Option<Path>>,
    /// `None` draws every shape directly.
    sprites: Option<Sprites>,
}

struct ClipMask {
    rect: Rect,
    mask: Mask,
    /// Device pixels `rect` may have painted: `(x0, y0, x1, y1)`, the ends exclusive.
    painted: (usize, usize, usize, usize),
}

impl Raster {
    /// Makes `self.clip` the mask of `rect`.
    #[inline(never)]
    fn clip_to(&mut self, rect: Rect) -> Result<(), RenderError> {
        let (width, height) = (self.size.width() as usize, self.size.height() as usize);
        let mut mask = match self.clip.take() {
            Some(clip) if clip.rect == rect => {
                self.clip = Some(clip);
                return Ok(());
            }
            Some(ClipMask {
                mut mask, painted, ..
            }) => {
                match self.masks {
                    Masks::Repainted => {
                        let (x0, y0, x1, y1) = painted;
                        for row in mask.data_mut().chunks_exact_mut(width).take(y1).skip(y0) {
                            if let Some(pixels) = row.get_mut(x0..x1) {
                                pixels.fill(0);
                            }
                        }
                    }
                    Masks::Cleared => mask.clear(),
                }
                mask
            }
            None => Mask::from_vec(zeroed(width * height, self.size)?, self.size)
                .ok_or_else(|| too_large(width as f64, height as f64))?,
        };
        if let Some(skia) = skia_rect(&rect) {
            mask.fill_path(
                &PathBuilder::from_rect(skia),
                FillRule::Winding,
                true,
                self.transform,
            );
        }
        self.clip = Some(ClipMask {
            rect,
            mask,
            painted: painted_pixels(&rect, self.scale, width, height),
        });
        Ok(())
    }

    fn shape(&mut self, shape: &Shape, masked: bool) {
        let mask = masked
            .then_some(self.clip.as_ref())
            .flatten()
            .map(|clip| &clip.mask);
        if let Some(sprites) = &mut self.sprites {
            if sprites.draw(&mut self.pixmap, shape, mask) {
                return;
            }
        }
        match shape {
            Shape::Rect { rect, fill } => {
                // Scaled by hand: fill_rect takes its fast path only with an identity
                // transform, and that path is what makes grid lines cheap.
                let device = Rect {
                    x: rect.x * self.scale,
                    y: rect.y * self.scale,
                    w: rect.w * self.scale,
                    h: rect.h * self.scale,
                };
                if let Some(device) = skia_rect(&device) {
                    self.pixmap
                        .fill_rect(device, &paint(*fill), Transform::identity(), mask);
                }
            }
            Shape::Path {
                points,
                closed,
                fill,
                stroke,
            } => {
                if let Some(path) = polyline(points, *closed, self.scale) {
                    draw_path(
                        &mut self.pixmap,
                        &path,
                        *fill,
                        stroke.as_ref(),
                        self.transform,
                        mask,
                    );
                }
            }
            Shape::Circle {
                center,
                radius,
                fill,
                stroke,
            } => {
                if let Some(path) =
                    PathBuilder::from_circle(center.x as f32, center.y as f32, *radius as f32)
                {
                    draw_path(
                        &mut self.pixmap,
                        &path,
                        *fill,
                        stroke.as_ref(),
                        self.transform,
                        mask,
                    );
                }
            }
            Shape::Text(text) => self.text(text, masked),
        }
    }

    #[inline(never)]
    fn text(&mut self, text: &Text, masked: bool) {
        let paint = paint(text.color);
        let mask = masked
            .then_some(self.clip.as_ref())
            .flatten()
            .map(|clip| &clip.mask);
        for run in text::runs(text) {
            // The same composition as the SVG group: translate to the anchor, rotate
            // (counter-clockwise in the scene, so negative on a y-down canvas), move to
            // the run origin, then font units with y up.
            let origin = self
                .transform
                .pre_translate(text.at.x as f32, text.at.y as f32)
                .pre_rotate(-text.rotation as f32)
                .pre_translate(run.dx as f32, run.dy as f32);
            let font_scale = run.shaped.scale as f32;
            for glyph in &run.shaped.glyphs {
                let path = self
                    .glyphs
                    .entry((run.shaped.font, glyph.id.0))
                    .or_insert_with(|| glyph_path(run.shaped.font, glyph.id));
                if let Some(path) = path {
                    let transform = origin
                        .pre_translate(glyph.x as f32, glyph.y as f32)
                        .pre_scale(font_scale, -font_scale);
                    self.pixmap
                        .fill_path(path, &paint, FillRule::Winding, transform, mask);
                }
            }
        }
    }
}

/// The device pixels an anti-aliased fill of `rect` can touch, within the canvas:
/// those its bounds overlap, plus one on each side as slack for the f32 arithmetic.
/// A NaN side widens the span to the canvas edge (`max` and `min` return the other
/// operand for NaN), which only clears more.
fn painted_pixels(
    rect: &Rect,
    scale: f64,
    width: usize,
    height: usize,
) -> (usize, usize, usize, usize) {
    let low = |at: f64, limit: usize| ((at * scale).floor() - 1.0).max(0.0).min(limit as f64);
    let high = |at: f64, limit: usize| ((at * scale).ceil() + 1.0).min(limit as f64).max(0.0);
    let (x0, x1) = (low(rect.x, width), high(rect.right(), width));
    let (y0, y1) = (low(rect.y, height), high(rect.bottom(), height));
    (x0 as usize, y0 as usize, x1 as usize, y1 as usize)
}

fn draw_path(
    pixmap: &mut Pixmap,
    path: &Path,
    fill: Option<Color>,
    stroke: Option<&Stroke>,
    transform: Transform,
    mask: Option<&Mask>,
) {
    if let Some(fill) = fill {
        pixmap.fill_path(path, &paint(fill), FillRule::Winding, transform, mask);
    }
    if let Some(stroke) = stroke {
        if !(stroke.width.is_finite() && stroke.width > 0.0) {
            return;
        }
        let style = tiny_skia::Stroke {
            width: stroke.width as f32,
            line_join: LineJoin::Round,
            line_cap: LineCap::Butt,
            dash: crate::svg::dash_pattern(&stroke.dash).and_then(|pattern| {
                StrokeDash::new(pattern.iter().map(|length| *length as f32).collect(), 0.0)
            }),
            ..tiny_skia::Stroke::default()
        };
        // tiny-skia draws a stroke at most 1 device px wide as a hairline whose
        // opacity is the width, which puts 6–7% too little ink on the page (14% on a
        // small marker's edge; tests/antialiasing.rs). Its outline, filled, carries
        // the ink of its area like any wider stroke. (Every transform here is a
        // uniform scale plus a translation, so `sx` is the scale.)
        if f64::from(style.width) * f64::from(transform.sx) <= 1.0 {
            if let Some(outline) = thin_stroke_outline(path, &style, transform.sx) {
                pixmap.fill_path(
                    &outline,
                    &paint(stroke.color),
                    FillRule::Winding,
                    transform,
                    mask,
                );
            }
            return;
        }
        pixmap.stroke_path(path, &paint(stroke.color), &style, transform, mask);
    }
}

/// The area a stroke covers, dashes applied, as a path to fill with nonzero winding;
/// `scale` (device px per unit) sets how finely curves are flattened.
fn thin_stroke_outline(path: &Path, style: &tiny_skia::Stroke, scale: f32) -> Option<Path> {
    match &style.dash {
        Some(dash) => path.dash(dash, scale)?.stroke(style, scale),
        None => path.stroke(style, scale),
    }
}

/// The polyline as a path, simplified to within [`SIMPLIFY_TOLERANCE`] device px.
fn polyline(points: &[Point], closed: bool, scale: f64) -> Option<Path> {
    if points.len() < 2 {
        // A lone point: SVG draws nothing for it either.
        return None;
    }
    let keep = simplify(points, SIMPLIFY_TOLERANCE / scale);
    let mut builder = PathBuilder::with_capacity(keep.len() + 1, keep.len());
    for (index, &at) in keep.iter().enumerate() {
        let point = points[at];
        if index == 0 {
            builder.move_to(point.x as f32, point.y as f32);
        } else {
            builder.line_to(point.x as f32, point.y as f32);
        }
    }
    if closed {
        builder.close();
    }
    builder.finish()
}

/// How far (device px) a simplified polyline may stray from the data, as matplotlib's
/// `path.simplify_threshold` (1/9 px): invisible, yet a 1,000-point line over 500 px
/// keeps a fraction of its vertices. Stroking cost grows with vertices (each round
/// join adds curve edges to the outline tiny-skia fills), and unsimplified that line
/// alone took 5 ms to stroke natively.
const SIMPLIFY_TOLERANCE: f64 = 1.0 / 9.0;

/// Indices of the points Douglas–Peucker keeps at `tolerance` (CSS px), first and last
/// always, in order. Iterative, so no input can exhaust the stack.
fn simplify(points: &[Point], tolerance: f64) -> Vec<usize> {
    let last = points.len() - 1;
    if last < 2 {
        return (0..=last).collect();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[last] = true;
    let mut spans = vec![(0, last)];
    while let Some((start, end)) = spans.pop() {
        if end <= start + 1 {
            continue;
        }
        let (a, b) = (points[start], points[end]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let length = dx.hypot(dy);
        let mut farthest = (start, 0.0);
        for (index, p) in points.iter().enumerate().take(end).skip(start + 1) {
            let distance = if length > 0.0 {
                ((p.x - a.x) * dy - (p.y - a.y) * dx).abs() / length
            } else {
                (p.x - a.x).hypot(p.y - a.y)
            };
            // A NaN distance keeps the point rather than dropping it.
            if distance > farthest.1 || distance.is_nan() {
                farthest = (index, distance);
            }
        }
        // A point beyond the segment's ends (the line doubling back) has a small
        // perpendicular distance but would be cut off; keep such spans whole.
        let doubles_back = points[start + 1..end].iter().any(|p| {
            let t = (p.x - a.x) * dx + (p.y - a.y) * dy;
            t < 0.0 || t > length * length
        });
        if farthest.1 > tolerance || doubles_back {
            let split = if farthest.0 == start {
                (start + end) / 2
            } else {
                farthest.0
            };
            keep[split] = true;
            spans.push((start, split));
            spans.push((split, end));
        }
    }
    keep.iter()
        .enumerate()
        .filter_map(|(index, kept)| kept.then_some(index))
        .collect()
}

fn glyph_path(font: text::FontKey, id: ttf_parser::GlyphId) -> Option<Path> {
    let mut builder = PathBuilder::new();
    for segment in text::glyph_outline(font, id) {
        match segment {
            text::OutlineSegment::MoveTo(x, y) => builder.move_to(x, y),
            text::OutlineSegment::LineTo(x, y) => builder.line_to(x, y),
            text::OutlineSegment::QuadTo(x1, y1, x, y) => builder.quad_to(x1, y1, x, y),
            text::OutlineSegment::CurveTo(x1, y1, x2, y2, x, y) => {
                builder.cubic_to(x1, y1, x2, y2, x, y)
            }
            text::OutlineSegment::Close => builder.close(),
        }
    }
    builder.finish()
}

/// Whether everything `shape` paints (anti-aliasing fringe included) lies inside
/// `clip`, so it can be drawn without the mask. Plot data usually does, and skipping
/// the mask saves a per-pixel multiply. The 1 px margin covers the fringe at every
/// scale ≥ 1; text is always masked, as its extent is not known here.
fn inside(shape: &Shape, clip: &Rect) -> bool {
    let (mut min_x, mut min_y, mut max_x, mut max_y, reach) = match shape {
        Shape::Rect { rect, .. } => (rect.x, rect.y, rect.right(), rect.bottom(), 0.0),
        Shape::Path { points, stroke, .. } => {
            let mut bounds = (
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            );
            for point in points {
                bounds.0 = bounds.0.min(point.x);
                bounds.1 = bounds.1.min(point.y);
                bounds.2 = bounds.2.max(point.x);
                bounds.3 = bounds.3.max(point.y);
            }
            // Round joins and butt caps never reach further than half the width.
            let reach = stroke.as_ref().map_or(0.0, |stroke| stroke.width / 2.0);
            (bounds.0, bounds.1, bounds.2, bounds.3, reach)
        }
        Shape::Circle {
            center,
            radius,
            stroke,
            ..
        } => {
            let reach = radius + stroke.as_ref().map_or(0.0, |stroke| stroke.width / 2.0);
            (center.x, center.y, center.x, center.y, reach)
        }
        Shape::Text(_) => return false,
    };
    let margin = reach + 1.0;
    min_x -= margin;
    min_y -= margin;
    max_x += margin;
    max_y += margin;
    // NaN anywhere makes every comparison false, which keeps the mask: the safe side.
    min_x >= clip.x && min_y >= clip.y && max_x <= clip.right() && max_y <= clip.bottom()
}

fn intersect(a: &Rect, b: &Rect) -> Option<Rect> {
    let x = a.x.max(b.x);
    let y = a.y.max(b.y);
    let right = a.right().min(b.right());
    let bottom = a.bottom().min(b.bottom());
    (right > x && bottom > y).then_some(Rect {
        x,
        y,
        w: right - x,
        h: bottom - y,
    })
}

fn skia_rect(rect: &Rect) -> Option<tiny_skia::Rect> {
    tiny_skia::Rect::from_xywh(rect.x as f32, rect.y as f32, rect.w as f32, rect.h as f32)
}

fn skia_color(color: Color) -> tiny_skia::Color {
    let alpha = if color.a.is_finite() {
        color.a.clamp(0.0, 1.0)
    } else {
        1.0
    };
    tiny_skia::Color::from_rgba8(color.r, color.g, color.b, (alpha * 255.0).round() as u8)
}

fn paint(color: Color) -> Paint<'static> {
    let mut paint = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    paint.set_color(skia_color(color));
    paint
}

/// How the pixels are laid out and filtered: the candidates measured in the sandbox (BENCHMARKS.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Encoding {
    filter: png::Filter,
    /// Writes 8-bit RGB when every pixel is opaque.
    rgb_when_opaque: bool,
}

/// What the measurements chose (BENCHMARKS.md, "The PNG encoder", every
/// candidate's time and size in the sandbox): the Paeth filter on every row and RGB
/// for opaque pictures. Against the png crate's adaptive filter on RGBA (`Fast`'s
/// default), W1 took 23% less time and W2 14% less, with files 0–11% smaller: the
/// adaptive filter tries all five filters on every row, which cost a quarter of a W1
/// render in wasm. `Up` (what `Fastest` picks) was as fast but made W1 and W3 twice
/// as large; `Sub` and no filter were slower and larger.
const ENCODING: Encoding = Encoding {
    filter: png::Filter::Paeth,
    rgb_when_opaque: true,
};

fn encode_pixmap(pixmap: Pixmap) -> Result<Vec<u8>, RenderError> {
    encode_pixmap_with(pixmap, ENCODING)
}

/// The pixmap as an 8-bit PNG: RGB when every pixel is opaque and `encoding` allows it
/// (premultiplied and straight alpha are then the same, so nothing is demultiplied),
/// otherwise straight-alpha RGBA (tiny-skia stores premultiplied alpha; demultiplying
/// in place saves a second canvas-sized buffer).
#[inline(never)]
fn encode_pixmap_with(pixmap: Pixmap, encoding: Encoding) -> Result<Vec<u8>, RenderError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    let size = IntSize::from_wh(width, height)
        .ok_or_else(|| RenderError::internal("png: an empty pixmap"))?;
    let mut data = pixmap.take();
    let (color, pixels) = if encoding.rgb_when_opaque && pack_rgb_if_opaque(&mut data) {
        (png::ColorType::Rgb, data)
    } else {
        let pixmap = Pixmap::from_vec(data, size)
            .ok_or_else(|| RenderError::internal("png: the pixmap's own bytes"))?;
        (png::ColorType::Rgba, demultiply(pixmap))
    };
    // Plots are mostly flat color: a tenth of the raw size is a generous first guess.
    let mut out = Vec::with_capacity(pixels.len() / 10 + 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(COMPRESSION);
    encoder.set_filter(encoding.filter);
    let png_error = |error: png::EncodingError| RenderError::internal(format!("png: {error}"));
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(out)
}

/// Straight-alpha RGBA bytes of the pixmap, demultiplied in place.
#[inline(never)]
fn demultiply(pixmap: Pixmap) -> Vec<u8> {
    pixmap.take_demultiplied()
}

/// Packs premultiplied RGBA `data` into RGB in place if every pixel is opaque
/// (alpha 255, where premultiplied is straight) and returns true; otherwise leaves
/// `data` as it was and returns false.
///
/// One pass does both the test and the packing: pixel i's three bytes move from 4i to
/// 3i, front to back, never over bytes still to be read. At the first pixel that is
/// not opaque the pixels packed so far, all opaque, are moved back and given their
/// alpha of 255 again (at once for a transparent background, whose first pixel
/// tells). Four pixels at a time through a local copy: a `copy_within` per pixel cost
/// 13% of a W1 PNG render in wasm (a `memmove` call each), and a separate opacity
/// scan another 4%; fixed 16- and 12-byte copies compile to plain loads and stores.
#[inline(never)]
fn pack_rgb_if_opaque(data: &mut Vec<u8>) -> bool {
    let count = data.len() / 4;
    let blocks = count / 4;
    for block in 0..blocks {
        let mut quad = [0u8; 16];
        quad.copy_from_slice(&data[16 * block..16 * block + 16]);
        if quad[3] & quad[7] & quad[11] & quad[15] != 0xFF {
            unpack_rgb(data, 4 * block);
            return false;
        }
        let packed = [
            quad[0], quad[1], quad[2], quad[4], quad[5], quad[6], quad[8], quad[9], quad[10],
            quad[12], quad[13], quad[14],
        ];
        data[12 * block..12 * block + 12].copy_from_slice(&packed);
    }
    for pixel in 4 * blocks..count {
        let mut rgba = [0u8; 4];
        rgba.copy_from_slice(&data[4 * pixel..4 * pixel + 4]);
        if rgba[3] != 0xFF {
            unpack_rgb(data, pixel);
            return false;
        }
        data[3 * pixel..3 * pixel + 3].copy_from_slice(&rgba[..3]);
    }
    data.truncate(3 * count);
    true
}

/// Undoes the packing of the first `packed` pixels (all opaque): back to front, so
/// that pixel i's move from 3i to 4i only writes over bytes already moved.
fn unpack_rgb(data: &mut [u8], packed: usize) {
    for pixel in (0..packed).rev() {
        let mut rgb = [0u8; 3];
        rgb.copy_from_slice(&data[3 * pixel..3 * pixel + 3]);
        data[4 * pixel..4 * pixel + 4].copy_from_slice(&[rgb[0], rgb[1], rgb[2], 0xFF]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(coordinates: &[(f64, f64)]) -> Vec<Point> {
        coordinates.iter().map(|&(x, y)| Point { x, y }).collect()
    }

    #[test]
    fn simplify_drops_only_invisible_vertices() {
        // Collinear and nearly collinear points go; the ends stay.
        let line = points(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.05), (3.0, 0.0), (4.0, 0.0)]);
        assert_eq!(simplify(&line, 0.1), vec![0, 4]);
        // A spike taller than the tolerance stays.
        let spike = points(&[(0.0, 0.0), (1.0, 0.0), (2.0, 5.0), (3.0, 0.0), (4.0, 0.0)]);
        assert_eq!(simplify(&spike, 0.1), vec![0, 1, 2, 3, 4]);
        // A line that doubles back along itself keeps its turning point.
        let back = points(&[(0.0, 0.0), (4.0, 0.0), (2.0, 0.0)]);
        assert_eq!(simplify(&back, 0.1), vec![0, 1, 2]);
        assert_eq!(
            simplify(&points(&[(0.0, 0.0), (1.0, 1.0)]), 0.1),
            vec![0, 1]
        );
    }

    #[test]
    fn rect_clipping_is_intersection() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let b = Rect {
            x: 5.0,
            y: -5.0,
            w: 10.0,
            h: 10.0,
        };
        assert_eq!(
            intersect(&a, &b),
            Some(Rect {
                x: 5.0,
                y: 0.0,
                w: 5.0,
                h: 5.0
            })
        );
        let far = Rect { x: 20.0, ..a };
        assert_eq!(intersect(&a, &far), None);
    }

    /// Rasterizes `scene` both ways and asserts the pixels are equal.
    fn assert_repainting_matches_clearing(scene: &Scene, scale: f64, name: &str) {
        let repainted =
            rasterize_masked(scene, scale, Markers::Sprites, Masks::Repainted).expect("rasterizes");
        let cleared =
            rasterize_masked(scene, scale, Markers::Sprites, Masks::Cleared).expect("rasterizes");
        assert!(
            repainted.data() == cleared.data(),
            "{name} at scale {scale}: a repainted clip mask changed the picture"
        );
    }

    #[test]
    fn a_repainted_clip_mask_draws_what_a_fresh_one_does() {
        // Overlapping rectangles at fractional positions, one past the canvas edge,
        // taken in turn and back again, each clipping shapes that cross it.
        let clips = [
            Rect {
                x: 10.3,
                y: 12.7,
                w: 60.4,
                h: 40.2,
            },
            Rect {
                x: 45.5,
                y: 30.25,
                w: 70.0,
                h: 55.5,
            },
            Rect {
                x: 90.6,
                y: -5.0,
                w: 50.0,
                h: 120.0,
            },
        ];
        let mut scene = Scene::new(120.0, 100.0, Some(Color::rgb(255, 255, 255)));
        for (index, clip) in [0, 1, 0, 2, 1, 2, 0].map(|i| clips[i]).iter().enumerate() {
            let shift = index as f64 * 3.0;
            scene.push(
                Some(*clip),
                Shape::Path {
                    points: points(&[(-5.0, 20.0 + shift), (130.0, 60.0 - shift), (60.0, 110.0)]),
                    closed: true,
                    fill: Some(Color::rgb(200, 30, 30)),
                    stroke: Some(Stroke {
                        color: Color::rgb(10, 10, 120),
                        width: 2.5,
                        dash: Vec::new(),
                    }),
                },
            );
            scene.push(
                Some(*clip),
                Shape::Circle {
                    center: Point {
                        x: clip.x + shift,
                        y: clip.bottom() - shift,
                    },
                    radius: 3.0,
                    fill: Some(Color::rgb(30, 160, 30)),
                    stroke: None,
                },
            );
        }
        for scale in [1.0, 1.5, 2.0, 3.0] {
            assert_repainting_matches_clearing(&scene, scale, "overlapping clips");
        }
    }

    #[test]
    fn every_golden_spec_draws_as_with_a_fresh_clip_mask() {
        let checked = for_each_golden_scene(|name, scale, scene| {
            assert_repainting_matches_clearing(scene, scale, name);
        });
        assert!(checked >= 30, "only {checked} golden specs");
    }

    /// Calls `check` with the scene of every golden spec at scales 1 and 2; returns how
    /// many specs there were.
    fn for_each_golden_scene(mut check: impl FnMut(&str, f64, &Scene)) -> usize {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut specs = 0;
        for entry in std::fs::read_dir(dir).expect("tests/golden") {
            let path = entry.expect("entry").path().join("spec.json");
            let Ok(spec) = std::fs::read(&path) else {
                continue;
            };
            let figure = crate::parse_figure(&spec).expect("golden spec parses");
            for scale in [1.0, 2.0] {
                let valid = crate::validate::validate(figure.clone(), scale, &Default::default())
                    .expect("golden spec is valid");
                let scene = crate::layout::build_scene(&valid);
                check(&path.display().to_string(), scale, &scene);
            }
            specs += 1;
        }
        specs
    }

    /// A PNG's pixels as straight-alpha RGBA, and the color type it was written in.
    fn decode(bytes: &[u8]) -> (png::ColorType, Vec<u8>) {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut reader = decoder.read_info().expect("PNG header");
        let color = reader.info().color_type;
        let mut rgba = vec![0; reader.output_buffer_size().expect("size")];
        let frame = reader.next_frame(&mut rgba).expect("PNG data");
        rgba.truncate(frame.buffer_size());
        (color, rgba)
    }

    #[test]
    fn every_encoding_candidate_writes_the_same_pixels() {
        // The shipped encoding against straight RGBA with the png crate's adaptive
        // filter (the encoder before the measurements) and the other candidates measured
        // there: PNG is lossless, so only the bytes may differ, never the pixels.
        let candidates = [
            ENCODING,
            Encoding {
                filter: png::Filter::Adaptive,
                rgb_when_opaque: false,
            },
            Encoding {
                filter: png::Filter::Up,
                rgb_when_opaque: true,
            },
            Encoding {
                filter: png::Filter::Sub,
                rgb_when_opaque: false,
            },
            Encoding {
                filter: png::Filter::NoFilter,
                rgb_when_opaque: true,
            },
        ];
        let (mut opaque, mut translucent) = (0, 0);
        for_each_golden_scene(|spec, scale, scene| {
            let pixmap = rasterize(scene, scale).expect("rasterizes");
            let is_opaque = pixmap.pixels().iter().all(|p| p.alpha() == 255);
            // What a viewer sees: tiny-skia's own demultiplied pixels.
            let expected = pixmap.clone().take_demultiplied();
            for candidate in candidates {
                let bytes = encode_pixmap_with(pixmap.clone(), candidate).expect("encodes");
                let (color, rgba) = decode(&bytes);
                let name = format!("{spec} at {scale} with {candidate:?}");
                assert!(rgba == expected, "{name}: pixels differ");
                let want = if is_opaque && candidate.rgb_when_opaque {
                    png::ColorType::Rgb
                } else {
                    png::ColorType::Rgba
                };
                assert_eq!(color, want, "{name}");
            }
            if is_opaque {
                opaque += 1;
            } else {
                translucent += 1;
            }
        });
        // Both paths are exercised: most charts are opaque, some specs have a
        // transparent background.
        assert!(
            opaque >= 40 && translucent >= 2,
            "{opaque} opaque, {translucent} not"
        );
    }

    #[test]
    fn a_pixel_that_is_not_opaque_anywhere_keeps_the_picture_rgba() {
        // 7×5 pixels: the packing goes four pixels at a time, then one by one, so the
        // translucent pixel is put in the first block, a later block, the tail and
        // the very last pixel; everything before it was packed and must be unpacked.
        let size = IntSize::from_wh(7, 5).expect("size");
        for translucent in [0, 1, 5, 16, 31, 32, 34] {
            let mut pixmap = Pixmap::new(7, 5).expect("pixmap");
            for (index, pixel) in pixmap.data_mut().chunks_exact_mut(4).enumerate() {
                let value = (index * 37 % 251) as u8;
                pixel.copy_from_slice(&[value, value / 2, 255 - value, 255]);
            }
            pixmap.data_mut()[4 * translucent..4 * translucent + 4]
                .copy_from_slice(&[40, 20, 0, 128]);
            let expected = pixmap.clone().take_demultiplied();
            let mut data = pixmap.clone().take();
            assert!(!pack_rgb_if_opaque(&mut data), "pixel {translucent}");
            assert_eq!(data, pixmap.data(), "pixel {translucent}: bytes restored");
            let (color, rgba) = decode(&encode_pixmap_with(pixmap, ENCODING).expect("encodes"));
            assert_eq!(color, png::ColorType::Rgba, "pixel {translucent}");
            assert!(rgba == expected, "pixel {translucent}: pixels differ");
        }
        // All opaque: packed to exactly the RGB bytes.
        let mut pixmap = Pixmap::new(size.width(), size.height()).expect("pixmap");
        pixmap.fill(tiny_skia::Color::from_rgba8(10, 200, 30, 255));
        let mut data = pixmap.take();
        assert!(pack_rgb_if_opaque(&mut data));
        assert_eq!(data, [10, 200, 30].repeat(35));
    }

    #[test]
    fn a_new_canvas_holds_what_filling_it_would() {
        // Odd sizes (the doubling ends on a partial copy), translucent and opaque
        // colors, and no background at all.
        let colors = [
            None,
            Some(Color::rgb(255, 255, 255)),
            Some(Color::rgb(18, 52, 86).with_alpha(0.37)),
            Some(Color::rgb(0, 0, 0).with_alpha(0.0)),
        ];
        for (width, height) in [(1, 1), (3, 1), (7, 5), (640, 480), (641, 3)] {
            let size = IntSize::from_wh(width, height).expect("size");
            for color in colors {
                let mut filled = Pixmap::new(width, height).expect("pixmap");
                if let Some(color) = color {
                    filled.fill(skia_color(color));
                }
                let made = new_pixmap(size, color).expect("canvas");
                assert!(made.data() == filled.data(), "{width}x{height} {color:?}");
            }
        }
    }

    #[test]
    fn an_impossible_canvas_is_too_large_not_a_panic() {
        let scene = Scene::new(1e12, 1e12, None);
        let error = encode(&scene, 1.0).expect_err("cannot allocate");
        assert_eq!(error.kind, ErrorKind::TooLarge);
    }
}
