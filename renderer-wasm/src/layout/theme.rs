//! The look: colors of the light and dark themes, font sizes and the matplotlib
//! dimensions (in CSS px, taking matplotlib's points as pixels) that layout uses.

use crate::scene::Color;
use crate::spec::Theme;

/// Tick labels (matplotlib: 10 pt).
pub const TICK_LABEL_SIZE: f64 = 10.5;
/// Axis labels (matplotlib: 10 pt, but they read better a step above tick labels).
pub const AXIS_LABEL_SIZE: f64 = 12.0;
/// Axes titles (matplotlib: 12 pt).
pub const TITLE_SIZE: f64 = 13.5;
/// The figure title (matplotlib's suptitle: 12 pt; larger here so that it ranks above
/// the axes titles).
pub const SUPTITLE_SIZE: f64 = 15.5;
/// Legend entries (matplotlib: 10 pt).
pub const LEGEND_SIZE: f64 = 10.5;
/// `text` series without a `fontsize`.
pub const TEXT_SIZE: f64 = 12.0;

/// Spine and tick width (matplotlib `axes.linewidth`, `xtick.major.width`).
pub const SPINE_WIDTH: f64 = 0.8;
/// Tick length, outward (matplotlib `xtick.major.size`).
pub const TICK_LENGTH: f64 = 3.5;
/// Gap between a tick and its label (matplotlib `xtick.major.pad`).
pub const TICK_PAD: f64 = 3.5;
/// Gap between tick labels and the axis label (matplotlib `axes.labelpad`).
pub const LABEL_PAD: f64 = 4.0;
/// Gap between the plot area and its title (matplotlib `axes.titlepad`).
pub const TITLE_PAD: f64 = 6.0;
/// Empty border around the whole figure.
pub const FIGURE_PAD: f64 = 8.0;
/// Space between neighbouring subplots, beyond their own labels.
pub const CELL_GAP: f64 = 12.0;
/// Smallest gap between two tick labels on one axis, as a fraction of the font size.
pub const TICK_LABEL_GAP: f64 = 0.6;
/// matplotlib `axes.xmargin` / `axes.ymargin`.
pub const DATA_MARGIN: f64 = 0.05;

/// Default line width (matplotlib `lines.linewidth`).
pub const LINE_WIDTH: f64 = 1.5;
/// Default marker diameter (matplotlib `lines.markersize`).
pub const MARKER_SIZE: f64 = 6.0;
/// Stroke width of unfilled markers (`x`, `+`) and error bar caps
/// (matplotlib `lines.markeredgewidth`).
pub const MARKER_EDGE_WIDTH: f64 = 1.0;
/// Default scatter marker diameter.
pub const SCATTER_SIZE: f64 = 6.0;
/// Default half-length of error bar caps.
pub const CAP_SIZE: f64 = 3.0;
/// Fill opacity of `area` series: light enough that the grid and overlapping areas
/// show through, with the full-color edge line carrying the value.
pub const AREA_ALPHA: f64 = 0.35;
/// Default bar width as a fraction of the category slot (matplotlib and pandas).
pub const BAR_WIDTH: f64 = 0.8;

/// Dash patterns in units of the line width (matplotlib `lines.*_pattern`, which
/// matplotlib scales by the line width too).
pub const DASHED: [f64; 2] = [3.7, 1.6];
pub const DOTTED: [f64; 2] = [1.0, 1.65];
pub const DASHDOT: [f64; 4] = [6.4, 1.6, 1.0, 1.6];

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

/// matplotlib `legend.framealpha`.
pub const LEGEND_FACE_ALPHA: f64 = 0.8;

impl Palette {
    pub fn of(theme: Theme) -> Self {
        match theme {
            Theme::Light => Palette {
                background: Color::rgb(255, 255, 255),
                foreground: Color::rgb(0, 0, 0),
                // matplotlib `grid.color` is #b0b0b0 at 0.8 pt; a full pixel of it is
                // heavier, so this is the same gray a little lighter.
                grid: Color::rgb(0xd0, 0xd0, 0xd0),
                legend_face: Color::rgb(255, 255, 255),
                // matplotlib `legend.edgecolor` "0.8".
                legend_edge: Color::rgb(0xcc, 0xcc, 0xcc),
            },
            // matplotlib's `dark_background` style, with the grid dimmed the way the
            // light grid is (its own white grid overpowers the data).
            Theme::Dark => Palette {
                background: Color::rgb(0, 0, 0),
                foreground: Color::rgb(255, 255, 255),
                grid: Color::rgb(0x44, 0x44, 0x44),
                legend_face: Color::rgb(0, 0, 0),
                legend_edge: Color::rgb(0x80, 0x80, 0x80),
            },
        }
    }
}
