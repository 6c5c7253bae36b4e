//! The plot spec, version 1: the public contract (see `SPEC.md` in the repository root).
//!
//! These types are the source of truth. The JSON Schema in `schema.json` is generated
//! from them (`cargo run -p plotbox-host -- schema` or [`crate::schema_json`]), and a test
//! fails when the checked-in copy is stale. Every struct denies unknown fields so that a
//! typo such as `"colour"` is an error with the field's path, never silently ignored.
//!
//! Numeric arrays hold `Option<f64>`: `null` is a gap, as NaN is in matplotlib.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One figure: a canvas holding one or more axes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "plotbox plot spec, version 1")]
pub struct Figure {
    /// Spec version; only `1` exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// Width in CSS pixels (SVG user units; PNG pixels at scale 1). Default 640.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    /// Height in CSS pixels. Default 480.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    /// Size in inches, `[width, height]`, instead of `width`/`height` (matplotlib's
    /// `figsize`); the canvas is `figsize × dpi` pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figsize: Option<[f64; 2]>,
    /// Pixels per inch: a point (1/72 in) of text or line is `dpi / 72` pixels, as in
    /// matplotlib. Default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpi: Option<f64>,
    /// The default font of every text. Default DejaVu Sans, 10 pt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<Font>,
    /// Figure title, above all axes (matplotlib's suptitle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A color, or `"transparent"`. Default: the theme's background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// `"light"` (default) or `"dark"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<Theme>,
    /// The subplot grid; `axes` fill it row by row. Default: one row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subplots: Option<Subplots>,
    /// The subplots. Required unless the shorthand (`series` at the top level) is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axes: Option<Vec<Axes>>,
    /// Shorthand: the series of a figure with a single axes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<Series>>,
    /// Shorthand: the x axis of the single axes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Axis>,
    /// Shorthand: the y axis of the single axes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Axis>,
    /// Shorthand: the legend position of the single axes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend: Option<LegendPosition>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

/// The figure's default font (matplotlib's `font.family` and `font.size`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Font {
    /// Font family. Only the embedded `DejaVu Sans` (also `sans-serif`) exists unless the
    /// operator configures more fonts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// Size in points of tick labels, axis labels, legend and text; titles are 1.2×
    /// (matplotlib's `large`). Default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<f64>,
}

/// The subplot grid, as in matplotlib's `plt.subplots(rows, cols)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subplots {
    pub rows: u64,
    pub cols: u64,
}

/// One subplot: two axes and the series drawn on them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<Axis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<Axis>,
    /// Default: `"upper right"` where any series has a `label`, else none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legend: Option<LegendPosition>,
    /// What is drawn, in order; later series are on top.
    pub series: Vec<Series>,
}

/// One axis of an axes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// Lower limit; default from the data with a margin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper limit; default from the data with a margin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Grid lines at the ticks. Default on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<bool>,
    /// Explicit tick positions, in data coordinates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<Vec<f64>>,
    /// Labels for `ticks`, one each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick_labels: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum LegendPosition {
    #[serde(rename = "upper right")]
    UpperRight,
    #[serde(rename = "upper left")]
    UpperLeft,
    #[serde(rename = "lower left")]
    LowerLeft,
    #[serde(rename = "lower right")]
    LowerRight,
    #[serde(rename = "none")]
    None,
}

/// The fields every series may have, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Common<'a> {
    pub label: Option<&'a str>,
    pub color: Option<&'a str>,
    pub alpha: Option<f64>,
}

/// Declares a series struct with the fields every series has (`label`, `color`,
/// `alpha`) appended. Written out instead of `#[serde(flatten)]`, which serde does not
/// support together with `deny_unknown_fields`.
macro_rules! series_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($body)*
            /// Legend entry.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub label: Option<String>,
            /// A matplotlib color: `C0`..`C9`, `tab:blue`, `red`, `#rgb`, `#rrggbb`, `#rrggbbaa`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub color: Option<String>,
            /// Opacity, 0..1.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub alpha: Option<f64>,
        }

        impl $name {
            /// The fields every series has.
            pub fn common(&self) -> Common<'_> {
                Common { label: self.label.as_deref(), color: self.color.as_deref(), alpha: self.alpha }
            }
        }
    };
}

/// A numeric array in which `null` is a gap.
pub type Values = Vec<Option<f64>>;

/// What is drawn on an axes, chosen by `type`.
///
/// Deserialization is hand-written (see `parse.rs`) so that an error inside a series
/// keeps its full JSON Pointer; serde's internally tagged enums lose it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Series {
    Line(LineSeries),
    Scatter(ScatterSeries),
    Bar(BarSeries),
    Hist(HistSeries),
    Area(AreaSeries),
    Step(StepSeries),
    Errorbar(ErrorbarSeries),
    Heatmap(HeatmapSeries),
    Hline(HlineSeries),
    Vline(VlineSeries),
    Text(TextSeries),
}

impl Series {
    /// The `type` names, in the order of SPEC.md's table.
    pub const TYPES: [&'static str; 11] = [
        "line", "scatter", "bar", "hist", "area", "step", "errorbar", "heatmap", "hline", "vline",
        "text",
    ];

    /// The fields every series has: label, color, alpha.
    pub fn common(&self) -> Common<'_> {
        match self {
            Series::Line(s) => s.common(),
            Series::Scatter(s) => s.common(),
            Series::Bar(s) => s.common(),
            Series::Hist(s) => s.common(),
            Series::Area(s) => s.common(),
            Series::Step(s) => s.common(),
            Series::Errorbar(s) => s.common(),
            Series::Heatmap(s) => s.common(),
            Series::Hline(s) => s.common(),
            Series::Vline(s) => s.common(),
            Series::Text(s) => s.common(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DashStyle {
    #[default]
    Solid,
    Dashed,
    Dotted,
    Dashdot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Marker {
    #[serde(rename = "o")]
    Circle,
    #[serde(rename = "s")]
    Square,
    #[serde(rename = "^")]
    Triangle,
    #[serde(rename = "x")]
    Cross,
    #[serde(rename = "+")]
    Plus,
    #[serde(rename = "none")]
    None,
}

series_struct! {
/// `ax.plot`
    pub struct LineSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Values>,
        pub y: Values,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<Marker>,
        /// Marker diameter in points (default 6, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub markersize: Option<f64>,
    }
}

series_struct! {
/// `ax.scatter`
    pub struct ScatterSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Values>,
        pub y: Values,
        /// Per-point marker diameters in points.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sizes: Option<Values>,
        /// Per-point colors.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub colors: Option<Vec<String>>,
        /// Marker diameter in points (default 6, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub size: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<Marker>,
    }
}

/// A category (bar `x`, heatmap labels): a string or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Category {
    Number(f64),
    Text(String),
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    #[default]
    Vertical,
    Horizontal,
}

series_struct! {
/// `ax.bar` / `ax.barh`; several bar series on one axes are grouped.
    pub struct BarSeries {
        /// Categories (strings or numbers); default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Vec<Category>>,
        /// Bar heights.
        pub y: Values,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub orientation: Option<Orientation>,
        /// Width as a fraction 0..1 of the category slot (default 0.8).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub width: Option<f64>,
    }
}

/// Histogram bins: a count, or explicit ascending edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Bins {
    Count(u64),
    Edges(Vec<f64>),
}

series_struct! {
/// `ax.hist`
    pub struct HistSeries {
        pub values: Values,
        /// Default 10.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bins: Option<Bins>,
        /// Normalize so that the area under the histogram is 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub density: Option<bool>,
    }
}

series_struct! {
/// `ax.fill_between`
    pub struct AreaSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Values>,
        pub y: Values,
        /// Lower boundary; default 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub y2: Option<Values>,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<Marker>,
        /// Marker diameter in points (default 6, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub markersize: Option<f64>,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StepWhere {
    #[default]
    Pre,
    Post,
    Mid,
}

series_struct! {
/// `ax.step`
    pub struct StepSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Values>,
        pub y: Values,
        /// Where the step happens (default `pre`, as matplotlib).
        #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
        pub step_where: Option<StepWhere>,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<Marker>,
        /// Marker diameter in points (default 6, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub markersize: Option<f64>,
    }
}

/// An error amount: one number for all points, or one per point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorAmount {
    All(f64),
    PerPoint(Values),
}

series_struct! {
/// `ax.errorbar`
    pub struct ErrorbarSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Values>,
        pub y: Values,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub yerr: Option<ErrorAmount>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub xerr: Option<ErrorAmount>,
        /// Cap length in points (default 0: no caps, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub capsize: Option<f64>,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub marker: Option<Marker>,
        /// Marker diameter in points (default 6, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub markersize: Option<f64>,
    }
}

series_struct! {
/// `ax.imshow`: a grid of values mapped through a colormap; row 0 is drawn at the top.
    pub struct HeatmapSeries {
        /// Rows of values, all of the same length.
        pub z: Vec<Values>,
        /// Column labels.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Vec<Category>>,
        /// Row labels.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub y: Option<Vec<Category>>,
        /// Default `viridis`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub colormap: Option<Colormap>,
        /// Draw a colorbar beside the axes (default false).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub colorbar: Option<bool>,
        /// Value mapped to the low end of the colormap; default the data minimum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vmin: Option<f64>,
        /// Value mapped to the high end of the colormap; default the data maximum.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vmax: Option<f64>,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Colormap {
    #[default]
    Viridis,
    Plasma,
    Inferno,
    Magma,
    Cividis,
    Gray,
    Greys,
    Blues,
    Reds,
    Coolwarm,
}

series_struct! {
/// `ax.axhline`
    pub struct HlineSeries {
        pub y: f64,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
    }
}

series_struct! {
/// `ax.axvline`
    pub struct VlineSeries {
        pub x: f64,
        /// Line width in points (default 1.5, as matplotlib).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linewidth: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub linestyle: Option<DashStyle>,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HAlign {
    #[default]
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum VAlign {
    Top,
    Center,
    #[default]
    Bottom,
}

series_struct! {
/// `ax.text`: a string at a point in data coordinates.
    pub struct TextSeries {
        pub x: f64,
        pub y: f64,
        pub text: String,
        /// Font size in points (default: the figure font size, 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fontsize: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ha: Option<HAlign>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub va: Option<VAlign>,
    }
}
