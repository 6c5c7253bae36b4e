//! Series: what each spec series contributes to its axes (data extent, categories,
//! colors, bar geometry, histogram bins) and how it is drawn once the axes' scales are
//! known.
//!
//! Drawing maps data to pixels through [`AxisScale`]; `null` values and values a log
//! axis cannot show break lines and skip points. Polylines that leave the plot area
//! far behind are cut at a box around it, so that the encoders never see coordinates
//! from values far outside explicit limits.

use super::axis::{AxisScale, Extent, TickSource};
use super::colormap;
use super::legend::Handle;
use super::markers;
use super::theme::{SeriesLook, Style, BAR_WIDTH, HIST_BINS};
use super::ticker::{self, Label, Tick};
use super::{annotation, boxplot};
use crate::color;
use crate::resolve::AxisKind;
use crate::scene::{Anchor, Baseline, Color, Point, Rect, Scene, Shape, Text};
use crate::spec::*;

/// How far beyond the plot area polylines are still drawn before being cut.
const CUT_MARGIN: f64 = 64.0;

/// A rectangle in data coordinates (bars, histogram bins).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataRect {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

/// A series with everything resolved that does not depend on pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Styled<'a> {
    pub series: &'a Series,
    /// Its look, resolved by validation.
    pub look: &'a SeriesLook,
    /// Bars and histogram bins, in data coordinates.
    pub bars: Vec<DataRect>,
    /// Heatmap color range.
    pub value_range: (f64, f64),
    /// A stacked area's lower and upper boundaries (its own `y2`/0 and `y` otherwise).
    pub stack_base: Option<Vec<Option<f64>>>,
    pub stack_top: Option<Vec<Option<f64>>>,
}

/// A colorbar to draw beside the axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColorbarSpec {
    pub map: Colormap,
    pub vmin: f64,
    pub vmax: f64,
}

/// One axes' series, prepared.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared<'a> {
    pub series: Vec<Styled<'a>>,
    pub x_extent: Extent,
    pub y_extent: Extent,
    /// The twin axis on the right (series with `"yaxis": "right"`).
    pub y2_extent: Extent,
    pub x_ticks: TickSource,
    pub y_ticks: TickSource,
    pub y2_ticks: TickSource,
    /// Heatmaps put row 0 at the top, as `imshow`.
    pub y_inverted: bool,
    pub colorbar: Option<ColorbarSpec>,
}

/// What each axis of an axes holds (resolved by validation).
#[derive(Debug, Clone, Copy)]
pub struct AxisKinds<'k> {
    pub x: &'k AxisKind,
    pub y: &'k AxisKind,
    pub y2: &'k AxisKind,
}

/// Where an axis' ticks come from when it is not numeric.
fn tick_source(kind: &AxisKind) -> TickSource {
    match kind {
        AxisKind::Numeric => TickSource::Auto,
        AxisKind::Time { zone } => TickSource::Time { zone: *zone },
        AxisKind::Category(names) => TickSource::Categories(
            names
                .iter()
                .enumerate()
                .map(|(i, name)| Tick {
                    value: i as f64,
                    label: Label::plain(name.clone()),
                })
                .collect(),
        ),
    }
}

/// The x values of a series: given, or 0..n-1.
fn x_at(x: Option<&Column>, i: usize) -> Option<f64> {
    match x {
        Some(x) => x.get(i).copied().flatten(),
        None => Some(i as f64),
    }
}

fn category_name(c: &Category) -> String {
    match c {
        Category::Text(t) => t.clone(),
        Category::Number(v) => ticker::number(*v),
    }
}

/// The color a series draws in when it names none: `None` takes the next color of the
/// cycle. `axhline`/`axvline` draw in `lines.color` (C0) without advancing the cycle,
/// as in matplotlib; text draws in the theme's foreground.
pub fn default_color(series: &Series, foreground: Color) -> Option<Color> {
    match series {
        Series::Hline(_) | Series::Vline(_) => Some(color::CYCLE[0]),
        // Boxes are black in matplotlib; pies color their wedges themselves.
        Series::Text(_)
        | Series::Annotation(_)
        | Series::Heatmap(_)
        | Series::Box(_)
        | Series::Pie(_) => Some(foreground),
        _ => None,
    }
}

/// Resolves categories, bar groups, bins and data extents for the series of one axes;
/// `looks` are the series' resolved looks, one each, in order.
pub fn prepare<'a>(
    axes: &'a Axes,
    looks: &'a [SeriesLook],
    kinds: &AxisKinds<'_>,
    [log_x, log_y, log_y2]: [bool; 3],
) -> Prepared<'a> {
    let mut prepared = Prepared {
        series: Vec::with_capacity(axes.series.len()),
        x_extent: Extent::new(log_x),
        y_extent: Extent::new(log_y),
        y2_extent: Extent::new(log_y2),
        x_ticks: tick_source(kinds.x),
        y_ticks: tick_source(kinds.y),
        y2_ticks: tick_source(kinds.y2),
        y_inverted: false,
        colorbar: None,
    };
    // Validation resolves one look per series; `zip` keeps this total regardless.
    for (series, look) in axes.series.iter().zip(looks) {
        prepared.series.push(Styled {
            series,
            look,
            bars: Vec::new(),
            value_range: (0.0, 1.0),
            stack_base: None,
            stack_top: None,
        });
    }
    for series in &axes.series {
        if let Series::Box(b) = series {
            let ticks = TickSource::Categories(boxplot::ticks(b));
            if b.orientation == Some(Orientation::Horizontal) {
                prepared.y_ticks = ticks;
            } else {
                prepared.x_ticks = ticks;
            }
        }
    }
    let categorical_x = matches!(kinds.x, AxisKind::Category(_));
    place_bars(&mut prepared, Orientation::Vertical, categorical_x);
    place_bars(&mut prepared, Orientation::Horizontal, false);
    stack_areas(&mut prepared);
    for styled in &mut prepared.series {
        let y = if styled.series.common().yaxis == YAxisSide::Right {
            &mut prepared.y2_extent
        } else {
            &mut prepared.y_extent
        };
        extend(styled, &mut prepared.x_extent, y);
    }
    for styled in &mut prepared.series {
        if let Series::Heatmap(h) = styled.series {
            let rows = h.z.len();
            let cols = h.z.first().map_or(0, Vec::len);
            // Named cells are all labeled (thinned only where names collide), as
            // `set_xticks(range(n), names)`; unnamed ones get the locator's whole
            // cells.
            let labels = |given: &Option<Vec<Category>>, n: usize| match given {
                Some(names) => TickSource::Categories(
                    names
                        .iter()
                        .take(n)
                        .enumerate()
                        .map(|(i, c)| Tick {
                            value: i as f64,
                            label: Label::plain(category_name(c)),
                        })
                        .collect(),
                ),
                None => TickSource::Cells,
            };
            prepared.x_ticks = labels(&h.x, cols);
            prepared.y_ticks = labels(&h.y, rows);
            prepared.y_inverted = true;
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for v in h.z.iter().flatten().flatten() {
                lo = lo.min(*v);
                hi = hi.max(*v);
            }
            if lo > hi {
                (lo, hi) = (0.0, 1.0);
            }
            let vmin = h.vmin.unwrap_or(lo);
            let vmax = h.vmax.unwrap_or(hi);
            let (vmin, vmax) = if vmin < vmax {
                (vmin, vmax)
            } else if h.vmin.is_some() {
                (vmin, vmin + 1.0)
            } else {
                (vmax - 1.0, vmax)
            };
            styled.value_range = (vmin, vmax);
            if h.colorbar == Some(true) && prepared.colorbar.is_none() {
                prepared.colorbar = Some(ColorbarSpec {
                    map: h.colormap.unwrap_or_default(),
                    vmin,
                    vmax,
                });
            }
        }
    }
    prepared
}

/// Places the bars of every bar series of one orientation: categories share slots,
/// series with the same `stack` pile up in one group (each on the one before, as
/// matplotlib's `bottom=`), and groups split each slot side by side (pandas' grouped
/// bars). Positions are numbers here: validation turned category names into slots.
fn place_bars(prepared: &mut Prepared<'_>, orientation: Orientation, categorical_x: bool) {
    let members: Vec<(usize, &BarSeries)> = prepared
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s.series {
            Series::Bar(b) if b.orientation.unwrap_or_default() == orientation => Some((i, b)),
            _ => None,
        })
        .collect();
    if members.is_empty() {
        return;
    }
    // Categories hold one bar group per slot of width 1; numeric positions share the
    // smallest spacing between them.
    let categorical = match orientation {
        Orientation::Vertical => categorical_x,
        Orientation::Horizontal => {
            matches!(prepared.y_ticks, TickSource::Categories(_))
                || matches!(prepared.y2_ticks, TickSource::Categories(_))
        }
    };
    let positions: Vec<Vec<f64>> = members
        .iter()
        .map(|(_, b)| {
            (0..b.y.len())
                .map(|k| {
                    b.x.as_ref()
                        .and_then(|x| x.get(k))
                        .and_then(Datum::number)
                        .unwrap_or(k as f64)
                })
                .collect()
        })
        .collect();
    let slot = if categorical {
        1.0
    } else {
        let mut all: Vec<f64> = positions.iter().flatten().copied().collect();
        all.sort_by(f64::total_cmp);
        all.windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min)
    };
    let slot = if slot.is_finite() { slot } else { 1.0 };
    // Groups in order of first appearance: a named stack is one group.
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    for (m, (_, b)) in members.iter().enumerate() {
        match b.stack.as_deref() {
            Some(name) => match groups.iter_mut().find(|(g, _)| *g == Some(name)) {
                Some((_, list)) => list.push(m),
                None => groups.push((Some(name), vec![m])),
            },
            None => groups.push((None, vec![m])),
        }
    }
    let widths: Vec<f64> = members
        .iter()
        .map(|(_, b)| b.width.unwrap_or(BAR_WIDTH))
        .collect();
    let group_fraction = widths.iter().copied().fold(0.0, f64::max);
    let count = groups.len() as f64;
    let sub_slot = slot * group_fraction / count;
    let mut rects: Vec<Vec<DataRect>> = vec![Vec::new(); members.len()];
    for (j, (_, list)) in groups.iter().enumerate() {
        let offset = (j as f64 - (count - 1.0) / 2.0) * sub_slot;
        // The running top of the stack at each position.
        let mut tops: Vec<(f64, f64)> = Vec::new();
        for &m in list {
            let (_, b) = members[m];
            let half = sub_slot * widths[m] / group_fraction / 2.0;
            for (&p, &v) in positions[m].iter().zip(&b.y) {
                let Some(v) = v else { continue };
                let base = match tops.iter_mut().find(|(at, _)| *at == p) {
                    Some((_, top)) => {
                        let base = *top;
                        *top += v;
                        base
                    }
                    None => {
                        tops.push((p, v));
                        0.0
                    }
                };
                let (a, c) = (p + offset - half, p + offset + half);
                rects[m].push(match orientation {
                    Orientation::Vertical => DataRect {
                        x0: a,
                        x1: c,
                        y0: base,
                        y1: base + v,
                    },
                    Orientation::Horizontal => DataRect {
                        x0: base,
                        x1: base + v,
                        y0: a,
                        y1: c,
                    },
                });
            }
        }
    }
    for ((i, _), bars) in members.iter().zip(rects) {
        prepared.series[*i].bars = bars;
    }
}

/// Areas with the same `stack` name: each one's lower boundary is the top of the one
/// before (matplotlib's `stackplot`), point by point.
fn stack_areas(prepared: &mut Prepared<'_>) {
    let mut tops: Vec<(&str, Vec<Option<f64>>)> = Vec::new();
    for styled in &mut prepared.series {
        let Series::Area(a) = styled.series else {
            continue;
        };
        let Some(name) = a.stack.as_deref() else {
            continue;
        };
        let base: Vec<Option<f64>> = match tops.iter().find(|(n, _)| *n == name) {
            Some((_, top)) => top.clone(),
            None => {
                a.y2.as_ref()
                    .map_or_else(|| vec![Some(0.0); a.y.len()], |y2| y2.to_vec())
            }
        };
        let top: Vec<Option<f64>> =
            a.y.iter()
                .zip(base.iter().chain(std::iter::repeat(&None)))
                .map(|(y, b)| Some((*y)? + (*b)?))
                .collect();
        styled.stack_base = Some(base);
        styled.stack_top = Some(top.clone());
        match tops.iter_mut().find(|(n, _)| *n == name) {
            Some((_, t)) => *t = top,
            None => tops.push((name, top)),
        }
    }
}

/// Histogram bars: matplotlib's `np.histogram` (equal bins over the data range, the
/// last bin closed), optionally normalized to unit area.
fn histogram(h: &HistSeries) -> Vec<DataRect> {
    let finite = || h.values.iter().flatten().copied().filter(|v| v.is_finite());
    let edges: Vec<f64> = match &h.bins {
        Some(Bins::Edges(edges)) => edges.clone(),
        count => {
            let n = match count {
                Some(Bins::Count(n)) => (*n).max(1) as usize,
                _ => HIST_BINS,
            };
            let (mut lo, mut hi) = finite()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                });
            if lo > hi {
                // numpy's histogram of no values: bins over 0..1, all empty.
                (lo, hi) = (0.0, 1.0);
            }
            if lo == hi {
                lo -= 0.5;
                hi += 0.5;
            }
            (0..=n)
                .map(|i| {
                    if i == n {
                        hi
                    } else {
                        lo + (hi * 0.5 - lo * 0.5) * 2.0 * (i as f64 / n as f64)
                    }
                })
                .collect()
        }
    };
    if edges.len() < 2 {
        return Vec::new();
    }
    let bins = edges.len() - 1;
    let mut counts = vec![0u64; bins];
    let (first, last) = (edges[0], edges[bins]);
    for v in finite() {
        if v < first || v > last {
            continue;
        }
        // The bin whose left edge is the last one at or below v; v == last goes in the
        // final bin.
        let index = edges
            .partition_point(|&e| e <= v)
            .saturating_sub(1)
            .min(bins - 1);
        counts[index] += 1;
    }
    let total: u64 = counts.iter().sum();
    let density = h.density == Some(true);
    counts
        .iter()
        .enumerate()
        .filter_map(|(i, &count)| {
            let (x0, x1) = (edges[i], edges[i + 1]);
            let height = if density {
                count as f64 / (total.max(1) as f64 * (x1 - x0))
            } else {
                count as f64
            };
            height.is_finite().then_some(DataRect {
                x0,
                x1,
                y0: 0.0,
                y1: height,
            })
        })
        .collect()
}

/// Adds what `styled` shows to the axes' extents.
fn extend(styled: &mut Styled<'_>, x: &mut Extent, y: &mut Extent) {
    let xs = |x_values: Option<&Column>, n: usize, extent: &mut Extent| {
        for i in 0..n {
            if let Some(v) = x_at(x_values, i) {
                extent.add(v);
            }
        }
    };
    // matplotlib's data limits skip a point where either coordinate is missing (NaN),
    // on both axes.
    let points = |x_values: Option<&Column>, y_values: &Column, x: &mut Extent, y: &mut Extent| {
        for (i, py) in y_values.iter().enumerate() {
            if let (Some(px), Some(py)) = (x_at(x_values, i), *py) {
                x.add(px);
                y.add(py);
            }
        }
    };
    // Which axes the series autoscales, as matplotlib's `_request_autoscale_view`:
    // `axhline` only y, `axvline` only x, texts, annotations and pies neither.
    let (on_x, on_y) = match styled.series {
        Series::Hline(_) => (false, true),
        Series::Vline(_) => (true, false),
        Series::Text(_) | Series::Annotation(_) | Series::Pie(_) => (false, false),
        _ => (true, true),
    };
    x.autoscaled |= on_x;
    y.autoscaled |= on_y;
    match styled.series {
        Series::Line(s) => points(s.x.as_ref(), &s.y, x, y),
        Series::Scatter(s) => points(s.x.as_ref(), &s.y, x, y),
        Series::Step(s) => points(s.x.as_ref(), &s.y, x, y),
        Series::Area(s) => {
            xs(s.x.as_ref(), s.y.len(), x);
            match (&styled.stack_base, &styled.stack_top) {
                (Some(base), Some(top)) => {
                    y.add_all(base.iter().copied());
                    y.add_all(top.iter().copied());
                }
                _ => {
                    y.add_all(s.y.iter().copied());
                    match &s.y2 {
                        Some(y2) => y.add_all(y2.iter().copied()),
                        // The baseline of an area with no points is no data.
                        None if s.y.is_empty() => {}
                        None => y.add(0.0),
                    }
                }
            }
        }
        Series::Errorbar(s) => {
            for i in 0..s.y.len() {
                let (Some(px), Some(py)) = (x_at(s.x.as_ref(), i), s.y[i]) else {
                    continue;
                };
                let ye = error_at(s.yerr.as_ref(), i);
                let xe = error_at(s.xerr.as_ref(), i);
                y.add(py - ye);
                y.add(py + ye);
                x.add(px - xe);
                x.add(px + xe);
            }
        }
        Series::Bar(b) => {
            let horizontal = b.orientation == Some(Orientation::Horizontal);
            let (position, value) = if horizontal { (y, x) } else { (x, y) };
            // As for a histogram: the baseline of no bars is no data (on a log axis,
            // it would be a non-positive value).
            if !styled.bars.is_empty() {
                value.add_sticky(0.0);
            }
            for r in &styled.bars {
                if horizontal {
                    value.add(r.x0);
                    value.add(r.x1);
                    position.add(r.y0);
                    position.add(r.y1);
                } else {
                    value.add(r.y0);
                    value.add(r.y1);
                    position.add(r.x0);
                    position.add(r.x1);
                }
            }
        }
        Series::Hist(h) => {
            styled.bars = histogram(h);
            if !styled.bars.is_empty() {
                y.add_sticky(0.0);
            }
            for r in &styled.bars {
                x.add(r.x0);
                x.add(r.x1);
                // An empty bin is no value: on a log axis it is left out without
                // counting as non-positive data (a histogram of no values renders).
                if r.y1 != 0.0 || !y.log {
                    y.add(r.y1);
                }
            }
        }
        Series::Heatmap(h) => {
            let rows = h.z.len() as f64;
            let cols = h.z.first().map_or(0, Vec::len) as f64;
            x.add_sticky(-0.5);
            x.add_sticky(cols - 0.5);
            y.add_sticky(-0.5);
            y.add_sticky(rows - 0.5);
        }
        Series::Hline(h) => y.add(h.y),
        Series::Vline(v) => x.add(v.x),
        // matplotlib's annotations and pies do not take part in autoscaling (a pie
        // sets its own square view).
        Series::Text(_) | Series::Annotation(_) | Series::Pie(_) => {}
        Series::Box(b) => {
            if b.orientation == Some(Orientation::Horizontal) {
                boxplot::extend(b, y, x);
            } else {
                boxplot::extend(b, x, y);
            }
        }
    }
}

/// The error amount of point `i` (0 where there is none).
fn error_at(amount: Option<&ErrorAmount>, i: usize) -> f64 {
    match amount {
        Some(ErrorAmount::All(v)) => *v,
        Some(ErrorAmount::PerPoint(values)) => values.get(i).copied().flatten().unwrap_or(0.0),
        None => 0.0,
    }
}

/// What drawing needs about the axes.
#[derive(Debug, Clone, Copy)]
pub struct Canvas {
    pub x: AxisScale,
    pub y: AxisScale,
    /// The plot area; every series item is clipped to it.
    pub plot: Rect,
    pub foreground: Color,
    pub style: Style,
}

impl Canvas {
    pub fn point(&self, x: Option<f64>, y: Option<f64>) -> Option<Point> {
        Some(Point {
            x: self.x.px(x?)?,
            y: self.y.px(y?)?,
        })
    }

    pub fn near_plot(&self, p: Point, reach: f64) -> bool {
        p.x >= self.plot.x - reach
            && p.x <= self.plot.right() + reach
            && p.y >= self.plot.y - reach
            && p.y <= self.plot.bottom() + reach
    }
}

/// Collects polylines, breaking them at gaps and cutting segments at a box around the
/// plot area.
struct Polylines {
    bounds: Rect,
    current: Vec<Point>,
    done: Vec<Vec<Point>>,
    last: Option<Point>,
}

impl Polylines {
    fn new(plot: Rect, capacity: usize) -> Self {
        Polylines {
            bounds: Rect {
                x: plot.x - CUT_MARGIN,
                y: plot.y - CUT_MARGIN,
                w: plot.w + 2.0 * CUT_MARGIN,
                h: plot.h + 2.0 * CUT_MARGIN,
            },
            current: Vec::with_capacity(capacity),
            done: Vec::new(),
            last: None,
        }
    }

    fn inside(&self, p: Point) -> bool {
        p.x >= self.bounds.x
            && p.x <= self.bounds.right()
            && p.y >= self.bounds.y
            && p.y <= self.bounds.bottom()
    }

    fn push(&mut self, point: Option<Point>) {
        let Some(p) = point else {
            self.gap();
            return;
        };
        match self.last {
            None => {
                if self.inside(p) {
                    self.current.push(p);
                }
            }
            Some(previous) => {
                let (previous_inside, inside) = (self.inside(previous), self.inside(p));
                if previous_inside && inside {
                    self.current.push(p);
                } else if let Some((a, b)) = clip_segment(previous, p, self.bounds) {
                    if !previous_inside {
                        self.finish();
                        self.current.push(a);
                    }
                    self.current.push(b);
                    if !inside {
                        self.finish();
                    }
                } else {
                    self.finish();
                }
            }
        }
        self.last = Some(p);
    }

    fn gap(&mut self) {
        self.finish();
        self.last = None;
    }

    fn finish(&mut self) {
        if self.current.len() >= 2 {
            let capacity = self.current.capacity();
            let full = std::mem::replace(&mut self.current, Vec::with_capacity(capacity.min(64)));
            self.done.push(full);
        } else {
            self.current.clear();
        }
    }

    fn into_lines(mut self) -> Vec<Vec<Point>> {
        self.finish();
        self.done
    }
}

/// Liang–Barsky: the part of segment `a`–`b` inside `r`.
pub(crate) fn clip_segment(a: Point, b: Point, r: Rect) -> Option<(Point, Point)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a.x - r.x),
        (dx, r.right() - a.x),
        (-dy, a.y - r.y),
        (dy, r.bottom() - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0.is_nan() || t1.is_nan() || t0 > t1 {
        return None;
    }
    let at = |t: f64| Point {
        x: a.x + t * dx,
        y: a.y + t * dy,
    };
    Some((at(t0), at(t1)))
}

/// Draws one polyline set with `stroke`.
fn push_lines(
    scene: &mut Scene,
    clip: Rect,
    lines: Vec<Vec<Point>>,
    stroke: &crate::scene::Stroke,
) {
    for points in lines {
        scene.push(
            Some(clip),
            Shape::Path {
                points,
                closed: false,
                fill: None,
                stroke: Some(stroke.clone()),
            },
        );
    }
}

/// The legend handle of a line-like series: a line sample with its marker.
fn line_handle(look: &SeriesLook) -> Handle {
    Handle::Line {
        stroke: markers::stroke(look.color, look.line_width, look.line_style),
        marker: (look.marker != Marker::None).then_some((look.marker, look.marker_size)),
        color: look.color,
    }
}

/// Draws a line through `points` (data coordinates, `None` = gap) and its markers.
fn draw_line(
    scene: &mut Scene,
    canvas: &Canvas,
    n: usize,
    point: impl Fn(usize) -> Option<Point>,
    look: &SeriesLook,
) {
    let color = look.color;
    if look.line_width > 0.0 {
        let mut lines = Polylines::new(canvas.plot, n);
        for i in 0..n {
            lines.push(point(i));
        }
        let stroke = markers::stroke(color, look.line_width, look.line_style);
        push_lines(scene, canvas.plot, lines.into_lines(), &stroke);
    }
    draw_markers(
        scene,
        canvas,
        n,
        &point,
        look.marker,
        |_| look.marker_size,
        |_| color,
    );
}

fn draw_markers(
    scene: &mut Scene,
    canvas: &Canvas,
    n: usize,
    point: impl Fn(usize) -> Option<Point>,
    marker: Marker,
    size: impl Fn(usize) -> f64,
    color: impl Fn(usize) -> Color,
) {
    if marker == Marker::None {
        return;
    }
    for i in 0..n {
        if let Some(p) = point(i) {
            let size = size(i);
            if canvas.near_plot(p, size) {
                markers::push(
                    scene,
                    Some(canvas.plot),
                    marker,
                    p,
                    size,
                    canvas.style.marker_edge_width,
                    color(i),
                );
            }
        }
    }
}

/// matplotlib's `ax.bar_label`: at the bar's end (`edge`, outside it, away from the
/// baseline) the value of that end (a stack's running total), in its middle
/// (`center`) the bar's own length; in the theme's foreground at the font size. Bars
/// with a gap draw no label.
fn draw_bar_labels(
    scene: &mut Scene,
    canvas: &Canvas,
    bar: &BarSeries,
    rects: &[DataRect],
    label: &BarLabel,
) {
    let (fmt, position) = match label {
        BarLabel::On(false) => return,
        BarLabel::On(true) => (None, BarLabelPosition::Edge),
        BarLabel::Styled(style) => (style.fmt.as_deref(), style.position.unwrap_or_default()),
    };
    // Validation refused formats that do not parse.
    let Ok(format) = crate::pyformat::NumberFormat::parse(fmt.unwrap_or("{:g}")) else {
        return;
    };
    let horizontal = bar.orientation == Some(Orientation::Horizontal);
    let values = bar.y.iter().flatten();
    for (r, &value) in rects.iter().zip(values) {
        let (Some(x0), Some(x1), Some(y0), Some(y1)) = (
            canvas.x.px(r.x0),
            canvas.x.px(r.x1),
            canvas.y.px(r.y0),
            canvas.y.px(r.y1),
        ) else {
            continue;
        };
        let (at, anchor, baseline) = match (position, horizontal) {
            (BarLabelPosition::Center, _) => (
                Point {
                    x: (x0 + x1) / 2.0,
                    y: (y0 + y1) / 2.0,
                },
                Anchor::Middle,
                Baseline::Middle,
            ),
            // The end away from the bar's base: y1 (x1) is the value's end.
            (BarLabelPosition::Edge, false) => (
                Point {
                    x: (x0 + x1) / 2.0,
                    y: y1,
                },
                Anchor::Middle,
                if value < 0.0 {
                    Baseline::Top
                } else {
                    Baseline::Bottom
                },
            ),
            (BarLabelPosition::Edge, true) => (
                Point {
                    x: x1,
                    y: (y0 + y1) / 2.0,
                },
                if value < 0.0 {
                    Anchor::End
                } else {
                    Anchor::Start
                },
                Baseline::Middle,
            ),
        };
        if !canvas.near_plot(at, CUT_MARGIN) {
            continue;
        }
        let shown = match (position, horizontal) {
            (BarLabelPosition::Center, _) => value,
            (BarLabelPosition::Edge, false) => r.y1,
            (BarLabelPosition::Edge, true) => r.x1,
        };
        scene.push(
            None,
            Shape::Text(Text {
                at,
                text: format.format(shown),
                superscript: None,
                size: canvas.style.font_size,
                color: canvas.foreground,
                anchor,
                baseline,
                rotation: 0.0,
                family: canvas.style.family,
            }),
        );
    }
}

/// Draws `styled` and returns its legend handle.
pub fn draw(scene: &mut Scene, canvas: &Canvas, styled: &Styled<'_>) -> Option<Handle> {
    let look = styled.look;
    let color = look.color;
    let clip = canvas.plot;
    match styled.series {
        Series::Line(s) => {
            let point = |i: usize| canvas.point(x_at(s.x.as_ref(), i), s.y[i]);
            draw_line(scene, canvas, s.y.len(), point, look);
            Some(line_handle(look))
        }
        Series::Scatter(s) => {
            let marker = look.marker;
            let default_size = look.marker_size;
            let point = |i: usize| canvas.point(x_at(s.x.as_ref(), i), s.y[i]);
            let size = |i: usize| {
                look.point_sizes
                    .as_ref()
                    .and_then(|sizes| sizes.get(i).copied().flatten())
                    .unwrap_or(default_size)
            };
            let color_at = |i: usize| {
                look.point_colors
                    .as_ref()
                    .and_then(|c| c.get(i).copied())
                    .unwrap_or(color)
            };
            draw_markers(scene, canvas, s.y.len(), point, marker, size, color_at);
            Some(Handle::Marker {
                marker,
                size: default_size,
                color,
            })
        }
        Series::Step(s) => {
            let n = s.y.len();
            let data = |i: usize| Some((x_at(s.x.as_ref(), i)?, s.y[i]?));
            // Each point becomes its corner points; a gap breaks the staircase.
            let mut lines = Polylines::new(clip, n * 2);
            let mut previous: Option<(f64, f64)> = None;
            let step_where = s.step_where.unwrap_or_default();
            for i in 0..n {
                let Some((x, y)) = data(i) else {
                    lines.gap();
                    previous = None;
                    continue;
                };
                if let Some((px, py)) = previous {
                    match step_where {
                        StepWhere::Pre => lines.push(canvas.point(Some(px), Some(y))),
                        StepWhere::Post => lines.push(canvas.point(Some(x), Some(py))),
                        StepWhere::Mid => {
                            let mid = px * 0.5 + x * 0.5;
                            lines.push(canvas.point(Some(mid), Some(py)));
                            lines.push(canvas.point(Some(mid), Some(y)));
                        }
                    }
                }
                lines.push(canvas.point(Some(x), Some(y)));
                previous = Some((x, y));
            }
            if look.line_width > 0.0 {
                let stroke = markers::stroke(color, look.line_width, look.line_style);
                push_lines(scene, clip, lines.into_lines(), &stroke);
            }
            let point = |i: usize| canvas.point(x_at(s.x.as_ref(), i), s.y[i]);
            draw_markers(
                scene,
                canvas,
                n,
                point,
                look.marker,
                |_| look.marker_size,
                |_| color,
            );
            Some(line_handle(look))
        }
        Series::Area(s) => {
            let n = s.y.len();
            // A stacked area lies on the one below it.
            let top = |i: usize| match &styled.stack_top {
                Some(top) => top.get(i).copied().flatten(),
                None => s.y.get(i).copied().flatten(),
            };
            let low = |i: usize| match (&styled.stack_base, &s.y2) {
                (Some(base), _) => base.get(i).copied().flatten(),
                (None, Some(y2)) => y2.get(i).copied().flatten(),
                (None, None) => Some(0.0),
            };
            // `alpha` is the fill's opacity, as in `fill_between(alpha=...)`; it is
            // already in `color`.
            let fill = color;
            // One polygon per run of points where x, y and y2 all exist.
            let mut run: Vec<(Point, Point)> = Vec::new();
            let flush = |run: &mut Vec<(Point, Point)>, scene: &mut Scene| {
                if run.len() >= 2 {
                    let mut points: Vec<Point> = run.iter().map(|(top, _)| *top).collect();
                    points.extend(run.iter().rev().map(|(_, bottom)| *bottom));
                    let points = points
                        .into_iter()
                        .map(|p| Point {
                            x: p.x.clamp(clip.x - CUT_MARGIN, clip.right() + CUT_MARGIN),
                            y: p.y.clamp(clip.y - CUT_MARGIN, clip.bottom() + CUT_MARGIN),
                        })
                        .collect();
                    scene.push(
                        Some(clip),
                        Shape::Path {
                            points,
                            closed: true,
                            fill: Some(fill),
                            stroke: None,
                        },
                    );
                }
                run.clear();
            };
            for i in 0..n {
                let x = x_at(s.x.as_ref(), i);
                match (
                    canvas.point(x, top(i)),
                    canvas.point(x, low(i)).or_else(|| {
                        // On a log axis the baseline 0 sits at the bottom edge.
                        let x = canvas.x.px(x?)?;
                        Some(Point {
                            x,
                            y: canvas.y.px_or_low(0.0),
                        })
                    }),
                ) {
                    (Some(top), Some(bottom)) => run.push((top, bottom)),
                    _ => flush(&mut run, scene),
                }
            }
            flush(&mut run, scene);
            let point = |i: usize| canvas.point(x_at(s.x.as_ref(), i), top(i));
            draw_line(scene, canvas, n, point, look);
            Some(Handle::Patch {
                fill,
                edge: (look.line_width > 0.0).then_some(color),
            })
        }
        Series::Errorbar(s) => {
            let n = s.y.len();
            let point = |i: usize| canvas.point(x_at(s.x.as_ref(), i), s.y[i]);
            draw_line(scene, canvas, n, point, look);
            let cap = look.cap_size;
            let bar_stroke = markers::stroke(color, look.line_width, DashStyle::Solid);
            let cap_stroke =
                markers::stroke(color, canvas.style.marker_edge_width, DashStyle::Solid);
            let segment = |a: Point, b: Point, stroke: &crate::scene::Stroke| Shape::Path {
                points: vec![a, b],
                closed: false,
                fill: None,
                stroke: Some(stroke.clone()),
            };
            for i in 0..n {
                let (Some(x), Some(y)) = (x_at(s.x.as_ref(), i), s.y[i]) else {
                    continue;
                };
                for (amount, vertical) in [(s.yerr.as_ref(), true), (s.xerr.as_ref(), false)] {
                    let Some(amount) = amount else { continue };
                    let e = error_at(Some(amount), i);
                    let ends = if vertical {
                        (
                            canvas.point(Some(x), Some(y - e)),
                            canvas.point(Some(x), Some(y + e)),
                        )
                    } else {
                        (
                            canvas.point(Some(x - e), Some(y)),
                            canvas.point(Some(x + e), Some(y)),
                        )
                    };
                    let (Some(a), Some(b)) = ends else { continue };
                    if !(canvas.near_plot(a, CUT_MARGIN) || canvas.near_plot(b, CUT_MARGIN)) {
                        continue;
                    }
                    scene.push(Some(clip), segment(a, b, &bar_stroke));
                    if cap > 0.0 {
                        for end in [a, b] {
                            let (from, to) = if vertical {
                                (
                                    Point {
                                        x: end.x - cap,
                                        y: end.y,
                                    },
                                    Point {
                                        x: end.x + cap,
                                        y: end.y,
                                    },
                                )
                            } else {
                                (
                                    Point {
                                        x: end.x,
                                        y: end.y - cap,
                                    },
                                    Point {
                                        x: end.x,
                                        y: end.y + cap,
                                    },
                                )
                            };
                            scene.push(Some(clip), segment(from, to, &cap_stroke));
                        }
                    }
                }
            }
            Some(line_handle(look))
        }
        Series::Bar(_) | Series::Hist(_) => {
            for r in &styled.bars {
                push_data_rect(scene, canvas, r, color, true);
            }
            if let Series::Bar(b) = styled.series {
                if let Some(label) = &b.bar_label {
                    draw_bar_labels(scene, canvas, b, &styled.bars, label);
                }
            }
            Some(Handle::Patch {
                fill: color,
                edge: None,
            })
        }
        Series::Heatmap(h) => {
            let map = h.colormap.unwrap_or_default();
            let alpha = h.alpha.unwrap_or(1.0);
            draw_heatmap(scene, canvas, h, styled.value_range, map, alpha);
            Some(Handle::Patch {
                fill: colormap::sample(map, 0.5).with_alpha(alpha),
                edge: None,
            })
        }
        Series::Hline(h) => {
            let stroke = markers::stroke(color, look.line_width, look.line_style);
            if let Some(y) = canvas.y.px(h.y) {
                let points = vec![Point { x: clip.x, y }, Point { x: clip.right(), y }];
                push_lines(scene, clip, vec![points], &stroke);
            }
            Some(Handle::Line {
                stroke,
                marker: None,
                color,
            })
        }
        Series::Vline(v) => {
            let stroke = markers::stroke(color, look.line_width, look.line_style);
            if let Some(x) = canvas.x.px(v.x) {
                let points = vec![
                    Point { x, y: clip.y },
                    Point {
                        x,
                        y: clip.bottom(),
                    },
                ];
                push_lines(scene, clip, vec![points], &stroke);
            }
            Some(Handle::Line {
                stroke,
                marker: None,
                color,
            })
        }
        Series::Annotation(a) => {
            annotation::draw(scene, canvas, a, look);
            None
        }
        // Drawn by the axes itself: a pie owns its axes.
        Series::Pie(_) => None,
        Series::Box(b) => boxplot::draw(scene, canvas, b, look),
        Series::Text(t) => {
            let text_color = color;
            if let Some(at) = canvas.point(Some(t.x), Some(t.y)) {
                if canvas.near_plot(at, 0.0) {
                    scene.push(
                        Some(clip),
                        Shape::Text(Text {
                            at,
                            text: t.text.clone(),
                            superscript: None,
                            size: look.font_size,
                            color: text_color,
                            anchor: match t.ha.unwrap_or_default() {
                                HAlign::Left => Anchor::Start,
                                HAlign::Center => Anchor::Middle,
                                HAlign::Right => Anchor::End,
                            },
                            baseline: match t.va.unwrap_or_default() {
                                VAlign::Top => Baseline::Top,
                                VAlign::Center => Baseline::Middle,
                                VAlign::Bottom => Baseline::Bottom,
                            },
                            rotation: 0.0,
                            family: look.family,
                        }),
                    );
                }
            }
            None
        }
    }
}

/// Draws heatmap cells on whole-pixel edges. Cells that round to no width or height
/// are left out, so every pixel shows exactly one cell (nearest-neighbour resampling,
/// as `imshow` does for images larger than their axes) and the item count stays
/// bounded by the plot's pixels however large `z` is; neighbouring cells of one color
/// in a row merge into one rectangle.
fn draw_heatmap(
    scene: &mut Scene,
    canvas: &Canvas,
    h: &HeatmapSeries,
    (vmin, vmax): (f64, f64),
    map: Colormap,
    alpha: f64,
) {
    let plot = canvas.plot;
    let cols = h.z.first().map_or(0, Vec::len);
    let edges = |scale: &AxisScale, n: usize, lo: f64, hi: f64| -> Vec<f64> {
        (0..=n)
            .map(|i| scale.px_or_low(i as f64 - 0.5).clamp(lo, hi).round())
            .collect()
    };
    let col_edges = edges(&canvas.x, cols, plot.x, plot.right());
    let row_edges = edges(&canvas.y, h.z.len(), plot.y, plot.bottom());
    let span = vmax - vmin;
    for (r, row) in h.z.iter().enumerate() {
        let (ya, yb) = (row_edges[r], row_edges[r + 1]);
        let (top, bottom) = (ya.min(yb), ya.max(yb));
        if bottom <= top {
            continue;
        }
        let mut run: Option<(f64, f64, Color)> = None;
        let flush = |run: Option<(f64, f64, Color)>, scene: &mut Scene| {
            if let Some((left, right, fill)) = run {
                scene.push(
                    Some(plot),
                    Shape::fill_rect(left, top, right - left, bottom - top, fill),
                );
            }
        };
        for (c, value) in row.iter().enumerate() {
            let (xa, xb) = (col_edges[c], col_edges[c + 1]);
            let (left, right) = (xa.min(xb), xa.max(xb));
            if right <= left {
                continue;
            }
            let Some(v) = value else {
                flush(run.take(), scene);
                continue;
            };
            let fill = colormap::sample(map, (v - vmin) / span).with_alpha(alpha);
            run = match run {
                Some((l, r_edge, color)) if color == fill && (r_edge - left).abs() < 0.5 => {
                    Some((l, right, color))
                }
                Some((l, r_edge, color)) if color == fill && (l - right).abs() < 0.5 => {
                    Some((left, r_edge, color))
                }
                other => {
                    flush(other, scene);
                    Some((left, right, fill))
                }
            };
        }
        flush(run, scene);
    }
}

/// Fills a data-space rectangle, cut to the plot area. `snap` rounds its edges to whole
/// pixels where cells are large enough, so that neighbouring heatmap cells meet without
/// anti-aliased seams.
fn push_data_rect(scene: &mut Scene, canvas: &Canvas, r: &DataRect, fill: Color, snap: bool) {
    let plot = canvas.plot;
    let (xa, xb) = (canvas.x.px_or_low(r.x0), canvas.x.px_or_low(r.x1));
    let (ya, yb) = (canvas.y.px_or_low(r.y0), canvas.y.px_or_low(r.y1));
    let (mut left, mut right) = (xa.min(xb), xa.max(xb));
    let (mut top, mut bottom) = (ya.min(yb), ya.max(yb));
    if snap && right - left >= 2.0 && bottom - top >= 2.0 {
        (left, right, top, bottom) = (left.round(), right.round(), top.round(), bottom.round());
    }
    let left = left.max(plot.x - 1.0);
    let right = right.min(plot.right() + 1.0);
    let top = top.max(plot.y - 1.0);
    let bottom = bottom.min(plot.bottom() + 1.0);
    if right - left > 0.0 && bottom - top > 0.0 {
        scene.push(
            Some(plot),
            Shape::fill_rect(left, top, right - left, bottom - top, fill),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_like_numpy() {
        let h = HistSeries {
            values: vec![Some(0.0), Some(1.0), Some(1.0), Some(2.0), None, Some(4.0)],
            bins: Some(Bins::Count(4)),
            ..Default::default()
        };
        let bars = histogram(&h);
        let counts: Vec<f64> = bars.iter().map(|b| b.y1).collect();
        assert_eq!(counts, [1.0, 2.0, 1.0, 1.0]);
        assert_eq!((bars[0].x0, bars[3].x1), (0.0, 4.0));
    }

    #[test]
    fn histogram_density_has_unit_area() {
        let h = HistSeries {
            values: (0..100).map(|i| Some(f64::from(i % 7))).collect(),
            bins: Some(Bins::Edges(vec![0.0, 1.0, 3.0, 7.0])),
            density: Some(true),
            ..Default::default()
        };
        let area: f64 = histogram(&h).iter().map(|b| (b.x1 - b.x0) * b.y1).sum();
        assert!((area - 1.0).abs() < 1e-12, "{area}");
    }

    #[test]
    fn one_value_histogram_gets_a_unit_bin_range() {
        let h = HistSeries {
            values: vec![Some(3.0); 5],
            ..Default::default()
        };
        let bars = histogram(&h);
        assert_eq!(bars.len(), 10);
        assert_eq!((bars[0].x0, bars[9].x1), (2.5, 3.5));
        assert_eq!(bars.iter().map(|b| b.y1).sum::<f64>(), 5.0);
    }

    #[test]
    fn segments_are_cut_at_the_box() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let cut = clip_segment(Point { x: 5.0, y: 5.0 }, Point { x: 1e9, y: 5.0 }, r);
        assert_eq!(cut.map(|(a, b)| (a.x, b.x)), Some((5.0, 10.0)));
        assert_eq!(
            clip_segment(Point { x: -5.0, y: -5.0 }, Point { x: -1.0, y: 20.0 }, r),
            None
        );
    }
}
