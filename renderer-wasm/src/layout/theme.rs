//! The look, in one place: matplotlib's rcParams defaults (in points, as matplotlib
//! states them), the [`Style`] that turns them into pixels for one figure's `dpi` and
//! font size, and the colors of the light and dark themes.
//!
//! "What is the default X" has its answer here and nowhere else: validation resolves a
//! spec against a [`Style`], and layout reads only resolved pixel values.

use crate::fonts::FamilyId;
use crate::scene::Color;
use crate::spec::{DashStyle, Marker, Series, Theme};

/// matplotlib's default `figure.dpi`.
pub const DEFAULT_DPI: f64 = 100.0;
/// matplotlib's default `font.size`, in points.
pub const DEFAULT_FONT_SIZE: f64 = 10.0;
/// Points per inch.
pub const POINTS_PER_INCH: f64 = 72.0;

/// matplotlib's relative font sizes (`font_manager.font_scalings`).
const LARGE: f64 = 1.2;

/// rcParams in points (matplotlib 3.10's `matplotlibrc` defaults).
mod rc {
    /// `xtick.major.size`, `ytick.major.size`.
    pub const MAJOR_TICK_SIZE: f64 = 3.5;
    /// `xtick.minor.size`.
    pub const MINOR_TICK_SIZE: f64 = 2.0;
    /// `xtick.major.width`.
    pub const MAJOR_TICK_WIDTH: f64 = 0.8;
    /// `xtick.minor.width`.
    pub const MINOR_TICK_WIDTH: f64 = 0.6;
    /// `xtick.major.pad`.
    pub const TICK_PAD: f64 = 3.5;
    /// `axes.linewidth`.
    pub const SPINE_WIDTH: f64 = 0.8;
    /// `axes.labelpad`.
    pub const LABEL_PAD: f64 = 4.0;
    /// `axes.titlepad`.
    pub const TITLE_PAD: f64 = 6.0;
    /// `grid.linewidth`.
    pub const GRID_WIDTH: f64 = 0.8;
    /// `lines.linewidth`.
    pub const LINE_WIDTH: f64 = 1.5;
    /// `lines.markersize`; also the default scatter diameter (`s = markersize²`).
    pub const MARKER_SIZE: f64 = 6.0;
    /// `lines.markeredgewidth`: unfilled markers (`x`, `+`), error bar caps, and the
    /// edge every scatter marker gets in its own color.
    pub const MARKER_EDGE_WIDTH: f64 = 1.0;
    /// `errorbar.capsize`: matplotlib draws no caps unless asked.
    pub const CAP_SIZE: f64 = 0.0;
    /// `patch.linewidth`: the legend frame.
    pub const PATCH_WIDTH: f64 = 1.0;
    /// `figure.constrained_layout.w_pad` / `h_pad` (0.04167 in): the gap around every
    /// axes and its decorations, and between them and the figure's edge.
    pub const LAYOUT_PAD: f64 = 3.0;
}

/// Smallest gap between two tick labels on one axis, as a fraction of their font size.
/// matplotlib lets labels overlap; plotbox thins ticks instead.
pub const TICK_LABEL_GAP: f64 = 0.6;
/// matplotlib `axes.xmargin` / `axes.ymargin`.
pub const DATA_MARGIN: f64 = 0.05;
/// matplotlib `figure.constrained_layout.wspace` / `hspace`: the space between
/// subplots, as a fraction of the figure.
pub const SUBPLOT_SPACE: f64 = 0.02;
/// Default bar width as a fraction of the category slot (matplotlib and pandas).
pub const BAR_WIDTH: f64 = 0.8;
/// Default histogram bin count (`hist.bins`).
pub const HIST_BINS: usize = 10;
/// matplotlib `legend.framealpha`.
pub const LEGEND_FACE_ALPHA: f64 = 0.8;

/// Dash patterns in units of the line width (matplotlib `lines.*_pattern`, which
/// matplotlib scales by the line width too).
pub const DASHED: [f64; 2] = [3.7, 1.6];
pub const DOTTED: [f64; 2] = [1.0, 1.65];
pub const DASHDOT: [f64; 4] = [6.4, 1.6, 1.0, 1.6];

/// Every size layout uses, in CSS pixels for one figure's `dpi` and font size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Pixels per point: `dpi / 72`.
    pub px_per_pt: f64,
    /// `font.size` in px: tick labels, axis labels, legend and `text` (all `medium`).
    pub font_size: f64,
    /// Axes titles and the figure title (`large`).
    pub title_size: f64,
    pub tick_length: f64,
    pub minor_tick_length: f64,
    pub tick_width: f64,
    pub minor_tick_width: f64,
    pub tick_pad: f64,
    pub spine_width: f64,
    pub label_pad: f64,
    pub title_pad: f64,
    pub grid_width: f64,
    pub line_width: f64,
    pub marker_size: f64,
    pub marker_edge_width: f64,
    pub cap_size: f64,
    pub legend_frame_width: f64,
    pub layout_pad: f64,
    /// `font.family`: the family of every text that names none.
    pub family: FamilyId,
}

impl Style {
    /// The style of a figure at `dpi` whose font is `font_size_pt` points.
    pub fn new(dpi: f64, font_size_pt: f64) -> Self {
        let px_per_pt = dpi / POINTS_PER_INCH;
        let px = |pt: f64| pt * px_per_pt;
        Style {
            px_per_pt,
            font_size: px(font_size_pt),
            title_size: px(font_size_pt * LARGE),
            tick_length: px(rc::MAJOR_TICK_SIZE),
            minor_tick_length: px(rc::MINOR_TICK_SIZE),
            tick_width: px(rc::MAJOR_TICK_WIDTH),
            minor_tick_width: px(rc::MINOR_TICK_WIDTH),
            tick_pad: px(rc::TICK_PAD),
            spine_width: px(rc::SPINE_WIDTH),
            label_pad: px(rc::LABEL_PAD),
            title_pad: px(rc::TITLE_PAD),
            grid_width: px(rc::GRID_WIDTH),
            line_width: px(rc::LINE_WIDTH),
            marker_size: px(rc::MARKER_SIZE),
            marker_edge_width: px(rc::MARKER_EDGE_WIDTH),
            cap_size: px(rc::CAP_SIZE),
            legend_frame_width: px(rc::PATCH_WIDTH),
            layout_pad: px(rc::LAYOUT_PAD),
            family: FamilyId::default(),
        }
    }

    /// A length given in points, in px.
    pub fn px(&self, points: f64) -> f64 {
        points * self.px_per_pt
    }

    /// A hairline's width in whole pixels (at least one): grid lines, spines and ticks
    /// are pixel-snapped rectangles, as matplotlib's Agg snapping draws them.
    pub fn hairline(width: f64) -> f64 {
        width.round().max(1.0)
    }
}

/// A series' look with every default applied, lengths in px: what validation resolves
/// and layout draws with.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesLook {
    /// The color with the series' `alpha` applied.
    pub color: Color,
    /// Per-point colors (scatter `colors`), with the series' `alpha` applied.
    pub point_colors: Option<Vec<Color>>,
    /// Line width; 0 draws no line (an `area` without `linewidth`).
    pub line_width: f64,
    pub line_style: DashStyle,
    /// `Marker::None` draws none.
    pub marker: Marker,
    /// Marker diameter (the default of a scatter's per-point sizes).
    pub marker_size: f64,
    /// Per-point marker diameters (scatter `sizes`); `None` entries take `marker_size`.
    pub point_sizes: Option<Vec<Option<f64>>>,
    /// Half the length of an error bar cap.
    pub cap_size: f64,
    /// `text` size.
    pub font_size: f64,
    /// `text` and `annotation` family.
    pub family: FamilyId,
}

impl Style {
    /// The look of `series` drawn in `color` (its own or the cycle's, alpha applied)
    /// with `point_colors` already parsed: every field it leaves out takes matplotlib's
    /// default, and every length becomes pixels.
    pub fn series_look(
        &self,
        series: &Series,
        color: Color,
        point_colors: Option<Vec<Color>>,
    ) -> SeriesLook {
        let px = |points: Option<f64>, default: f64| points.map_or(default, |pt| self.px(pt));
        let mut look = SeriesLook {
            color,
            point_colors,
            line_width: self.line_width,
            line_style: DashStyle::Solid,
            marker: Marker::None,
            marker_size: self.marker_size,
            point_sizes: None,
            cap_size: self.cap_size,
            font_size: self.font_size,
            family: self.family,
        };
        let line = |look: &mut SeriesLook, width, style: Option<DashStyle>, marker, size| {
            look.line_width = px(width, self.line_width);
            look.line_style = style.unwrap_or_default();
            look.marker = marker_or_none(marker);
            look.marker_size = px(size, self.marker_size);
        };
        match series {
            Series::Line(s) => line(&mut look, s.linewidth, s.linestyle, s.marker, s.markersize),
            Series::Step(s) => line(&mut look, s.linewidth, s.linestyle, s.marker, s.markersize),
            Series::Errorbar(s) => {
                line(&mut look, s.linewidth, s.linestyle, s.marker, s.markersize);
                look.cap_size = px(s.capsize, self.cap_size);
            }
            // matplotlib's `fill_between` draws no edge line: only an explicit
            // `linewidth` adds one.
            Series::Area(s) => {
                line(&mut look, s.linewidth, s.linestyle, s.marker, s.markersize);
                look.line_width = px(s.linewidth, 0.0);
            }
            Series::Scatter(s) => {
                look.marker = match s.marker {
                    None | Some(Marker::None) => Marker::Circle,
                    Some(m) => m,
                };
                look.marker_size = px(s.size, self.marker_size);
                look.point_sizes = s
                    .sizes
                    .as_ref()
                    .map(|sizes| sizes.iter().map(|v| v.map(|pt| self.px(pt))).collect());
            }
            Series::Hline(s) => {
                look.line_width = px(s.linewidth, self.line_width);
                look.line_style = s.linestyle.unwrap_or_default();
            }
            Series::Vline(s) => {
                look.line_width = px(s.linewidth, self.line_width);
                look.line_style = s.linestyle.unwrap_or_default();
            }
            Series::Text(s) => look.font_size = px(s.fontsize, self.font_size),
            Series::Annotation(s) => {
                look.font_size = px(s.fontsize, self.font_size);
                // matplotlib's annotation arrows: `patch.linewidth`.
                look.line_width = self.legend_frame_width;
            }
            Series::Bar(_)
            | Series::Hist(_)
            | Series::Heatmap(_)
            | Series::Pie(_)
            | Series::Box(_) => {}
        }
        look
    }
}

fn marker_or_none(marker: Option<Marker>) -> Marker {
    marker.unwrap_or(Marker::None)
}

impl Default for Style {
    fn default() -> Self {
        Style::new(DEFAULT_DPI, DEFAULT_FONT_SIZE)
    }
}

/// The colors of one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color,
    /// Text, spines, ticks.
    pub foreground: Color,
    pub grid: Color,
    /// Legend box face (drawn at [`LEGEND_FACE_ALPHA`]).
    pub legend_face: Color,
    pub legend_edge: Color,
}

impl Palette {
    pub fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Palette {
                background: Color::rgb(255, 255, 255),
                foreground: Color::rgb(0, 0, 0),
                // `grid.color`.
                grid: Color::rgb(0xb0, 0xb0, 0xb0),
                legend_face: Color::rgb(255, 255, 255),
                // `legend.edgecolor` "0.8".
                legend_edge: Color::rgb(0xcc, 0xcc, 0xcc),
            },
            // matplotlib's `dark_background` style.
            Theme::Dark => Palette {
                background: Color::rgb(0, 0, 0),
                foreground: Color::rgb(255, 255, 255),
                grid: Color::rgb(255, 255, 255),
                legend_face: Color::rgb(0, 0, 0),
                legend_edge: Color::rgb(0xcc, 0xcc, 0xcc),
            },
        }
    }
}
