//! Annotations, as matplotlib's `ax.annotate`: a text at `xytext` (data coordinates)
//! or at `offset` points from the annotated point `xy`, and optionally an arrow from
//! the text to the point.
//!
//! The arrow is matplotlib's default `FancyArrowPatch` for the styles `->`, `-|>` and
//! `-`: it leaves the text's box where the line from the box's centre to `xy` crosses
//! it, both ends shrink by 2 pt (`shrinkA`, `shrinkB`), its width is `patch.linewidth`,
//! and the head is 0.4 font sizes long and 0.2 wide on each side (the arrow styles'
//! `head_length` and `head_width`, scaled by the text's size as `mutation_scale`).
//! As in matplotlib, nothing is drawn when `xy` lies outside the axes.

use super::series::{clip_segment, Canvas};
use super::text_box as text_box_of;
use super::theme::SeriesLook;
use crate::scene::{Anchor, Baseline, Point, Rect, Scene, Shape, Stroke, Text};
use crate::spec::{AnnotationSeries, ArrowStyle, Datum, HAlign, VAlign};

/// `shrinkA` / `shrinkB`, in points.
const SHRINK: f64 = 2.0;
/// The head's length and half-width, in text sizes.
const HEAD_LENGTH: f64 = 0.4;
const HEAD_WIDTH: f64 = 0.2;
/// px from the annotated point (inside the axes) past which no canvas reaches: the
/// largest is 10,000 px a side.
const FAR: f64 = 1e5;

/// Draws `a` on `canvas` in `look` (its color, font size and arrow width).
pub fn draw(scene: &mut Scene, canvas: &Canvas, a: &AnnotationSeries, look: &SeriesLook) {
    let number = |d: &Datum| d.number();
    let Some(target) = canvas.point(number(&a.xy[0]), number(&a.xy[1])) else {
        return;
    };
    if !canvas.near_plot(target, 0.0) {
        return;
    }
    let style = &canvas.style;
    let at = match (&a.xytext, a.offset) {
        (Some([x, y]), _) => match canvas.point(number(x), number(y)) {
            Some(p) => p,
            None => return,
        },
        (None, Some([dx, dy])) => Point {
            x: target.x + style.px(dx),
            y: target.y - style.px(dy),
        },
        (None, None) => target,
    };
    let text = Text {
        at,
        text: a.text.clone(),
        superscript: None,
        size: look.font_size,
        color: look.color,
        anchor: match a.ha.unwrap_or_default() {
            HAlign::Left => Anchor::Start,
            HAlign::Center => Anchor::Middle,
            HAlign::Right => Anchor::End,
        },
        baseline: match a.va.unwrap_or_default() {
            VAlign::Top => Baseline::Top,
            VAlign::Center => Baseline::Middle,
            VAlign::Bottom => Baseline::Bottom,
        },
        rotation: 0.0,
        family: look.family,
    };
    let arrow = a.arrow.unwrap_or(ArrowStyle::None);
    if arrow != ArrowStyle::None && !a.text.is_empty() {
        let bounds = text_box_of(&text);
        arrow_shapes(
            scene,
            bounds,
            target,
            arrow,
            look.font_size,
            style.px(SHRINK),
            look,
        );
    }
    scene.push(None, Shape::Text(text));
}

/// Pushes the arrow from the text's box `from` to `target`.
fn arrow_shapes(
    scene: &mut Scene,
    from: Rect,
    target: Point,
    arrow: ArrowStyle,
    size: f64,
    shrink: f64,
    look: &SeriesLook,
) {
    let center = Point {
        x: from.x + from.w / 2.0,
        y: from.y + from.h / 2.0,
    };
    let (dx, dy) = (target.x - center.x, target.y - center.y);
    let distance = libm::hypot(dx, dy);
    if !(distance.is_finite() && distance > 0.0) {
        return;
    }
    let (ux, uy) = (dx / distance, dy / distance);
    // Where the ray from the centre leaves the box.
    let exit = [
        (ux != 0.0).then(|| (from.w / 2.0) / ux.abs()),
        (uy != 0.0).then(|| (from.h / 2.0) / uy.abs()),
    ]
    .into_iter()
    .flatten()
    .fold(f64::INFINITY, f64::min);
    let start_at = exit + shrink;
    let end_at = distance - shrink;
    if end_at.partial_cmp(&start_at) != Some(std::cmp::Ordering::Greater) {
        // The point is inside or at the text: matplotlib draws no arrow to speak of.
        return;
    }
    let start = Point {
        x: center.x + ux * start_at,
        y: center.y + uy * start_at,
    };
    // From the target rather than the centre: a text far away (1e19 px) would put the
    // head kilopixels off by rounding.
    let end = Point {
        x: target.x - ux * shrink,
        y: target.y - uy * shrink,
    };
    let stroke = Stroke {
        color: look.color,
        width: look.line_width,
        dash: Vec::new(),
    };
    let head_length = (HEAD_LENGTH * size).min(end_at - start_at);
    let half_width = HEAD_WIDTH * size;
    let base = Point {
        x: end.x - ux * head_length,
        y: end.y - uy * head_length,
    };
    let side = |sign: f64| Point {
        x: base.x - uy * half_width * sign,
        y: base.y + ux * half_width * sign,
    };
    let line_end = if arrow == ArrowStyle::Filled {
        base
    } else {
        end
    };
    // The shaft of a text far outside the figure is cut to the part that can show: the
    // rasterizer's fixed-point arithmetic overflows on coordinates near 1e19.
    let reach = Rect {
        x: target.x - FAR,
        y: target.y - FAR,
        w: 2.0 * FAR,
        h: 2.0 * FAR,
    };
    let Some((start, line_end)) = clip_segment(start, line_end, reach) else {
        return;
    };
    scene.push(
        None,
        Shape::Path {
            points: vec![start, line_end],
            closed: false,
            fill: None,
            stroke: Some(stroke.clone()),
        },
    );
    match arrow {
        ArrowStyle::Open => scene.push(
            None,
            Shape::Path {
                points: vec![side(1.0), end, side(-1.0)],
                closed: false,
                fill: None,
                stroke: Some(stroke),
            },
        ),
        ArrowStyle::Filled => scene.push(
            None,
            Shape::Path {
                points: vec![side(1.0), end, side(-1.0)],
                closed: true,
                fill: Some(look.color),
                stroke: Some(stroke),
            },
        ),
        ArrowStyle::Plain | ArrowStyle::None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::axis::{AxisScale, Limits};
    use crate::layout::theme::Style;
    use crate::scene::Color;
    use crate::spec::Series;

    fn canvas() -> Canvas {
        let plot = Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        };
        let limits = Limits {
            lo: 0.0,
            hi: 10.0,
            log: false,
        };
        Canvas {
            x: AxisScale::new(limits, 0.0, 400.0),
            y: AxisScale::new(limits, 300.0, 0.0),
            plot,
            foreground: Color::rgb(0, 0, 0),
            style: Style::default(),
        }
    }

    fn annotation(json: &str) -> (AnnotationSeries, SeriesLook) {
        let series: Series = match serde_json::from_str(json) {
            Ok(s) => s,
            Err(e) => panic!("{json}: {e}"),
        };
        let Series::Annotation(a) = series else {
            panic!("{json} is not an annotation");
        };
        let look =
            Style::default().series_look(&Series::Annotation(a.clone()), Color::rgb(0, 0, 0), None);
        (a, look)
    }

    fn paths(scene: &Scene) -> Vec<&Vec<Point>> {
        scene
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Path { points, .. } => Some(points),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_arrow_stops_short_of_the_point_and_leaves_the_text_box() {
        let (a, look) = annotation(
            r#"{"type": "annotation", "text": "peak", "xy": [5, 5], "xytext": [1, 9], "arrow": "->"}"#,
        );
        let mut scene = Scene::new(400.0, 300.0, None);
        draw(&mut scene, &canvas(), &a, &look);
        let lines = paths(&scene);
        assert_eq!(lines.len(), 2, "{:?}", scene.items);
        let (target_x, target_y) = (200.0, 150.0);
        let tip = lines[1][1];
        let gap = libm::hypot(tip.x - target_x, tip.y - target_y);
        let shrink = Style::default().px(SHRINK);
        assert!((gap - shrink).abs() < 1e-6, "tip {gap} px from the point");
        let text = scene.items.iter().find_map(|i| match &i.shape {
            Shape::Text(t) => Some(text_box_of(t)),
            _ => None,
        });
        let Some(bounds) = text else {
            panic!("no text drawn");
        };
        let start = lines[0][0];
        let inside = start.x > bounds.x
            && start.x < bounds.right()
            && start.y > bounds.y
            && start.y < bounds.bottom();
        assert!(!inside, "the arrow starts inside the text box");
    }

    #[test]
    fn offsets_are_points_up_and_right() {
        let (a, look) = annotation(
            r#"{"type": "annotation", "text": "x", "xy": [5, 5], "offset": [36, 72], "ha": "center", "va": "center"}"#,
        );
        let mut scene = Scene::new(400.0, 300.0, None);
        draw(&mut scene, &canvas(), &a, &look);
        let px = Style::default().px(1.0);
        let at = scene.items.iter().find_map(|i| match &i.shape {
            Shape::Text(t) => Some(t.at),
            _ => None,
        });
        assert_eq!(
            at,
            Some(Point {
                x: 200.0 + 36.0 * px,
                y: 150.0 - 72.0 * px
            })
        );
    }

    #[test]
    fn nothing_for_a_point_outside_the_axes() {
        let (a, look) =
            annotation(r#"{"type": "annotation", "text": "far", "xy": [50, 5], "arrow": "-|>"}"#);
        let mut scene = Scene::new(400.0, 300.0, None);
        draw(&mut scene, &canvas(), &a, &look);
        assert!(scene.items.is_empty());
    }
}
