//! Layout: a resolved [`ValidFigure`] becomes a [`Scene`]; it cannot fail.
//!
//! Geometry follows matplotlib's constrained layout: each axes' decorations (titles and
//! the y offset text above, tick labels, x label and x offset text below, tick labels
//! and y label on the left, a colorbar on the right) get a 3 pt pad around them, the
//! label areas are aligned across each grid row and column, and every plot area in the
//! grid gets the same size. Every length comes from the figure's [`theme::Style`]
//! (matplotlib's rcParams in points, through the figure's dpi). Ticks and their labels
//! are matplotlib's ([`ticker`]) for the final plot sizes; where matplotlib would let
//! labels collide, fewer are chosen. Everything is drawn back to front: grid, series
//! (clipped to the plot area), spines, ticks, labels, legend.
//!
//! `tests/oracle_goldens.rs` compares the axes boxes and ticks with matplotlib's own.
//!
//! Axis-aligned hairlines (grid, spines, ticks) are pixel-snapped [`Shape::Rect`]s:
//! crisp in both encoders and far cheaper to rasterize than strokes.

pub mod annotation;
pub mod axis;
pub mod boxplot;
pub mod boxstats;
pub mod colorbar;
pub mod colormap;
pub mod dates;
pub mod legend;
pub mod markers;
#[cfg(test)]
mod oracle_fixture;
pub mod pie;
pub mod series;
pub mod theme;
pub mod ticker;

use crate::fonts::FamilyId;
use axis::{AxisScale, Direction, Limits};
use legend::Entry;
use series::{Canvas, Prepared};
use theme::*;
use ticker::{AxisTicks, Label, Tick};

use crate::scene::{Anchor, Baseline, Color, Point, Rect, Scene, Shape, Text};
use crate::spec::{Axes, LegendPosition, Series, YAxisSide};
use crate::text;
use crate::validate::{Background, ValidFigure};

/// Smallest plot area side: tiny canvases still get a drawable (if cramped) plot.
const MIN_PLOT_SIDE: f64 = 4.0;
/// Smallest size a title or axis label shrinks to when it is wider than its room.
const MIN_FIT_SIZE: f64 = 6.0;
/// matplotlib's `Axis.OFFSETTEXTPAD`, in points: the gap between an axis and the
/// offset text at its end.
const OFFSET_TEXT_PAD: f64 = 3.0;

/// What layout decided for one axes: the plot area and the ticks of its axes. Tests
/// compare this with matplotlib's own layout.
#[derive(Debug, Clone, PartialEq)]
pub struct AxesReport {
    /// The plot area (the axes box), in CSS px from the figure's top-left corner.
    pub plot: Rect,
    pub x: AxisTicks,
    pub y: AxisTicks,
    /// The twin axis on the right, if the axes has one.
    pub y2: Option<AxisTicks>,
}

/// Lays out the whole figure.
pub fn build_scene(figure: &ValidFigure) -> Scene {
    build_scene_with_report(figure).0
}

/// Lays out the whole figure, and reports where each axes and its ticks went.
pub fn build_scene_with_report(figure: &ValidFigure) -> (Scene, Vec<AxesReport>) {
    let style = figure.style;
    let palette = Palette::of(figure.theme);
    let background = match figure.background {
        Background::Theme => Some(palette.background),
        Background::Transparent => None,
        Background::Color(c) => Some(c),
    };
    let mut scene = Scene::new(figure.width, figure.height, background);
    let cols = figure.cols.max(1);
    let rows = figure.rows.max(1);
    let pad = style.layout_pad;

    let mut panels: Vec<Panel<'_>> = figure
        .axes
        .iter()
        .enumerate()
        .map(|(index, resolved)| Panel::new(figure, index, resolved, cols))
        .collect();

    // The grid below the figure title. Every panel's label areas include constrained
    // layout's pad, so the grid itself reaches the figure's edges.
    let mut grid_top = 0.0;
    let suptitle = figure.title.as_deref().map(|title| {
        let size = fit_size(
            title,
            style.title_size,
            figure.width - 2.0 * pad,
            style.family,
        );
        grid_top = pad + text::box_ascent(size) + text::box_descent(size) + pad;
        (title, size)
    });
    let grid = Rect {
        x: 0.0,
        y: grid_top,
        w: figure.width,
        h: (figure.height - grid_top).max(0.0),
    };
    // Constrained layout keeps neighbouring panels' decorations 2 pads apart, or
    // `wspace` of the figure shared among the columns where that is more; each panel
    // already has its own pad.
    let gap_w = 2.0 * (SUBPLOT_SPACE / (2.0 * cols as f64) * figure.width - pad).max(0.0);
    let gap_h = 2.0 * (SUBPLOT_SPACE / (2.0 * rows as f64) * figure.height - pad).max(0.0);
    let cell_w = ((grid.w - (cols - 1) as f64 * gap_w) / cols as f64).max(0.0);
    // Vertical label areas depend on the y ticks only through the y offset text above
    // the plot: choose ticks, make room for any offset, and choose again for the final
    // heights. Areas are aligned across each grid row.
    let mut top = vec![0.0f64; rows];
    let mut bottom = vec![0.0f64; rows];
    for pass in 0..2 {
        for p in &panels {
            top[p.row] = top[p.row].max(p.top);
            bottom[p.row] = bottom[p.row].max(p.bottom);
        }
        // As in constrained layout, every row's plot gets the same height, whatever
        // its own label areas take.
        let margins: f64 = top.iter().chain(&bottom).sum();
        let inner_h = (grid.h - (rows - 1) as f64 * gap_h - margins) / rows as f64;
        let plot_h = |_row: usize| inner_h.max(MIN_PLOT_SIDE);
        for p in &mut panels {
            p.choose_y_ticks(plot_h(p.row), &style);
            // Horizontal label areas, from the y tick labels, estimated x ticks and
            // colorbars; the x ticks may bring an offset text below them.
            p.measure_sides(cell_w, &style);
            if pass == 0 {
                p.make_room_above(&style);
                p.make_room_below(&style);
            }
        }
    }
    let mut left = vec![0.0f64; cols];
    let mut right = vec![0.0f64; cols];
    for p in &panels {
        left[p.col] = left[p.col].max(p.left);
        right[p.col] = right[p.col].max(p.right);
    }

    // Equal plot sizes across columns and rows; each column and row is as wide as its
    // own label areas need.
    let plot_w = ((grid.w - (cols - 1) as f64 * gap_w - left.iter().chain(&right).sum::<f64>())
        / cols as f64)
        .max(MIN_PLOT_SIDE);
    let plot_h = ((grid.h - (rows - 1) as f64 * gap_h - top.iter().chain(&bottom).sum::<f64>())
        / rows as f64)
        .max(MIN_PLOT_SIDE);
    let starts = |first: f64, before: &[f64], after: &[f64], inner: f64, gap: f64| {
        let mut at = first;
        before
            .iter()
            .zip(after)
            .map(|(b, a)| {
                let start = at;
                at += b + inner + a + gap;
                start
            })
            .collect::<Vec<f64>>()
    };
    let column_x = starts(grid.x, &left, &right, plot_w, gap_w);
    let row_y = starts(grid.y, &top, &bottom, plot_h, gap_h);

    let mut reports = Vec::with_capacity(panels.len());
    for p in &mut panels {
        let x0 = (column_x[p.col] + left[p.col]).round();
        let y0 = (row_y[p.row] + top[p.row]).round();
        let x1 = (column_x[p.col] + left[p.col] + plot_w)
            .round()
            .max(x0 + MIN_PLOT_SIDE);
        let y1 = (row_y[p.row] + top[p.row] + plot_h)
            .round()
            .max(y0 + MIN_PLOT_SIDE);
        p.plot = Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        };
        if p.pie {
            p.plot = square(p.plot, p.legend == LegendPosition::OutsideRight);
        }
        p.choose_x_ticks(p.plot.w, &style);
        p.draw(&mut scene, &palette, &style);
        reports.push(AxesReport {
            plot: p.plot,
            x: p.x_ticks.clone(),
            y: p.y_ticks.clone(),
            y2: p.y2_limits.map(|_| p.y2_ticks.clone()),
        });
    }

    if let Some((title, size)) = suptitle {
        let mut text = decoration(
            title,
            size,
            Point {
                x: figure.width / 2.0,
                y: pad + text::box_ascent(size),
            },
            Anchor::Middle,
            palette.foreground,
            style.family,
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
    (scene, reports)
}

/// One axes on its way to the scene.
struct Panel<'a> {
    axes: &'a Axes,
    row: usize,
    col: usize,
    prepared: Prepared<'a>,
    x_limits: Limits,
    y_limits: Limits,
    /// The twin y axis on the right, if any.
    y2_limits: Option<Limits>,
    /// A pie's axes: equal aspect, no spines, ticks or grid.
    pie: bool,
    /// Where the legend goes, and the labels it lists.
    legend: LegendPosition,
    legend_labels: Vec<String>,
    /// Label areas around the plot, in px.
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
    x_ticks: AxisTicks,
    y_ticks: AxisTicks,
    y2_ticks: AxisTicks,
    colorbar_ticks: AxisTicks,
    /// Width of the widest y (and y2) tick label.
    y_label_width: f64,
    y2_label_width: f64,
    /// How far the tallest x tick label reaches above and below its baseline.
    x_label_ascent: f64,
    x_label_descent: f64,
    plot: Rect,
}

impl<'a> Panel<'a> {
    fn new(
        figure: &ValidFigure,
        index: usize,
        resolved: &'a crate::validate::ResolvedAxes,
        cols: usize,
    ) -> Self {
        let style = &figure.style;
        let axes = &resolved.spec;
        let prepared = series::prepare(
            axes,
            &resolved.looks,
            &series::AxisKinds {
                x: &resolved.x_kind,
                y: &resolved.y_kind,
                y2: &resolved.y2_kind,
            },
            [
                resolved.x_limits.log,
                resolved.y_limits.log,
                resolved.y2_limits.is_some_and(|l| l.log),
            ],
        );
        let pie = axes.series.iter().any(|s| matches!(s, Series::Pie(_)));
        let legend_labels = legend_labels(axes);
        let legend = axes.legend.unwrap_or(if legend_labels.is_empty() {
            LegendPosition::None
        } else {
            LegendPosition::Best
        });
        let top = match axes.title.as_deref().filter(|t| !t.is_empty()) {
            // The title's baseline sits `title_pad` above the plot; its descent
            // hangs into that pad, as in matplotlib.
            Some(_) => style.title_pad + text::box_ascent(style.title_size),
            None => 0.0,
        } + style.layout_pad;
        Panel {
            axes,
            row: index / cols,
            col: index % cols,
            prepared,
            x_limits: resolved.x_limits,
            y_limits: resolved.y_limits,
            y2_limits: resolved.y2_limits,
            pie,
            legend,
            legend_labels,
            top,
            bottom: 0.0,
            left: 0.0,
            right: 0.0,
            x_ticks: AxisTicks::default(),
            y_ticks: AxisTicks::default(),
            y2_ticks: AxisTicks::default(),
            colorbar_ticks: AxisTicks::default(),
            y_label_width: 0.0,
            y2_label_width: 0.0,
            x_label_ascent: text::box_ascent(style.font_size),
            x_label_descent: text::box_descent(style.font_size),
            plot: Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            },
        }
    }

    fn y_scale(&self, top: f64, bottom: f64) -> AxisScale {
        if self.prepared.y_inverted {
            AxisScale::new(self.y_limits, top, bottom)
        } else {
            AxisScale::new(self.y_limits, bottom, top)
        }
    }

    fn y2_scale(&self, top: f64, bottom: f64) -> Option<AxisScale> {
        self.y2_limits
            .map(|limits| AxisScale::new(limits, bottom, top))
    }

    /// The size of an outside legend, which the layout makes room for.
    fn outside_legend(&self, style: &Style) -> Option<legend::Arrangement> {
        if !matches!(
            self.legend,
            LegendPosition::OutsideRight | LegendPosition::OutsideBottom
        ) || self.legend_labels.is_empty()
        {
            return None;
        }
        let labels: Vec<&str> = self.legend_labels.iter().map(String::as_str).collect();
        Some(legend::arrange(&labels, self.legend, style))
    }

    fn choose_y_ticks(&mut self, height: f64, style: &Style) {
        self.plot.h = height;
        if self.pie {
            return;
        }
        let scale = self.y_scale(0.0, height);
        self.y_ticks = axis::choose_ticks(
            self.axes.y.as_ref(),
            &self.prepared.y_ticks,
            &scale,
            Direction::Vertical,
            style,
        );
        if let Some(scale) = self.y2_scale(0.0, height) {
            self.y2_ticks = axis::choose_ticks(
                self.axes.y2.as_ref(),
                &self.prepared.y2_ticks,
                &scale,
                Direction::Vertical,
                style,
            );
        }
        if let Some(spec) = &self.prepared.colorbar {
            self.colorbar_ticks = colorbar::ticks(spec, height, style);
        }
        self.plot.h = height;
    }

    /// Grows the room above the plot for what the y ticks put there: the offset text
    /// above the top-left corner, and the half of a top tick label that sticks out.
    fn make_room_above(&mut self, style: &Style) {
        let line = axis::label_height(style.font_size);
        let mut needed = 0.0f64;
        if !self.y_ticks.offset.is_empty() {
            // Its baseline sits 3 pt above the plot; its descent hangs into that gap.
            needed = style.px(OFFSET_TEXT_PAD) + text::box_ascent(style.font_size);
        }
        let scale = self.y_scale(0.0, self.plot.h);
        for tick in self.y_ticks.major.iter().chain(&self.y_ticks.minor) {
            if let (false, Some(y)) = (tick.label.is_empty(), scale.px(tick.value)) {
                needed = needed.max(line / 2.0 - y);
            }
        }
        if let Some(scale) = self.y2_scale(0.0, self.plot.h) {
            if !self.y2_ticks.offset.is_empty() {
                needed = needed.max(style.px(OFFSET_TEXT_PAD) + text::box_ascent(style.font_size));
            }
            for tick in self.y2_ticks.major.iter().chain(&self.y2_ticks.minor) {
                if let (false, Some(y)) = (tick.label.is_empty(), scale.px(tick.value)) {
                    needed = needed.max(line / 2.0 - y);
                }
            }
        }
        self.top = self.top.max(needed + style.layout_pad);
    }

    /// Distance from the bottom of the plot to the bottom of the x tick labels.
    fn x_tick_zone(&self, style: &Style) -> f64 {
        x_tick_baseline(style, self.x_label_ascent) + self.x_label_descent
    }

    /// Grows the room below the plot for the x tick labels (taller with superscripts)
    /// and, in one band below them, the x label and the x offset text (right-aligned
    /// at the axis end).
    fn make_room_below(&mut self, style: &Style) {
        let ticks = if self.pie {
            0.0
        } else {
            self.x_tick_zone(style)
        };
        let mut needed = ticks + self.x_label_band(style) + style.layout_pad;
        if let (LegendPosition::OutsideBottom, Some(size)) =
            (self.legend, self.outside_legend(style))
        {
            needed += legend::axes_pad(style) + size.height;
        }
        self.bottom = self.bottom.max(needed);
    }

    /// Left and right label areas for a cell `cell_w` wide.
    fn measure_sides(&mut self, cell_w: f64, style: &Style) {
        self.y_label_width = self
            .y_ticks
            .major
            .iter()
            .chain(&self.y_ticks.minor)
            .map(|t| axis::label_width(&t.label, style))
            .fold(0.0, f64::max);
        let line = axis::label_height(style.font_size);
        let side = |label_width: f64, label: Option<&str>| {
            style.tick_length.round()
                + style.tick_pad
                + label_width
                + label.map_or(0.0, |_| style.label_pad + line)
        };
        self.left = if self.pie {
            0.0
        } else {
            side(self.y_label_width, axis_label(&self.axes.y))
        } + style.layout_pad;
        let mut right_side = 0.0;
        if self.y2_limits.is_some() {
            self.y2_label_width = self
                .y2_ticks
                .major
                .iter()
                .chain(&self.y2_ticks.minor)
                .map(|t| axis::label_width(&t.label, style))
                .fold(0.0, f64::max);
            right_side += side(self.y2_label_width, axis_label(&self.axes.y2));
        }
        if let (LegendPosition::OutsideRight, Some(size)) =
            (self.legend, self.outside_legend(style))
        {
            right_side += legend::axes_pad(style) + size.width;
        }
        // A colorbar takes its own width plus a gap proportional to the plot's.
        let (colorbar, estimate) = match &self.prepared.colorbar {
            Some(_) => {
                let own = colorbar::width(self.plot.h, &self.colorbar_ticks, style);
                let plot_w =
                    (cell_w - self.left - own - style.layout_pad) / (1.0 + colorbar::PAD_FRACTION);
                (own + colorbar::PAD_FRACTION * plot_w.max(0.0), plot_w)
            }
            None => (0.0, cell_w - self.left - right_side),
        };
        // The last x tick label may hang over the right end of the plot.
        let estimate = estimate.max(MIN_PLOT_SIDE);
        self.choose_x_ticks(estimate, style);
        let scale = AxisScale::new(self.x_limits, 0.0, estimate);
        let overhang = self
            .x_ticks
            .major
            .iter()
            .chain(&self.x_ticks.minor)
            .filter_map(|t| {
                Some(scale.px(t.value)? + axis::label_width(&t.label, style) / 2.0 - estimate)
            })
            .fold(0.0, f64::max);
        self.right = colorbar + right_side.max(overhang.max(0.0)) + style.layout_pad;
    }

    fn choose_x_ticks(&mut self, width: f64, style: &Style) {
        if self.pie {
            return;
        }
        let scale = AxisScale::new(self.x_limits, 0.0, width);
        self.x_ticks = axis::choose_ticks(
            self.axes.x.as_ref(),
            &self.prepared.x_ticks,
            &scale,
            Direction::Horizontal,
            style,
        );
        let size = style.font_size;
        let labels = || {
            self.x_ticks
                .major
                .iter()
                .chain(&self.x_ticks.minor)
                .filter(|t| !t.label.is_empty())
        };
        self.x_label_ascent = labels()
            .map(|t| axis::label_ascent(&t.label, size))
            .fold(text::box_ascent(size), f64::max);
        self.x_label_descent = labels()
            .map(|t| axis::label_descent(&t.label, size))
            .reduce(f64::max)
            .unwrap_or(text::box_descent(size));
    }

    fn draw(&self, scene: &mut Scene, palette: &Palette, style: &Style) {
        let plot = self.plot;
        let fg = palette.foreground;
        let canvas = Canvas {
            x: AxisScale::new(self.x_limits, plot.x, plot.right()),
            y: self.y_scale(plot.y, plot.bottom()),
            plot,
            foreground: fg,
            style: *style,
        };
        let right_canvas = self
            .y2_scale(plot.y, plot.bottom())
            .map(|y| Canvas { y, ..canvas });
        let grid_width = Style::hairline(style.grid_width);
        let grid =
            |axis: &Option<crate::spec::Axis>| axis.as_ref().and_then(|a| a.grid).unwrap_or(true);
        if !self.pie && grid(&self.axes.x) {
            for (x, _) in placed(&self.x_ticks.major, &canvas.x) {
                let col = snap_line(x, grid_width, plot.x, plot.right());
                scene.push(
                    None,
                    Shape::fill_rect(col, plot.y, grid_width, plot.h, palette.grid),
                );
            }
        }
        if !self.pie && grid(&self.axes.y) {
            for (y, _) in placed(&self.y_ticks.major, &canvas.y) {
                let row = snap_line(y, grid_width, plot.y, plot.bottom());
                scene.push(
                    None,
                    Shape::fill_rect(plot.x, row, plot.w, grid_width, palette.grid),
                );
            }
        }

        let data_start = scene.items.len();
        let mut entries = Vec::new();
        for styled in &self.prepared.series {
            let on_right = styled.series.common().yaxis == YAxisSide::Right;
            let canvas = match (&right_canvas, on_right) {
                (Some(right), true) => right,
                _ => &canvas,
            };
            if let Series::Pie(p) = styled.series {
                let wedges = pie::draw(scene, plot, p, style, fg);
                if self.axes.legend.is_some() {
                    entries.extend(wedges.into_iter().map(|w| Entry {
                        label: w.label,
                        handle: legend::Handle::Patch {
                            fill: w.color,
                            edge: None,
                        },
                    }));
                }
                continue;
            }
            let handle = series::draw(scene, canvas, styled);
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
        let data_end = scene.items.len();

        if !self.pie {
            self.draw_axes(scene, &canvas, right_canvas.as_ref(), palette, style);
        }
        let center_x = plot.x + plot.w / 2.0;
        if let Some(title) = self.axes.title.as_deref().filter(|t| !t.is_empty()) {
            let size = fit_size(
                title,
                style.title_size,
                plot.w + self.left + self.right,
                style.family,
            );
            let y = plot.y - style.title_pad;
            scene.push(
                None,
                Shape::Text(decoration(
                    title,
                    size,
                    Point { x: center_x, y },
                    Anchor::Middle,
                    fg,
                    style.family,
                )),
            );
        }

        // An outside legend starts past the decorations on its side.
        let outside = Point {
            x: plot.right() + self.right_decorations(style),
            y: plot.bottom() + self.bottom_decorations(style),
        };
        let data: Vec<crate::scene::Item> = scene.items[data_start..data_end].to_vec();
        if let Some(frame) = legend::frame(plot, self.legend, &entries, style, &data, outside) {
            legend::draw(scene, frame, self.legend, &entries, palette, style);
        }
        if let Some(spec) = &self.prepared.colorbar {
            colorbar::draw(scene, spec, plot, &self.colorbar_ticks, palette, style);
        }
    }

    /// Width of the twin axis' ticks, labels and axis label right of the plot.
    fn right_decorations(&self, style: &Style) -> f64 {
        if self.y2_limits.is_none() {
            return 0.0;
        }
        style.tick_length.round()
            + style.tick_pad
            + self.y2_label_width
            + axis_label(&self.axes.y2).map_or(0.0, |_| {
                style.label_pad + axis::label_height(style.font_size)
            })
    }

    /// Height of the x ticks, labels, axis label and offset text below the plot.
    fn bottom_decorations(&self, style: &Style) -> f64 {
        if self.pie {
            return 0.0;
        }
        self.x_tick_zone(style) + self.x_label_band(style)
    }

    /// The band below the x tick labels: the x label, and beside it at the axis end
    /// the x offset text.
    fn x_label_band(&self, style: &Style) -> f64 {
        let line = axis::label_height(style.font_size);
        let label = axis_label(&self.axes.x).map_or(0.0, |_| style.label_pad + line);
        let offset = if self.x_ticks.offset.is_empty() {
            0.0
        } else {
            style.px(OFFSET_TEXT_PAD) + line
        };
        label.max(offset)
    }

    /// Spines, ticks, tick labels, offset texts and axis labels.
    fn draw_axes(
        &self,
        scene: &mut Scene,
        canvas: &Canvas,
        right: Option<&Canvas>,
        palette: &Palette,
        style: &Style,
    ) {
        let plot = self.plot;
        let fg = palette.foreground;
        let hairline = Style::hairline(style.tick_width);
        let minor_hairline = Style::hairline(style.minor_tick_width);
        let tick_length = style.tick_length.round();
        let minor_length = style.minor_tick_length.round();

        // Spines: inside each edge of the plot area, so that ticks at the limits line
        // up with them.
        let spine = Style::hairline(style.spine_width);
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

        for (ticks, length, width) in [
            (&self.x_ticks.major, tick_length, hairline),
            (&self.x_ticks.minor, minor_length, minor_hairline),
        ] {
            for (x, tick) in placed(ticks, &canvas.x) {
                let col = snap_line(x, width, plot.x, plot.right());
                scene.push(
                    None,
                    Shape::fill_rect(col, plot.bottom(), width, length, fg),
                );
                if !tick.label.is_empty() {
                    let at = Point {
                        x,
                        y: plot.bottom() + x_tick_baseline(style, self.x_label_ascent),
                    };
                    scene.push(None, tick_label(&tick.label, at, Anchor::Middle, fg, style));
                }
            }
        }
        // The y axis on the left; the twin axis on the right mirrors it.
        let sides = [
            Some((&self.y_ticks, canvas, true)),
            right.map(|c| (&self.y2_ticks, c, false)),
        ];
        for (ticks, canvas, left) in sides.into_iter().flatten() {
            for (list, length, width) in [
                (&ticks.major, tick_length, hairline),
                (&ticks.minor, minor_length, minor_hairline),
            ] {
                for (y, tick) in placed(list, &canvas.y) {
                    let row = snap_line(y, width, plot.y, plot.bottom());
                    let x = if left { plot.x - length } else { plot.right() };
                    scene.push(None, Shape::fill_rect(x, row, length, width, fg));
                    if !tick.label.is_empty() {
                        let (edge, anchor) = if left {
                            (plot.x - tick_length - style.tick_pad, Anchor::End)
                        } else {
                            (plot.right() + tick_length + style.tick_pad, Anchor::Start)
                        };
                        scene.push(
                            None,
                            tick_label(&tick.label, beside(edge, y, style), anchor, fg, style),
                        );
                    }
                }
            }
        }
        let offset_pad = style.px(OFFSET_TEXT_PAD);
        if !self.x_ticks.offset.is_empty() {
            // matplotlib: right-aligned at the axis end, below the tick labels.
            let mut text = decoration(
                &self.x_ticks.offset,
                style.font_size,
                Point {
                    x: plot.right(),
                    y: plot.bottom() + self.x_tick_zone(style) + offset_pad,
                },
                Anchor::End,
                fg,
                style.family,
            );
            text.baseline = Baseline::Top;
            scene.push(None, Shape::Text(text));
        }
        // matplotlib: above the top of the axis, left-aligned on the left, right-aligned
        // on the right.
        for (offset, x, anchor) in [
            (&self.y_ticks.offset, plot.x, Anchor::Start),
            (&self.y2_ticks.offset, plot.right(), Anchor::End),
        ] {
            if !offset.is_empty() {
                let text = decoration(
                    offset,
                    style.font_size,
                    Point {
                        x,
                        y: plot.y - offset_pad,
                    },
                    anchor,
                    fg,
                    style.family,
                );
                scene.push(None, Shape::Text(text));
            }
        }

        let center_x = plot.x + plot.w / 2.0;
        if let Some(label) = axis_label(&self.axes.x) {
            let size = fit_size(label, style.font_size, plot.w + self.left, style.family);
            let y =
                plot.bottom() + self.x_tick_zone(style) + style.label_pad + text::box_ascent(size);
            scene.push(
                None,
                Shape::Text(decoration(
                    label,
                    size,
                    Point { x: center_x, y },
                    Anchor::Middle,
                    fg,
                    style.family,
                )),
            );
        }
        // Both y labels read upwards; the left one's descent faces the plot, the
        // right one's ascent does.
        let y_labels = [
            (axis_label(&self.axes.y), true),
            (
                axis_label(&self.axes.y2).filter(|_| self.y2_limits.is_some()),
                false,
            ),
        ];
        for (label, left) in y_labels {
            let Some(label) = label else { continue };
            // Centred on the plot, the label may not reach into a figure title above.
            let size = fit_size(label, style.font_size, plot.h, style.family);
            let x = if left {
                plot.x
                    - tick_length
                    - style.tick_pad
                    - self.y_label_width
                    - style.label_pad
                    - text::box_descent(size)
            } else {
                plot.right()
                    + tick_length
                    + style.tick_pad
                    + self.y2_label_width
                    + style.label_pad
                    + text::box_ascent(size)
            };
            let mut text = decoration(
                label,
                size,
                Point {
                    x,
                    y: plot.y + plot.h / 2.0,
                },
                Anchor::Middle,
                fg,
                style.family,
            );
            text.rotation = 90.0;
            scene.push(None, Shape::Text(text));
        }
    }
}

/// The labels a legend of `axes` lists: labelled series that have a legend handle, and
/// the wedges of a pie when a legend is asked for.
fn legend_labels(axes: &Axes) -> Vec<String> {
    let mut labels = Vec::new();
    for s in &axes.series {
        match s {
            // As `pie::draw` lists them: drawn wedges with a label.
            Series::Pie(p) => {
                if axes.legend.is_some() {
                    let named = p.labels.iter().flatten().zip(&p.values);
                    labels.extend(
                        named
                            .filter(|(label, value)| !label.is_empty() && value.is_some())
                            .map(|(label, _)| label.clone()),
                    );
                }
            }
            Series::Text(_) | Series::Annotation(_) => {}
            other => {
                if let Some(label) = other.common().label.filter(|l| !l.is_empty()) {
                    labels.push(label.to_string());
                }
            }
        }
    }
    labels
}

/// The ticks of `ticks` that `scale` can place, with their pixel positions.
fn placed(ticks: &[Tick], scale: &AxisScale) -> Vec<(f64, Tick)> {
    ticks
        .iter()
        .filter_map(|t| Some((scale.px(t.value)?, t.clone())))
        .collect()
}

/// A pie's axes box: matplotlib's equal aspect shrinks the box to a square, centred,
/// or against its right side where a legend hangs there.
fn square(plot: Rect, against_right: bool) -> Rect {
    let side = plot.w.min(plot.h);
    let x = if against_right {
        plot.right() - side
    } else {
        plot.x + ((plot.w - side) / 2.0).round()
    };
    Rect {
        x,
        y: plot.y + ((plot.h - side) / 2.0).round(),
        w: side,
        h: side,
    }
}

/// The label of an axis, unless absent or empty.
fn axis_label(axis: &Option<crate::spec::Axis>) -> Option<&str> {
    axis.as_ref()
        .and_then(|a| a.label.as_deref())
        .filter(|l| !l.is_empty())
}

/// matplotlib's `va="top"` x tick labels: the top of the tallest label's box sits
/// `tick_pad` below the tick; `ascent` is how far that label reaches above its
/// baseline.
fn x_tick_baseline(style: &Style, ascent: f64) -> f64 {
    style.tick_length.round() + style.tick_pad + ascent
}

/// The first whole-pixel row or column of a hairline `width` px wide centred at
/// `position`, kept within `[start, end)` so that lines at the limits sit on the
/// spines.
pub(crate) fn snap_line(position: f64, width: f64, start: f64, end: f64) -> f64 {
    (position - width / 2.0)
        .round()
        .clamp(start, (end - width).max(start))
}

/// A tick label drawn at `at` (its anchor point on the baseline).
pub(crate) fn tick_label(
    label: &Label,
    at: Point,
    anchor: Anchor,
    color: Color,
    style: &Style,
) -> Shape {
    let mut text = decoration(
        &axis::drawn_text(label),
        style.font_size,
        at,
        anchor,
        color,
        style.family,
    );
    text.superscript = label.superscript.clone();
    Shape::Text(text)
}

/// The anchor of a label beside a vertical axis at `edge`, centred on `position`:
/// centring the cap height looks centred for digits, which most labels are.
pub(crate) fn beside(edge: f64, position: f64, style: &Style) -> Point {
    Point {
        x: edge,
        y: position + text::cap_height(style.font_size) / 2.0,
    }
}

fn decoration(
    text: &str,
    size: f64,
    at: Point,
    anchor: Anchor,
    color: Color,
    family: FamilyId,
) -> Text {
    Text {
        at,
        text: text.to_string(),
        superscript: None,
        size,
        color,
        anchor,
        baseline: Baseline::Alphabetic,
        rotation: 0.0,
        family,
    }
}

/// `size`, or smaller if `text` would be wider than `room`.
fn fit_size(text: &str, size: f64, room: f64, family: FamilyId) -> f64 {
    let width = text::measure(family, text, size);
    if width <= room || width <= 0.0 {
        size
    } else {
        (size * room / width).max(MIN_FIT_SIZE)
    }
}

/// The box a text occupies on the canvas (horizontal, or rotated by 90°): matplotlib's
/// line box, from the top of `l` to the bottom of `p`, and higher for a superscript.
pub fn text_box(t: &Text) -> Rect {
    let width = text::measure_with_superscript(t.family, &t.text, t.superscript.as_deref(), t.size);
    let mut ascent = text::box_ascent(t.size);
    if t.superscript.is_some() {
        ascent = ascent.max(text::superscript_top(t.size));
    }
    let descent = if t.superscript.is_some() {
        text::superscript_bottom(t.size)
    } else {
        text::box_descent(t.size)
    };
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
