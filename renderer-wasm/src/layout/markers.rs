//! Markers (`o s ^ x +`) and line strokes: shared by series and legend handles.

use super::theme::{DASHDOT, DASHED, DOTTED};
use crate::scene::{Color, Point, Rect, Scene, Shape, Stroke};
use crate::spec::{DashStyle, Marker};

/// A stroke of `width` px in `style`; dashes scale with the width, as matplotlib's
/// `lines.scale_dashes`.
pub fn stroke(color: Color, width: f64, style: DashStyle) -> Stroke {
    let pattern: &[f64] = match style {
        DashStyle::Solid => &[],
        DashStyle::Dashed => &DASHED,
        DashStyle::Dotted => &DOTTED,
        DashStyle::Dashdot => &DASHDOT,
    };
    // Hairlines still get visible dashes.
    let unit = width.max(0.5);
    Stroke {
        color,
        width,
        dash: pattern.iter().map(|d| d * unit).collect(),
    }
}

/// Draws one marker of `kind`, `size` px across, centred on `at`. As in matplotlib,
/// every marker has an edge `edge_width` px wide in its own color: it strokes `x` and
/// `+`, and makes filled markers that much larger.
pub fn push(
    scene: &mut Scene,
    clip: Option<Rect>,
    kind: Marker,
    at: Point,
    size: f64,
    edge_width: f64,
    color: Color,
) {
    let filled = matches!(kind, Marker::Circle | Marker::Square | Marker::Triangle);
    let size = if filled && size > 0.0 {
        size + edge_width
    } else {
        size
    };
    let half = size / 2.0;
    if half.is_nan() || half <= 0.0 {
        return;
    }
    let polygon = |points: Vec<Point>| Shape::Path {
        points,
        closed: true,
        fill: Some(color),
        stroke: None,
    };
    let offset = |dx: f64, dy: f64| Point {
        x: at.x + dx,
        y: at.y + dy,
    };
    let edge = Stroke {
        color,
        width: edge_width,
        dash: Vec::new(),
    };
    let segment = |a: Point, b: Point| Shape::Path {
        points: vec![a, b],
        closed: false,
        fill: None,
        stroke: Some(edge.clone()),
    };
    match kind {
        Marker::None => {}
        Marker::Circle => scene.push(
            clip,
            Shape::Circle {
                center: at,
                radius: half,
                fill: Some(color),
                stroke: None,
            },
        ),
        Marker::Square => scene.push(
            clip,
            polygon(vec![
                offset(-half, -half),
                offset(half, -half),
                offset(half, half),
                offset(-half, half),
            ]),
        ),
        Marker::Triangle => scene.push(
            clip,
            polygon(vec![
                offset(0.0, -half),
                offset(half, half),
                offset(-half, half),
            ]),
        ),
        Marker::Cross => {
            scene.push(clip, segment(offset(-half, -half), offset(half, half)));
            scene.push(clip, segment(offset(-half, half), offset(half, -half)));
        }
        Marker::Plus => {
            scene.push(clip, segment(offset(-half, 0.0), offset(half, 0.0)));
            scene.push(clip, segment(offset(0.0, -half), offset(0.0, half)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_scale_with_width() {
        let thin = stroke(Color::rgb(0, 0, 0), 1.0, DashStyle::Dashed);
        let thick = stroke(Color::rgb(0, 0, 0), 2.0, DashStyle::Dashed);
        assert_eq!(thin.dash, vec![3.7, 1.6]);
        assert_eq!(thick.dash, vec![7.4, 3.2]);
        assert!(stroke(Color::rgb(0, 0, 0), 2.0, DashStyle::Solid)
            .dash
            .is_empty());
    }

    #[test]
    fn every_marker_draws_within_its_size() {
        for kind in [
            Marker::Circle,
            Marker::Square,
            Marker::Triangle,
            Marker::Cross,
            Marker::Plus,
        ] {
            let mut scene = Scene::new(100.0, 100.0, None);
            push(
                &mut scene,
                None,
                kind,
                Point { x: 50.0, y: 50.0 },
                6.0,
                0.0,
                Color::rgb(1, 2, 3),
            );
            assert!(!scene.items.is_empty(), "{kind:?}");
            for item in &scene.items {
                if let Shape::Path { points, .. } = &item.shape {
                    assert!(points
                        .iter()
                        .all(|p| (p.x - 50.0).abs() <= 3.0 && (p.y - 50.0).abs() <= 3.0));
                }
            }
        }
    }
}
