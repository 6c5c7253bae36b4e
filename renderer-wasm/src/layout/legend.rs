//! The legend box, drawn like matplotlib's: a rounded frame at 80 % opacity in a plot
//! corner, one row per labelled series with a handle (line sample, marker or patch)
//! and its label. Dimensions are matplotlib's, in units of the legend font size.

use super::markers;
use super::theme::{Palette, Style, LEGEND_FACE_ALPHA};
use crate::scene::{Anchor, Baseline, Color, Point, Rect, Scene, Shape, Stroke, Text};
use crate::spec::{LegendPosition, Marker};
use crate::text;

/// matplotlib `legend.borderpad`, `labelspacing`, `handlelength`, `handleheight`,
/// `handletextpad`, `borderaxespad`, in font sizes.
const BORDER_PAD: f64 = 0.4;
const LABEL_SPACING: f64 = 0.5;
const HANDLE_LENGTH: f64 = 2.0;
const HANDLE_HEIGHT: f64 = 0.7;
const HANDLE_TEXT_PAD: f64 = 0.8;
const BORDER_AXES_PAD: f64 = 0.5;
/// Corner radius of the frame (matplotlib's `round,pad=0,rounding_size=0.2` em).
const CORNER_RADIUS: f64 = 0.2;
/// Markers in the legend are never drawn larger than this many font sizes.
const MAX_MARKER: f64 = 1.2;

/// What a legend row shows for its series.
#[derive(Debug, Clone, PartialEq)]
pub enum Handle {
    /// A line sample, with one marker in its middle.
    Line {
        stroke: Stroke,
        marker: Option<(Marker, f64)>,
        color: Color,
    },
    /// A marker alone (scatter).
    Marker {
        marker: Marker,
        size: f64,
        color: Color,
    },
    /// A filled box (bars, histograms, areas, heatmaps).
    Patch { fill: Color, edge: Option<Color> },
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub label: String,
    pub handle: Handle,
}

/// The size of the legend box for `entries`.
fn size(entries: &[Entry], style: &Style) -> (f64, f64, f64) {
    let em = style.font_size;
    let row = text::ascent(em) + text::descent(em);
    let widest = entries
        .iter()
        .map(|e| text::measure(&e.label, em))
        .fold(0.0, f64::max);
    let width = 2.0 * BORDER_PAD * em + (HANDLE_LENGTH + HANDLE_TEXT_PAD) * em + widest;
    let count = entries.len() as f64;
    let height = 2.0 * BORDER_PAD * em + count * row + (count - 1.0).max(0.0) * LABEL_SPACING * em;
    (width, height, row)
}

/// The frame of the legend for `entries` in `plot` at `position`, or `None` when
/// nothing is to be drawn.
pub fn frame(
    plot: Rect,
    position: LegendPosition,
    entries: &[Entry],
    style: &Style,
) -> Option<Rect> {
    if entries.is_empty() || position == LegendPosition::None {
        return None;
    }
    let (w, h, _) = size(entries, style);
    let pad = BORDER_AXES_PAD * style.font_size;
    let (left, top) = match position {
        LegendPosition::UpperRight | LegendPosition::None => (false, true),
        LegendPosition::UpperLeft => (true, true),
        LegendPosition::LowerLeft => (true, false),
        LegendPosition::LowerRight => (false, false),
    };
    let x = if left {
        plot.x + pad
    } else {
        plot.right() - pad - w
    };
    let y = if top {
        plot.y + pad
    } else {
        plot.bottom() - pad - h
    };
    Some(Rect { x, y, w, h })
}

/// Draws the legend for `entries` inside `plot`.
pub fn draw(
    scene: &mut Scene,
    plot: Rect,
    position: LegendPosition,
    entries: &[Entry],
    palette: &Palette,
    style: &Style,
) {
    let Some(frame) = frame(plot, position, entries, style) else {
        return;
    };
    let em = style.font_size;
    let (_, _, row) = size(entries, style);
    scene.push(
        None,
        Shape::Path {
            points: rounded_rect(frame, CORNER_RADIUS * em),
            closed: true,
            fill: Some(palette.legend_face.with_alpha(LEGEND_FACE_ALPHA)),
            stroke: Some(Stroke {
                color: palette.legend_edge,
                width: style.legend_frame_width,
                dash: Vec::new(),
            }),
        },
    );
    let handle_x = frame.x + BORDER_PAD * em;
    let handle_w = HANDLE_LENGTH * em;
    let text_x = handle_x + handle_w + HANDLE_TEXT_PAD * em;
    let mut top = frame.y + BORDER_PAD * em;
    for entry in entries {
        let middle = top + row / 2.0;
        draw_handle(scene, &entry.handle, handle_x, handle_w, middle, style);
        scene.push(
            None,
            Shape::Text(Text {
                at: Point {
                    x: text_x,
                    y: top + text::ascent(em),
                },
                text: entry.label.clone(),
                superscript: None,
                size: em,
                color: palette.foreground,
                anchor: Anchor::Start,
                baseline: Baseline::Alphabetic,
                rotation: 0.0,
            }),
        );
        top += row + LABEL_SPACING * em;
    }
}

fn draw_handle(scene: &mut Scene, handle: &Handle, x: f64, w: f64, middle: f64, style: &Style) {
    let em = style.font_size;
    let edge = style.marker_edge_width;
    let center = Point {
        x: x + w / 2.0,
        y: middle,
    };
    let marker_size = |size: f64| size.min(MAX_MARKER * em);
    match handle {
        Handle::Line {
            stroke,
            marker,
            color,
        } => {
            if stroke.width > 0.0 {
                scene.push(
                    None,
                    Shape::Path {
                        points: vec![
                            Point { x, y: middle },
                            Point {
                                x: x + w,
                                y: middle,
                            },
                        ],
                        closed: false,
                        fill: None,
                        stroke: Some(stroke.clone()),
                    },
                );
            }
            if let Some((kind, size)) = marker {
                markers::push(scene, None, *kind, center, marker_size(*size), edge, *color);
            }
        }
        Handle::Marker {
            marker,
            size,
            color,
        } => {
            markers::push(
                scene,
                None,
                *marker,
                center,
                marker_size(*size),
                edge,
                *color,
            );
        }
        Handle::Patch { fill, edge } => {
            let h = HANDLE_HEIGHT * em;
            let rect = Rect {
                x,
                y: middle - h / 2.0,
                w,
                h,
            };
            scene.push(None, Shape::Rect { rect, fill: *fill });
            if let Some(edge) = edge {
                scene.push(
                    None,
                    Shape::Path {
                        points: vec![
                            Point { x, y: rect.y },
                            Point {
                                x: x + w,
                                y: rect.y,
                            },
                        ],
                        closed: false,
                        fill: None,
                        stroke: Some(Stroke {
                            color: *edge,
                            width: style.line_width,
                            dash: Vec::new(),
                        }),
                    },
                );
            }
        }
    }
}

/// A rectangle with quarter-circle corners approximated by short chords.
fn rounded_rect(r: Rect, radius: f64) -> Vec<Point> {
    const STEPS: usize = 4;
    let radius = radius.min(r.w / 2.0).min(r.h / 2.0).max(0.0);
    // Corner centres and the angle each quarter starts at, clockwise from top-right
    // in screen coordinates (y down).
    let corners = [
        (r.right() - radius, r.y + radius, -90.0f64),
        (r.right() - radius, r.bottom() - radius, 0.0),
        (r.x + radius, r.bottom() - radius, 90.0),
        (r.x + radius, r.y + radius, 180.0),
    ];
    let mut points = Vec::with_capacity(4 * (STEPS + 1));
    for (cx, cy, start) in corners {
        for i in 0..=STEPS {
            let angle = (start + 90.0 * i as f64 / STEPS as f64).to_radians();
            points.push(Point {
                x: cx + radius * libm::cos(angle),
                y: cy + radius * libm::sin(angle),
            });
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str) -> Entry {
        Entry {
            label: label.into(),
            handle: Handle::Patch {
                fill: Color::rgb(1, 2, 3),
                edge: None,
            },
        }
    }

    #[test]
    fn corners_follow_the_position() {
        let plot = Rect {
            x: 100.0,
            y: 50.0,
            w: 400.0,
            h: 300.0,
        };
        let entries = [entry("alpha"), entry("beta")];
        let ur = frame(
            plot,
            LegendPosition::UpperRight,
            &entries,
            &Style::default(),
        )
        .map(|r| (r.right(), r.y));
        let ll = frame(plot, LegendPosition::LowerLeft, &entries, &Style::default())
            .map(|r| (r.x, r.bottom()));
        let pad = BORDER_AXES_PAD * Style::default().font_size;
        assert_eq!(ur, Some((500.0 - pad, 50.0 + pad)));
        assert_eq!(ll, Some((100.0 + pad, 350.0 - pad)));
        assert_eq!(
            frame(plot, LegendPosition::None, &entries, &Style::default()),
            None
        );
        assert_eq!(
            frame(plot, LegendPosition::UpperRight, &[], &Style::default()),
            None
        );
    }

    #[test]
    fn box_fits_the_longest_label() {
        let plot = Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        };
        let short = frame(
            plot,
            LegendPosition::UpperLeft,
            &[entry("a")],
            &Style::default(),
        )
        .map(|r| r.w);
        let long = frame(
            plot,
            LegendPosition::UpperLeft,
            &[entry("a"), entry("a much longer label")],
            &Style::default(),
        );
        let long_w = long.map(|r| r.w).unwrap_or(0.0);
        assert!(
            long_w
                > short.unwrap_or(f64::INFINITY)
                    + text::measure("a much longer lab", Style::default().font_size)
                    - 1.0
        );
    }
}
