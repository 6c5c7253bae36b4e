//! The plot spec, version 1: the public contract (documented for users in `docs/spec.md`).
//!
//! These types are the source of truth. The JSON Schema in `schema.json` is generated
//! from them (`cargo run -p plotbox-host -- schema` or [`crate::schema_json`]), and a test
//! fails when the checked-in copy is stale. Every struct denies unknown fields so that a
//! typo such as `"colour"` is an error with the field's path, never silently ignored.
//!
//! Numeric arrays hold `Option<f64>`: `null` is a gap, as NaN is in matplotlib.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `Deserialize` for an enum whose variants are told apart by their JSON shape, as
/// `#[serde(untagged)]` would, but with errors a spec author can act on: a value of a
/// variant's shape that fails inside (an unknown field of an object, a string in an
/// array of numbers) gets that variant's error, and a value of no variant's shape gets
/// "expected <what>, got <value>", instead of serde's "data did not match any variant
/// of untagged enum <Rust type>" for both.
macro_rules! deserialize_one_of {
    ($enum:ident, $expecting:literal, $($variant:ident($inner:ty) if $shape:pat),+ $(,)?) => {
        impl<'de> Deserialize<'de> for $enum {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = serde_json::Value::deserialize(deserializer)?;
                $(
                    if matches!(value, $shape) {
                        return <$inner>::deserialize(&value)
                            .map($enum::$variant)
                            .map_err(D::Error::custom);
                    }
                )+
                Err(D::Error::custom(format!(
                    "expected {}, got {}",
                    $expecting,
                    describe_json(&value)
                )))
            }
        }
    };
}

/// A JSON value as an error message names it: its kind, or a short form of a scalar.
fn describe_json(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), crate::error::short_number),
        serde_json::Value::String(_) => "a string".into(),
        serde_json::Value::Array(_) => "an array".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

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
    /// A second y axis on the right (matplotlib's `ax.twinx()`) for the series with
    /// `"yaxis": "right"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y2: Option<Axis>,
    /// Default: `"best"` where any series has a `label`, else none.
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
    /// Lower limit (a number, or an ISO 8601 time on a time axis); default from the
    /// data with a margin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Datum>,
    /// Upper limit; default from the data with a margin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Datum>,
    /// The time zone a time axis shows: `"UTC"` (default) or a fixed offset such as
    /// `"+05:30"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
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
    /// ISO 8601 dates and times (the default where the data are ISO strings).
    Time,
    /// Strings as categories, in order of first appearance (the default where `x`
    /// holds other strings).
    Category,
}

/// `bar_label`: `true` (the value, as `{:g}`), or a format and a position.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum BarLabel {
    On(bool),
    Styled(BarLabelStyle),
}

deserialize_one_of!(
    BarLabel,
    "true, false or an object with fmt and position",
    On(bool) if serde_json::Value::Bool(_),
    Styled(BarLabelStyle) if serde_json::Value::Object(_),
);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BarLabelStyle {
    /// Python's format mini-language for one number, with literal text around it:
    /// `{:g}` (default), `{:.1f}`, `{:,.0f}`, `{:.0%}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fmt: Option<String>,
    /// `edge` (default: past the end of the bar) or `center` (inside it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<BarLabelPosition>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BarLabelPosition {
    #[default]
    Edge,
    Center,
}

/// Which y axis a series uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum YAxisSide {
    #[default]
    Left,
    /// The axes' `y2` (matplotlib's `ax.twinx()`).
    Right,
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
    /// matplotlib's `best`: the position that covers the least data.
    #[serde(rename = "best")]
    Best,
    #[serde(rename = "upper center")]
    UpperCenter,
    #[serde(rename = "lower center")]
    LowerCenter,
    #[serde(rename = "center left")]
    CenterLeft,
    #[serde(rename = "center right")]
    CenterRight,
    #[serde(rename = "center")]
    Center,
    /// Beside the axes, on the right; the layout makes room.
    #[serde(rename = "outside right")]
    OutsideRight,
    /// Below the axes; the layout makes room.
    #[serde(rename = "outside bottom")]
    OutsideBottom,
}

/// The fields every series may have, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Common<'a> {
    pub label: Option<&'a str>,
    pub color: Option<&'a str>,
    pub alpha: Option<f64>,
    pub yaxis: YAxisSide,
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
            /// `"right"` draws on the axes' `y2` axis.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub yaxis: Option<YAxisSide>,
        }

        impl $name {
            /// The fields every series has.
            pub fn common(&self) -> Common<'_> {
                Common { label: self.label.as_deref(), color: self.color.as_deref(), alpha: self.alpha, yaxis: self.yaxis.unwrap_or_default() }
            }
        }
    };
}

/// A numeric array in which `null` is a gap.
pub type Values = Vec<Option<f64>>;

/// One value of a data array or an axis bound: a number, or a string (an ISO 8601
/// time, or a category name).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Datum {
    Number(f64),
    Text(String),
}

/// By hand rather than `#[serde(untagged)]`, whose error for anything else ("data did
/// not match any variant of untagged enum Datum") names a Rust type instead of what
/// the field takes.
impl<'de> Deserialize<'de> for Datum {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DatumVisitor;
        impl serde::de::Visitor<'_> for DatumVisitor {
            type Value = Datum;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, or a string (an ISO 8601 time or a category name)")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Datum, E> {
                Ok(Datum::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Datum, E> {
                Ok(Datum::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Datum, E> {
                Ok(Datum::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Datum, E> {
                Ok(Datum::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Datum, E> {
                Ok(Datum::Text(v))
            }
        }
        deserializer.deserialize_any(DatumVisitor)
    }
}

impl Default for Datum {
    fn default() -> Self {
        Datum::Number(0.0)
    }
}

impl Datum {
    pub fn number(&self) -> Option<f64> {
        match self {
            Datum::Number(v) => Some(*v),
            Datum::Text(_) => None,
        }
    }
}

/// A data array (`x` or `y` of a line, scatter, step, area or errorbar): numbers with
/// `null` gaps, or strings (ISO 8601 times or category names) with gaps.
///
/// Parsed as numbers whenever it holds no string, so that the common case costs what a
/// plain `[f64]` does. Validation resolves strings to numbers on their axis (days since
/// 1970 on a time axis, slot indices on a category axis); layout only ever sees
/// numbers, through `Deref` (an unresolved text column reads as empty).
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Numbers(Values),
    Mixed(Vec<Option<Datum>>),
}

impl Default for Column {
    fn default() -> Self {
        Column::Numbers(Vec::new())
    }
}

impl Column {
    /// The number of values, gaps included.
    pub fn len(&self) -> usize {
        match self {
            Column::Numbers(v) => v.len(),
            Column::Mixed(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as parsed, strings included.
    pub fn datum(&self, i: usize) -> Option<Datum> {
        match self {
            Column::Numbers(v) => v.get(i).copied().flatten().map(Datum::Number),
            Column::Mixed(v) => v.get(i).cloned().flatten(),
        }
    }

    /// Whether any value is a string.
    pub fn has_text(&self) -> bool {
        matches!(self, Column::Mixed(v) if v.iter().any(|d| matches!(d, Some(Datum::Text(_)))))
    }
}

impl From<Values> for Column {
    fn from(values: Values) -> Self {
        Column::Numbers(values)
    }
}

impl std::ops::Deref for Column {
    type Target = [Option<f64>];
    fn deref(&self) -> &[Option<f64>] {
        match self {
            Column::Numbers(v) => v,
            Column::Mixed(_) => &[],
        }
    }
}

impl Serialize for Column {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Column::Numbers(v) => v.serialize(serializer),
            Column::Mixed(v) => v.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColumnVisitor;
        impl<'de> serde::de::Visitor<'de> for ColumnVisitor {
            type Value = Column;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of numbers, strings (ISO 8601 times or categories) and nulls")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Column, A::Error> {
                let mut numbers: Values =
                    Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(item) = seq.next_element::<Option<Datum>>()? {
                    match item {
                        Some(Datum::Number(v)) => numbers.push(Some(v)),
                        None => numbers.push(None),
                        Some(text) => {
                            // The first string: the rest is read as data of any kind.
                            let mut mixed: Vec<Option<Datum>> =
                                numbers.into_iter().map(|v| v.map(Datum::Number)).collect();
                            mixed.push(Some(text));
                            while let Some(item) = seq.next_element::<Option<Datum>>()? {
                                mixed.push(item);
                            }
                            return Ok(Column::Mixed(mixed));
                        }
                    }
                }
                Ok(Column::Numbers(numbers))
            }
        }
        deserializer.deserialize_seq(ColumnVisitor)
    }
}

impl JsonSchema for Column {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Column".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Data values: numbers (null is a gap), ISO 8601 dates or date-times (a time axis), or other strings (categories, on x).",
            "type": "array",
            "items": {"type": ["number", "string", "null"]}
        })
    }
}

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
    Annotation(AnnotationSeries),
    Pie(PieSeries),
    Box(BoxSeries),
}

impl Series {
    /// The `type` names, in the order of docs/spec.md's table.
    pub const TYPES: [&'static str; 14] = [
        "line",
        "scatter",
        "bar",
        "hist",
        "area",
        "step",
        "errorbar",
        "heatmap",
        "hline",
        "vline",
        "text",
        "annotation",
        "pie",
        "box",
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
            Series::Annotation(s) => s.common(),
            Series::Pie(s) => s.common(),
            Series::Box(s) => s.common(),
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
        pub x: Option<Column>,
        pub y: Column,
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
        pub x: Option<Column>,
        pub y: Column,
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
pub type Category = Datum;

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
        /// Bar series of one axes with the same `stack` name are stacked on each other,
        /// in order (matplotlib's `bottom=`), instead of grouped.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub stack: Option<String>,
        /// The value written at each bar (matplotlib's `ax.bar_label`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bar_label: Option<BarLabel>,
    }
}

/// Histogram bins: a count, or explicit ascending edges.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Bins {
    Count(u64),
    Edges(Vec<f64>),
}

deserialize_one_of!(
    Bins,
    "a number of bins or an array of ascending bin edges",
    Count(u64) if serde_json::Value::Number(_),
    Edges(Vec<f64>) if serde_json::Value::Array(_),
);

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
        pub x: Option<Column>,
        pub y: Column,
        /// Lower boundary; default 0 (or the series below, in a `stack`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub y2: Option<Column>,
        /// Series of one axes with the same `stack` name are stacked on each other, in
        /// order (matplotlib's `stackplot`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub stack: Option<String>,
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
        pub x: Option<Column>,
        pub y: Column,
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
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ErrorAmount {
    All(f64),
    PerPoint(Values),
}

deserialize_one_of!(
    ErrorAmount,
    "a number for every point or an array of one number per point",
    All(f64) if serde_json::Value::Number(_),
    PerPoint(Values) if serde_json::Value::Array(_),
);

series_struct! {
/// `ax.errorbar`
    pub struct ErrorbarSeries {
        /// x values; default 0..n-1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub x: Option<Column>,
        pub y: Column,
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
        /// Font family (default: the figure's `font.family`): DejaVu Sans or a family
        /// of the operator's fonts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fontfamily: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ha: Option<HAlign>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub va: Option<VAlign>,
    }
}

/// Arrow styles of an annotation (matplotlib's `arrowstyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ArrowStyle {
    /// An open head.
    #[serde(rename = "->")]
    Open,
    /// A filled head.
    #[serde(rename = "-|>")]
    Filled,
    /// No head.
    #[serde(rename = "-")]
    Plain,
    #[serde(rename = "none")]
    None,
}

series_struct! {
/// `ax.annotate`: a text, optionally with an arrow to the annotated point.
    pub struct AnnotationSeries {
        pub text: String,
        /// The annotated point, in data coordinates.
        pub xy: [Datum; 2],
        /// Where the text sits, in data coordinates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub xytext: Option<[Datum; 2]>,
        /// Where the text sits, `[dx, dy]` in points from `xy` (up is positive).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub offset: Option<[f64; 2]>,
        /// Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub arrow: Option<ArrowStyle>,
        /// Font size in points (default: the figure's font size).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fontsize: Option<f64>,
        /// Font family (default: the figure's `font.family`): DejaVu Sans or a family
        /// of the operator's fonts.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fontfamily: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ha: Option<HAlign>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub va: Option<VAlign>,
    }
}

series_struct! {
/// `ax.pie`: wedges of a whole. An axes holding a pie holds nothing else.
    pub struct PieSeries {
        /// Non-negative wedge sizes.
        pub values: Values,
        /// One label per wedge, written outside it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub labels: Option<Vec<String>>,
        /// One color per wedge; default the color cycle.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub colors: Option<Vec<String>>,
        /// Format of each wedge's share written inside it, e.g. `{:.1f}%`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub autopct: Option<String>,
        /// Degrees counter-clockwise from the x axis where the first wedge starts
        /// (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub startangle: Option<f64>,
        /// Default true.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub counterclock: Option<bool>,
        /// Per wedge, how far it is moved out, as a fraction of the radius.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub explode: Option<Values>,
        /// The hole of a donut, as a fraction 0..1 of the radius (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hole: Option<f64>,
    }
}

series_struct! {
/// `ax.boxplot`: one box per array, with statistics as `matplotlib.cbook.boxplot_stats`.
    pub struct BoxSeries {
        /// One array of numbers per box.
        pub data: Vec<Values>,
        /// One label per box.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub labels: Option<Vec<String>>,
        /// Whiskers reach the farthest datum within `whis` × IQR of the box (default 1.5).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub whis: Option<f64>,
        /// Draw the points beyond the whiskers (default true).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub showfliers: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub orientation: Option<Orientation>,
        /// Box width as a fraction of the slot (default 0.5), one number or one per box.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub widths: Option<ErrorAmount>,
    }
}

#[cfg(test)]
mod tests {
    use crate::{render, ErrorKind, Format};

    #[test]
    fn a_datum_that_is_neither_number_nor_string_is_refused_with_what_the_field_takes() {
        let spec = br#"{"series": [{"type": "annotation", "text": "a", "xy": [null, 1]}]}"#;
        let error = render(spec, Format::Svg).expect_err("null is not a coordinate");
        assert_eq!(error.kind, ErrorKind::InvalidSpec);
        assert_eq!(error.path.as_deref(), Some("/series/0/xy/0"));
        assert!(
            error.message.contains("expected a number, or a string"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("untagged"), "{}", error.message);
    }

    fn invalid_spec_message(spec: &[u8], path: &str) -> String {
        let error = render(spec, Format::Svg).expect_err("an invalid spec");
        assert_eq!(error.kind, ErrorKind::InvalidSpec, "{error:?}");
        assert_eq!(error.path.as_deref(), Some(path), "{error:?}");
        assert!(!error.message.contains("untagged"), "{}", error.message);
        error.message
    }

    #[test]
    fn a_value_of_no_variants_shape_is_refused_with_what_the_field_takes() {
        let message = invalid_spec_message(
            br#"{"series": [{"type": "hist", "values": [1, 2], "bins": "auto"}]}"#,
            "/series/0/bins",
        );
        assert_eq!(
            message,
            "expected a number of bins or an array of ascending bin edges, got a string"
        );
        let message = invalid_spec_message(
            br#"{"series": [{"type": "errorbar", "y": [1, 2], "yerr": "5%"}]}"#,
            "/series/0/yerr",
        );
        assert_eq!(
            message,
            "expected a number for every point or an array of one number per point, got a string"
        );
        let message = invalid_spec_message(
            br#"{"series": [{"type": "bar", "x": ["a"], "y": [1], "bar_label": "yes"}]}"#,
            "/series/0/bar_label",
        );
        assert_eq!(
            message,
            "expected true, false or an object with fmt and position, got a string"
        );
    }

    #[test]
    fn a_value_of_a_variants_shape_gets_that_variants_own_error() {
        let message = invalid_spec_message(
            br#"{"series": [{"type": "hist", "values": [1, 2], "bins": [0, "one", 2]}]}"#,
            "/series/0/bins",
        );
        assert!(message.contains("expected f64"), "{message}");
        let message = invalid_spec_message(
            br#"{"series": [{"type": "bar", "x": ["a"], "y": [1], "bar_label": {"fmt": "{:g}", "colour": "red"}}]}"#,
            "/series/0/bar_label",
        );
        assert!(message.contains("unknown field `colour`"), "{message}");
        let message = invalid_spec_message(
            br#"{"series": [{"type": "hist", "values": [1, 2], "bins": 2.5}]}"#,
            "/series/0/bins",
        );
        assert!(message.contains("2.5"), "{message}");
    }

    #[test]
    fn every_variant_still_parses() {
        for spec in [
            &br#"{"series": [{"type": "hist", "values": [1, 2, 3], "bins": 3}]}"#[..],
            br#"{"series": [{"type": "hist", "values": [1, 2, 3], "bins": [0, 1.5, 3]}]}"#,
            br#"{"series": [{"type": "errorbar", "y": [1, 2], "yerr": 0.5, "xerr": [0.1, null]}]}"#,
            br#"{"series": [{"type": "bar", "x": ["a"], "y": [1], "bar_label": true}]}"#,
            br#"{"series": [{"type": "bar", "x": ["a"], "y": [1], "bar_label": {"fmt": "{:.1f}"}}]}"#,
        ] {
            if let Err(error) = render(spec, Format::Svg) {
                panic!("{}: {error:?}", String::from_utf8_lossy(spec));
            }
        }
    }

    #[test]
    fn a_datum_takes_numbers_of_every_json_kind_and_strings() {
        let spec = br#"{"axes": [
            {"series": [{"type": "line", "x": [-3, 18446744073709551615, 0.5], "y": [1, 2, 3]}]},
            {"series": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}]}"#;
        if let Err(error) = render(spec, Format::Svg) {
            panic!("{error:?}");
        }
    }
}
