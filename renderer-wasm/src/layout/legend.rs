//! The legend box, drawn like matplotlib's: a rounded frame at 80 % opacity in a plot
//! corner, one row per labelled series with a handle (line sample, marker or patch)
//! and its label. Dimensions are matplotlib's, in units of the legend font size.

use super::markers;
use super::theme::{Palette, Style, LEGEND_FACE_ALPHA};
use crate::scene::{Anchor, Baseline, Color, Item, Point, Rect, Scene, Shape, Stroke, Text};
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

/// matplotlib `legend.columnspacing`, in font sizes.
const COLUMN_SPACING: f64 = 2.0;

/// How a legend's entries are arranged and how big its box is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrangement {
    pub columns: usize,
    pub rows: usize,
    pub width: f64,
    pub height: f64,
}

/// The box for entries with `labels`: one column inside the axes and beside it, one
/// row below it (where a column would push the plot up).
pub fn arrange(labels: &[&str], position: LegendPosition, style: &Style) -> Arrangement {
    let em = style.font_size;
    let count = labels.len().max(1);
    let columns = if position == LegendPosition::OutsideBottom {
        count
    } else {
        1
    };
    let rows = count.div_ceil(columns);
    let row = row_height(style);
    let widths: Vec<f64> = (0..columns)
        .map(|c| {
            labels
                .iter()
                .skip(c * rows)
                .take(rows)
                .map(|l| text::measure(style.family, l, em))
                .fold(0.0, f64::max)
        })
        .collect();
    let entry = (HANDLE_LENGTH + HANDLE_TEXT_PAD) * em;
    let width = 2.0 * BORDER_PAD * em
        + widths.iter().map(|w| w + entry).sum::<f64>()
        + (columns - 1) as f64 * COLUMN_SPACING * em;
    let height = 2.0 * BORDER_PAD * em
        + rows as f64 * row
        + (rows as f64 - 1.0).max(0.0) * LABEL_SPACING * em;
    Arrangement {
        columns,
        rows,
        width,
        height,
    }
}

/// Height of one legend row: matplotlib's line box of the legend font.
fn row_height(style: &Style) -> f64 {
    text::box_ascent(style.font_size) + text::box_descent(style.font_size)
}

/// The gap between a legend and the axes' edge (`legend.borderaxespad`).
pub fn axes_pad(style: &Style) -> f64 {
    BORDER_AXES_PAD * style.font_size
}

/// Where a legend sits across and along: start, middle or end of each direction.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Along {
    Start,
    Middle,
    End,
}

/// The inside positions in matplotlib's order of preference for `best` (its location
/// codes 1 to 10; `right` is the same place as `center right`).
const BEST_ORDER: [(Along, Along); 9] = [
    (Along::End, Along::Start),     // upper right
    (Along::Start, Along::Start),   // upper left
    (Along::Start, Along::End),     // lower left
    (Along::End, Along::End),       // lower right
    (Along::End, Along::Middle),    // right / center right
    (Along::Start, Along::Middle),  // center left
    (Along::Middle, Along::End),    // lower center
    (Along::Middle, Along::Start),  // upper center
    (Along::Middle, Along::Middle), // center
];

fn inside(plot: Rect, size: (f64, f64), pad: f64, (x, y): (Along, Along)) -> Rect {
    let place = |start: f64, length: f64, extent: f64, along: Along| match along {
        Along::Start => start + pad,
        Along::Middle => start + (length - extent) / 2.0,
        Along::End => start + length - pad - extent,
    };
    Rect {
        x: place(plot.x, plot.w, size.0, x),
        y: place(plot.y, plot.h, size.1, y),
        w: size.0,
        h: size.1,
    }
}

/// How much of the drawn data a legend at `frame` would hide, as matplotlib's `best`
/// counts it: line vertices and marker centres inside, bars overlapping, and lines
/// crossing it.
fn badness(frame: Rect, data: &[Item]) -> usize {
    let contains =
        |p: &Point| p.x > frame.x && p.x < frame.right() && p.y > frame.y && p.y < frame.bottom();
    data.iter()
        .map(|item| match &item.shape {
            Shape::Path { points, closed, .. } => {
                let vertices = points.iter().filter(|p| contains(p)).count();
                let crosses = !closed
                    && points
                        .windows(2)
                        .any(|w| segment_meets_rect(w[0], w[1], frame));
                vertices + usize::from(crosses)
            }
            Shape::Circle { center, .. } => usize::from(contains(center)),
            Shape::Rect { rect, .. } => usize::from(
                rect.x < frame.right()
                    && frame.x < rect.right()
                    && rect.y < frame.bottom()
                    && frame.y < rect.bottom(),
            ),
            Shape::Text(_) => 0,
        })
        .sum()
}

/// Whether the segment `a`–`b` touches `r` (either end inside, or crossing an edge).
fn segment_meets_rect(a: Point, b: Point, r: Rect) -> bool {
    super::series::clip_segment(a, b, r).is_some()
}

/// The frame of the legend for `entries` at `position` of the axes whose plot area
/// is `plot`; `data` are the items drawn in it (for `best`), and `outside` is where an
/// outside legend starts (right of or below the axes' decorations). `None` when
/// nothing is to be drawn.
pub fn frame(
    plot: Rect,
    position: LegendPosition,
    entries: &[Entry],
    style: &Style,
    data: &[Item],
    outside: Point,
) -> Option<Rect> {
    if entries.is_empty() || position == LegendPosition::None {
        return None;
    }
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    let Arrangement { width, height, .. } = arrange(&labels, position, style);
    let size = (width, height);
    let pad = axes_pad(style);
    let at = |spot| Some(inside(plot, size, pad, spot));
    match position {
        LegendPosition::None => None,
        LegendPosition::UpperRight => at((Along::End, Along::Start)),
        LegendPosition::UpperLeft => at((Along::Start, Along::Start)),
        LegendPosition::LowerLeft => at((Along::Start, Along::End)),
        LegendPosition::LowerRight => at((Along::End, Along::End)),
        LegendPosition::UpperCenter => at((Along::Middle, Along::Start)),
        LegendPosition::LowerCenter => at((Along::Middle, Along::End)),
        LegendPosition::CenterLeft => at((Along::Start, Along::Middle)),
        LegendPosition::CenterRight => at((Along::End, Along::Middle)),
        LegendPosition::Center => at((Along::Middle, Along::Middle)),
        LegendPosition::Best => {
            // The first of the least bad, in matplotlib's order.
            let mut best: Option<(usize, Rect)> = None;
            for spot in BEST_ORDER {
                let candidate = inside(plot, size, pad, spot);
                let score = badness(candidate, data);
                if best.is_none_or(|(least, _)| score < least) {
                    best = Some((score, candidate));
                }
                if score == 0 {
                    break;
                }
            }
            best.map(|(_, r)| r)
        }
        LegendPosition::OutsideRight => Some(Rect {
            x: outside.x + pad,
            y: plot.y + pad,
            w: width,
            h: height,
        }),
        LegendPosition::OutsideBottom => Some(Rect {
            x: plot.x + (plot.w - width) / 2.0,
            y: outside.y + pad,
            w: width,
            h: height,
        }),
    }
}

/// Draws the legend for `entries` in `frame` (from [`frame`]).
pub fn draw(
    scene: &mut Scene,
    frame: Rect,
    position: LegendPosition,
    entries: &[Entry],
    palette: &Palette,
    style: &Style,
) {
    let em = style.font_size;
    let row = row_height(style);
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    let arrangement = arrange(&labels, position, style);
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
    let handle_w = HANDLE_LENGTH * em;
    let mut column_x = frame.x + BORDER_PAD * em;
    for column in entries.chunks(arrangement.rows.max(1)) {
        let mut top = frame.y + BORDER_PAD * em;
        let mut widest: f64 = 0.0;
        for entry in column {
            let middle = top + row / 2.0;
            draw_handle(scene, &entry.handle, column_x, handle_w, middle, style);
            widest = widest.max(text::measure(style.family, &entry.label, em));
            scene.push(
                None,
                Shape::Text(Text {
                    at: Point {
                        x: column_x + handle_w + HANDLE_TEXT_PAD * em,
                        y: top + text::box_ascent(em),
                    },
                    text: entry.label.clone(),
                    superscript: None,
                    size: em,
                    color: palette.foreground,
                    anchor: Anchor::Start,
                    baseline: Baseline::Alphabetic,
                    rotation: 0.0,
                    family: style.family,
                }),
            );
            top += row + LABEL_SPACING * em;
        }
        column_x += handle_w + HANDLE_TEXT_PAD * em + widest + COLUMN_SPACING * em;
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
            &[],
            Point { x: 0.0, y: 0.0 },
        )
        .map(|r| (r.right(), r.y));
        let ll = frame(
            plot,
            LegendPosition::LowerLeft,
            &entries,
            &Style::default(),
            &[],
            Point { x: 0.0, y: 0.0 },
        )
        .map(|r| (r.x, r.bottom()));
        let pad = BORDER_AXES_PAD * Style::default().font_size;
        assert_eq!(ur, Some((500.0 - pad, 50.0 + pad)));
        assert_eq!(ll, Some((100.0 + pad, 350.0 - pad)));
        assert_eq!(
            frame(
                plot,
                LegendPosition::None,
                &entries,
                &Style::default(),
                &[],
                Point { x: 0.0, y: 0.0 }
            ),
            None
        );
        assert_eq!(
            frame(
                plot,
                LegendPosition::UpperRight,
                &[],
                &Style::default(),
                &[],
                Point { x: 0.0, y: 0.0 }
            ),
            None
        );
    }

    #[test]
    fn best_avoids_the_data_in_matplotlibs_order() {
        let plot = Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        };
        let entries = [entry("alpha")];
        let at = |data: &[Item]| {
            frame(
                plot,
                LegendPosition::Best,
                &entries,
                &Style::default(),
                data,
                Point { x: 0.0, y: 0.0 },
            )
        };
        let corner = |r: Option<Rect>| r.map(|r| (r.x < 200.0, r.y < 150.0));
        // Nothing drawn: upper right, the first of matplotlib's order.
        assert_eq!(corner(at(&[])), Some((false, true)));
        // A line along the top: the upper places are out, lower left is next.
        let line = Item {
            clip: Some(plot),
            shape: Shape::Path {
                points: vec![Point { x: 0.0, y: 20.0 }, Point { x: 400.0, y: 20.0 }],
                closed: false,
                fill: None,
                stroke: None,
            },
        };
        assert_eq!(corner(at(std::slice::from_ref(&line))), Some((true, false)));
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
            &[],
            Point { x: 0.0, y: 0.0 },
        )
        .map(|r| r.w);
        let long = frame(
            plot,
            LegendPosition::UpperLeft,
            &[entry("a"), entry("a much longer label")],
            &Style::default(),
            &[],
            Point { x: 0.0, y: 0.0 },
        );
        let long_w = long.map(|r| r.w).unwrap_or(0.0);
        assert!(
            long_w
                > short.unwrap_or(f64::INFINITY)
                    + text::measure(
                        Default::default(),
                        "a much longer lab",
                        Style::default().font_size
                    )
                    - 1.0
        );
    }
}
