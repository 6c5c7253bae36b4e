//! Structured specs: an `arbitrary`-derived mirror of the spec's shape (figure, axes,
//! axis, every series type), written out as JSON. Raw bytes mostly die in the JSON
//! parser or at the first unknown field; these get through to validation, layout and
//! the encoders, with numbers at their extremes and text in several scripts.
//!
//! The mirror is deliberately looser than the spec (any length, any number, `ticks`
//! without `tick_labels`, ...): it is the validator's job to refuse what is wrong.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[path = "common.rs"]
mod common;

/// A number: mostly ordinary, sometimes one of the values that break arithmetic.
#[derive(Debug, Clone, Copy)]
struct Num(f64);

/// Values where spans, logs, ticks and formatting go wrong. JSON has no NaN or
/// infinity, so these are the finite extremes; `1e999` (out of range) is one too.
const EXTREMES: [f64; 20] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1e-300,
    -1e-300,
    5e-324,
    f64::MIN_POSITIVE,
    1e300,
    -1e300,
    1e308,
    -1e308,
    f64::MAX,
    f64::MIN,
    9_007_199_254_740_993.0,
    1e15,
    -1e15,
    1e-9,
    4.0e6,
];

impl<'a> Arbitrary<'a> for Num {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Num(match u.int_in_range(0..=7u8)? {
            0..=3 => f64::from(u.int_in_range(-100i16..=100)?),
            4 => f64::from(i32::arbitrary(u)?) / 1000.0,
            5 | 6 => *u.choose(&EXTREMES)?,
            _ => {
                let v = f64::arbitrary(u)?;
                if v.is_finite() {
                    v
                } else {
                    0.0
                }
            }
        }))
    }
}

/// Pieces of text: scripts written right to left, CJK, combining marks, joiners,
/// bidi controls, emoji, markup to escape, format strings, dates and offsets.
const TEXT: [&str; 40] = [
    "Signups",
    "",
    " ",
    "x",
    "مرحبا بالعالم",
    "שלום עולם",
    "עמ׳ 2",
    "数据",
    "日本語のテキスト",
    "한국어",
    "e\u{301}\u{302}\u{303}",
    "a\u{0338}\u{20DD}",
    "\u{202E}reversed\u{202C}",
    "\u{2067}isolate\u{2069}",
    "\u{200D}\u{200C}\u{FEFF}",
    "👩\u{200D}👩\u{200D}👧",
    "🎉",
    "\u{0}",
    "\u{1}\u{7F}\t\n\r",
    "\u{FFFD}",
    "\u{10FFFF}",
    "<script>alert(1)</script>",
    "&amp;\"'<>",
    "(",
    ")\\",
    "%",
    "{",
    "}",
    "{:.1f}%",
    "{:,.0f}",
    "{:.0%}",
    "{:>30.20e}",
    "{0}{1}{}",
    "2024-01-01",
    "1970-01-01T00:00:00Z",
    "2024-02-29T23:59:59.999+05:30",
    "-999999-01-01",
    "9999-12-31T24:00:00",
    "+05:30",
    "-23:59",
];

#[derive(Debug, Clone)]
struct Text(String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.ratio(1u8, 8)? {
            // Anything the fuzzer comes up with (valid UTF-8).
            return Ok(Text(String::arbitrary(u)?));
        }
        let mut s = String::new();
        for _ in 0..u.int_in_range(1..=3u8)? {
            s.push_str(u.choose(&TEXT)?);
        }
        Ok(Text(s))
    }
}

const COLORS: [&str; 12] = [
    "C0",
    "C9",
    "C10",
    "tab:blue",
    "red",
    "#abc",
    "#aabbcc",
    "#aabbcc80",
    "#gg0000",
    "transparent",
    "none",
    "",
];

#[derive(Debug, Clone, Arbitrary)]
enum Color {
    Known(u8),
    Other(Text),
}

#[derive(Debug, Clone, Arbitrary)]
enum Datum {
    Num(Num),
    Text(Text),
    Null,
}

/// A data column: numbers with gaps (the common case), times, categories, or a mix.
#[derive(Debug, Clone, Arbitrary)]
enum Column {
    Numbers(Vec<Option<Num>>),
    Ramp { len: u16, start: Num, step: Num },
    Mixed(Vec<Datum>),
}

#[derive(Debug, Clone, Arbitrary)]
enum Axis {
    Absent,
    Present {
        label: Option<Text>,
        scale: Option<u8>,
        min: Option<Datum>,
        max: Option<Datum>,
        timezone: Option<Text>,
        grid: Option<bool>,
        ticks: Option<Vec<Num>>,
        tick_labels: Option<Vec<Text>>,
    },
}

#[derive(Debug, Clone, Arbitrary)]
struct Common {
    label: Option<Text>,
    color: Option<Color>,
    alpha: Option<Num>,
    right: Option<bool>,
}

#[derive(Debug, Clone, Arbitrary)]
struct Stroke {
    linewidth: Option<Num>,
    linestyle: Option<u8>,
    marker: Option<u8>,
    markersize: Option<Num>,
}

#[derive(Debug, Clone, Arbitrary)]
enum Amount {
    All(Num),
    PerPoint(Vec<Option<Num>>),
}

#[derive(Debug, Clone, Arbitrary)]
enum Series {
    Line {
        x: Option<Column>,
        y: Column,
        stroke: Stroke,
    },
    Scatter {
        x: Option<Column>,
        y: Column,
        sizes: Option<Vec<Option<Num>>>,
        colors: Option<Vec<Color>>,
        size: Option<Num>,
        marker: Option<u8>,
    },
    Bar {
        x: Option<Vec<Datum>>,
        y: Vec<Option<Num>>,
        horizontal: Option<bool>,
        width: Option<Num>,
        stack: Option<Text>,
        bar_label: Option<(bool, Option<Text>, Option<bool>)>,
    },
    Hist {
        values: Column,
        bins: Option<Result<u16, Vec<Num>>>,
        density: Option<bool>,
    },
    Area {
        x: Option<Column>,
        y: Column,
        y2: Option<Column>,
        stack: Option<Text>,
        stroke: Stroke,
    },
    Step {
        x: Option<Column>,
        y: Column,
        step_where: Option<u8>,
        stroke: Stroke,
    },
    Errorbar {
        x: Option<Column>,
        y: Column,
        yerr: Option<Amount>,
        xerr: Option<Amount>,
        capsize: Option<Num>,
        stroke: Stroke,
    },
    Heatmap {
        rows: u8,
        cols: u8,
        z: Column,
        x: Option<Vec<Datum>>,
        y: Option<Vec<Datum>>,
        colormap: Option<u8>,
        colorbar: Option<bool>,
        vmin: Option<Num>,
        vmax: Option<Num>,
    },
    Hline {
        y: Num,
        linewidth: Option<Num>,
        linestyle: Option<u8>,
    },
    Vline {
        x: Num,
        linewidth: Option<Num>,
        linestyle: Option<u8>,
    },
    Text {
        x: Num,
        y: Num,
        text: Text,
        fontsize: Option<Num>,
        family: Option<Text>,
        ha: Option<u8>,
        va: Option<u8>,
    },
    Annotation {
        text: Text,
        xy: (Datum, Datum),
        xytext: Option<(Datum, Datum)>,
        offset: Option<(Num, Num)>,
        arrow: Option<u8>,
        fontsize: Option<Num>,
        ha: Option<u8>,
        va: Option<u8>,
    },
    Pie {
        values: Vec<Option<Num>>,
        labels: Option<Vec<Text>>,
        colors: Option<Vec<Color>>,
        autopct: Option<Text>,
        startangle: Option<Num>,
        counterclock: Option<bool>,
        explode: Option<Vec<Option<Num>>>,
        hole: Option<Num>,
    },
    Box {
        data: Vec<Vec<Option<Num>>>,
        labels: Option<Vec<Text>>,
        whis: Option<Num>,
        showfliers: Option<bool>,
        horizontal: Option<bool>,
        widths: Option<Amount>,
    },
}

#[derive(Debug, Clone, Arbitrary)]
struct Axes {
    title: Option<Text>,
    x: Axis,
    y: Axis,
    y2: Axis,
    legend: Option<u8>,
    series: Vec<(Series, Common)>,
}

#[derive(Debug, Clone, Arbitrary)]
struct Figure {
    format: u8,
    width: Option<u16>,
    height: Option<u16>,
    figsize: Option<(Num, Num)>,
    dpi: Option<Num>,
    font: Option<(Option<Text>, Option<Num>)>,
    title: Option<Text>,
    background: Option<Color>,
    dark: Option<bool>,
    subplots: Option<(u8, u8)>,
    /// The shorthand (`series` at the top level) instead of `axes`.
    shorthand: bool,
    axes: Vec<Axes>,
}

// ---- to JSON -------------------------------------------------------------------

fn num(n: Num) -> Value {
    // serde_json writes a non-finite f64 as null; EXTREMES holds none, so every number
    // reaches the spec as the number it is.
    json!(n.0)
}

fn text(t: &Text) -> Value {
    Value::String(t.0.clone())
}

fn color(c: &Color) -> Value {
    match c {
        Color::Known(i) => json!(COLORS[usize::from(*i) % COLORS.len()]),
        Color::Other(t) => text(t),
    }
}

fn datum(d: &Datum) -> Value {
    match d {
        Datum::Num(n) => num(*n),
        Datum::Text(t) => text(t),
        Datum::Null => Value::Null,
    }
}

fn numbers(values: &[Option<Num>]) -> Value {
    Value::Array(values.iter().map(|v| v.map_or(Value::Null, num)).collect())
}

fn column(c: &Column) -> Value {
    match c {
        Column::Numbers(v) => numbers(v),
        // Long runs of data cost the fuzzer no bytes: a ramp of up to 4096 points
        // reaches the paths that only long series take (decimation, many ticks).
        Column::Ramp { len, start, step } => Value::Array(
            (0..*len % 4096)
                .map(|i| json!(start.0 + f64::from(i) * step.0))
                .collect(),
        ),
        Column::Mixed(v) => Value::Array(v.iter().map(datum).collect()),
    }
}

fn pick(options: &[&str], i: u8) -> Value {
    json!(options[usize::from(i) % options.len()])
}

const MARKERS: [&str; 7] = ["o", "s", "^", "x", "+", "none", "D"];
const STYLES: [&str; 5] = ["solid", "dashed", "dotted", "dashdot", "--"];
const ALIGN_H: [&str; 3] = ["left", "center", "right"];
const ALIGN_V: [&str; 3] = ["top", "center", "bottom"];

/// Sets `key` when the value is there.
fn put<T>(m: &mut Map<String, Value>, key: &str, v: &Option<T>, f: impl FnOnce(&T) -> Value) {
    if let Some(v) = v {
        m.insert(key.to_owned(), f(v));
    }
}

fn axis(a: &Axis) -> Option<Value> {
    let Axis::Present {
        label,
        scale,
        min,
        max,
        timezone,
        grid,
        ticks,
        tick_labels,
    } = a
    else {
        return None;
    };
    let mut m = Map::new();
    put(&mut m, "label", label, text);
    put(&mut m, "scale", scale, |s| {
        pick(&["linear", "log", "time", "category"], *s)
    });
    put(&mut m, "min", min, datum);
    put(&mut m, "max", max, datum);
    put(&mut m, "timezone", timezone, text);
    put(&mut m, "grid", grid, |g| json!(g));
    put(&mut m, "ticks", ticks, |t| {
        Value::Array(t.iter().map(|n| num(*n)).collect())
    });
    put(&mut m, "tick_labels", tick_labels, |t| {
        Value::Array(t.iter().map(text).collect())
    });
    Some(Value::Object(m))
}

fn stroke(m: &mut Map<String, Value>, s: &Stroke) {
    put(m, "linewidth", &s.linewidth, |n| num(*n));
    put(m, "linestyle", &s.linestyle, |i| pick(&STYLES, *i));
    put(m, "marker", &s.marker, |i| pick(&MARKERS, *i));
    put(m, "markersize", &s.markersize, |n| num(*n));
}

fn amount(a: &Amount) -> Value {
    match a {
        Amount::All(n) => num(*n),
        Amount::PerPoint(v) => numbers(v),
    }
}

fn series(s: &Series, c: &Common) -> Value {
    let mut m = Map::new();
    let kind = match s {
        Series::Line { x, y, stroke: st } => {
            put(&mut m, "x", x, column);
            m.insert("y".into(), column(y));
            stroke(&mut m, st);
            "line"
        }
        Series::Scatter {
            x,
            y,
            sizes,
            colors,
            size,
            marker,
        } => {
            put(&mut m, "x", x, column);
            m.insert("y".into(), column(y));
            put(&mut m, "sizes", sizes, |v| numbers(v));
            put(&mut m, "colors", colors, |v| {
                Value::Array(v.iter().map(color).collect())
            });
            put(&mut m, "size", size, |n| num(*n));
            put(&mut m, "marker", marker, |i| pick(&MARKERS, *i));
            "scatter"
        }
        Series::Bar {
            x,
            y,
            horizontal,
            width,
            stack,
            bar_label,
        } => {
            put(&mut m, "x", x, |v| {
                Value::Array(v.iter().map(datum).collect())
            });
            m.insert("y".into(), numbers(y));
            put(&mut m, "orientation", horizontal, |h| {
                json!(if *h { "horizontal" } else { "vertical" })
            });
            put(&mut m, "width", width, |n| num(*n));
            put(&mut m, "stack", stack, text);
            put(&mut m, "bar_label", bar_label, |(on, fmt, center)| {
                if fmt.is_none() && center.is_none() {
                    return json!(on);
                }
                let mut l = Map::new();
                put(&mut l, "fmt", fmt, text);
                put(&mut l, "position", center, |c| {
                    json!(if *c { "center" } else { "edge" })
                });
                Value::Object(l)
            });
            "bar"
        }
        Series::Hist {
            values,
            bins,
            density,
        } => {
            m.insert("values".into(), column(values));
            put(&mut m, "bins", bins, |b| match b {
                Ok(count) => json!(count),
                Err(edges) => Value::Array(edges.iter().map(|n| num(*n)).collect()),
            });
            put(&mut m, "density", density, |d| json!(d));
            "hist"
        }
        Series::Area {
            x,
            y,
            y2,
            stack,
            stroke: st,
        } => {
            put(&mut m, "x", x, column);
            m.insert("y".into(), column(y));
            put(&mut m, "y2", y2, column);
            put(&mut m, "stack", stack, text);
            stroke(&mut m, st);
            "area"
        }
        Series::Step {
            x,
            y,
            step_where,
            stroke: st,
        } => {
            put(&mut m, "x", x, column);
            m.insert("y".into(), column(y));
            put(&mut m, "where", step_where, |i| {
                pick(&["pre", "post", "mid"], *i)
            });
            stroke(&mut m, st);
            "step"
        }
        Series::Errorbar {
            x,
            y,
            yerr,
            xerr,
            capsize,
            stroke: st,
        } => {
            put(&mut m, "x", x, column);
            m.insert("y".into(), column(y));
            put(&mut m, "yerr", yerr, amount);
            put(&mut m, "xerr", xerr, amount);
            put(&mut m, "capsize", capsize, |n| num(*n));
            stroke(&mut m, st);
            "errorbar"
        }
        Series::Heatmap {
            rows,
            cols,
            z,
            x,
            y,
            colormap,
            colorbar,
            vmin,
            vmax,
        } => {
            // Rows of one length (mostly), cut from one column, so that the grid is
            // not refused as ragged at once.
            let cells = match column(z) {
                Value::Array(v) => v,
                _ => Vec::new(),
            };
            let cols = usize::from(*cols % 64).max(1);
            let grid: Vec<Value> = (0..usize::from(*rows % 64))
                .map(|r| {
                    Value::Array(
                        (0..cols)
                            .map(|c| cells.get(r * cols + c).cloned().unwrap_or(json!(r + c)))
                            .collect(),
                    )
                })
                .collect();
            m.insert("z".into(), Value::Array(grid));
            put(&mut m, "x", x, |v| {
                Value::Array(v.iter().map(datum).collect())
            });
            put(&mut m, "y", y, |v| {
                Value::Array(v.iter().map(datum).collect())
            });
            put(&mut m, "colormap", colormap, |i| {
                pick(
                    &[
                        "viridis", "plasma", "inferno", "magma", "cividis", "gray", "greys",
                        "blues", "reds", "coolwarm", "jet",
                    ],
                    *i,
                )
            });
            put(&mut m, "colorbar", colorbar, |b| json!(b));
            put(&mut m, "vmin", vmin, |n| num(*n));
            put(&mut m, "vmax", vmax, |n| num(*n));
            "heatmap"
        }
        Series::Hline {
            y,
            linewidth,
            linestyle,
        } => {
            m.insert("y".into(), num(*y));
            put(&mut m, "linewidth", linewidth, |n| num(*n));
            put(&mut m, "linestyle", linestyle, |i| pick(&STYLES, *i));
            "hline"
        }
        Series::Vline {
            x,
            linewidth,
            linestyle,
        } => {
            m.insert("x".into(), num(*x));
            put(&mut m, "linewidth", linewidth, |n| num(*n));
            put(&mut m, "linestyle", linestyle, |i| pick(&STYLES, *i));
            "vline"
        }
        Series::Text {
            x,
            y,
            text: t,
            fontsize,
            family,
            ha,
            va,
        } => {
            m.insert("x".into(), num(*x));
            m.insert("y".into(), num(*y));
            m.insert("text".into(), text(t));
            put(&mut m, "fontsize", fontsize, |n| num(*n));
            put(&mut m, "fontfamily", family, text);
            put(&mut m, "ha", ha, |i| pick(&ALIGN_H, *i));
            put(&mut m, "va", va, |i| pick(&ALIGN_V, *i));
            "text"
        }
        Series::Annotation {
            text: t,
            xy,
            xytext,
            offset,
            arrow,
            fontsize,
            ha,
            va,
        } => {
            m.insert("text".into(), text(t));
            m.insert("xy".into(), json!([datum(&xy.0), datum(&xy.1)]));
            put(&mut m, "xytext", xytext, |p| {
                json!([datum(&p.0), datum(&p.1)])
            });
            put(&mut m, "offset", offset, |p| json!([num(p.0), num(p.1)]));
            put(&mut m, "arrow", arrow, |i| {
                pick(&["->", "-|>", "-", "none"], *i)
            });
            put(&mut m, "fontsize", fontsize, |n| num(*n));
            put(&mut m, "ha", ha, |i| pick(&ALIGN_H, *i));
            put(&mut m, "va", va, |i| pick(&ALIGN_V, *i));
            "annotation"
        }
        Series::Pie {
            values,
            labels,
            colors,
            autopct,
            startangle,
            counterclock,
            explode,
            hole,
        } => {
            m.insert("values".into(), numbers(values));
            put(&mut m, "labels", labels, |v| {
                Value::Array(v.iter().map(text).collect())
            });
            put(&mut m, "colors", colors, |v| {
                Value::Array(v.iter().map(color).collect())
            });
            put(&mut m, "autopct", autopct, text);
            put(&mut m, "startangle", startangle, |n| num(*n));
            put(&mut m, "counterclock", counterclock, |b| json!(b));
            put(&mut m, "explode", explode, |v| numbers(v));
            put(&mut m, "hole", hole, |n| num(*n));
            "pie"
        }
        Series::Box {
            data,
            labels,
            whis,
            showfliers,
            horizontal,
            widths,
        } => {
            m.insert(
                "data".into(),
                Value::Array(data.iter().map(|d| numbers(d)).collect()),
            );
            put(&mut m, "labels", labels, |v| {
                Value::Array(v.iter().map(text).collect())
            });
            put(&mut m, "whis", whis, |n| num(*n));
            put(&mut m, "showfliers", showfliers, |b| json!(b));
            put(&mut m, "orientation", horizontal, |h| {
                json!(if *h { "horizontal" } else { "vertical" })
            });
            put(&mut m, "widths", widths, amount);
            "box"
        }
    };
    m.insert("type".into(), json!(kind));
    put(&mut m, "label", &c.label, text);
    put(&mut m, "color", &c.color, color);
    put(&mut m, "alpha", &c.alpha, |n| num(*n));
    put(&mut m, "yaxis", &c.right, |r| {
        json!(if *r { "right" } else { "left" })
    });
    Value::Object(m)
}

const LEGENDS: [&str; 14] = [
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "none",
    "best",
    "upper center",
    "lower center",
    "center left",
    "center right",
    "center",
    "outside right",
    "outside bottom",
    "middle",
];

fn axes(a: &Axes) -> Value {
    let mut m = Map::new();
    put(&mut m, "title", &a.title, text);
    if let Some(v) = axis(&a.x) {
        m.insert("x".into(), v);
    }
    if let Some(v) = axis(&a.y) {
        m.insert("y".into(), v);
    }
    if let Some(v) = axis(&a.y2) {
        m.insert("y2".into(), v);
    }
    put(&mut m, "legend", &a.legend, |i| pick(&LEGENDS, *i));
    m.insert(
        "series".into(),
        Value::Array(a.series.iter().map(|(s, c)| series(s, c)).collect()),
    );
    Value::Object(m)
}

fn figure(f: &Figure) -> Value {
    let mut m = Map::new();
    // Sizes mostly small (a fuzz iteration should be cheap), sometimes past the limit.
    let side = |s: &u16| {
        json!(if s.is_multiple_of(16) {
            u64::from(*s) * 8
        } else {
            u64::from(*s % 800)
        })
    };
    put(&mut m, "width", &f.width, side);
    put(&mut m, "height", &f.height, side);
    put(&mut m, "figsize", &f.figsize, |p| {
        json!([num(p.0), num(p.1)])
    });
    put(&mut m, "dpi", &f.dpi, |n| num(*n));
    put(&mut m, "font", &f.font, |(family, size)| {
        let mut fm = Map::new();
        put(&mut fm, "family", family, text);
        put(&mut fm, "size", size, |n| num(*n));
        Value::Object(fm)
    });
    put(&mut m, "title", &f.title, text);
    put(&mut m, "background", &f.background, color);
    put(&mut m, "theme", &f.dark, |d| {
        json!(if *d { "dark" } else { "light" })
    });
    put(
        &mut m,
        "subplots",
        &f.subplots,
        |(r, c)| json!({"rows": r % 6, "cols": c % 6}),
    );
    match (f.shorthand, f.axes.first()) {
        (true, Some(first)) => {
            // The shorthand's fields are the single axes' own.
            if let Value::Object(a) = axes(first) {
                for key in ["series", "x", "y", "legend"] {
                    if let Some(v) = a.get(key) {
                        m.insert(key.into(), v.clone());
                    }
                }
            }
        }
        _ => {
            m.insert(
                "axes".into(),
                Value::Array(f.axes.iter().map(axes).collect()),
            );
        }
    }
    Value::Object(m)
}

fuzz_target!(|f: Figure| {
    let spec = serde_json::to_vec(&figure(&f)).expect("a Value always serializes");
    // Triage: `PLOTBOX_FUZZ_DUMP=spec.json cargo fuzz run render_structured <artifact>`
    // writes the document a finding rendered, ready for `regressions/`.
    if let Some(path) = std::env::var_os("PLOTBOX_FUZZ_DUMP") {
        std::fs::write(path, &spec).expect("PLOTBOX_FUZZ_DUMP names a writable file");
    }
    common::render(&spec, common::format(f.format));
});
