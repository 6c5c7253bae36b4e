//! One axis of an axes: the data extent it must show, its limits (matplotlib's margins,
//! sticky edges and degenerate-range expansion), the mapping from data to pixels, and
//! the choice of ticks so that their labels never collide.

use super::dates;
use super::theme::{Style, DATA_MARGIN, POINTS_PER_INCH, TICK_LABEL_GAP};
use super::ticker::{self, AxisTicks, Label, Tick};
use crate::error::RenderError;
use crate::spec::{Axis, Datum, Scale};
use crate::text;

/// Pixel coordinates are kept within this distance of the origin so that values far
/// outside explicit limits never reach an encoder as infinities.
const PIXEL_BOUND: f64 = 1e9;

/// The data an axis has to show, gathered from its series.
#[derive(Debug, Clone, PartialEq)]
pub struct Extent {
    /// Only positive values count on a log axis.
    pub log: bool,
    pub lo: f64,
    pub hi: f64,
    /// Values the margin must not cross (bar baselines, heatmap edges), as matplotlib's
    /// sticky edges.
    pub sticky: Vec<f64>,
    /// A series that autoscales this axis is drawn on it, even if it has no data: an
    /// empty axis then gets matplotlib's limits for no data (`locator.nonsingular` of
    /// an infinite range, plus the margins) instead of the bare `0..1` of an axes that
    /// holds nothing.
    pub autoscaled: bool,
    /// A finite value was left out because it is not positive on a log axis.
    pub nonpositive: bool,
}

impl Extent {
    pub fn new(log: bool) -> Self {
        Extent {
            log,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            sticky: Vec::new(),
            autoscaled: false,
            nonpositive: false,
        }
    }

    pub fn add(&mut self, value: f64) {
        if value.is_finite() && (!self.log || value > 0.0) {
            self.lo = self.lo.min(value);
            self.hi = self.hi.max(value);
        } else if value.is_finite() {
            self.nonpositive = true;
        }
    }

    pub fn add_all(&mut self, values: impl IntoIterator<Item = Option<f64>>) {
        for value in values.into_iter().flatten() {
            self.add(value);
        }
    }

    /// Adds `value` and makes it a limit the margin stops at.
    /// A baseline is not data: a non-positive one on a log axis is left out without
    /// counting as `nonpositive`.
    pub fn add_sticky(&mut self, value: f64) {
        if value.is_finite() && (!self.log || value > 0.0) {
            self.add(value);
            self.sticky.push(value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lo > self.hi
    }
}

/// The visible range of an axis, in data units (`lo < hi`, both finite; positive on a
/// log axis).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

/// The limits for `extent` under the user's `axis` settings; a log axis without
/// positive data is an error at `scale_path` (validation resolves limits, so this is
/// where a spec learns of it).
pub fn limits(
    extent: &Extent,
    axis: Option<&Axis>,
    scale_path: &str,
) -> Result<Limits, RenderError> {
    let log = extent.log;
    let explicit_min = axis.and_then(|a| a.min.as_ref()).and_then(Datum::number);
    let explicit_max = axis.and_then(|a| a.max.as_ref()).and_then(Datum::number);
    if let (Some(lo), Some(hi)) = (explicit_min, explicit_max) {
        if lo < hi && (!log || lo > 0.0) {
            return Ok(Limits { lo, hi, log });
        }
    }
    if log && extent.is_empty() && extent.nonpositive {
        return Err(RenderError::invalid(
            scale_path,
            "a log scale needs positive data, and this axis has none",
        ));
    }
    // An axis without data: matplotlib asks the locator for limits of an infinite
    // range and adds the margins to them. A log axis always autoscales (`set_yscale`
    // asks for it), a linear or time axis only when a series is drawn on it.
    let no_data;
    let extent = if extent.is_empty() && (log || extent.autoscaled) {
        let time = axis.and_then(|a| a.scale) == Some(Scale::Time);
        let mut empty = Extent::new(log);
        // LogLocator: 1..10; DateLocator: 1970-01-01..02, day numbers 0..1;
        // MaxNLocator: ±0.05 around 0, which the constant-data expansion gives for 0.
        let range: &[f64] = match (log, time) {
            (true, _) => &[1.0, 10.0],
            (false, true) => &[0.0, 1.0],
            (false, false) => &[0.0],
        };
        range.iter().for_each(|&v| empty.add(v));
        no_data = empty;
        &no_data
    } else {
        extent
    };
    let (lo, hi) = if log {
        log_auto(extent)
    } else {
        linear_auto(extent)
    };
    let (mut lo, mut hi) = (explicit_min.unwrap_or(lo), explicit_max.unwrap_or(hi));
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        // Only one end was given and it lies beyond the data: keep the data's span.
        let span = if log { 10.0 } else { (hi - lo).abs().max(1.0) };
        match (explicit_min, explicit_max) {
            (Some(_), None) => hi = if log { lo * span } else { lo + span },
            _ => lo = if log { hi / span } else { hi - span },
        }
    }
    if !(lo.is_finite() && hi.is_finite() && lo < hi) || (log && lo <= 0.0) {
        return Ok(if log {
            Limits {
                lo: 1.0,
                hi: 10.0,
                log,
            }
        } else {
            Limits {
                lo: 0.0,
                hi: 1.0,
                log,
            }
        });
    }
    Ok(Limits { lo, hi, log })
}

/// matplotlib's autoscale: expand a degenerate range, then add the margin except past
/// a sticky edge.
fn linear_auto(extent: &Extent) -> (f64, f64) {
    if extent.is_empty() {
        return (0.0, 1.0);
    }
    let (mut lo, mut hi) = (extent.lo, extent.hi);
    let largest = lo.abs().max(hi.abs());
    if largest < 1e-250 {
        // Everything is (almost) zero.
        lo = -DATA_MARGIN.max(largest);
        hi = DATA_MARGIN.max(largest);
    } else if hi - lo <= largest * 1e-12 {
        // matplotlib's `nonsingular`: widen by 5% of the value itself.
        lo -= DATA_MARGIN * lo.abs().max(largest * 1e-3);
        hi += DATA_MARGIN * hi.abs().max(largest * 1e-3);
    }
    // Halved so that spans near ±f64::MAX do not overflow.
    let margin = (hi * 0.5 - lo * 0.5) * 2.0 * DATA_MARGIN;
    let margin = if margin.is_finite() {
        margin
    } else {
        f64::MAX * DATA_MARGIN
    };
    let (lo, hi) = widen(lo, hi, margin, extent.sticky.iter().copied());
    (lo, hi)
}

/// Widens `lo..hi` by `margin` on each side, except that a side stops at a sticky
/// edge (a bar's or histogram's baseline) the margin would cross, as in matplotlib.
fn widen(lo: f64, hi: f64, margin: f64, sticky: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let stop_low = sticky
        .clone()
        .filter(|&s| s <= lo && s > lo - margin)
        .fold(f64::NEG_INFINITY, f64::max);
    let stop_high = sticky
        .filter(|&s| s >= hi && s < hi + margin)
        .fold(f64::INFINITY, f64::min);
    let lo = if stop_low.is_finite() {
        stop_low
    } else {
        lo - margin
    };
    let hi = if stop_high.is_finite() {
        stop_high
    } else {
        hi + margin
    };
    (lo, hi)
}

/// Autoscale in log10 space; a single value gets a decade either side.
fn log_auto(extent: &Extent) -> (f64, f64) {
    let (mut lo, mut hi) = (libm::log10(extent.lo), libm::log10(extent.hi));
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let margin = (hi - lo) * DATA_MARGIN;
    let (lo, hi) = widen(
        lo,
        hi,
        margin,
        extent.sticky.iter().map(|&s| libm::log10(s)),
    );
    (libm::pow(10.0, lo), libm::pow(10.0, hi))
}

/// Maps data values along one axis to pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AxisScale {
    pub limits: Limits,
    /// Pixel positions of `limits.lo` and `limits.hi` (`start > end` for a y axis,
    /// whose pixels grow downwards, unless it is inverted).
    pub start: f64,
    pub end: f64,
    /// `limits.lo` and half the span, in the scale's space (log10 for log axes).
    origin: f64,
    half_span: f64,
}

impl AxisScale {
    pub fn new(limits: Limits, start: f64, end: f64) -> Self {
        let (lo, hi) = if limits.log {
            (libm::log10(limits.lo), libm::log10(limits.hi))
        } else {
            (limits.lo, limits.hi)
        };
        let half_span = hi * 0.5 - lo * 0.5;
        AxisScale {
            limits,
            start,
            end,
            origin: lo,
            half_span: if half_span > 0.0 { half_span } else { 1.0 },
        }
    }

    /// The pixel position of `value`; `None` for values a log axis cannot show.
    pub fn px(&self, value: f64) -> Option<f64> {
        let v = if self.limits.log {
            if value.is_nan() || value <= 0.0 {
                return None;
            }
            libm::log10(value)
        } else {
            value
        };
        let t = (v * 0.5 - self.origin * 0.5) / self.half_span;
        let p = self.start + t * (self.end - self.start);
        if p.is_nan() {
            return None;
        }
        Some(p.clamp(-PIXEL_BOUND, PIXEL_BOUND))
    }

    /// Like [`px`](Self::px), but values a log axis cannot show (bar baselines at 0)
    /// land on the low end of the axis.
    pub fn px_or_low(&self, value: f64) -> f64 {
        self.px(value).unwrap_or(self.start)
    }

    pub fn length(&self) -> f64 {
        (self.end - self.start).abs()
    }

    pub fn contains(&self, value: f64) -> bool {
        let slack = (self.limits.hi - self.limits.lo) * 1e-9;
        value >= self.limits.lo - slack && value <= self.limits.hi + slack
    }
}

/// Where ticks come from when the user gave none.
#[derive(Debug, Clone, PartialEq)]
pub enum TickSource {
    /// matplotlib's locator for the scale: nice numbers, or decades on a log axis.
    Auto,
    /// One tick per category slot, every one labeled (matplotlib's category axis),
    /// thinned by stride where the labels would collide.
    Categories(Vec<Tick>),
    /// A time axis shown in a fixed zone (seconds east of UTC): matplotlib's
    /// `AutoDateLocator` with `ConciseDateFormatter`.
    Time { zone: i32 },
    /// Unnamed heatmap cells: ticks on whole cells only, as many as matplotlib's
    /// `MaxNLocator(integer=True)` places, labeled with the cell's index.
    Cells,
}

/// Which way an axis runs: it decides what "labels collide" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Labels side by side: their widths must not overlap.
    Horizontal,
    /// Labels stacked: their heights must not overlap.
    Vertical,
}

/// The ticks of an axis `scale` long: the user's, the categories or matplotlib's
/// locator and formatter. Where matplotlib would let labels overlap, the locator gets
/// less room (fewer bins) until they do not.
pub fn choose_ticks(
    axis: Option<&Axis>,
    source: &TickSource,
    scale: &AxisScale,
    direction: Direction,
    style: &Style,
) -> AxisTicks {
    let limits = scale.limits;
    if let Some(values) = axis.and_then(|a| a.ticks.as_ref()) {
        let mut ticks = match axis.and_then(|a| a.tick_labels.as_ref()) {
            Some(labels) => AxisTicks {
                major: values
                    .iter()
                    .zip(labels)
                    .filter(|(v, _)| scale.contains(**v))
                    .map(|(&value, label)| Tick {
                        value,
                        label: Label::plain(label.clone()),
                    })
                    .collect(),
                ..AxisTicks::default()
            },
            None => ticker::fixed(values, limits.lo, limits.hi, limits.log),
        };
        ticks.major = thin_by_stride(ticks.major, scale, direction, style);
        return ticks;
    }
    let horizontal = direction == Direction::Horizontal;
    let dpi = style.px_per_pt * POINTS_PER_INCH;
    let label_pt = style.font_size / style.px_per_pt;
    let space = ticker::tick_space(scale.length(), dpi, label_pt, horizontal);
    // matplotlib clips the tick space to 9 bins; fewer are tried only on collision.
    let most = space.clamp(1, 9);
    match source {
        TickSource::Categories(all) => AxisTicks {
            major: thin_by_stride(
                all.iter()
                    .filter(|t| scale.contains(t.value))
                    .cloned()
                    .collect(),
                scale,
                direction,
                style,
            ),
            ..AxisTicks::default()
        },
        TickSource::Cells => {
            let mut last = Vec::new();
            for space in (1..=most).rev() {
                let positions = ticker::integer_positions(limits.lo, limits.hi, space);
                let major = ticker::fixed(&positions, limits.lo, limits.hi, false).major;
                if !collide(&major, scale, direction, style) {
                    return AxisTicks {
                        major,
                        ..AxisTicks::default()
                    };
                }
                last = major;
            }
            AxisTicks {
                major: thin_by_stride(last, scale, direction, style),
                ..AxisTicks::default()
            }
        }
        TickSource::Time { zone } => {
            // matplotlib's locator does not depend on the axis length, so its labels
            // may collide; fewer ticks are asked for until they do not.
            let mut last = dates::date_ticks(limits.lo, limits.hi, *zone, None);
            let mut most = last.major.len();
            while collide(&last.major, scale, direction, style) && most > 2 {
                most -= 1;
                last = dates::date_ticks(limits.lo, limits.hi, *zone, Some(most));
            }
            last.major = thin_by_stride(last.major, scale, direction, style);
            last
        }
        TickSource::Auto => {
            let mut last = AxisTicks::default();
            for space in (1..=most).rev() {
                let ticks = if limits.log {
                    ticker::log(limits.lo, limits.hi, space)
                } else {
                    ticker::linear(limits.lo, limits.hi, space)
                };
                let labeled: Vec<Tick> = ticks
                    .major
                    .iter()
                    .chain(ticks.minor.iter().filter(|t| !t.label.is_empty()))
                    .cloned()
                    .collect();
                if !collide(&labeled, scale, direction, style) {
                    return ticks;
                }
                last = ticks;
            }
            last.major = thin_by_stride(last.major, scale, direction, style);
            last.minor
                .iter_mut()
                .for_each(|t| t.label = Label::default());
            last
        }
    }
}

/// Keeps every n-th tick, with the smallest n that separates the labels.
fn thin_by_stride(
    all: Vec<Tick>,
    scale: &AxisScale,
    direction: Direction,
    style: &Style,
) -> Vec<Tick> {
    if !collide(&all, scale, direction, style) {
        return all;
    }
    for stride in 2..all.len().max(2) {
        let kept: Vec<Tick> = all.iter().step_by(stride).cloned().collect();
        if !collide(&kept, scale, direction, style) {
            return kept;
        }
    }
    all.into_iter().take(1).collect()
}

/// Whether any two labels of `ticks` would touch at their pixel positions.
pub fn collide(ticks: &[Tick], scale: &AxisScale, direction: Direction, style: &Style) -> bool {
    let size = style.font_size;
    let gap = TICK_LABEL_GAP * size;
    let mut spans: Vec<(f64, f64)> = ticks
        .iter()
        .filter(|t| !t.label.is_empty())
        .filter_map(|t| {
            let p = scale.px(t.value)?;
            let half = match direction {
                Direction::Horizontal => label_width(&t.label, style) / 2.0,
                Direction::Vertical => label_height(size) / 2.0,
            };
            Some((p - half, p + half))
        })
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    spans.windows(2).any(|w| w[1].0 - w[0].1 < gap)
}

/// Width of a tick label as drawn, superscript included.
pub fn label_width(label: &Label, style: &Style) -> f64 {
    text::measure_with_superscript(
        style.family,
        &drawn_text(label),
        label.superscript.as_deref(),
        style.font_size,
    )
}

/// The text of a label as drawn: in a `2×10³` label the `×` gets mathtext's space
/// around a binary operator (0.2 em of `m` each side, which DejaVu Sans' thin space
/// matches).
pub fn drawn_text(label: &Label) -> String {
    if label.superscript.is_some() {
        label.text.replace('×', text::SPACED_TIMES)
    } else {
        label.text.clone()
    }
}

/// How far a tick label reaches below its baseline.
pub fn label_descent(label: &Label, size: f64) -> f64 {
    match label.superscript {
        Some(_) => text::superscript_bottom(size),
        None => text::box_descent(size),
    }
}

/// How far a tick label reaches above its baseline: a superscript reaches higher
/// than the line box of plain text, as in matplotlib's mathtext.
pub fn label_ascent(label: &Label, size: f64) -> f64 {
    let line = text::box_ascent(size);
    match label.superscript {
        Some(_) => line.max(text::superscript_top(size)),
        None => line,
    }
}

/// Height a line of text of `size` px occupies (ascent + descent).
pub fn label_height(size: f64) -> f64 {
    text::box_ascent(size) + text::box_descent(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extent(values: &[f64], sticky: &[f64]) -> Extent {
        let mut e = Extent::new(false);
        for &v in values {
            e.add(v);
        }
        for &s in sticky {
            e.add_sticky(s);
        }
        e
    }

    fn auto(e: &Extent) -> Limits {
        limits(e, None, "/x/scale").unwrap_or(Limits {
            lo: f64::NAN,
            hi: f64::NAN,
            log: false,
        })
    }

    #[test]
    fn five_percent_margin() {
        let l = auto(&extent(&[0.0, 10.0], &[]));
        assert!(
            (l.lo + 0.5).abs() < 1e-12 && (l.hi - 10.5).abs() < 1e-12,
            "{l:?}"
        );
    }

    #[test]
    fn sticky_zero_stops_the_margin() {
        let l = auto(&extent(&[3.0, 10.0], &[0.0]));
        assert_eq!(l.lo, 0.0);
        assert!((l.hi - 10.5).abs() < 1e-12);
    }

    #[test]
    fn degenerate_ranges_expand() {
        let l = auto(&extent(&[5.0], &[]));
        assert!(l.lo < 5.0 && l.hi > 5.0 && l.hi - l.lo < 1.0, "{l:?}");
        let l = auto(&extent(&[0.0, 0.0], &[]));
        assert!(l.lo < 0.0 && l.hi > 0.0);
        let l = auto(&extent(&[], &[]));
        assert_eq!((l.lo, l.hi), (0.0, 1.0));
    }

    #[test]
    fn huge_values_stay_finite() {
        let l = auto(&extent(&[-1e300, 1e300], &[]));
        assert!(l.lo.is_finite() && l.hi.is_finite() && l.lo < l.hi);
        let scale = AxisScale::new(l, 0.0, 500.0);
        let p = scale.px(1e300).unwrap_or(f64::NAN);
        assert!(p > 450.0 && p < 500.0, "{p}");
    }

    #[test]
    fn log_without_positive_data_is_an_error() {
        let mut e = Extent::new(true);
        e.add(-1.0);
        e.add(0.0);
        let err = limits(&e, None, "/axes/0/y/scale").err();
        assert_eq!(err.and_then(|e| e.path).as_deref(), Some("/axes/0/y/scale"));
    }

    #[test]
    fn log_scale_maps_decades_evenly() {
        let scale = AxisScale::new(
            Limits {
                lo: 1.0,
                hi: 1000.0,
                log: true,
            },
            0.0,
            300.0,
        );
        assert_eq!(scale.px(10.0).map(f64::round), Some(100.0));
        assert_eq!(scale.px(100.0).map(f64::round), Some(200.0));
        assert_eq!(scale.px(0.0), None);
        assert_eq!(scale.px(-5.0), None);
    }

    #[test]
    fn narrow_axes_thin_their_labels() {
        let limits = Limits {
            lo: 0.0,
            hi: 1_000_000.0,
            log: false,
        };
        let wide = choose_ticks(
            None,
            &TickSource::Auto,
            &AxisScale::new(limits, 0.0, 600.0),
            Direction::Horizontal,
            &Style::default(),
        )
        .major;
        let narrow = choose_ticks(
            None,
            &TickSource::Auto,
            &AxisScale::new(limits, 0.0, 80.0),
            Direction::Horizontal,
            &Style::default(),
        )
        .major;
        assert!(wide.len() > narrow.len(), "{wide:?} vs {narrow:?}");
        assert!(narrow.len() >= 2);
        assert!(!collide(
            &narrow,
            &AxisScale::new(limits, 0.0, 80.0),
            Direction::Horizontal,
            &Style::default(),
        ));
    }

    #[test]
    fn categories_thin_by_stride() {
        let ticks: Vec<Tick> = (0..40)
            .map(|i| Tick {
                value: f64::from(i),
                label: Label::plain(format!("category {i}")),
            })
            .collect();
        let limits = Limits {
            lo: -0.5,
            hi: 39.5,
            log: false,
        };
        let scale = AxisScale::new(limits, 0.0, 500.0);
        let chosen = choose_ticks(
            None,
            &TickSource::Categories(ticks),
            &scale,
            Direction::Horizontal,
            &Style::default(),
        )
        .major;
        assert!(chosen.len() < 40 && chosen.len() > 2);
        assert!(!collide(
            &chosen,
            &scale,
            Direction::Horizontal,
            &Style::default()
        ));
        assert_eq!(chosen[0].label.text, "category 0");
    }
}
