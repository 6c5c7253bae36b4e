//! Validation and resolution: everything docs/spec.md forbids, and every size limit, checked
//! before layout allocates anything in proportion to the input; then the figure is
//! resolved so that layout cannot fail.
//!
//! A hostile spec gets `too_large` from here rather than an allocation failure later:
//! the canvas, the number of axes, series, points, bins, heatmap cells and text length
//! are all bounded by [`Limits`]. Semantic faults (mismatched lengths, values out of
//! range, unknown colors) are `invalid_spec`. Every error carries the JSON Pointer of
//! the field at fault.
//!
//! The output, [`ValidFigure`], has the shorthand folded into one axes, the figure's
//! [`Style`] (every default length in pixels for its dpi and font size), each series'
//! color (own or from the cycle) and each axis' limits. Anything that can still be
//! wrong about a spec, such as a log axis without positive data, is found here.

use crate::color;
use crate::error::{pointer_push, quote_excerpt, short_integer, short_number, RenderError};
use crate::fonts::{FamilyId, FontLibrary};
use crate::layout::axis::{self, Limits as AxisLimits};
use crate::layout::series;
use crate::layout::theme::{Palette, SeriesLook, Style, DEFAULT_DPI, DEFAULT_FONT_SIZE};
use crate::resolve::{self, AxisKind};
use crate::scene::Color;
use crate::spec::*;
use crate::text;

/// Bounds on what one spec may ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Largest `width` or `height`, in CSS px.
    pub max_side: u64,
    /// Largest canvas in device pixels (width × height × scale²). The default is what
    /// a PNG can have within the host's default memory cap (128 MiB) with room to
    /// spare: the raster costs about 4.3 bytes a device pixel in the sandbox (measured
    /// with `plotbox render --memory-mb`: 16 M pixels need 71 MiB, 40 M needed 174 MiB),
    /// the rest is left for the spec's data, the text and the encoded picture.
    pub max_device_pixels: u64,
    /// Most subplot cells.
    pub max_axes: u64,
    /// Most series in the whole figure.
    pub max_series: usize,
    /// Most numbers in all data arrays together.
    pub max_points: usize,
    /// Most histogram bins of one series.
    pub max_bins: u64,
    /// Most cells of all heatmaps together.
    pub max_heatmap_cells: usize,
    /// Longest string (title, label, text), in characters.
    pub max_text_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_side: 10_000,
            max_device_pixels: 16_000_000,
            max_axes: 100,
            max_series: 1_000,
            max_points: 2_000_000,
            max_bins: 10_000,
            max_heatmap_cells: 1_000_000,
            max_text_chars: 1_000,
        }
    }
}

/// Data values beyond this magnitude are refused: spans and margins computed from them
/// must stay finite.
pub const MAX_ABS_VALUE: f64 = 1e300;

/// The smallest and largest PNG scale (device pixel ratio).
pub const SCALE_RANGE: (f64, f64) = (1.0, 4.0);

/// What the figure's background is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Background {
    /// The theme's own background.
    Theme,
    Transparent,
    Color(Color),
}

/// A spec that passed validation and is resolved: every default applied (through
/// [`Style`]), every series color parsed, every axis range known. Layout reads only
/// this and cannot fail.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidFigure {
    /// Canvas size in CSS px.
    pub width: f64,
    pub height: f64,
    /// Pixels per inch; `style` holds every length already converted through it.
    pub dpi: f64,
    pub style: Style,
    pub title: Option<String>,
    pub theme: Theme,
    pub background: Background,
    /// The subplot grid; `axes` fill it row by row.
    pub rows: usize,
    pub cols: usize,
    /// At least one; at most `rows * cols`.
    pub axes: Vec<ResolvedAxes>,
}

/// One axes with what validation resolved about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedAxes {
    pub spec: Axes,
    /// Each series' look: its color with `alpha` applied (its own, or the next of the
    /// color cycle; series that draw in a fixed color do not advance the cycle), and
    /// every style length in px with matplotlib's defaults filled in.
    pub looks: Vec<SeriesLook>,
    pub x_limits: AxisLimits,
    pub y_limits: AxisLimits,
    /// The twin y axis on the right, where a series uses it or `y2` is given.
    pub y2_limits: Option<AxisLimits>,
    /// What each axis holds: numbers, times or categories.
    pub x_kind: AxisKind,
    pub y_kind: AxisKind,
    pub y2_kind: AxisKind,
}

/// Checks `figure` for rendering at `scale` (1.0 for SVG) against `limits`.
pub fn validate(figure: Figure, scale: f64, limits: &Limits) -> Result<ValidFigure, RenderError> {
    let mut budget = Budget {
        limits,
        points: 0,
        series: 0,
        cells: 0,
    };
    if let Some(version) = figure.version {
        if version != 1 {
            return Err(RenderError::invalid(
                "/version",
                format!(
                    "spec version {} is not supported; only 1 exists",
                    short_integer(version)
                ),
            ));
        }
    }
    if !(SCALE_RANGE.0..=SCALE_RANGE.1).contains(&scale) {
        return Err(RenderError::new(
            crate::ErrorKind::InvalidSpec,
            format!(
                "scale {} is outside {}..{}",
                short_number(scale),
                SCALE_RANGE.0,
                SCALE_RANGE.1
            ),
        ));
    }
    let dpi = match figure.dpi {
        None => DEFAULT_DPI,
        Some(dpi) => in_range("/dpi", "dpi", dpi, DPI_RANGE.0, DPI_RANGE.1)?,
    };
    let (width, height) = match figure.figsize {
        None => (
            canvas_side(figure.width, 640, "/width", limits)?,
            canvas_side(figure.height, 480, "/height", limits)?,
        ),
        Some(inches) => {
            for (key, given) in [("/width", figure.width), ("/height", figure.height)] {
                if given.is_some() {
                    return Err(RenderError::invalid(
                        key,
                        "give the size either as width/height (pixels) or as figsize (inches), not both",
                    ));
                }
            }
            let side = |i: usize| -> Result<u64, RenderError> {
                let path = format!("/figsize/{i}");
                let pixels = inches[i] * dpi;
                if !(inches[i] > 0.0 && pixels.is_finite()) {
                    return Err(RenderError::invalid(
                        path,
                        format!(
                            "figsize {} is not a positive number of inches",
                            short_number(inches[i])
                        ),
                    ));
                }
                // Past u64 the limit check below refuses it anyway.
                let rounded = pixels.round().clamp(1.0, 1e15) as u64;
                canvas_side(Some(rounded), 0, &path, limits)
            };
            (side(0)?, side(1)?)
        }
    };
    let font_size = match figure.font.as_ref().and_then(|f| f.size) {
        None => DEFAULT_FONT_SIZE,
        Some(size) => in_range("/font/size", "font size", size, 1.0, 500.0)?,
    };
    let fonts = text::library();
    let mut style = Style::new(dpi, font_size);
    if let Some(family) = figure.font.as_ref().and_then(|f| f.family.as_deref()) {
        style.family = font_family(&fonts, "/font/family", family)?;
    }
    let device_pixels = (width as f64 * scale).round() * (height as f64 * scale).round();
    if device_pixels > limits.max_device_pixels as f64 {
        return Err(RenderError::too_large(
            if figure.figsize.is_some() { "/figsize" } else { "/width" },
            format!(
                "a {width}x{height} canvas at scale {scale} is {device_pixels} pixels; the limit is {}",
                limits.max_device_pixels
            ),
        ));
    }
    budget.text("/title", figure.title.as_deref())?;
    let background = match figure.background.as_deref() {
        None => Background::Theme,
        Some(text)
            if text.eq_ignore_ascii_case("transparent") || text.eq_ignore_ascii_case("none") =>
        {
            Background::Transparent
        }
        Some(text) => Background::Color(parse_color("/background", text)?),
    };

    let shorthand = figure.axes.is_none();
    let axes = match (figure.axes, figure.series) {
        (Some(_), Some(_)) => {
            return Err(RenderError::invalid(
                "/series",
                "top-level `series` is the shorthand for a figure without `axes`; put these series in an axes",
            ))
        }
        (Some(axes), None) => {
            for key in [("/x", figure.x.is_some()), ("/y", figure.y.is_some()), ("/legend", figure.legend.is_some())] {
                if key.1 {
                    return Err(RenderError::invalid(key.0, "this shorthand field needs top-level `series`, not `axes`"));
                }
            }
            if axes.is_empty() {
                return Err(RenderError::invalid("/axes", "a figure needs at least one axes"));
            }
            axes
        }
        (None, Some(series)) => vec![Axes { title: None, x: figure.x, y: figure.y, y2: None, legend: figure.legend, series }],
        (None, None) => {
            return Err(RenderError::invalid("", "a spec needs `axes`, or `series` for a single axes"));
        }
    };

    let (rows, cols) = match figure.subplots {
        Some(Subplots { rows, cols }) => {
            if rows == 0 || cols == 0 {
                return Err(RenderError::invalid(
                    if rows == 0 {
                        "/subplots/rows"
                    } else {
                        "/subplots/cols"
                    },
                    "subplots needs at least 1 row and 1 column",
                ));
            }
            let cells = rows.saturating_mul(cols);
            if cells > limits.max_axes {
                return Err(RenderError::too_large(
                    "/subplots",
                    format!(
                        "{}x{} subplots is {} cells; the limit is {}",
                        short_integer(rows),
                        short_integer(cols),
                        short_integer(cells),
                        limits.max_axes
                    ),
                ));
            }
            if axes.len() as u64 > cells {
                return Err(RenderError::invalid(
                    "/axes",
                    format!(
                        "{} axes do not fit a {}x{} grid",
                        axes.len(),
                        short_integer(rows),
                        short_integer(cols)
                    ),
                ));
            }
            (rows as usize, cols as usize)
        }
        None => {
            if axes.len() as u64 > limits.max_axes {
                return Err(RenderError::too_large(
                    "/axes",
                    format!("{} axes; the limit is {}", axes.len(), limits.max_axes),
                ));
            }
            (1, axes.len())
        }
    };

    let theme = figure.theme.unwrap_or_default();
    let foreground = Palette::of(theme).foreground;
    let mut resolved = Vec::with_capacity(axes.len());
    for (i, ax) in axes.into_iter().enumerate() {
        let base = if shorthand {
            String::new()
        } else {
            format!("/axes/{i}")
        };
        check_axes(&base, &ax, &mut budget)?;
        resolved.push(resolve_axes(&base, ax, &style, foreground)?);
    }

    Ok(ValidFigure {
        width: width as f64,
        height: height as f64,
        dpi,
        style,
        title: figure.title,
        theme,
        background,
        rows,
        cols,
        axes: resolved,
    })
}

/// The family a spec names, from the render's fonts (see [`crate::fonts`]).
fn font_family(fonts: &FontLibrary, path: &str, name: &str) -> Result<FamilyId, RenderError> {
    fonts.family(name).ok_or_else(|| {
        RenderError::invalid(
            path,
            format!(
                "font family {} is not available; the fonts are: {}",
                quote_excerpt(name),
                fonts.family_names().join(", ")
            ),
        )
    })
}

/// The dpi a spec may ask for; the canvas limits bound the resulting pixel size.
pub const DPI_RANGE: (f64, f64) = (1.0, 2400.0);

/// Resolves the colors and axis ranges of one checked axes. A log axis whose series
/// have no positive value is refused here, with the path of its `scale`.
fn resolve_axes(
    base: &str,
    mut spec: Axes,
    style: &Style,
    foreground: Color,
) -> Result<ResolvedAxes, RenderError> {
    let [x_kind, y_kind, y2_kind] = resolve::resolve_axes_data(base, &mut spec)?;
    let mut cycle = 0usize;
    let fonts = text::library();
    let looks: Vec<SeriesLook> = spec
        .series
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let common = s.common();
            let alpha = common.alpha.unwrap_or(1.0);
            let own = common.color.and_then(color::parse);
            let color = match (own, series::default_color(s, foreground)) {
                (Some(c), _) => c,
                (None, Some(fixed)) => fixed,
                (None, None) => {
                    let c = color::CYCLE[cycle % color::CYCLE.len()];
                    cycle += 1;
                    c
                }
            }
            .with_alpha(alpha);
            // Checked by `check_series`: every entry parses.
            let point_colors = match s {
                Series::Scatter(sc) => sc.colors.as_ref().map(|list| {
                    list.iter()
                        .map(|c| color::parse(c).map_or(color, |c| c.with_alpha(alpha)))
                        .collect()
                }),
                _ => None,
            };
            let mut look = style.series_look(s, color, point_colors);
            let family = match s {
                Series::Text(t) => t.fontfamily.as_deref(),
                Series::Annotation(a) => a.fontfamily.as_deref(),
                _ => None,
            };
            if let Some(name) = family {
                look.family =
                    font_family(&fonts, &format!("{base}/series/{index}/fontfamily"), name)?;
            }
            Ok(look)
        })
        .collect::<Result<_, RenderError>>()?;
    let log = |a: &Option<Axis>| a.as_ref().and_then(|a| a.scale) == Some(Scale::Log);
    let twin = spec.y2.is_some()
        || spec
            .series
            .iter()
            .any(|s| s.common().yaxis == YAxisSide::Right);
    let (x_extent, y_extent, y2_extent) = {
        let prepared = series::prepare(
            &spec,
            &looks,
            &series::AxisKinds {
                x: &x_kind,
                y: &y_kind,
                y2: &y2_kind,
            },
            [log(&spec.x), log(&spec.y), log(&spec.y2)],
        );
        (prepared.x_extent, prepared.y_extent, prepared.y2_extent)
    };
    let x_limits = axis::limits(&x_extent, spec.x.as_ref(), &format!("{base}/x/scale"))?;
    let y_limits = axis::limits(&y_extent, spec.y.as_ref(), &format!("{base}/y/scale"))?;
    let y2_limits = if twin {
        Some(axis::limits(
            &y2_extent,
            spec.y2.as_ref(),
            &format!("{base}/y2/scale"),
        )?)
    } else {
        None
    };
    Ok(ResolvedAxes {
        spec,
        looks,
        x_limits,
        y_limits,
        y2_limits,
        x_kind,
        y_kind,
        y2_kind,
    })
}

fn canvas_side(
    value: Option<u64>,
    default: u64,
    path: &str,
    limits: &Limits,
) -> Result<u64, RenderError> {
    let side = value.unwrap_or(default);
    if side == 0 {
        return Err(RenderError::invalid(
            path,
            "the canvas must be at least 1 px",
        ));
    }
    if side > limits.max_side {
        return Err(RenderError::too_large(
            path,
            format!(
                "{} px; the limit is {}",
                short_integer(side),
                limits.max_side
            ),
        ));
    }
    Ok(side)
}

/// Counts what the whole figure asks for against the limits, as validation walks it.
struct Budget<'a> {
    limits: &'a Limits,
    points: usize,
    series: usize,
    cells: usize,
}

impl Budget<'_> {
    fn points(&mut self, path: &str, n: usize) -> Result<(), RenderError> {
        self.points = self.points.saturating_add(n);
        if self.points > self.limits.max_points {
            return Err(RenderError::too_large(
                path,
                format!(
                    "the figure has more than {} data values",
                    self.limits.max_points
                ),
            ));
        }
        Ok(())
    }

    fn text(&self, path: &str, text: Option<&str>) -> Result<(), RenderError> {
        if let Some(text) = text {
            let chars = text.chars().count();
            if chars > self.limits.max_text_chars {
                return Err(RenderError::too_large(
                    path,
                    format!(
                        "{chars} characters; the limit is {}",
                        self.limits.max_text_chars
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn check_axes(base: &str, ax: &Axes, budget: &mut Budget<'_>) -> Result<(), RenderError> {
    budget.text(&format!("{base}/title"), ax.title.as_deref())?;
    for (name, axis) in [("x", &ax.x), ("y", &ax.y), ("y2", &ax.y2)] {
        if let Some(axis) = axis {
            check_axis(&format!("{base}/{name}"), axis, budget)?;
        }
    }
    budget.series = budget.series.saturating_add(ax.series.len());
    if budget.series > budget.limits.max_series {
        return Err(RenderError::too_large(
            format!("{base}/series"),
            format!(
                "the figure has more than {} series",
                budget.limits.max_series
            ),
        ));
    }
    for (i, series) in ax.series.iter().enumerate() {
        check_series(&format!("{base}/series/{i}"), series, budget)?;
    }
    // matplotlib's pie makes the axes a pie chart: equal aspect, no spines, no ticks.
    if let Some(pie) = ax.series.iter().position(|s| matches!(s, Series::Pie(_))) {
        if let Some(other) = (0..ax.series.len()).find(|&i| i != pie) {
            return Err(RenderError::invalid(
                format!("{base}/series/{other}"),
                format!(
                    "an axes that holds a pie (series {pie}) holds nothing else; put this series in another axes"
                ),
            ));
        }
    }
    Ok(())
}

fn check_axis(base: &str, axis: &Axis, budget: &mut Budget<'_>) -> Result<(), RenderError> {
    budget.text(&format!("{base}/label"), axis.label.as_deref())?;
    let log = axis.scale == Some(Scale::Log);
    budget.text(&format!("{base}/timezone"), axis.timezone.as_deref())?;
    for (name, value) in [("min", &axis.min), ("max", &axis.max)] {
        match value {
            Some(Datum::Number(v)) => {
                finite(&format!("{base}/{name}"), *v)?;
                if log && *v <= 0.0 {
                    return Err(RenderError::invalid(
                        format!("{base}/{name}"),
                        format!(
                            "{name} {} is not positive, as a log scale needs",
                            short_number(*v)
                        ),
                    ));
                }
            }
            Some(Datum::Text(t)) => budget.text(&format!("{base}/{name}"), Some(t))?,
            None => {}
        }
    }
    // Times are compared once resolved (`resolve.rs`).
    if let (Some(Datum::Number(min)), Some(Datum::Number(max))) = (&axis.min, &axis.max) {
        if min >= max {
            return Err(RenderError::invalid(
                format!("{base}/max"),
                format!(
                    "max {} is not above min {}",
                    short_number(*max),
                    short_number(*min)
                ),
            ));
        }
    }
    if let Some(ticks) = &axis.ticks {
        budget.points(&format!("{base}/ticks"), ticks.len())?;
        for (i, &t) in ticks.iter().enumerate() {
            let path = format!("{base}/ticks/{i}");
            finite(&path, t)?;
            if log && t <= 0.0 {
                return Err(RenderError::invalid(
                    path,
                    format!(
                        "tick {} is not positive, as a log scale needs",
                        short_number(t)
                    ),
                ));
            }
        }
    }
    match (&axis.ticks, &axis.tick_labels) {
        (None, Some(_)) => {
            return Err(RenderError::invalid(
                format!("{base}/tick_labels"),
                "tick_labels needs ticks to label",
            ));
        }
        (Some(ticks), Some(labels)) => {
            if ticks.len() != labels.len() {
                return Err(RenderError::invalid(
                    format!("{base}/tick_labels"),
                    format!(
                        "tick_labels has {} labels but ticks has {} values",
                        labels.len(),
                        ticks.len()
                    ),
                ));
            }
            budget.points(&format!("{base}/tick_labels"), labels.len())?;
            for (i, label) in labels.iter().enumerate() {
                budget.text(&format!("{base}/tick_labels/{i}"), Some(label))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_series(base: &str, series: &Series, budget: &mut Budget<'_>) -> Result<(), RenderError> {
    let common = series.common();
    budget.text(&format!("{base}/label"), common.label)?;
    if let Some(color) = common.color {
        parse_color(&format!("{base}/color"), color)?;
    }
    if let Some(alpha) = common.alpha {
        in_range(&format!("{base}/alpha"), "alpha", alpha, 0.0, 1.0)?;
    }
    ignored_fields(base, series)?;
    match series {
        Series::Line(s) => {
            xy(base, s.x.as_ref(), &s.y, budget)?;
            line_style(base, s.linewidth)?;
            non_negative(base, "markersize", s.markersize)?;
        }
        Series::Scatter(s) => {
            let n = xy(base, s.x.as_ref(), &s.y, budget)?;
            non_negative(base, "size", s.size)?;
            if let Some(sizes) = &s.sizes {
                same_length(base, "sizes", sizes.len(), n)?;
                values(&format!("{base}/sizes"), sizes, budget)?;
                // Each entry is a `size`, so it has `size`'s bound: a marker thousands of
                // points wide draws nothing a reader can use and costs raster time.
                for (i, v) in sizes.iter().enumerate() {
                    if let Some(v) = *v {
                        in_range(&format!("{base}/sizes/{i}"), "size", v, 0.0, MAX_LENGTH)?;
                    }
                }
            }
            if let Some(colors) = &s.colors {
                same_length(base, "colors", colors.len(), n)?;
                budget.points(&format!("{base}/colors"), colors.len())?;
                for (i, c) in colors.iter().enumerate() {
                    parse_color(&format!("{base}/colors/{i}"), c)?;
                }
            }
        }
        Series::Bar(s) => {
            values(&format!("{base}/y"), &s.y, budget)?;
            if let Some(x) = &s.x {
                same_length(base, "y", s.y.len(), x.len())?;
                budget.points(&format!("{base}/x"), x.len())?;
                categories(&format!("{base}/x"), x, budget)?;
            }
            if let Some(w) = s.width {
                if w.is_nan() || w <= 0.0 || w > 1.0 {
                    return Err(RenderError::invalid(
                        format!("{base}/width"),
                        format!(
                            "width {} is outside 0..1 (a fraction of the slot)",
                            short_number(w)
                        ),
                    ));
                }
            }
            budget.text(&format!("{base}/stack"), s.stack.as_deref())?;
            if let Some(BarLabel::Styled(style)) = &s.bar_label {
                if let Some(fmt) = &style.fmt {
                    number_format(&format!("{base}/bar_label/fmt"), fmt, budget)?;
                }
            }
        }
        Series::Annotation(a) => {
            budget.text(&format!("{base}/text"), Some(&a.text))?;
            for (field, point) in [("xy", Some(&a.xy)), ("xytext", a.xytext.as_ref())] {
                for (i, d) in point.into_iter().flatten().enumerate() {
                    let path = format!("{base}/{field}/{i}");
                    match d {
                        Datum::Number(v) => finite(&path, *v)?,
                        Datum::Text(t) => budget.text(&path, Some(t))?,
                    }
                }
            }
            if let Some(offset) = a.offset {
                if a.xytext.is_some() {
                    return Err(RenderError::invalid(
                        format!("{base}/offset"),
                        "give the text's place either as xytext or as offset, not both",
                    ));
                }
                for (i, v) in offset.iter().enumerate() {
                    in_range(
                        &format!("{base}/offset/{i}"),
                        "offset",
                        *v,
                        -10_000.0,
                        10_000.0,
                    )?;
                }
            }
            if let Some(size) = a.fontsize {
                in_range(&format!("{base}/fontsize"), "fontsize", size, 1.0, 500.0)?;
            }
        }
        Series::Pie(p) => {
            let path = format!("{base}/values");
            values(&path, &p.values, budget)?;
            let mut total = 0.0;
            for (i, v) in p.values.iter().enumerate() {
                match v {
                    Some(v) if *v < 0.0 => {
                        return Err(RenderError::invalid(
                            pointer_push(&path, i),
                            format!("a pie wedge cannot be negative ({})", short_number(*v)),
                        ))
                    }
                    Some(v) => total += v,
                    None => {}
                }
            }
            if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return Err(RenderError::invalid(
                    path,
                    "a pie needs at least one positive value",
                ));
            }
            let n = p.values.len();
            if let Some(labels) = &p.labels {
                same_count(base, "labels", labels.len(), "values", n)?;
                for (i, l) in labels.iter().enumerate() {
                    budget.text(&format!("{base}/labels/{i}"), Some(l))?;
                }
            }
            if let Some(colors) = &p.colors {
                same_count(base, "colors", colors.len(), "values", n)?;
                for (i, c) in colors.iter().enumerate() {
                    parse_color(&format!("{base}/colors/{i}"), c)?;
                }
            }
            if let Some(explode) = &p.explode {
                same_count(base, "explode", explode.len(), "values", n)?;
                for (i, v) in explode.iter().enumerate() {
                    if let Some(v) = v {
                        in_range(&format!("{base}/explode/{i}"), "explode", *v, 0.0, 1.0)?;
                    }
                }
            }
            if let Some(hole) = p.hole {
                if !(0.0..1.0).contains(&hole) {
                    return Err(RenderError::invalid(
                        format!("{base}/hole"),
                        format!(
                            "hole {} is outside 0..1 (a fraction of the radius, below 1)",
                            short_number(hole)
                        ),
                    ));
                }
            }
            if let Some(angle) = p.startangle {
                in_range(
                    &format!("{base}/startangle"),
                    "startangle",
                    angle,
                    -36_000.0,
                    36_000.0,
                )?;
            }
            if let Some(fmt) = &p.autopct {
                number_format(&format!("{base}/autopct"), fmt, budget)?;
            }
        }
        Series::Box(b) => {
            if b.data.is_empty() {
                return Err(RenderError::invalid(
                    format!("{base}/data"),
                    "a box series needs at least one array of data",
                ));
            }
            for (i, data) in b.data.iter().enumerate() {
                values(&format!("{base}/data/{i}"), data, budget)?;
            }
            let n = b.data.len();
            if let Some(labels) = &b.labels {
                same_count(base, "labels", labels.len(), "data", n)?;
                for (i, l) in labels.iter().enumerate() {
                    budget.text(&format!("{base}/labels/{i}"), Some(l))?;
                }
            }
            if let Some(whis) = b.whis {
                in_range(&format!("{base}/whis"), "whis", whis, 0.0, 1e6)?;
            }
            match &b.widths {
                None => {}
                Some(ErrorAmount::All(w)) => {
                    box_width(&format!("{base}/widths"), *w)?;
                }
                Some(ErrorAmount::PerPoint(ws)) => {
                    same_count(base, "widths", ws.len(), "data", n)?;
                    for (i, w) in ws.iter().enumerate() {
                        if let Some(w) = w {
                            box_width(&format!("{base}/widths/{i}"), *w)?;
                        }
                    }
                }
            }
        }
        Series::Hist(s) => {
            values(&format!("{base}/values"), &s.values, budget)?;
            match &s.bins {
                None => {}
                Some(Bins::Count(n)) => {
                    if *n < 1 {
                        return Err(RenderError::invalid(
                            format!("{base}/bins"),
                            "bins must be at least 1",
                        ));
                    }
                    if *n > budget.limits.max_bins {
                        return Err(RenderError::too_large(
                            format!("{base}/bins"),
                            format!(
                                "{} bins; the limit is {}",
                                short_integer(*n),
                                budget.limits.max_bins
                            ),
                        ));
                    }
                }
                Some(Bins::Edges(edges)) => {
                    let path = format!("{base}/bins");
                    if edges.len() < 2 {
                        return Err(RenderError::invalid(
                            path,
                            "explicit bins need at least 2 edges",
                        ));
                    }
                    if edges.len() as u64 > budget.limits.max_bins.saturating_add(1) {
                        return Err(RenderError::too_large(
                            path,
                            format!(
                                "{} bins; the limit is {}",
                                edges.len() - 1,
                                budget.limits.max_bins
                            ),
                        ));
                    }
                    budget.points(&path, edges.len())?;
                    for (i, pair) in edges.windows(2).enumerate() {
                        finite(&format!("{path}/{}", i + 1), pair[1])?;
                        if pair[1] <= pair[0] {
                            return Err(RenderError::invalid(
                                format!("{path}/{}", i + 1),
                                "bin edges must increase",
                            ));
                        }
                    }
                    finite(&format!("{path}/0"), edges[0])?;
                }
            }
        }
        Series::Area(s) => {
            let n = xy(base, s.x.as_ref(), &s.y, budget)?;
            if let Some(y2) = &s.y2 {
                same_length(base, "y2", y2.len(), n)?;
                column(&format!("{base}/y2"), y2, budget)?;
            }
            budget.text(&format!("{base}/stack"), s.stack.as_deref())?;
            line_style(base, s.linewidth)?;
            non_negative(base, "markersize", s.markersize)?;
        }
        Series::Step(s) => {
            xy(base, s.x.as_ref(), &s.y, budget)?;
            line_style(base, s.linewidth)?;
            non_negative(base, "markersize", s.markersize)?;
        }
        Series::Errorbar(s) => {
            let n = xy(base, s.x.as_ref(), &s.y, budget)?;
            for (name, amount) in [("yerr", &s.yerr), ("xerr", &s.xerr)] {
                let path = format!("{base}/{name}");
                match amount {
                    None => {}
                    Some(ErrorAmount::All(v)) => {
                        finite(&path, *v)?;
                        if *v < 0.0 {
                            return Err(RenderError::invalid(
                                path,
                                format!("{name} cannot be negative"),
                            ));
                        }
                    }
                    Some(ErrorAmount::PerPoint(values_)) => {
                        same_length(base, name, values_.len(), n)?;
                        values(&path, values_, budget)?;
                        for (i, v) in values_.iter().enumerate() {
                            if v.is_some_and(|v| v < 0.0) {
                                return Err(RenderError::invalid(
                                    format!("{path}/{i}"),
                                    format!("{name} cannot be negative"),
                                ));
                            }
                        }
                    }
                }
            }
            non_negative(base, "capsize", s.capsize)?;
            line_style(base, s.linewidth)?;
            non_negative(base, "markersize", s.markersize)?;
        }
        Series::Heatmap(s) => {
            let rows = s.z.len();
            let cols = s.z.first().map_or(0, Vec::len);
            if rows == 0 || cols == 0 {
                return Err(RenderError::invalid(
                    format!("{base}/z"),
                    "a heatmap needs at least one row and one column",
                ));
            }
            let cells = rows.saturating_mul(cols);
            budget.cells = budget.cells.saturating_add(cells);
            if budget.cells > budget.limits.max_heatmap_cells {
                return Err(RenderError::too_large(
                    format!("{base}/z"),
                    format!(
                        "heatmaps with more than {} cells",
                        budget.limits.max_heatmap_cells
                    ),
                ));
            }
            for (r, row) in s.z.iter().enumerate() {
                if row.len() != cols {
                    return Err(RenderError::invalid(
                        format!("{base}/z/{r}"),
                        format!("row {r} has {} values but row 0 has {cols}", row.len()),
                    ));
                }
                values(&format!("{base}/z/{r}"), row, budget)?;
            }
            for (name, labels, want) in [("x", &s.x, cols), ("y", &s.y, rows)] {
                if let Some(labels) = labels {
                    let path = format!("{base}/{name}");
                    if labels.len() != want {
                        let what = if name == "x" { "columns" } else { "rows" };
                        return Err(RenderError::invalid(
                            path,
                            format!("{name} has {} labels but z has {want} {what}", labels.len()),
                        ));
                    }
                    categories(&path, labels, budget)?;
                }
            }
            for (name, v) in [("vmin", s.vmin), ("vmax", s.vmax)] {
                if let Some(v) = v {
                    finite(&format!("{base}/{name}"), v)?;
                }
            }
            if let (Some(lo), Some(hi)) = (s.vmin, s.vmax) {
                if lo >= hi {
                    return Err(RenderError::invalid(
                        format!("{base}/vmax"),
                        format!(
                            "vmax {} is not above vmin {}",
                            short_number(hi),
                            short_number(lo)
                        ),
                    ));
                }
            }
        }
        Series::Hline(s) => {
            finite(&format!("{base}/y"), s.y)?;
            line_style(base, s.linewidth)?;
        }
        Series::Vline(s) => {
            finite(&format!("{base}/x"), s.x)?;
            line_style(base, s.linewidth)?;
        }
        Series::Text(s) => {
            finite(&format!("{base}/x"), s.x)?;
            finite(&format!("{base}/y"), s.y)?;
            budget.text(&format!("{base}/text"), Some(&s.text))?;
            if let Some(size) = s.fontsize {
                in_range(&format!("{base}/fontsize"), "fontsize", size, 1.0, 500.0)?;
            }
        }
    }
    Ok(())
}

/// Refuses the common series fields (`label`, `color`, `yaxis`) that a series type has
/// no use for: the spec's strictness rule says a field that cannot change the picture
/// is an error, so that a reader of the spec is never misled by it.
fn ignored_fields(base: &str, series: &Series) -> Result<(), RenderError> {
    let no_legend = |what: &str| {
        format!("{what} is never listed in the legend, so `label` would have no effect; remove it")
    };
    let (field, why) = match series {
        Series::Heatmap(h) if h.color.is_some() => (
            "color",
            "a heatmap takes its colors from `colormap`, so `color` would have no effect; remove it or set `colormap`".to_string(),
        ),
        Series::Text(t) if t.label.is_some() => ("label", no_legend("a text")),
        Series::Annotation(a) if a.label.is_some() => ("label", no_legend("an annotation")),
        Series::Pie(p) if p.label.is_some() => (
            "label",
            "a pie names its wedges with `labels` (one per value); `label` would have no effect".to_string(),
        ),
        Series::Pie(p) if p.color.is_some() => (
            "color",
            "a pie colors its wedges with `colors` (one per value), else the color cycle; `color` would have no effect".to_string(),
        ),
        Series::Pie(p) if p.yaxis.is_some() => (
            "yaxis",
            "a pie has no y axis (its axes holds nothing else), so `yaxis` would have no effect; remove it".to_string(),
        ),
        _ => return Ok(()),
    };
    Err(RenderError::invalid(format!("{base}/{field}"), why))
}

/// Checks paired `x` (optional) and `y` arrays; returns the point count.
fn xy(
    base: &str,
    x: Option<&Column>,
    y: &Column,
    budget: &mut Budget<'_>,
) -> Result<usize, RenderError> {
    if let Some(x) = x {
        same_length(base, "y", y.len(), x.len())?;
        column(&format!("{base}/x"), x, budget)?;
    }
    column(&format!("{base}/y"), y, budget)?;
    Ok(y.len())
}

/// A data column: numbers in range, strings within the text limit.
fn column(path: &str, column: &Column, budget: &mut Budget<'_>) -> Result<(), RenderError> {
    match column {
        Column::Numbers(v) => values(path, v, budget),
        Column::Mixed(items) => {
            budget.points(path, items.len())?;
            for (i, item) in items.iter().enumerate() {
                match item {
                    Some(Datum::Number(v)) => finite(&pointer_push(path, i), *v)?,
                    Some(Datum::Text(t)) => budget.text(&pointer_push(path, i), Some(t))?,
                    None => {}
                }
            }
            Ok(())
        }
    }
}

/// `field` has `got` entries where `other` has `want`, and they pair up.
fn same_count(
    base: &str,
    field: &str,
    got: usize,
    other: &str,
    want: usize,
) -> Result<(), RenderError> {
    if got == want {
        return Ok(());
    }
    Err(RenderError::invalid(
        format!("{base}/{field}"),
        format!("{field} has {got} entries but {other} has {want}"),
    ))
}

/// A box width: a fraction of the slot.
fn box_width(path: &str, w: f64) -> Result<(), RenderError> {
    if w > 0.0 && w <= 1.0 {
        Ok(())
    } else {
        Err(RenderError::invalid(
            path,
            format!(
                "width {} is outside 0..1 (a fraction of the slot)",
                short_number(w)
            ),
        ))
    }
}

/// A Python number format (`bar_label.fmt`, `autopct`).
fn number_format(path: &str, fmt: &str, budget: &Budget<'_>) -> Result<(), RenderError> {
    budget.text(path, Some(fmt))?;
    crate::pyformat::NumberFormat::parse(fmt)
        .map(|_| ())
        .map_err(|why| {
            RenderError::invalid(path, format!("`{fmt}` is not a supported format: {why}"))
        })
}

/// `field` has `got` values where `want` were expected (the length of `x`, or of `y`).
fn same_length(base: &str, field: &str, got: usize, want: usize) -> Result<(), RenderError> {
    if got == want {
        return Ok(());
    }
    let other = if field == "y" { "x" } else { "y" };
    Err(RenderError::invalid(
        format!("{base}/{field}"),
        format!("{field} has {got} values but {other} has {want}"),
    ))
}

fn values(path: &str, values: &[Option<f64>], budget: &mut Budget<'_>) -> Result<(), RenderError> {
    budget.points(path, values.len())?;
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            if v.is_nan() || v.abs() > MAX_ABS_VALUE {
                return Err(RenderError::invalid(
                    pointer_push(path, i),
                    format!(
                        "{} is beyond the plottable range (±{MAX_ABS_VALUE:e})",
                        short_number(*v)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn categories(path: &str, categories: &[Category], budget: &Budget<'_>) -> Result<(), RenderError> {
    for (i, c) in categories.iter().enumerate() {
        match c {
            Category::Text(t) => budget.text(&pointer_push(path, i), Some(t))?,
            Category::Number(v) => finite(&pointer_push(path, i), *v)?,
        }
    }
    Ok(())
}

fn finite(path: &str, v: f64) -> Result<(), RenderError> {
    if v.abs() <= MAX_ABS_VALUE {
        Ok(())
    } else {
        Err(RenderError::invalid(
            path,
            format!(
                "{} is beyond the plottable range (±{MAX_ABS_VALUE:e})",
                short_number(v)
            ),
        ))
    }
}

fn in_range(path: &str, name: &str, v: f64, lo: f64, hi: f64) -> Result<f64, RenderError> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(RenderError::invalid(
            path,
            format!(
                "{name} {} is outside {}..{}",
                short_number(v),
                short_number(lo),
                short_number(hi)
            ),
        ))
    }
}

/// The largest style length (`linewidth`, `markersize`, `size`, `sizes`, `capsize`),
/// in points: 1000 pt is about 14 inches, larger than any figure's useful detail.
pub const MAX_LENGTH: f64 = 1000.0;

fn non_negative(base: &str, name: &str, v: Option<f64>) -> Result<(), RenderError> {
    match v {
        Some(v) => in_range(&format!("{base}/{name}"), name, v, 0.0, MAX_LENGTH).map(|_| ()),
        None => Ok(()),
    }
}

fn line_style(base: &str, linewidth: Option<f64>) -> Result<(), RenderError> {
    non_negative(base, "linewidth", linewidth)
}

fn parse_color(path: &str, text: &str) -> Result<Color, RenderError> {
    color::parse(text).ok_or_else(|| {
        RenderError::invalid(
            path,
            format!("{} is not a color (use a matplotlib name like `tab:blue` or `C0`, or hex like `#1f77b4`)", quote_excerpt(text)),
        )
    })
}
