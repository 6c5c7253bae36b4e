//! Layout: a [`ValidFigure`] becomes a [`Scene`].
//!
//! The figure is split into the subplot grid (below the figure title); each cell holds
//! one axes whose plot area is what remains after its labels: titles above, tick labels
//! and the x label below, tick labels and the y label on the left, a colorbar on the
//! right. Label areas are measured with the embedded font before anything is placed,
//! and aligned across each grid row and column as matplotlib's constrained layout
//! does. Ticks are then chosen for the final plot sizes so that their labels never
//! collide, and everything is drawn back to front: grid, series (clipped to the plot
//! area), spines, ticks, labels, legend.
//!
//! Axis-aligned hairlines (grid, spines, ticks) are pixel-snapped [`Shape::Rect`]s:
//! crisp in both encoders and far cheaper to rasterize than strokes.

pub mod axis;
pub mod colorbar;
pub mod colormap;
pub mod legend;
pub mod markers;
pub mod series;
pub mod theme;
pub mod ticks;

use axis::{AxisScale, Direction, Limits, LogErrorPath};
use legend::Entry;
use series::{Canvas, Prepared};
use theme::*;
use ticks::Tick;

use crate::error::RenderError;
use crate::scene::{Anchor, Baseline, Color, Point, Rect, Scene, Shape, Text};
use crate::spec::{Axes, LegendPosition, Scale};
use crate::text;
use crate::validate::{Background, ValidFigure};

/// Smallest plot area side: tiny canvases still get a drawable (if cramped) plot.
const MIN_PLOT_SIDE: f64 = 4.0;
/// Smallest size a title or axis label shrinks to when it is wider than its room.
const MIN_FIT_SIZE: f64 = 6.0;

/// Lays out the whole figure.
pub fn build_scene(figure: &ValidFigure) -> Result<Scene, RenderError> {
    let palette = Palette::of(figure.theme);
    let background = match figure.background {
        Background::Theme => Some(palette.background),
        Background::Transparent => None,
        Background::Color(c) => Some(c),
    };
    let mut scene = Scene::new(figure.width, figure.height, background);
    let cols = figure.cols.max(1);
    let rows = figure.rows.max(1);

    let mut panels = Vec::with_capacity(figure.axes.len());
    for (index, axes) in figure.axes.iter().enumerate() {
        panels.push(Panel::new(figure, index, axes, cols)?);
    }

    // The grid below the figure title.
    let mut grid_top = FIGURE_PAD;
    let suptitle = figure.title.as_deref().map(|title| {
        let size = fit_size(title, SUPTITLE_SIZE, figure.width - 2.0 * FIGURE_PAD);
        grid_top += text::ascent(size) + text::descent(size) + TITLE_PAD;
        (title, size)
    });
    let grid = Rect {
        x: FIGURE_PAD,
        y: grid_top,
        w: (figure.width - 2.0 * FIGURE_PAD).max(0.0),
        h: (figure.height - FIGURE_PAD - grid_top).max(0.0),
    };
    let cell_w = ((grid.w - (cols - 1) as f64 * CELL_GAP) / cols as f64).max(0.0);
    let cell_h = ((grid.h - (rows - 1) as f64 * CELL_GAP) / rows as f64).max(0.0);
    let cell = |row: usize, col: usize| Rect {
        x: grid.x + col as f64 * (cell_w + CELL_GAP),
        y: grid.y + row as f64 * (cell_h + CELL_GAP),
        w: cell_w,
        h: cell_h,
    };

    // Vertical label areas do not depend on ticks; align them across each row, then
    // choose y ticks for the resulting heights.
    let mut top = vec![0.0f64; rows];
    let mut bottom = vec![0.0f64; rows];
    for p in &panels {
        top[p.row] = top[p.row].max(p.top);
        bottom[p.row] = bottom[p.row].max(p.bottom);
    }
    let plot_h = |row: usize| (cell_h - top[row] - bottom[row]).max(MIN_PLOT_SIDE);
    for p in &mut panels {
        p.choose_y_ticks(plot_h(p.row));
    }
    // Horizontal label areas, from the y tick labels, estimated x ticks and colorbars;
    // aligned across each column.
    for p in &mut panels {
        p.measure_sides(cell_w);
    }
    let mut left = vec![0.0f64; cols];
    let mut right = vec![0.0f64; cols];
    for p in &panels {
        left[p.col] = left[p.col].max(p.left);
        right[p.col] = right[p.col].max(p.right);
    }

    for p in &mut panels {
        let c = cell(p.row, p.col);
        let x0 = (c.x + left[p.col]).round();
        let y0 = (c.y + top[p.row]).round();
        let x1 = (c.right() - right[p.col]).round().max(x0 + MIN_PLOT_SIDE);
        let y1 = (c.bottom() - bottom[p.row]).round().max(y0 + MIN_PLOT_SIDE);
        p.plot = Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        };
        p.choose_x_ticks(p.plot.w);
        p.draw(&mut scene, &palette);
    }

    if let Some((title, size)) = suptitle {
        let mut text = decoration(
            title,
            size,
            Point {
                x: figure.width / 2.0,
                y: FIGURE_PAD + text::ascent(size),
            },
            Anchor::Middle,
            palette.foreground,
        );
        keep_inside(&mut text, figure.width, figure.height);
        scene.push(None, Shape::Text(text));
    }
    for item in &mut scene.items {
        if item.clip.is_none() {
            if let Shape::Text(text) = &mut item.shape {
                keep_inside(text, figure.width, figure.height);
            }
        }
    }
    Ok(scene)
}

/// One axes on its way to the scene.
struct Panel<'a> {
    axes: &'a Axes,
    row: usize,
    col: usize,
    prepared: Prepared<'a>,
    x_limits: Limits,
    y_limits: Limits,
    /// Label areas around the plot, in px.
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    x_ticks: Vec<Tick>,
    y_ticks: Vec<Tick>,
    colorbar_ticks: Vec<Tick>,
    /// Width of the widest y tick label.
    y_label_width: f64,
    plot: Rect,
}

impl<'a> Panel<'a> {
    fn new(
        figure: &ValidFigure,
        index: usize,
        axes: &'a Axes,
        cols: usize,
    ) -> Result<Self, RenderError> {
        let log = |axis: &Option<crate::spec::Axis>| {
            axis.as_ref().and_then(|a| a.scale) == Some(Scale::Log)
        };
        let prepared = series::prepare(axes, log(&axes.x), log(&axes.y));
        let base = figure.axes_path(index);
        let x_limits = axis::limits(
            &prepared.x_extent,
            axes.x.as_ref(),
            LogErrorPath(&format!("{base}/x/scale")),
        )?;
        let y_limits = axis::limits(
            &prepared.y_extent,
            axes.y.as_ref(),
            LogErrorPath(&format!("{base}/y/scale")),
        )?;

        let tick_zone = x_tick_baseline() + text::descent(TICK_LABEL_SIZE);
        let bottom = tick_zone
            + axis_label(&axes.x).map_or(0.0, |_| {
                LABEL_PAD + text::ascent(AXIS_LABEL_SIZE) + text::descent(AXIS_LABEL_SIZE)
            });
        // Without a title the top still leaves room for half the top y tick label.
        let top = match axes.title.as_deref().filter(|t| !t.is_empty()) {
            Some(_) => TITLE_PAD + text::ascent(TITLE_SIZE) + text::descent(TITLE_SIZE),
            None => axis::label_height() / 2.0 + 2.0,
        };
        Ok(Panel {
            axes,
            row: index / cols,
            col: index % cols,
            prepared,
            x_limits,
            y_limits,
            top,
            bottom,
            left: 0.0,
            right: 0.0,
            x_ticks: Vec::new(),
            y_ticks: Vec::new(),
            colorbar_ticks: Vec::new(),
            y_label_width: 0.0,
            plot: Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            },
        })
    }

    fn y_scale(&self, top: f64, bottom: f64) -> AxisScale {
        if self.prepared.y_inverted {
            AxisScale::new(self.y_limits, top, bottom)
        } else {
            AxisScale::new(self.y_limits, bottom, top)
        }
    }

    fn choose_y_ticks(&mut self, height: f64) {
        let scale = self.y_scale(0.0, height);
        self.y_ticks = axis::choose_ticks(
            self.axes.y.as_ref(),
            &self.prepared.y_ticks,
            &scale,
            Direction::Vertical,
        );
        if let Some(spec) = &self.prepared.colorbar {
            self.colorbar_ticks = colorbar::ticks(spec, height);
        }
        self.plot.h = height;
    }

    /// Left and right label areas for a cell `cell_w` wide.
    fn measure_sides(&mut self, cell_w: f64) {
        self.y_label_width = self
            .y_ticks
            .iter()
            .map(|t| text::measure(&t.label, TICK_LABEL_SIZE))
            .fold(0.0, f64::max);
        let has_label = axis_label(&self.axes.y).is_some();
        self.left = TICK_LENGTH.round()
            + TICK_PAD
            + self.y_label_width
            + if has_label {
                LABEL_PAD + text::ascent(AXIS_LABEL_SIZE) + text::descent(AXIS_LABEL_SIZE)
            } else {
                0.0
            };
        let colorbar = match &self.prepared.colorbar {
            Some(_) => colorbar::width(self.plot.h, &self.colorbar_ticks),
            None => 0.0,
        };
        // The last x tick label may hang over the right end of the plot.
        let estimate = (cell_w - self.left - colorbar).max(MIN_PLOT_SIDE);
        self.choose_x_ticks(estimate);
        let scale = AxisScale::new(self.x_limits, 0.0, estimate);
        let overhang = self
            .x_ticks
            .iter()
            .filter_map(|t| {
                Some(scale.px(t.value)? + text::measure(&t.label, TICK_LABEL_SIZE) / 2.0 - estimate)
            })
            .fold(0.0, f64::max);
        self.right = colorbar + overhang.max(4.0);
    }

    fn choose_x_ticks(&mut self, width: f64) {
        let scale = AxisScale::new(self.x_limits, 0.0, width);
        self.x_ticks = axis::choose_ticks(
            self.axes.x.as_ref(),
            &self.prepared.x_ticks,
            &scale,
            Direction::Horizontal,
        );
    }

    fn draw(&self, scene: &mut Scene, palette: &Palette) {
        let plot = self.plot;
        let fg = palette.foreground;
        let canvas = Canvas {
            x: AxisScale::new(self.x_limits, plot.x, plot.right()),
            y: self.y_scale(plot.y, plot.bottom()),
            plot,
            foreground: fg,
        };
        let grid =
            |axis: &Option<crate::spec::Axis>| axis.as_ref().and_then(|a| a.grid).unwrap_or(true);
        let x_positions: Vec<(f64, &Tick)> = self
            .x_ticks
            .iter()
            .filter_map(|t| Some((canvas.x.px(t.value)?, t)))
            .collect();
        let y_positions: Vec<(f64, &Tick)> = self
            .y_ticks
            .iter()
            .filter_map(|t| Some((canvas.y.px(t.value)?, t)))
            .collect();

        if grid(&self.axes.x) {
            for &(x, _) in &x_positions {
                let col = snap_line(x, plot.x, plot.right());
                scene.push(
                    None,
                    Shape::fill_rect(col, plot.y, 1.0, plot.h, palette.grid),
                );
            }
        }
        if grid(&self.axes.y) {
            for &(y, _) in &y_positions {
                let row = snap_line(y, plot.y, plot.bottom());
                scene.push(
                    None,
                    Shape::fill_rect(plot.x, row, plot.w, 1.0, palette.grid),
                );
            }
        }

        let mut entries = Vec::new();
        for styled in &self.prepared.series {
            let handle = series::draw(scene, &canvas, styled);
            if let (Some(handle), Some(label)) = (
                handle,
                styled.series.common().label.filter(|l| !l.is_empty()),
            ) {
                entries.push(Entry {
                    label: label.to_string(),
                    handle,
                });
            }
        }

        // Spines: one pixel inside each edge of the plot area, so that ticks at the
        // limits line up with them.
        let spine = SPINE_WIDTH.ceil();
        for rect in [
            Rect {
                x: plot.x,
                y: plot.y,
                w: plot.w,
                h: spine,
            },
            Rect {
                x: plot.x,
                y: plot.bottom() - spine,
                w: plot.w,
                h: spine,
            },
            Rect {
                x: plot.x,
                y: plot.y,
                w: spine,
                h: plot.h,
            },
            Rect {
                x: plot.right() - spine,
                y: plot.y,
                w: spine,
                h: plot.h,
            },
        ] {
            scene.push(None, Shape::Rect { rect, fill: fg });
        }

        let tick_length = TICK_LENGTH.round();
        for &(x, tick) in &x_positions {
            let col = snap_line(x, plot.x, plot.right());
            scene.push(
                None,
                Shape::fill_rect(col, plot.bottom(), 1.0, tick_length, fg),
            );
            scene.push(
                None,
                tick_label(&tick.label, x, plot.bottom(), Anchor::Middle, false, fg),
            );
        }
        for &(y, tick) in &y_positions {
            let row = snap_line(y, plot.y, plot.bottom());
            scene.push(
                None,
                Shape::fill_rect(plot.x - tick_length, row, tick_length, 1.0, fg),
            );
            scene.push(
                None,
                tick_label(
                    &tick.label,
                    y,
                    plot.x - tick_length - TICK_PAD,
                    Anchor::End,
                    true,
                    fg,
                ),
            );
        }

        let center_x = plot.x + plot.w / 2.0;
        if let Some(label) = axis_label(&self.axes.x) {
            let size = fit_size(label, AXIS_LABEL_SIZE, plot.w + self.left);
            let y = plot.bottom()
                + x_tick_baseline()
                + text::descent(TICK_LABEL_SIZE)
                + LABEL_PAD
                + text::ascent(size);
            scene.push(
                None,
                Shape::Text(decoration(
                    label,
                    size,
                    Point { x: center_x, y },
                    Anchor::Middle,
                    fg,
                )),
            );
        }
        if let Some(label) = axis_label(&self.axes.y) {
            let size = fit_size(label, AXIS_LABEL_SIZE, plot.h + self.top + self.bottom);
            let x = plot.x
                - tick_length
                - TICK_PAD
                - self.y_label_width
                - LABEL_PAD
                - text::descent(size);
            let mut text = decoration(
                label,
                size,
                Point {
                    x,
                    y: plot.y + plot.h / 2.0,
                },
                Anchor::Middle,
                fg,
            );
            text.rotation = 90.0;
            scene.push(None, Shape::Text(text));
        }
        if let Some(title) = self.axes.title.as_deref().filter(|t| !t.is_empty()) {
            let size = fit_size(title, TITLE_SIZE, plot.w + self.left + self.right);
            let y = plot.y - TITLE_PAD - text::descent(size);
            scene.push(
                None,
                Shape::Text(decoration(
                    title,
                    size,
                    Point { x: center_x, y },
                    Anchor::Middle,
                    fg,
                )),
            );
        }

        let position = self.axes.legend.unwrap_or(if entries.is_empty() {
            LegendPosition::None
        } else {
            LegendPosition::UpperRight
        });
        legend::draw(scene, plot, position, &entries, palette);
        if let Some(spec) = &self.prepared.colorbar {
            colorbar::draw(scene, spec, plot, &self.colorbar_ticks, palette);
        }
    }
}

/// The label of an axis, unless absent or empty.
fn axis_label(axis: &Option<crate::spec::Axis>) -> Option<&str> {
    axis.as_ref()
        .and_then(|a| a.label.as_deref())
        .filter(|l| !l.is_empty())
}

/// Distance from the bottom of the plot area to the baseline of x tick labels.
fn x_tick_baseline() -> f64 {
    TICK_LENGTH.round() + TICK_PAD + text::cap_height(TICK_LABEL_SIZE)
}

/// The whole-pixel row or column for a hairline at `position`, kept within
/// `[start, end)` so that lines at the limits sit on the spines.
pub(crate) fn snap_line(position: f64, start: f64, end: f64) -> f64 {
    (position - 0.5)
        .round()
        .clamp(start, (end - 1.0).max(start))
}

/// A tick label at `position` along its axis. x labels hang below `edge` (the bottom
/// of the plot); `beside` labels (y axis, colorbar) have their anchor at x = `edge` and
/// are centred vertically on `position`.
pub(crate) fn tick_label(
    label: &str,
    position: f64,
    edge: f64,
    anchor: Anchor,
    beside: bool,
    color: Color,
) -> Shape {
    let at = if beside {
        // Centring the cap height looks centred for digits, which most labels are.
        Point {
            x: edge,
            y: position + text::cap_height(TICK_LABEL_SIZE) / 2.0,
        }
    } else {
        Point {
            x: position,
            y: edge + x_tick_baseline(),
        }
    };
    Shape::Text(decoration(label, TICK_LABEL_SIZE, at, anchor, color))
}

fn decoration(text: &str, size: f64, at: Point, anchor: Anchor, color: Color) -> Text {
    Text {
        at,
        text: text.to_string(),
        size,
        color,
        anchor,
        baseline: Baseline::Alphabetic,
        rotation: 0.0,
    }
}

/// `size`, or smaller if `text` would be wider than `room`.
fn fit_size(text: &str, size: f64, room: f64) -> f64 {
    let width = text::measure(text, size);
    if width <= room || width <= 0.0 {
        size
    } else {
        (size * room / width).max(MIN_FIT_SIZE)
    }
}

/// The box a text occupies on the canvas (horizontal, or rotated by 90°).
pub fn text_box(t: &Text) -> Rect {
    let width = text::measure(&t.text, t.size);
    let (ascent, descent) = (text::ascent(t.size), text::descent(t.size));
    let before = match t.anchor {
        Anchor::Start => 0.0,
        Anchor::Middle => width / 2.0,
        Anchor::End => width,
    };
    // Distance from the anchor up to the top of the line box.
    let above = match t.baseline {
        Baseline::Top => 0.0,
        Baseline::Middle => (ascent + descent) / 2.0,
        Baseline::Alphabetic => ascent,
        Baseline::Bottom => ascent + descent,
    };
    if (t.rotation - 90.0).abs() < 1e-9 {
        // Reading upwards: the text runs up from the anchor, its top faces left.
        Rect {
            x: t.at.x - above,
            y: t.at.y - (width - before),
            w: ascent + descent,
            h: width,
        }
    } else {
        Rect {
            x: t.at.x - before,
            y: t.at.y - above,
            w: width,
            h: ascent + descent,
        }
    }
}

/// Moves a decoration text back onto the canvas if it sticks out (and fits).
fn keep_inside(t: &mut Text, width: f64, height: f64) {
    let b = text_box(t);
    let shift = |start: f64, size: f64, limit: f64| {
        if size > limit {
            0.0
        } else if start < 0.0 {
            -start
        } else if start + size > limit {
            limit - start - size
        } else {
            0.0
        }
    };
    t.at.x += shift(b.x, b.w, width);
    t.at.y += shift(b.y, b.h, height);
}

#[cfg(test)]
mod tests;
