//! Pie charts as matplotlib 3.10's `Axes.pie` draws them with its defaults: radius 1
//! in an equal-aspect axes whose limits are ±1.25 (the box shrinks to a square centred
//! in the space it was given), wedges without edges filled from the property cycle
//! (or `colors`, cycled), labels at `labeldistance` 1.1 aligned `left` where they fall
//! right of the centre and `right` otherwise (`va` always `center`), the `autopct`
//! share centred at `pctdistance` 0.6, `startangle`, `counterclock` and `explode` as
//! offsets of the wedge along its bisector. A `hole` is matplotlib's
//! `wedgeprops={"width": 1 - hole}`, with the share written in the middle of the ring.
//!
//! matplotlib converts the values to float32 (`np.asarray(x, np.float32)`) and, with
//! numpy 2's scalar rules, keeps the shares, the running angle and the bisector in
//! float32. That is visible: a share of 58.75 % is 58.749996 and prints as `58.7%`,
//! and a label exactly above the centre sits a hair left of it and is right-aligned.
//! The same arithmetic is done here in `f32`; trigonometry is `libm`'s, so that native
//! and wasm32 builds draw the same picture.

use super::theme::Style;
use crate::color;
use crate::pyformat::NumberFormat;
use crate::scene::{Anchor, Baseline, Color, Point, Rect, Scene, Shape, Text};
use crate::spec::PieSeries;

/// Half the span of matplotlib's pie limits (`xlim = ylim = (-1.25, 1.25)`) around
/// the pie's radius of 1.
const HALF_VIEW: f64 = 1.25;
/// `labeldistance` and `pctdistance`, in radii.
const LABEL_DISTANCE: f64 = 1.1;
const PCT_DISTANCE: f64 = 0.6;
/// Largest distance between a drawn arc and its circle, in px.
const ARC_TOLERANCE: f64 = 0.1;
/// Bounds the vertex count whatever the radius; at 4096 segments a full circle is
/// within tolerance up to a radius of about 400 000 px.
const MAX_ARC_SEGMENTS: usize = 4096;
/// A wedge this close to a whole turn (in degrees) is a full disc: matplotlib's
/// `Wedge` then draws the circle without the spoke to the centre.
const FULL_TURN_SLACK: f64 = 1e-4;

/// One wedge's legend entry: its label and color.
#[derive(Debug, Clone, PartialEq)]
pub struct WedgeEntry {
    pub label: String,
    pub color: Color,
}

/// One wedge, in data coordinates (the pie's centre at the origin, radius 1).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Wedge {
    /// Its position in `values` (colors, labels and explode follow it).
    index: usize,
    /// Its fraction of the whole, in float32 as matplotlib has it.
    share: f32,
    /// Degrees counter-clockwise from +x, `from <= to`.
    from: f64,
    to: f64,
    /// The bisector, in radians (float32 in matplotlib).
    mid: f64,
    /// The wedge's centre, moved out by `explode`.
    center: (f64, f64),
}

/// A value as a wedge size: gaps (and anything validation would have refused) are
/// zero-size wedges.
fn size(value: Option<f64>) -> f64 {
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => v,
        _ => 0.0,
    }
}

/// Each value's share of the total, as matplotlib's `x / x.sum()` in float32; `None`
/// when there is nothing to divide.
fn shares(values: &[Option<f64>]) -> Option<Vec<f32>> {
    // `as` rounds to the nearest float32, as numpy's cast does.
    let narrow: Vec<f32> = values.iter().map(|&v| size(v) as f32).collect();
    let total = crate::layout::boxstats::pairwise_sum(&narrow);
    if total.is_finite() && total > 0.0 {
        return Some(narrow.iter().map(|v| v / total).collect());
    }
    // Values beyond float32's range make matplotlib's shares NaN (it draws nothing
    // useful); scaling by the largest value keeps their proportions instead.
    let largest = values.iter().map(|&v| size(v)).fold(0.0, f64::max);
    if largest <= 0.0 {
        return None;
    }
    let scaled: Vec<f64> = values.iter().map(|&v| size(v) / largest).collect();
    let total: f64 = scaled.iter().sum();
    (total > 0.0).then(|| scaled.iter().map(|v| (v / total) as f32).collect())
}

/// The wedges of `pie` that have a value, in order.
fn wedges(pie: &PieSeries) -> Vec<Wedge> {
    let Some(shares) = shares(&pie.values) else {
        return Vec::new();
    };
    let counterclock = pie.counterclock.unwrap_or(true);
    // matplotlib's first `theta1` is a Python float (`startangle / 360`); every later
    // one is a float32 sum.
    let start = pie.startangle.filter(|a| a.is_finite()).unwrap_or(0.0) / 360.0;
    let mut theta1_exact = Some(start);
    let mut theta1 = start as f32;
    let mut out = Vec::with_capacity(shares.len());
    for (index, &share) in shares.iter().enumerate() {
        let theta2 = if counterclock {
            theta1 + share
        } else {
            theta1 - share
        };
        // `2 * np.pi * 0.5 * (theta1 + theta2)`: π times a float32 is a float32.
        let mid = f64::from(std::f32::consts::PI * (theta1 + theta2));
        let degrees = |turns: f32| f64::from(360.0f32 * turns);
        let first = theta1_exact.map_or_else(|| degrees(theta1), |t| 360.0 * t);
        let second = degrees(theta2);
        let (from, to) = if second < first {
            (second, first)
        } else {
            (first, second)
        };
        if pie.values.get(index).copied().flatten().is_some() {
            let explode = pie
                .explode
                .as_ref()
                .and_then(|e| e.get(index).copied().flatten())
                .filter(|e| e.is_finite())
                .unwrap_or(0.0);
            out.push(Wedge {
                index,
                share,
                from,
                to,
                mid,
                center: (explode * libm::cos(mid), explode * libm::sin(mid)),
            });
        }
        theta1 = theta2;
        theta1_exact = None;
    }
    out
}

/// The color of wedge `index`: `colors` cycled (as matplotlib's `itertools.cycle`), or
/// the property cycle from C0, which every wedge advances, empty or not.
fn wedge_color(pie: &PieSeries, index: usize) -> Color {
    let given = pie
        .colors
        .as_ref()
        .filter(|c| !c.is_empty())
        .and_then(|c| c.get(index % c.len()))
        .and_then(|c| color::parse(c));
    given.unwrap_or(color::CYCLE[index % color::CYCLE.len()])
}

/// How many straight segments keep an arc of `span` radians and `radius` px within
/// [`ARC_TOLERANCE`] of the circle.
fn arc_segments(span: f64, radius: f64) -> usize {
    // NaN spans or radii fall through to one segment too.
    let drawable = span > 0.0 && radius > ARC_TOLERANCE;
    if !drawable {
        return 1;
    }
    // A chord of angle `step` strays `radius * (1 - cos(step / 2))` from its arc.
    let step = 2.0 * libm::acos(1.0 - ARC_TOLERANCE / radius);
    let n = libm::ceil(span / step);
    if n.is_finite() && n >= 1.0 {
        (n as usize).min(MAX_ARC_SEGMENTS)
    } else {
        1
    }
}

/// Points of the arc of `radius` px around `center` from `from` to `to` degrees
/// (counter-clockwise on screen, whose y grows downwards), `segments` chords.
fn arc(center: Point, radius: f64, from: f64, to: f64, segments: usize) -> Vec<Point> {
    let (a, b) = (from.to_radians(), to.to_radians());
    (0..=segments)
        .map(|k| {
            let t = a + (b - a) * (k as f64 / segments as f64);
            Point {
                x: center.x + radius * libm::cos(t),
                y: center.y - radius * libm::sin(t),
            }
        })
        .collect()
}

/// The outline of one wedge: its arc and the centre, or, in a donut, the outer arc
/// and the inner one back.
fn outline(center: Point, radius: f64, hole: f64, from: f64, to: f64) -> Vec<Point> {
    let full = to - from >= 360.0 - FULL_TURN_SLACK;
    let (from, to) = if full {
        (from, from + 360.0)
    } else {
        (from, to)
    };
    let segments = arc_segments((to - from).to_radians(), radius);
    let mut points = arc(center, radius, from, to, segments);
    if hole > 0.0 {
        // A whole ring is still one polygon: the seam between the circles is walked
        // both ways, so it fills nothing under the nonzero rule.
        points.extend(arc(center, radius * hole, to, from, segments));
    } else if !full {
        points.push(center);
    }
    points
}

/// Draws `pie` inside `plot` (the axes box; matplotlib: equal aspect, xlim=ylim=(-1.25,
/// 1.25), radius 1, no frame/ticks), wedges in `pie.colors` or the color cycle C0..
/// with the series' `alpha`, labels and `autopct` shares in `style.font_size` and
/// `foreground`. Null values are zero-size wedges that draw nothing and have no legend
/// entry (they still take their color). Returns the legend entries of the wedges that
/// have a non-empty label.
pub fn draw(
    scene: &mut Scene,
    plot: Rect,
    pie: &PieSeries,
    style: &Style,
    foreground: Color,
) -> Vec<WedgeEntry> {
    let wedges = wedges(pie);
    let alpha = pie.alpha.unwrap_or(1.0);
    let hole = pie
        .hole
        .filter(|h| h.is_finite() && *h > 0.0)
        .map_or(0.0, |h| h.min(1.0));
    // `set_aspect("equal")` shrinks the axes to a square, centred (anchor `C`).
    let side = plot.w.min(plot.h);
    let scale = side / (2.0 * HALF_VIEW);
    let origin = Point {
        x: plot.x + plot.w / 2.0,
        y: plot.y + plot.h / 2.0,
    };
    let px = |(x, y): (f64, f64)| Point {
        x: origin.x + x * scale,
        y: origin.y - y * scale,
    };
    let visible = scale.is_finite() && scale > 0.0;

    let mut entries = Vec::new();
    let mut texts = Vec::new();
    let label_of = |w: &Wedge| {
        pie.labels
            .as_ref()
            .and_then(|l| l.get(w.index))
            .filter(|l| !l.is_empty())
    };
    let format = pie
        .autopct
        .as_deref()
        .and_then(|f| NumberFormat::parse(f).ok());
    // With a hole, the share sits in the middle of the ring (`pctdistance = 1 -
    // width / 2`, as matplotlib's donut examples set it).
    let pct_distance = if hole > 0.0 {
        (1.0 + hole) / 2.0
    } else {
        PCT_DISTANCE
    };
    for w in &wedges {
        let fill = wedge_color(pie, w.index).with_alpha(alpha);
        if let Some(label) = label_of(w) {
            entries.push(WedgeEntry {
                label: label.clone(),
                color: fill,
            });
        }
        if !visible {
            continue;
        }
        let center = px(w.center);
        // An empty wedge encloses nothing; matplotlib's has no edge to show either.
        if w.to > w.from && hole < 1.0 {
            scene.push(
                None,
                Shape::Path {
                    points: outline(center, scale, hole, w.from, w.to),
                    closed: true,
                    fill: Some(fill),
                    stroke: None,
                },
            );
        }
        let (cos, sin) = (libm::cos(w.mid), libm::sin(w.mid));
        let text = |at: (f64, f64), content: String, anchor: Anchor| Text {
            at: px(at),
            text: content,
            superscript: None,
            size: style.font_size,
            color: foreground,
            anchor,
            baseline: Baseline::Middle,
            rotation: 0.0,
            family: style.family,
        };
        if let Some(label) = label_of(w) {
            let at = (
                w.center.0 + LABEL_DISTANCE * cos,
                w.center.1 + LABEL_DISTANCE * sin,
            );
            let anchor = if at.0 > 0.0 {
                Anchor::Start
            } else {
                Anchor::End
            };
            texts.push(text(at, label.clone(), anchor));
        }
        if let Some(format) = &format {
            let at = (
                w.center.0 + pct_distance * cos,
                w.center.1 + pct_distance * sin,
            );
            // `autopct % (100. * frac)`: a float32 product.
            let percent = f64::from(100.0f32 * w.share);
            texts.push(text(at, format.format(percent), Anchor::Middle));
        }
    }
    // Wedges are patches (zorder 1), their texts are drawn above them (zorder 3).
    for t in texts {
        scene.push(None, Shape::Text(t));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    /// matplotlib's axes box of `plt.subplots()` (640×480 px at dpi 100) before
    /// `set_aspect("equal")` shrinks it: 496×369.6 px from (80, 57.6), y down.
    const PLOT: Rect = Rect {
        x: 80.0,
        y: 57.6,
        w: 496.0,
        h: 369.6,
    };
    /// The drawn radius: the square side 369.6 over 2.5.
    const RADIUS: f64 = 147.84;
    const CENTER: (f64, f64) = (328.0, 242.4);
    const BLACK: Color = Color::rgb(0, 0, 0);

    fn values(v: &[f64]) -> Vec<Option<f64>> {
        v.iter().copied().map(Some).collect()
    }

    fn labels(l: &[&str]) -> Option<Vec<String>> {
        Some(l.iter().map(|s| s.to_string()).collect())
    }

    fn render(pie: &PieSeries) -> (Scene, Vec<WedgeEntry>) {
        let mut scene = Scene::new(640.0, 480.0, None);
        let entries = draw(&mut scene, PLOT, pie, &Style::default(), BLACK);
        (scene, entries)
    }

    fn polygons(scene: &Scene) -> Vec<(&[Point], Color)> {
        scene
            .items
            .iter()
            .filter_map(|item| match &item.shape {
                Shape::Path {
                    points,
                    fill: Some(fill),
                    closed: true,
                    stroke: None,
                } => Some((points.as_slice(), *fill)),
                _ => None,
            })
            .collect()
    }

    fn texts(scene: &Scene) -> Vec<&Text> {
        scene
            .items
            .iter()
            .filter_map(|item| match &item.shape {
                Shape::Text(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// matplotlib's label and autopct texts: string, x, y (px, y down) and `ha`.
    fn check_texts(scene: &Scene, want: &[(&str, f64, f64, Anchor)]) {
        let have = texts(scene);
        assert_eq!(have.len(), want.len(), "{have:?}");
        // Labels and shares are interleaved here and grouped in matplotlib's lists;
        // each is matched by its string and position.
        for &(text, x, y, anchor) in want {
            let found = have.iter().any(|t| {
                t.text == text
                    && close(t.at.x, x, 1e-6)
                    && close(t.at.y, y, 1e-6)
                    && t.anchor == anchor
                    && t.baseline == Baseline::Middle
                    && t.superscript.is_none()
                    && t.color == BLACK
                    && t.size == Style::default().font_size
            });
            assert!(found, "no {text:?} at ({x}, {y}) {anchor:?} in {have:?}");
        }
    }

    /// A wedge polygon starts on its arc at `theta1` around its (exploded) centre `c`
    /// and ends the arc at `theta2` (degrees), then returns to `c`.
    fn check_wedge(points: &[Point], theta1: f64, theta2: f64, c: (f64, f64)) {
        let at = |deg: f64| {
            let t = deg.to_radians();
            (c.0 + RADIUS * t.cos(), c.1 - RADIUS * t.sin())
        };
        let (Some(first), Some(last_arc), Some(last)) = (
            points.first(),
            points.len().checked_sub(2).and_then(|i| points.get(i)),
            points.last(),
        ) else {
            panic!("too few points: {points:?}");
        };
        let (x1, y1) = at(theta1);
        let (x2, y2) = at(theta2);
        assert!(
            close(first.x, x1, 1e-6) && close(first.y, y1, 1e-6),
            "{first:?} vs {x1}, {y1}"
        );
        assert!(
            close(last_arc.x, x2, 1e-6) && close(last_arc.y, y2, 1e-6),
            "{last_arc:?} vs {x2}, {y2}"
        );
        assert!(
            close(last.x, c.0, 1e-9) && close(last.y, c.1, 1e-9),
            "{last:?}"
        );
        for p in &points[..points.len() - 1] {
            let r = (p.x - c.0).hypot(p.y - c.1);
            assert!(close(r, RADIUS, 1e-9), "{p:?} at radius {r}");
        }
    }

    /// Every chord of the arcs strays less than 0.1 px inside the circle.
    fn check_arc_error(points: &[Point], c: (f64, f64), radius: f64) {
        let on_circle = |p: &Point| close((p.x - c.0).hypot(p.y - c.1), radius, 1e-9);
        for pair in points.windows(2) {
            if on_circle(&pair[0]) && on_circle(&pair[1]) {
                let mid = ((pair[0].x + pair[1].x) / 2.0, (pair[0].y + pair[1].y) / 2.0);
                let r = (mid.0 - c.0).hypot(mid.1 - c.1);
                assert!(radius - r < ARC_TOLERANCE && radius - r >= 0.0, "{r}");
            }
        }
    }

    #[test]
    fn four_wedges_as_matplotlib() {
        // ax.pie([1, 2, 3, 4], labels=list("abcd"), autopct="%.1f%%")
        let pie = PieSeries {
            values: values(&[1.0, 2.0, 3.0, 4.0]),
            labels: labels(&["a", "b", "c", "d"]),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, entries) = render(&pie);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 4);
        let angles = [
            (0.0, 36.0),
            (36.0, 108.00000762939453),
            (108.00000762939453, 216.00001525878906),
            (216.00001525878906, 360.0),
        ];
        for (i, ((points, fill), (t1, t2))) in wedges.iter().zip(angles).enumerate() {
            check_wedge(points, t1, t2, CENTER);
            check_arc_error(points, CENTER, RADIUS);
            assert_eq!(*fill, color::CYCLE[i]);
        }
        use Anchor::{End as Right, Middle as Center, Start as Left};
        check_texts(
            &scene,
            &[
                ("a", 482.6646144666523, 192.14641895464752, Left),
                ("b", 378.2535742847472, 87.73538333669399, Left),
                ("c", 173.33537514934955, 192.14645091331795, Right),
                ("d", 378.2536013271679, 397.06460787668937, Left),
                ("10.0%", 412.36251698181036, 214.98895579344412, Center),
                ("20.0%", 355.41104051895303, 158.03748182001493, Center),
                ("30.0%", 243.63747735419065, 214.98897322544616, Center),
                ("40.0%", 355.41105526936434, 326.76251338728514, Center),
            ],
        );
        // Wedges first, then every text above them.
        assert!(matches!(scene.items[3].shape, Shape::Path { .. }));
        assert!(scene.items[..4].iter().all(|i| i.clip.is_none()));
        assert_eq!(
            entries,
            ["a", "b", "c", "d"]
                .iter()
                .enumerate()
                .map(|(i, l)| WedgeEntry {
                    label: l.to_string(),
                    color: color::CYCLE[i]
                })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn labels_straight_up_lean_left_in_float32() {
        // ax.pie([1, 1], labels=["a", "b"], autopct="%.1f%%"): the float32 bisector
        // π/2 is a hair past it, so "a" is right-aligned and "b" (3π/2) left-aligned.
        let pie = PieSeries {
            values: values(&[1.0, 1.0]),
            labels: labels(&["a", "b"]),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        check_wedge(wedges[0].0, 0.0, 180.0, CENTER);
        check_wedge(wedges[1].0, 180.0, 360.0, CENTER);
        check_texts(
            &scene,
            &[
                ("a", 327.99999289147894, 79.77600000000018, Anchor::End),
                ("b", 328.0000019392718, 405.024, Anchor::Start),
                (
                    "50.0%",
                    327.99999612262485,
                    153.69600000000014,
                    Anchor::Middle,
                ),
                (
                    "50.0%",
                    328.0000010577846,
                    331.10400000000004,
                    Anchor::Middle,
                ),
            ],
        );
    }

    #[test]
    fn startangle_clockwise_and_explode() {
        // ax.pie([3, 1, 2], labels=["x", "y", "z"], startangle=90, counterclock=False,
        //        explode=[0.1, 0, 0.2], autopct="%.2f%%")
        let pie = PieSeries {
            values: values(&[3.0, 1.0, 2.0]),
            labels: labels(&["x", "y", "z"]),
            startangle: Some(90.0),
            counterclock: Some(false),
            explode: Some(values(&[0.1, 0.0, 0.2])),
            autopct: Some("{:.2f}%".into()),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 3);
        check_wedge(wedges[0].0, -90.0, 90.0, (342.784, 242.40000000000003));
        check_wedge(wedges[1].0, -150.0, -90.0, CENTER);
        check_wedge(
            wedges[2].0,
            -270.0,
            -150.0,
            (302.39336765594294, 227.61598823064963),
        );
        check_texts(
            &scene,
            &[
                ("x", 505.408, 242.40000000000003, Anchor::Start),
                ("y", 246.687991791787, 383.2365105260263, Anchor::End),
                ("z", 161.5568897636291, 146.3039234992225, Anchor::End),
                ("50.00%", 431.488, 242.40000000000003, Anchor::Middle),
                (
                    "16.67%",
                    283.64799552279294,
                    319.219914832378,
                    Anchor::Middle,
                ),
                (
                    "33.33%",
                    225.57347062377175,
                    183.26395292259843,
                    Anchor::Middle,
                ),
            ],
        );
    }

    #[test]
    fn donut_rings_with_shares_in_the_ring() {
        // ax.pie([2, 3, 5], labels=["p", "q", "r"], autopct="%.0f%%",
        //        wedgeprops=dict(width=0.4), pctdistance=0.8)
        let pie = PieSeries {
            values: values(&[2.0, 3.0, 5.0]),
            labels: labels(&["p", "q", "r"]),
            autopct: Some("{:.0f}%".into()),
            hole: Some(0.6),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 3);
        for ((points, _), (t1, t2)) in
            wedges
                .iter()
                .zip([(0.0, 72.0), (72.0, 180.0), (180.0, 360.0)])
        {
            // Outer arc t1 → t2, then the inner arc back from t2 to t1.
            let half = points.len() / 2;
            let (outer, inner) = points.split_at(half);
            for p in outer {
                assert!(close((p.x - CENTER.0).hypot(p.y - CENTER.1), RADIUS, 1e-9));
            }
            for p in inner {
                assert!(close(
                    (p.x - CENTER.0).hypot(p.y - CENTER.1),
                    0.6 * RADIUS,
                    1e-9
                ));
            }
            let angle = |p: &Point| {
                (CENTER.1 - p.y)
                    .atan2(p.x - CENTER.0)
                    .to_degrees()
                    .rem_euclid(360.0)
            };
            let same = |a: f64, b: f64| {
                let d = (a - b).rem_euclid(360.0);
                d.min(360.0 - d) < 1e-9
            };
            assert!(same(angle(&outer[0]), t1));
            assert!(same(angle(&inner[0]), t2));
            assert!(same(angle(&inner[inner.len() - 1]), t1));
            check_arc_error(outer, CENTER, RADIUS);
        }
        check_texts(
            &scene,
            &[
                ("p", 459.5655780219179, 146.81200883082317, Anchor::Start),
                ("q", 232.41201876374816, 110.83441476138995, Anchor::End),
                ("r", 328.0000019392718, 405.024, Anchor::Start),
                ("20%", 423.684056743213, 172.88146096787136, Anchor::Middle),
                ("30%", 258.4814681918169, 146.71593800828362, Anchor::Middle),
                ("50%", 328.00000141037947, 360.672, Anchor::Middle),
            ],
        );
    }

    #[test]
    fn a_start_angle_that_float32_rounds() {
        // ax.pie([2, 3, 4], labels=["u", "v", "w"], startangle=33.3, autopct="%.1f%%")
        let pie = PieSeries {
            values: values(&[2.0, 3.0, 4.0]),
            labels: labels(&["u", "v", "w"]),
            startangle: Some(33.3),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        check_wedge(wedges[0].0, 33.3, 113.30000305175781, CENTER);
        check_wedge(wedges[1].0, 113.30000305175781, 233.3000030517578, CENTER);
        check_wedge(wedges[2].0, 233.3000030517578, 393.29998779296875, CENTER);
        check_texts(
            &scene,
            &[
                ("u", 374.73170204094015, 86.63507005632886, Anchor::Start),
                ("v", 166.4866120160069, 223.42657442810832, Anchor::End),
                ("w", 439.5305491251519, 360.7532931009615, Anchor::Start),
                (
                    "22.2%",
                    353.4900192950583,
                    157.43731093981575,
                    Anchor::Middle,
                ),
                (
                    "33.3%",
                    239.9017883723674,
                    232.05085877896818,
                    Anchor::Middle,
                ),
                (
                    "44.4%",
                    388.83484497735554,
                    306.9563416914336,
                    Anchor::Middle,
                ),
            ],
        );
    }

    #[test]
    fn float32_shares_round_as_matplotlib() {
        // 47/80 is 58.749996 % in float32: matplotlib prints 58.7%, not 58.8%.
        let pie = PieSeries {
            values: values(&[1.0, 47.0, 32.0]),
            labels: labels(&["a", "b", "c"]),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        check_wedge(wedges[1].0, 4.5, 215.99998474121094, CENTER);
        check_texts(
            &scene,
            &[
                ("a", 490.49862278263436, 236.01541154442126, Anchor::Start),
                ("b", 271.71306745466194, 89.82756932972279, Anchor::End),
                ("c", 378.25352757733015, 397.06463183945624, Anchor::Start),
                (
                    "1.2%",
                    416.6356124268915,
                    238.91749720604795,
                    Anchor::Middle,
                ),
                (
                    "58.7%",
                    297.29803679345196,
                    159.17867417984883,
                    Anchor::Middle,
                ),
                (
                    "40.0%",
                    355.41101504218005,
                    326.7625264578852,
                    Anchor::Middle,
                ),
            ],
        );
    }

    #[test]
    fn one_wedge_is_a_disc() {
        // ax.pie([5], labels=["only"], autopct="%.1f%%")
        let pie = PieSeries {
            values: values(&[5.0]),
            labels: labels(&["only"]),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, entries) = render(&pie);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 1);
        // No spoke to the centre: every vertex is on the circle.
        for p in wedges[0].0 {
            assert!(close((p.x - CENTER.0).hypot(p.y - CENTER.1), RADIUS, 1e-9));
        }
        check_arc_error(wedges[0].0, CENTER, RADIUS);
        check_texts(
            &scene,
            &[
                ("only", 165.3760000000006, 242.4000142170422, Anchor::End),
                (
                    "100.0%",
                    239.29600000000033,
                    242.4000077547503,
                    Anchor::Middle,
                ),
            ],
        );
        assert_eq!(entries.len(), 1);
        // A one-wedge donut is a ring, and any start angle still closes the circle.
        for start in [0.0, 33.0, -20.0, 17.3] {
            let donut = PieSeries {
                hole: Some(0.5),
                startangle: Some(start),
                ..pie.clone()
            };
            let (scene, _) = render(&donut);
            assert_eq!(polygons(&scene).len(), 1);
        }
    }

    #[test]
    fn zero_wedges_keep_their_texts_and_null_wedges_draw_nothing() {
        // ax.pie([1, 0, 2], labels=["a", "b", "c"], autopct="%.1f%%")
        let zero = PieSeries {
            values: values(&[1.0, 0.0, 2.0]),
            labels: labels(&["a", "b", "c"]),
            autopct: Some("{:.1f}%".into()),
            ..Default::default()
        };
        let (scene, entries) = render(&zero);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 2);
        check_wedge(wedges[0].0, 0.0, 120.0, CENTER);
        check_wedge(wedges[1].0, 120.0, 360.0, CENTER);
        // The empty wedge still took C1.
        assert_eq!(wedges[1].1, color::CYCLE[2]);
        check_texts(
            &scene,
            &[
                ("a", 409.3119958958934, 101.5634823654525, Anchor::Start),
                ("b", 246.687991791787, 101.56348947397379, Anchor::End),
                ("c", 246.68801641642682, 383.2365247430678, Anchor::End),
                (
                    "33.3%",
                    372.3519977613964,
                    165.58008129024688,
                    Anchor::Middle,
                ),
                (
                    "0.0%",
                    283.64799552279294,
                    165.5800851676221,
                    Anchor::Middle,
                ),
                (
                    "66.7%",
                    283.64800895441465,
                    319.2199225871279,
                    Anchor::Middle,
                ),
            ],
        );
        assert_eq!(entries.len(), 3);

        let null = PieSeries {
            values: vec![Some(1.0), None, Some(2.0)],
            ..zero
        };
        let (scene, entries) = render(&null);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 2);
        check_wedge(wedges[1].0, 120.0, 360.0, CENTER);
        assert_eq!(wedges[1].1, color::CYCLE[2]);
        let strings: Vec<&str> = texts(&scene).iter().map(|t| t.text.as_str()).collect();
        assert_eq!(strings, ["a", "33.3%", "c", "66.7%"]);
        let names: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(names, ["a", "c"]);
    }

    #[test]
    fn colors_cycle_and_alpha_applies() {
        let pie = PieSeries {
            values: values(&[1.0, 1.0, 1.0]),
            colors: Some(vec!["red".into(), "#00ff00".into()]),
            labels: labels(&["a", "", "c"]),
            alpha: Some(0.5),
            ..Default::default()
        };
        let (scene, entries) = render(&pie);
        let fills: Vec<Color> = polygons(&scene).iter().map(|(_, c)| *c).collect();
        let red = Color::rgb(255, 0, 0).with_alpha(0.5);
        let green = Color::rgb(0, 255, 0).with_alpha(0.5);
        assert_eq!(fills, [red, green, red]);
        // An empty label is no text and no legend entry.
        assert_eq!(texts(&scene).len(), 2);
        assert_eq!(
            entries,
            [
                WedgeEntry {
                    label: "a".into(),
                    color: red
                },
                WedgeEntry {
                    label: "c".into(),
                    color: red
                }
            ]
        );
    }

    #[test]
    fn arcs_stay_within_a_tenth_of_a_pixel_at_any_radius() {
        for side in [10.0, 369.6, 5000.0] {
            let plot = Rect {
                x: 0.0,
                y: 0.0,
                w: side,
                h: side,
            };
            let mut scene = Scene::new(side, side, None);
            let pie = PieSeries {
                values: values(&[1.0, 2.0]),
                ..Default::default()
            };
            draw(&mut scene, plot, &pie, &Style::default(), BLACK);
            let c = (side / 2.0, side / 2.0);
            for (points, _) in polygons(&scene) {
                check_arc_error(points, c, side / 2.5);
            }
        }
    }

    #[test]
    fn numpy_float32_sum_is_pairwise() {
        // Sequential float32 addition loses the small values one at a time past 2^24;
        // numpy's eight lanes keep some of them.
        let mut data = vec![16_777_216.0f32];
        data.extend(std::iter::repeat_n(1.0f32, 15));
        assert_eq!(
            crate::layout::boxstats::pairwise_sum(&data),
            16_777_216.0 + 8.0 + 6.0
        );
        assert_eq!(crate::layout::boxstats::pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
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
    fn degenerate_pies_do_not_panic() {
        let cases = [
            vec![],
            vec![None, None],
            vec![Some(0.0), Some(0.0)],
            vec![Some(f64::NAN), Some(1.0)],
            vec![Some(f64::INFINITY), Some(1.0)],
            vec![Some(-1.0), Some(1.0)],
            vec![Some(1e300), Some(1e300), Some(1e-300)],
            vec![Some(f64::MAX), Some(f64::MAX)],
            vec![Some(1e-40)],
        ];
        let plots = [
            PLOT,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            },
            Rect {
                x: 0.0,
                y: 0.0,
                w: -5.0,
                h: f64::NAN,
            },
        ];
        for v in cases {
            for plot in plots {
                let pie = PieSeries {
                    values: v.clone(),
                    labels: Some(vec!["x".into()]),
                    colors: Some(Vec::new()),
                    explode: Some(vec![Some(f64::NAN)]),
                    autopct: Some("{".into()),
                    startangle: Some(f64::INFINITY),
                    hole: Some(2.0),
                    ..Default::default()
                };
                let mut scene = Scene::new(10.0, 10.0, None);
                draw(&mut scene, plot, &pie, &Style::default(), BLACK);
                let plain = PieSeries {
                    values: v.clone(),
                    ..Default::default()
                };
                draw(&mut scene, plot, &plain, &Style::default(), BLACK);
                assert!(all_finite(&scene), "{v:?} in {plot:?}");
            }
        }
        // Huge values keep their proportions.
        let pie = PieSeries {
            values: values(&[1e300, 1e300]),
            ..Default::default()
        };
        let (scene, _) = render(&pie);
        let wedges = polygons(&scene);
        assert_eq!(wedges.len(), 2);
        check_wedge(wedges[0].0, 0.0, 180.0, CENTER);
    }
}
