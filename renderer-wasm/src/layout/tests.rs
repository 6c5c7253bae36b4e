//! Whole-figure layout tests: specs in, scenes out, checked for the properties
//! a reader checks in the picture (labels inside the canvas and apart, gaps, grouping,
//! orientation, themes, errors).

use super::*;
use crate::error::RenderError;
use crate::scene::Item;
use crate::validate::{validate, Limits as SpecLimits};

fn scene_of(spec: &str) -> Scene {
    match try_scene(spec) {
        Ok(scene) => scene,
        Err(e) => panic!("{spec} failed: {e}"),
    }
}

fn try_scene(spec: &str) -> Result<Scene, RenderError> {
    let figure = crate::parse_figure(spec.as_bytes())?;
    let valid = validate(figure, 1.0, &SpecLimits::default())?;
    Ok(build_scene(&valid))
}

fn texts(scene: &Scene) -> Vec<&Text> {
    scene
        .items
        .iter()
        .filter(|i| i.clip.is_none())
        .filter_map(|i| match &i.shape {
            Shape::Text(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn intersect(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

fn all_points(item: &Item) -> Vec<Point> {
    match &item.shape {
        Shape::Rect { rect, .. } => vec![
            Point {
                x: rect.x,
                y: rect.y,
            },
            Point {
                x: rect.right(),
                y: rect.bottom(),
            },
        ],
        Shape::Path { points, .. } => points.clone(),
        Shape::Circle { center, radius, .. } => vec![*center, Point { x: *radius, y: 0.0 }],
        Shape::Text(t) => vec![t.at],
    }
}

/// Specs that stress label placement: long labels, many subplots, big numbers, small
/// canvases, categories, log axes, colorbars.
const CROWDED: &[&str] = &[
    r#"{"title": "Daily signups", "series": [{"type": "line", "y": [1, 5, 2, 8]}], "x": {"label": "day"}, "y": {"label": "count"}}"#,
    r#"{"width": 300, "height": 200, "series": [{"type": "line", "x": [0, 123456789], "y": [-0.000123, 98765.4321]}]}"#,
    r#"{"subplots": {"rows": 2, "cols": 3}, "title": "Grid", "axes": [
        {"title": "a", "x": {"label": "x"}, "y": {"label": "y"}, "series": [{"type": "scatter", "x": [1, 2], "y": [1e6, 3e6]}]},
        {"title": "b", "series": [{"type": "bar", "x": ["alpha", "beta", "gamma", "delta", "epsilon"], "y": [1, 2, 3, 4, 5]}]},
        {"y": {"scale": "log"}, "series": [{"type": "line", "y": [0.001, 10, 100000]}]},
        {"series": [{"type": "heatmap", "z": [[1, 2], [3, 4]], "colorbar": true}]},
        {"series": [{"type": "hist", "values": [1, 2, 2, 3, 3, 3, 4]}], "x": {"label": "value"}},
        {"series": [{"type": "bar", "x": ["a", "b"], "y": [3, -2], "orientation": "horizontal"}]}
    ]}"#,
    r#"{"series": [{"type": "bar", "x": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"], "y": [1,2,3,4,5,6,7,8,9,10,11,12]}]}"#,
    r#"{"width": 160, "height": 120, "title": "A very long figure title that cannot possibly fit", "series": [{"type": "line", "y": [1, 2]}], "y": {"label": "a long y label here"}}"#,
    r#"{"series": [{"type": "line", "x": [-1e300, 1e300], "y": [1e300, -1e300]}]}"#,
    r#"{"series": [{"type": "line", "y": [1e-300, 2e-300]}]}"#,
    r#"{"series": [{"type": "scatter", "x": [0.001, 0.005], "y": [5, 5]}], "x": {"ticks": [0.001, 0.002, 0.003, 0.004, 0.005], "tick_labels": ["one", "two", "three", "four", "five"]}}"#,
];

#[test]
fn labels_stay_inside_the_canvas_and_apart() {
    for spec in CROWDED {
        let scene = scene_of(spec);
        let boxes: Vec<(Rect, &str)> = texts(&scene)
            .into_iter()
            .map(|t| (text_box(t), t.text.as_str()))
            .collect();
        for (b, label) in &boxes {
            assert!(
                b.x >= -0.5
                    && b.y >= -0.5
                    && b.right() <= scene.width + 0.5
                    && b.bottom() <= scene.height + 0.5
                    || b.w > scene.width,
                "{label:?} at {b:?} leaves the {}x{} canvas in {spec}",
                scene.width,
                scene.height
            );
        }
        for (i, (a, label_a)) in boxes.iter().enumerate() {
            for (b, label_b) in &boxes[i + 1..] {
                assert!(
                    !intersect(a, b),
                    "{label_a:?} {a:?} overlaps {label_b:?} {b:?} in {spec}"
                );
            }
        }
    }
}

#[test]
fn scenes_never_hold_nan() {
    let mut specs: Vec<&str> = CROWDED.to_vec();
    specs.extend([
        r#"{"series": [{"type": "line", "y": [null, null]}]}"#,
        r#"{"series": [{"type": "line", "y": []}]}"#,
        r#"{"series": [{"type": "scatter", "y": [3, 3, 3]}]}"#,
        r#"{"series": [{"type": "line", "y": [1, 2]}], "x": {"min": 0, "max": 1e-300}}"#,
        r#"{"series": [{"type": "line", "y": [1e300, -1e300, 1e300]}], "y": {"min": -1, "max": 1}}"#,
        r#"{"series": [{"type": "hist", "values": [null]}]}"#,
        r#"{"series": [{"type": "heatmap", "z": [[null, null]]}]}"#,
        r#"{"series": [{"type": "area", "x": [1, 2, 3], "y": [1, null, 3], "y2": [0, 0, null]}]}"#,
        r#"{"series": [{"type": "errorbar", "y": [1, 2], "yerr": 1e300, "xerr": [1, null]}]}"#,
        r#"{"series": [{"type": "step", "y": [1, 2, null, 4], "where": "mid"}, {"type": "text", "x": 0, "y": 0, "text": "hi"}]}"#,
        r#"{"series": [{"type": "bar", "y": [1, 2], "x": [5, 5]}, {"type": "hline", "y": 1}, {"type": "vline", "x": 2}]}"#,
        r#"{"width": 1, "height": 1, "series": [{"type": "line", "y": [1, 2]}], "x": {"label": "x"}}"#,
        r#"{"series": [{"type": "line", "y": [1, 10, 100]}], "x": {"scale": "log"}}"#,
    ]);
    for spec in specs {
        let scene = scene_of(spec);
        for item in &scene.items {
            for p in all_points(item) {
                assert!(p.x.is_finite() && p.y.is_finite(), "{item:?} in {spec}");
            }
        }
    }
}

#[test]
fn gaps_split_lines() {
    let scene = scene_of(r#"{"series": [{"type": "line", "y": [1, 2, null, 3, 4, 5, null, 6]}]}"#);
    let lines: Vec<usize> = scene
        .items
        .iter()
        .filter(|i| i.clip.is_some())
        .filter_map(|i| match &i.shape {
            Shape::Path {
                points,
                stroke: Some(_),
                ..
            } => Some(points.len()),
            _ => None,
        })
        .collect();
    // The lone point after the second gap draws no line.
    assert_eq!(lines, [2, 3]);
}

#[test]
fn log_axis_without_positive_data_names_the_scale() {
    let err = try_scene(r#"{"axes": [{"series": []}, {"y": {"scale": "log"}, "series": [{"type": "line", "y": [0, -1]}]}]}"#).err();
    assert_eq!(err.and_then(|e| e.path).as_deref(), Some("/axes/1/y/scale"));
    let err = try_scene(
        r#"{"x": {"scale": "log"}, "series": [{"type": "line", "x": [-1, 0], "y": [1, 2]}]}"#,
    )
    .err();
    assert_eq!(
        err.as_ref().and_then(|e| e.path.as_deref()),
        Some("/x/scale")
    );
    assert_eq!(err.map(|e| e.kind), Some(crate::ErrorKind::InvalidSpec));
}

fn filled_rects(scene: &Scene, color: Color) -> Vec<Rect> {
    scene
        .items
        .iter()
        .filter(|i| i.clip.is_some())
        .filter_map(|i| match i.shape {
            Shape::Rect { rect, fill } if fill == color => Some(rect),
            _ => None,
        })
        .collect()
}

#[test]
fn grouped_bars_sit_side_by_side() {
    let scene = scene_of(
        r#"{"series": [
            {"type": "bar", "x": ["a", "b", "c"], "y": [3, 4, 5]},
            {"type": "bar", "x": ["a", "b", "c"], "y": [5, 4, 3]},
            {"type": "bar", "x": ["b", "d"], "y": [1, 2]}
        ]}"#,
    );
    let groups: Vec<Vec<Rect>> = (0..3)
        .map(|i| filled_rects(&scene, crate::color::CYCLE[i]))
        .collect();
    assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 2]);
    let all: Vec<Rect> = groups.concat();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert!(!intersect(a, b), "{a:?} overlaps {b:?}");
        }
    }
    // Within slot "a", the first series is left of the second.
    assert!(groups[0][0].right() <= groups[1][0].x + 1e-9);
    // All bars stand on the same baseline.
    let baseline = groups[0][0].bottom();
    assert!(all.iter().all(|r| (r.bottom() - baseline).abs() < 1e-9));
}

#[test]
fn categories_are_labelled_at_their_slots() {
    let scene = scene_of(
        r#"{"series": [{"type": "bar", "x": ["free", "pro", "team"], "y": [40, 12, 5]}]}"#,
    );
    let bars = filled_rects(&scene, crate::color::CYCLE[0]);
    for (label, bar) in ["free", "pro", "team"].iter().zip(&bars) {
        let text = texts(&scene).into_iter().find(|t| t.text == *label);
        let center = bar.x + bar.w / 2.0;
        // Bar edges are snapped to whole pixels; labels are not.
        assert!(
            text.is_some_and(|t| (t.at.x - center).abs() <= 1.0),
            "{label}"
        );
    }
    // Bars start at 0 with no margin below: their bottom is the plot's bottom edge.
    let bottom = bars[0].bottom();
    let spine_bottom = scene
        .items
        .iter()
        .filter_map(|i| match i.shape {
            Shape::Rect { rect, fill }
                if fill == Color::rgb(0, 0, 0) && rect.h == 1.0 && rect.w > 100.0 =>
            {
                Some(rect.bottom())
            }
            _ => None,
        })
        .fold(0.0, f64::max);
    assert_eq!(bottom, spine_bottom);
}

#[test]
fn heatmap_row_zero_is_at_the_top() {
    let scene = scene_of(r#"{"series": [{"type": "heatmap", "z": [[0, 1], [2, 3]]}]}"#);
    let first = filled_rects(
        &scene,
        colormap::sample(crate::spec::Colormap::Viridis, 0.0),
    );
    let last = filled_rects(
        &scene,
        colormap::sample(crate::spec::Colormap::Viridis, 1.0),
    );
    assert_eq!((first.len(), last.len()), (1, 1));
    assert!(first[0].y < last[0].y);
    assert!(first[0].x < last[0].x);
    // Cells fill the axes exactly: the first cell starts at the plot's top-left.
    let cells: Vec<Rect> = scene
        .items
        .iter()
        .filter(|i| i.clip.is_some())
        .filter_map(|i| match i.shape {
            Shape::Rect { rect, .. } => Some(rect),
            _ => None,
        })
        .collect();
    let clip = scene.items.iter().find_map(|i| i.clip);
    assert_eq!(clip.map(|c| (c.x, c.y)), Some((cells[0].x, cells[0].y)));
}

#[test]
fn dark_theme_is_black_and_white() {
    let scene =
        scene_of(r#"{"theme": "dark", "title": "t", "series": [{"type": "line", "y": [1, 2]}]}"#);
    assert_eq!(scene.background, Some(Color::rgb(0, 0, 0)));
    assert!(texts(&scene)
        .iter()
        .all(|t| t.color == Color::rgb(255, 255, 255)));
    let transparent =
        scene_of(r##"{"background": "transparent", "series": [{"type": "line", "y": [1, 2]}]}"##);
    assert_eq!(transparent.background, None);
    let colored =
        scene_of(r##"{"background": "#ff0000", "series": [{"type": "line", "y": [1, 2]}]}"##);
    assert_eq!(colored.background, Some(Color::rgb(255, 0, 0)));
}

fn stroke_colors(scene: &Scene) -> Vec<Color> {
    scene
        .items
        .iter()
        .filter(|i| i.clip.is_some())
        .filter_map(|i| match &i.shape {
            Shape::Path {
                stroke: Some(s), ..
            } => Some(s.color),
            _ => None,
        })
        .collect()
}

#[test]
fn color_cycle_restarts_per_axes_and_skips_explicit_colors() {
    let scene = scene_of(
        r#"{"axes": [
            {"series": [{"type": "line", "y": [1, 2]}, {"type": "line", "y": [1, 2], "color": "red"}, {"type": "line", "y": [2, 1]}]},
            {"series": [{"type": "line", "y": [1, 2], "alpha": 0.5}]}
        ]}"#,
    );
    let c = crate::color::CYCLE;
    assert_eq!(
        stroke_colors(&scene),
        [c[0], Color::rgb(255, 0, 0), c[1], c[0].with_alpha(0.5)]
    );
}

#[test]
fn legend_lists_labelled_series() {
    let scene = scene_of(
        r#"{"series": [{"type": "line", "y": [1, 2], "label": "web"}, {"type": "scatter", "y": [2, 1], "label": "app"}, {"type": "line", "y": [0, 0]}]}"#,
    );
    let labels: Vec<&str> = texts(&scene)
        .iter()
        .map(|t| t.text.as_str())
        .filter(|t| *t == "web" || *t == "app")
        .collect();
    assert_eq!(labels, ["web", "app"]);
    let hidden = scene_of(
        r#"{"legend": "none", "series": [{"type": "line", "y": [1, 2], "label": "web"}]}"#,
    );
    assert!(texts(&hidden).iter().all(|t| t.text != "web"));
}

#[test]
fn series_are_clipped_and_decorations_are_not() {
    let scene = scene_of(
        r#"{"title": "t", "series": [{"type": "line", "y": [1, 2]}, {"type": "text", "x": 0.5, "y": 1.5, "text": "note"}]}"#,
    );
    let clips: Vec<Rect> = scene.items.iter().filter_map(|i| i.clip).collect();
    assert!(clips.len() >= 2 && clips.windows(2).all(|w| w[0] == w[1]));
    let title = scene
        .items
        .iter()
        .find(|i| matches!(&i.shape, Shape::Text(t) if t.text == "t"));
    assert!(title.is_some_and(|i| i.clip.is_none()));
}

#[test]
fn y_label_reads_upwards_left_of_the_tick_labels() {
    let scene =
        scene_of(r#"{"y": {"label": "count"}, "series": [{"type": "line", "y": [100, 20000]}]}"#);
    let all = texts(&scene);
    let label = all.iter().find(|t| t.text == "count");
    assert_eq!(label.map(|t| t.rotation), Some(90.0));
    let label_box = label.map(|t| text_box(t)).unwrap_or(Rect {
        x: f64::NAN,
        y: 0.0,
        w: 0.0,
        h: 0.0,
    });
    let ticks_left = all
        .iter()
        .filter(|t| t.anchor == Anchor::End)
        .map(|t| text_box(t).x)
        .fold(f64::INFINITY, f64::min);
    assert!(
        label_box.right() <= ticks_left,
        "{label_box:?} vs {ticks_left}"
    );
}

#[test]
fn explicit_limits_and_ticks_are_kept() {
    let scene = scene_of(
        r#"{"series": [{"type": "line", "y": [1, 2]}], "y": {"min": 0, "max": 10, "ticks": [0, 5, 10], "tick_labels": ["low", "mid", "high"]}}"#,
    );
    let labels: Vec<&str> = texts(&scene)
        .iter()
        .filter(|t| t.anchor == Anchor::End)
        .map(|t| t.text.as_str())
        .collect();
    assert_eq!(labels, ["low", "mid", "high"]);
}

#[test]
fn horizontal_bars_grow_from_zero_along_x() {
    let scene = scene_of(
        r#"{"series": [{"type": "bar", "x": ["a", "b"], "y": [1, 2], "orientation": "horizontal"}]}"#,
    );
    let bars = filled_rects(&scene, crate::color::CYCLE[0]);
    assert_eq!(bars.len(), 2);
    assert!((bars[0].x - bars[1].x).abs() < 1e-9);
    // Edges are snapped to whole pixels.
    assert!((bars[1].w - 2.0 * bars[0].w).abs() <= 1.0);
    // The first category is at the bottom, as matplotlib's barh.
    assert!(bars[0].y > bars[1].y);
}

#[test]
fn huge_heatmaps_draw_at_most_one_cell_per_pixel() {
    let row: Vec<String> = (0..300).map(|j| j.to_string()).collect();
    let z: Vec<String> = (0..300).map(|_| format!("[{}]", row.join(","))).collect();
    let spec = format!(
        r#"{{"width": 200, "height": 150, "series": [{{"type": "heatmap", "z": [{}]}}]}}"#,
        z.join(",")
    );
    let scene = scene_of(&spec);
    let plot = scene.items.iter().find_map(|i| i.clip).unwrap_or(Rect {
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
    });
    let cells: Vec<Rect> = scene
        .items
        .iter()
        .filter(|i| i.clip.is_some())
        .filter_map(|i| match i.shape {
            Shape::Rect { rect, .. } => Some(rect),
            _ => None,
        })
        .collect();
    assert!(!cells.is_empty());
    assert!(
        cells.len() as f64 <= plot.w * plot.h,
        "{} cells for {plot:?}",
        cells.len()
    );
    // Together the cells cover the plot area exactly once.
    let area: f64 = cells.iter().map(|r| r.w * r.h).sum();
    assert!((area - plot.w * plot.h).abs() < 1e-6, "{area} vs {plot:?}");
}
