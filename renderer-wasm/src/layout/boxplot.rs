//! Box plots as matplotlib 3.10's `Axes.boxplot` (through `Axes.bxp`) draws them with
//! its rcParams defaults: box `i` at position `i + 1`, statistics from
//! `cbook.boxplot_stats` ([`super::boxstats`]), widths
//! `np.clip(0.15 * np.ptp(positions), 0.15, 0.5)`, caps half as wide as the box, and
//! every part a 1 pt line (`boxplot.*props.linewidth`): box, whiskers and caps in
//! `boxplot.boxprops.color` (black; white in `dark_background`, the theme's
//! foreground either way), the median in C1, fliers as unfilled 6 pt circles with a
//! 1 pt edge in the foreground. The position axis gets positions ± 0.5 as sticky
//! limits and a fixed tick at each position, labelled by `labels` or the position.
//!
//! The box, whiskers and caps are `Line2D`s with matplotlib's default
//! `solid_capstyle="projecting"`; the encoders cap strokes flat, so their open ends are
//! lengthened by half the line width here. The median is `butt`-capped, as `bxp` sets.
//! Every part is placed on the pixel grid as Agg places it: the lines, being only
//! horizontal and vertical, snap to pixel centres (`PathSnapper`), and the flier
//! markers' centres round to pixel centres (`draw_markers`).

use super::axis::Extent;
use super::boxstats::{boxplot_stats, BoxStats};
use super::legend::Handle;
use super::series::Canvas;
use super::theme::SeriesLook;
use super::ticker::{Label, Tick};
use crate::color;
use crate::scene::{Color, Point, Scene, Shape, Stroke};
use crate::spec::{BoxSeries, ErrorAmount, Orientation};

/// `boxplot.whiskers`.
const WHIS: f64 = 1.5;
/// `boxplot.{box,whisker,cap,median}props.linewidth`, in points.
const LINE_WIDTH: f64 = 1.0;
/// `boxplot.flierprops.markersize` (a diameter) and `markeredgewidth`, in points.
const FLIER_SIZE: f64 = 6.0;
const FLIER_EDGE: f64 = 1.0;
/// `bxp`'s default `capwidths`: this fraction of the box width.
const CAP_FRACTION: f64 = 0.5;
/// `bxp` (with `manage_ticks`) widens the data limits to each position ± this, and
/// makes those sticky so that no margin is added beyond them.
const SLOT_HALF: f64 = 0.5;
/// The default width's factor and range: `np.clip(0.15 * ptp, 0.15, 0.5)`.
const WIDTH_FACTOR: f64 = 0.15;
const MIN_WIDTH: f64 = 0.15;
const MAX_WIDTH: f64 = 0.5;

/// Where box `i` stands: `bxp`'s default `positions = range(1, N + 1)`.
fn position_of(i: usize) -> f64 {
    (i + 1) as f64
}

fn horizontal(b: &BoxSeries) -> bool {
    b.orientation == Some(Orientation::Horizontal)
}

/// Each box's width, in position units: `widths` (one for all, or one per box), else
/// matplotlib's default from the spread of the positions.
fn widths(b: &BoxSeries) -> Vec<f64> {
    let n = b.data.len();
    let spread = n.saturating_sub(1) as f64;
    let default = (WIDTH_FACTOR * spread).clamp(MIN_WIDTH, MAX_WIDTH);
    let usable = |w: f64| (w.is_finite() && w > 0.0).then_some(w);
    (0..n)
        .map(|i| {
            let given = match &b.widths {
                None => None,
                Some(ErrorAmount::All(w)) => usable(*w),
                Some(ErrorAmount::PerPoint(ws)) => ws.get(i).copied().flatten().and_then(usable),
            };
            given.unwrap_or(default)
        })
        .collect()
}

/// Each box's statistics; `None` for a box without data, which matplotlib draws as
/// NaN lines (nothing) while still giving it its position and tick.
fn stats(b: &BoxSeries) -> Vec<Option<BoxStats>> {
    let whis = b
        .whis
        .filter(|w| w.is_finite() && *w >= 0.0)
        .unwrap_or(WHIS);
    b.data.iter().map(|d| boxplot_stats(d, whis)).collect()
}

/// The positions 1..=n and their tick labels (`labels`, else "1".."n") for the
/// position axis.
pub fn ticks(b: &BoxSeries) -> Vec<Tick> {
    (0..b.data.len())
        .map(|i| {
            let label = b
                .labels
                .as_ref()
                .and_then(|l| l.get(i))
                .cloned()
                .unwrap_or_else(|| (i + 1).to_string());
            Tick {
                value: position_of(i),
                label: Label::plain(label),
            }
        })
        .collect()
}

/// Adds the box series' extents: the position axis gets positions ± 0.5 (sticky, as
/// matplotlib extends dataLim and the medians' sticky edges) and the boxes' edges, the
/// value axis the boxes, whisker ends and the fliers (if shown). The position axis is
/// x for vertical boxes and y for `horizontal` ones; the caller passes them so.
pub fn extend(b: &BoxSeries, position: &mut Extent, value: &mut Extent) {
    let show_fliers = b.showfliers.unwrap_or(true);
    for (i, (width, stats)) in widths(b).into_iter().zip(stats(b)).enumerate() {
        let p = position_of(i);
        position.add_sticky(p - SLOT_HALF);
        position.add_sticky(p + SLOT_HALF);
        // The box's lines are data too: a box wider than its slot widens the axis.
        position.add(p - width * 0.5);
        position.add(p + width * 0.5);
        let Some(s) = stats else { continue };
        for v in [s.whislo, s.q1, s.med, s.q3, s.whishi] {
            value.add(v);
        }
        if show_fliers {
            for &v in &s.fliers {
                value.add(v);
            }
        }
    }
}

/// Maps (position, value) to px for one orientation.
struct Mapper<'c> {
    canvas: &'c Canvas,
    horizontal: bool,
}

impl Mapper<'_> {
    /// The px of a data point; a value a log axis cannot show lies far beyond the low
    /// end of the axis, as matplotlib's `nonpositive="clip"` puts it (lines still run
    /// off the plot towards it).
    fn point(&self, position: f64, value: f64) -> Point {
        let c = self.canvas;
        let (x, y) = if self.horizontal {
            (value, position)
        } else {
            (position, value)
        };
        let beyond = |scale: &super::axis::AxisScale, v: f64| {
            scale.px(v).unwrap_or_else(|| {
                let outward = (scale.start - scale.end).signum();
                scale.start + outward * (scale.length() + 1.0)
            })
        };
        Point {
            x: beyond(&c.x, x),
            y: beyond(&c.y, y),
        }
    }

    /// The px of a flier, or `None` when its axis cannot show it.
    fn marker(&self, position: f64, value: f64) -> Option<Point> {
        let c = self.canvas;
        let (x, y) = if self.horizontal {
            (value, position)
        } else {
            (position, value)
        };
        Some(Point {
            x: c.x.px(x)?,
            y: c.y.px(y)?,
        })
    }
}

/// Agg's `PathSnapper` for a rectilinear path stroked `width` px wide: each vertex
/// rounds to a whole pixel, plus half a pixel when the rounded width is odd, so that
/// the stroke's core covers whole pixels.
fn snap_line(points: Vec<Point>, width: f64) -> Vec<Point> {
    let odd = libm::floor(width + 0.5) % 2.0 == 1.0;
    let offset = if odd { 0.5 } else { 0.0 };
    let snap = |v: f64| libm::floor(v + 0.5) + offset;
    points
        .into_iter()
        .map(|p| Point {
            x: snap(p.x),
            y: snap(p.y),
        })
        .collect()
}

/// Agg's `draw_markers` puts a marker's centre on the nearest pixel centre.
fn snap_marker(p: Point) -> Point {
    let snap = |v: f64| libm::floor(v + 0.5) + 0.5;
    Point {
        x: snap(p.x),
        y: snap(p.y),
    }
}

/// `points` with their open ends moved out by `by` px along the first and last
/// segments that have a length: a flat-capped stroke then covers what matplotlib's
/// `projecting` cap does.
fn projecting(mut points: Vec<Point>, by: f64) -> Vec<Point> {
    let unit = |a: Point, b: Point| {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = libm::hypot(dx, dy);
        (len > 0.0 && len.is_finite()).then(|| (dx / len, dy / len))
    };
    let n = points.len();
    if n < 2 {
        return points;
    }
    if let Some((ux, uy)) = (1..n).find_map(|k| unit(points[0], points[k])) {
        points[0].x -= ux * by;
        points[0].y -= uy * by;
    }
    if let Some((ux, uy)) = (0..n - 1)
        .rev()
        .find_map(|k| unit(points[k], points[n - 1]))
    {
        points[n - 1].x += ux * by;
        points[n - 1].y += uy * by;
    }
    points
}

fn polyline(points: Vec<Point>, stroke: &Stroke) -> Shape {
    Shape::Path {
        points,
        closed: false,
        fill: None,
        stroke: Some(stroke.clone()),
    }
}

/// Draws the boxes like matplotlib's defaults (see the module documentation), each
/// item clipped to `canvas.plot`. The box, whiskers and caps are in the series'
/// `color` when the spec gives one (`look.color`), else in the theme's foreground;
/// the series' `alpha` applies to every part. Returns matplotlib's legend handle for
/// a labelled boxplot: the median line.
pub fn draw(
    scene: &mut Scene,
    canvas: &Canvas,
    b: &BoxSeries,
    look: &SeriesLook,
) -> Option<Handle> {
    let alpha = b.alpha.unwrap_or(1.0);
    let line_color = if b.color.is_some() {
        look.color
    } else {
        canvas.foreground.with_alpha(alpha)
    };
    let median_color = color::CYCLE[1].with_alpha(alpha);
    let flier_color = canvas.foreground.with_alpha(alpha);
    let width = canvas.style.px(LINE_WIDTH);
    let solid = |color: Color, width: f64| Stroke {
        color,
        width,
        dash: Vec::new(),
    };
    let line = solid(line_color, width);
    let median_line = solid(median_color, width);
    let flier_edge = solid(flier_color, canvas.style.px(FLIER_EDGE));
    let flier_radius = canvas.style.px(FLIER_SIZE) / 2.0;
    let map = Mapper {
        canvas,
        horizontal: horizontal(b),
    };
    let clip = Some(canvas.plot);
    let show_fliers = b.showfliers.unwrap_or(true);
    let half = width / 2.0;
    let mut medians = Vec::new();
    for (i, (box_width, stats)) in widths(b).into_iter().zip(stats(b)).enumerate() {
        let Some(s) = stats else { continue };
        let p = position_of(i);
        let (left, right) = (p - box_width * 0.5, p + box_width * 0.5);
        let cap = box_width * CAP_FRACTION * 0.5;
        let outline = vec![
            map.point(left, s.q1),
            map.point(right, s.q1),
            map.point(right, s.q3),
            map.point(left, s.q3),
            map.point(left, s.q1),
        ];
        scene.push(
            clip,
            polyline(projecting(snap_line(outline, width), half), &line),
        );
        for (from, to) in [(s.q1, s.whislo), (s.q3, s.whishi)] {
            let whisker = vec![map.point(p, from), map.point(p, to)];
            scene.push(
                clip,
                polyline(projecting(snap_line(whisker, width), half), &line),
            );
        }
        for at in [s.whislo, s.whishi] {
            let ends = vec![map.point(p - cap, at), map.point(p + cap, at)];
            scene.push(
                clip,
                polyline(projecting(snap_line(ends, width), half), &line),
            );
        }
        if show_fliers {
            let plot = canvas.plot;
            let reach = flier_radius + flier_edge.width;
            for &v in &s.fliers {
                let Some(center) = map.marker(p, v) else {
                    continue;
                };
                let near = center.x >= plot.x - reach
                    && center.x <= plot.right() + reach
                    && center.y >= plot.y - reach
                    && center.y <= plot.bottom() + reach;
                if near {
                    scene.push(
                        clip,
                        Shape::Circle {
                            center: snap_marker(center),
                            radius: flier_radius,
                            fill: None,
                            stroke: Some(flier_edge.clone()),
                        },
                    );
                }
            }
        }
        medians.push(snap_line(
            vec![map.point(left, s.med), map.point(right, s.med)],
            width,
        ));
    }
    // Medians are at zorder 2.1, above every other part of every box (2).
    for m in medians {
        scene.push(clip, polyline(m, &median_line));
    }
    // bxp gives a boxplot's `label` to its first median line, so that is the legend
    // handle matplotlib shows.
    Some(Handle::Line {
        stroke: median_line,
        marker: None,
        color: median_color,
    })
}

#[cfg(test)]
mod tests {
    use super::super::axis::{self, AxisScale, Limits};
    use super::super::theme::Style;
    use super::*;
    use crate::scene::Rect;

    const BLACK: Color = Color::rgb(0, 0, 0);

    fn data(boxes: &[&[f64]]) -> Vec<Vec<Option<f64>>> {
        boxes
            .iter()
            .map(|b| b.iter().copied().map(Some).collect())
            .collect()
    }

    /// `ax.boxplot([[1..9, 30], [2, 4, 4, 5, 6, -10]], tick_labels=["a", "b"])`.
    fn two_boxes() -> BoxSeries {
        BoxSeries {
            data: data(&[
                &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 30.0],
                &[2.0, 4.0, 4.0, 5.0, 6.0, -10.0],
            ]),
            labels: Some(vec!["a".into(), "b".into()]),
            ..Default::default()
        }
    }

    /// A 400×300 px plot showing `x` and `y` (matplotlib's limits for the data).
    fn canvas(x: (f64, f64), y: (f64, f64), log_y: bool) -> Canvas {
        let limits = |(lo, hi): (f64, f64), log| Limits { lo, hi, log };
        Canvas {
            x: AxisScale::new(limits(x, false), 0.0, 400.0),
            y: AxisScale::new(limits(y, log_y), 300.0, 0.0),
            plot: Rect {
                x: 0.0,
                y: 0.0,
                w: 400.0,
                h: 300.0,
            },
            foreground: BLACK,
            style: Style::default(),
        }
    }

    fn look(color: Color) -> SeriesLook {
        Style::default().series_look(&crate::spec::Series::Box(BoxSeries::default()), color, None)
    }

    fn render(b: &BoxSeries, canvas: &Canvas) -> (Scene, Option<Handle>) {
        let mut scene = Scene::new(400.0, 300.0, None);
        let handle = draw(&mut scene, canvas, b, &look(color::CYCLE[0]));
        (scene, handle)
    }

    /// The polylines of `scene`: points and stroke.
    fn lines(scene: &Scene) -> Vec<(&[Point], &Stroke)> {
        scene
            .items
            .iter()
            .filter_map(|item| match &item.shape {
                Shape::Path {
                    points,
                    closed: false,
                    fill: None,
                    stroke: Some(stroke),
                } => Some((points.as_slice(), stroke)),
                _ => None,
            })
            .collect()
    }

    fn circles(scene: &Scene) -> Vec<(Point, f64, Option<Color>, Option<&Stroke>)> {
        scene
            .items
            .iter()
            .filter_map(|item| match &item.shape {
                Shape::Circle {
                    center,
                    radius,
                    fill,
                    stroke,
                } => Some((*center, *radius, *fill, stroke.as_ref())),
                _ => None,
            })
            .collect()
    }

    fn close(a: Point, b: (f64, f64)) -> bool {
        (a.x - b.0).abs() < 1e-9 && (a.y - b.1).abs() < 1e-9
    }

    fn assert_points(have: &[Point], want: &[(f64, f64)]) {
        assert_eq!(have.len(), want.len(), "{have:?}");
        for (h, w) in have.iter().zip(want) {
            assert!(close(*h, *w), "{have:?} vs {want:?}");
        }
    }

    #[test]
    fn pixel_snapping_is_aggs() {
        // Measured in matplotlib 3.10.7 renders: a 1 pt line at y 100.2 / 120.7 is
        // centred on 100.5 / 121.5 at dpi 72, 100 and 200 (odd rounded widths) and on
        // 100.0 / 121.0 at dpi 144 (2 px); `o` markers at 50.2, 100.7, 150.5 are
        // centred on 50.5, 101.5, 151.5 at every dpi.
        let at = |v: f64| vec![Point { x: v, y: v }];
        for width in [1.0, 100.0 / 72.0, 200.0 / 72.0] {
            assert_eq!(snap_line(at(100.2), width)[0].y, 100.5);
            assert_eq!(snap_line(at(120.7), width)[0].y, 121.5);
        }
        assert_eq!(snap_line(at(100.2), 2.0)[0].y, 100.0);
        assert_eq!(snap_line(at(120.7), 2.0)[0].y, 121.0);
        for (v, want) in [(50.2, 50.5), (100.7, 101.5), (150.5, 151.5), (50.45, 50.5)] {
            assert_eq!(
                snap_marker(Point { x: v, y: v }),
                Point { x: want, y: want }
            );
        }
    }

    #[test]
    fn default_widths_follow_the_spread_of_positions() {
        // np.clip(0.15 * np.ptp(range(1, n + 1)), 0.15, 0.5) for n = 1..6.
        let want = [0.15, 0.15, 0.3, 0.44999999999999996, 0.5, 0.5];
        for (n, w) in (1..=6).zip(want) {
            let b = BoxSeries {
                data: vec![vec![Some(1.0)]; n],
                ..Default::default()
            };
            assert_eq!(widths(&b), vec![w; n], "n = {n}");
        }
        let b = BoxSeries {
            data: vec![vec![Some(1.0)]; 3],
            widths: Some(ErrorAmount::PerPoint(vec![Some(0.8), None, Some(0.2)])),
            ..Default::default()
        };
        assert_eq!(widths(&b), [0.8, 0.3, 0.2]);
        let b = BoxSeries {
            widths: Some(ErrorAmount::All(0.7)),
            ..b
        };
        assert_eq!(widths(&b), [0.7; 3]);
    }

    #[test]
    fn ticks_are_positions_with_labels() {
        let b = two_boxes();
        let ticks = ticks(&b);
        let seen: Vec<(f64, &str)> = ticks
            .iter()
            .map(|t| (t.value, t.label.text.as_str()))
            .collect();
        assert_eq!(seen, [(1.0, "a"), (2.0, "b")]);
        let b = BoxSeries { labels: None, ..b };
        let seen: Vec<String> = super::ticks(&b).into_iter().map(|t| t.label.text).collect();
        assert_eq!(seen, ["1", "2"]);
    }

    #[test]
    fn limits_are_matplotlibs() {
        // matplotlib: xlim (0.5, 2.5), ylim (-12, 32).
        let b = two_boxes();
        let (mut position, mut value) = (Extent::new(false), Extent::new(false));
        extend(&b, &mut position, &mut value);
        assert_eq!((position.lo, position.hi), (0.5, 2.5));
        assert_eq!((value.lo, value.hi), (-10.0, 30.0));
        let lim = |e: &Extent| axis::limits(e, None, "").map(|l| (l.lo, l.hi)).ok();
        assert_eq!(lim(&position), Some((0.5, 2.5)));
        assert_eq!(lim(&value), Some((-12.0, 32.0)));

        // showfliers=False: ylim (0.6, 9.4); whis=10: the whisker reaches 30,
        // ylim (-0.45, 31.45).
        let one = |showfliers, whis| BoxSeries {
            data: data(&[&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 30.0]]),
            showfliers,
            whis,
            ..Default::default()
        };
        for (b, want) in [
            (one(Some(false), None), (0.6, 9.4)),
            (one(None, Some(10.0)), (-0.4500000000000002, 31.45)),
        ] {
            let (mut position, mut value) = (Extent::new(false), Extent::new(false));
            extend(&b, &mut position, &mut value);
            assert_eq!(lim(&position), Some((0.5, 1.5)));
            let Some((lo, hi)) = lim(&value) else {
                panic!("no limits");
            };
            assert!(
                (lo - want.0).abs() < 1e-12 && (hi - want.1).abs() < 1e-12,
                "{lo} {hi}"
            );
        }
    }

    #[test]
    fn boxes_whiskers_caps_fliers_and_medians_as_matplotlib() {
        let c = canvas((0.5, 2.5), (-12.0, 32.0), false);
        let (scene, handle) = render(&two_boxes(), &c);
        // Data to px, then to the pixel centre Agg snaps to.
        let snap = |v: f64| v.round() + 0.5;
        let x = |v: f64| snap((v - 0.5) / 2.0 * 400.0);
        let y = |v: f64| snap(300.0 - (v + 12.0) / 44.0 * 300.0);
        let lw = 100.0 / 72.0;
        let h = lw / 2.0;
        let all = lines(&scene);
        // Per box: outline, two whiskers, two caps; then both medians.
        assert_eq!(all.len(), 2 * 5 + 2);
        // matplotlib's first box: x 0.925..1.075, y q1 3.25..q3 7.75, open ends
        // lengthened by half the line width (projecting caps).
        assert_points(
            all[0].0,
            &[
                (x(0.925) - h, y(3.25)),
                (x(1.075), y(3.25)),
                (x(1.075), y(7.75)),
                (x(0.925), y(7.75)),
                (x(0.925), y(3.25) + h),
            ],
        );
        // Whiskers q1 → 1.0 and q3 → 9.0.
        assert_points(all[1].0, &[(x(1.0), y(3.25) - h), (x(1.0), y(1.0) + h)]);
        assert_points(all[2].0, &[(x(1.0), y(7.75) + h), (x(1.0), y(9.0) - h)]);
        // Caps from 0.9625 to 1.0375.
        assert_points(
            all[3].0,
            &[(x(0.9625) - h, y(1.0)), (x(1.0375) + h, y(1.0))],
        );
        assert_points(
            all[4].0,
            &[(x(0.9625) - h, y(9.0)), (x(1.0375) + h, y(9.0))],
        );
        // Second box: q1 2.5, q3 4.75, whiskers to 2.0 and 6.0.
        assert_points(
            all[5].0,
            &[
                (x(1.925) - h, y(2.5)),
                (x(2.075), y(2.5)),
                (x(2.075), y(4.75)),
                (x(1.925), y(4.75)),
                (x(1.925), y(2.5) + h),
            ],
        );
        assert_points(all[6].0, &[(x(2.0), y(2.5) - h), (x(2.0), y(2.0) + h)]);
        assert_points(all[7].0, &[(x(2.0), y(4.75) + h), (x(2.0), y(6.0) - h)]);
        // Medians 5.5 and 4.0, flat-capped, C1, on top.
        assert_points(all[10].0, &[(x(0.925), y(5.5)), (x(1.075), y(5.5))]);
        assert_points(all[11].0, &[(x(1.925), y(4.0)), (x(2.075), y(4.0))]);
        for (i, (_, stroke)) in all.iter().enumerate() {
            let want = if i >= 10 { color::CYCLE[1] } else { BLACK };
            assert_eq!(stroke.color, want, "line {i}");
            assert!((stroke.width - lw).abs() < 1e-12 && stroke.dash.is_empty());
        }
        // Fliers: 30 on the first box, -10 on the second; unfilled 6 pt circles.
        let fliers = circles(&scene);
        assert_eq!(fliers.len(), 2);
        for ((center, radius, fill, stroke), at) in fliers.iter().zip([(1.0, 30.0), (2.0, -10.0)]) {
            assert!(close(*center, (x(at.0), y(at.1))), "{center:?}");
            assert!((radius - 3.0 * lw).abs() < 1e-12);
            assert_eq!(*fill, None);
            assert!(stroke.is_some_and(|s| s.color == BLACK && (s.width - lw).abs() < 1e-12));
        }
        // Everything is clipped to the plot.
        assert!(scene.items.iter().all(|i| i.clip == Some(c.plot)));
        // matplotlib's legend shows the median line of a labelled boxplot.
        assert_eq!(
            handle,
            Some(Handle::Line {
                stroke: Stroke {
                    color: color::CYCLE[1],
                    width: lw,
                    dash: Vec::new()
                },
                marker: None,
                color: color::CYCLE[1],
            })
        );
    }

    #[test]
    fn horizontal_boxes_swap_the_axes() {
        // orientation="horizontal": xlim (-12, 32), ylim (0.5, 2.5).
        let b = BoxSeries {
            orientation: Some(Orientation::Horizontal),
            ..two_boxes()
        };
        let c = canvas((-12.0, 32.0), (0.5, 2.5), false);
        let (scene, _) = render(&b, &c);
        let snap = |v: f64| v.round() + 0.5;
        let x = |v: f64| snap((v + 12.0) / 44.0 * 400.0);
        let y = |v: f64| snap(300.0 - (v - 0.5) / 2.0 * 300.0);
        let h = 100.0 / 72.0 / 2.0;
        let all = lines(&scene);
        assert_points(
            all[0].0,
            &[
                (x(3.25), y(0.925) + h),
                (x(3.25), y(1.075)),
                (x(7.75), y(1.075)),
                (x(7.75), y(0.925)),
                (x(3.25) - h, y(0.925)),
            ],
        );
        assert_points(
            all[3].0,
            &[(x(1.0), y(0.9625) + h), (x(1.0), y(1.0375) - h)],
        );
        assert_points(all[10].0, &[(x(5.5), y(0.925)), (x(5.5), y(1.075))]);
        let fliers = circles(&scene);
        assert!(close(fliers[0].0, (x(30.0), y(1.0))));
        let (mut position, mut value) = (Extent::new(false), Extent::new(false));
        extend(&b, &mut position, &mut value);
        assert_eq!(
            (position.lo, position.hi, value.lo, value.hi),
            (0.5, 2.5, -10.0, 30.0)
        );
    }

    #[test]
    fn a_given_color_draws_box_whiskers_and_caps() {
        let b = BoxSeries {
            color: Some("red".into()),
            showfliers: Some(false),
            ..two_boxes()
        };
        let red = Color::rgb(255, 0, 0);
        let c = canvas((0.5, 2.5), (-12.0, 32.0), false);
        let mut scene = Scene::new(400.0, 300.0, None);
        draw(&mut scene, &c, &b, &look(red));
        let colors: Vec<Color> = lines(&scene).iter().map(|(_, s)| s.color).collect();
        assert_eq!(colors[..10], [red; 10]);
        assert_eq!(colors[10..], [color::CYCLE[1]; 2]);
        assert!(circles(&scene).is_empty());
        // Without a spec color the cycle color of the look is not used.
        let (scene, _) = render(&two_boxes(), &c);
        assert!(lines(&scene)[..10].iter().all(|(_, s)| s.color == BLACK));
    }

    #[test]
    fn empty_and_one_value_boxes() {
        // ax.boxplot([[], [1, 2, 3]]): the empty box draws nothing but keeps its slot.
        let b = BoxSeries {
            data: vec![vec![None, None], vec![Some(1.0), Some(2.0), Some(3.0)]],
            ..Default::default()
        };
        let (mut position, mut value) = (Extent::new(false), Extent::new(false));
        extend(&b, &mut position, &mut value);
        assert_eq!((position.lo, position.hi), (0.5, 2.5));
        assert_eq!((value.lo, value.hi), (1.0, 3.0));
        assert_eq!(ticks(&b).len(), 2);
        let c = canvas((0.5, 2.5), (0.9, 3.1), false);
        let (scene, handle) = render(&b, &c);
        assert_eq!(lines(&scene).len(), 6);
        assert!(handle.is_some());

        // ax.boxplot([[3.0]]): everything at 3; the box is a flat line.
        let b = BoxSeries {
            data: vec![vec![Some(3.0)]],
            ..Default::default()
        };
        let c = canvas((0.5, 1.5), (2.835, 3.165), false);
        let (scene, _) = render(&b, &c);
        let all = lines(&scene);
        assert_eq!(all.len(), 6);
        assert!(circles(&scene).is_empty());
        let (mut position, mut value) = (Extent::new(false), Extent::new(false));
        extend(&b, &mut position, &mut value);
        assert_eq!((value.lo, value.hi), (3.0, 3.0));
    }

    /// Every coordinate in `scene` is a number, whatever the input.
    fn all_finite(scene: &Scene) -> bool {
        let ok = |p: &Point| p.x.is_finite() && p.y.is_finite();
        scene.items.iter().all(|item| match &item.shape {
            Shape::Path { points, .. } => points.iter().all(ok),
            Shape::Circle { center, radius, .. } => ok(center) && radius.is_finite(),
            Shape::Text(t) => ok(&t.at),
            Shape::Rect { rect, .. } => rect.x.is_finite() && rect.y.is_finite(),
        })
    }

    #[test]
    fn degenerate_boxes_do_not_panic() {
        let cases = [
            BoxSeries::default(),
            BoxSeries {
                data: vec![Vec::new(), vec![None]],
                ..Default::default()
            },
            BoxSeries {
                data: vec![vec![
                    Some(f64::NAN),
                    Some(f64::INFINITY),
                    Some(-f64::INFINITY),
                ]],
                whis: Some(f64::NAN),
                widths: Some(ErrorAmount::All(f64::NAN)),
                labels: Some(Vec::new()),
                ..Default::default()
            },
            BoxSeries {
                data: vec![vec![Some(-5.0), Some(0.0), Some(1e308), Some(-1e308)]],
                widths: Some(ErrorAmount::PerPoint(Vec::new())),
                orientation: Some(Orientation::Horizontal),
                ..Default::default()
            },
        ];
        for b in &cases {
            for log in [false, true] {
                let c = canvas((0.5, 1.5), (1.0, 100.0), log);
                let mut scene = Scene::new(400.0, 300.0, None);
                let _ = draw(&mut scene, &c, b, &look(BLACK));
                assert!(all_finite(&scene), "{b:?}");
                let (mut position, mut value) = (Extent::new(false), Extent::new(log));
                extend(b, &mut position, &mut value);
                let _ = ticks(b);
            }
        }
    }

    #[test]
    fn log_axes_run_nonpositive_values_off_the_plot() {
        // A whisker down to 0 on a log axis leaves the plot at its bottom, as
        // matplotlib's `nonpositive="clip"` draws it; the flier at -50 is not shown.
        let b = BoxSeries {
            data: data(&[&[0.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, -50.0]]),
            ..Default::default()
        };
        let c = canvas((0.5, 1.5), (1.0, 100.0), true);
        let (scene, _) = render(&b, &c);
        let low_whisker = lines(&scene)[1].0;
        assert!(low_whisker[1].y > c.plot.bottom());
        assert!(circles(&scene)
            .iter()
            .all(|(p, ..)| p.y.is_finite() && p.y <= 300.0));
    }
}
