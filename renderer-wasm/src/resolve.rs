//! Axis kinds: which axes hold numbers, times or categories, and every string of the
//! spec turned into the number layout places it at.
//!
//! Runs inside validation, after every field has been checked for range and size. For
//! each of an axes' three axes (x, y and the twin `y2`) it gathers the data that lands
//! on it, decides its kind (an explicit `scale`, else the data: ISO 8601 strings make a
//! time axis, other strings on x make a category axis, in order of first appearance),
//! and rewrites the data in place: times become matplotlib's date numbers (days since
//! 1970-01-01 UTC), categories their slot index. A string that does not fit its axis
//! is `invalid_spec` with the path of that element.

use crate::error::{pointer_push, short_number, RenderError};
use crate::layout::dates;
use crate::spec::*;

/// What the values of one axis are.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum AxisKind {
    #[default]
    Numeric,
    /// Date numbers shown in a fixed zone (seconds east of UTC).
    Time { zone: i32 },
    /// Slots 0, 1, 2, ... named in order of first appearance.
    Category(Vec<String>),
}

/// One of an axes' axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    X,
    Y,
    Y2,
}

impl Which {
    fn key(self) -> &'static str {
        match self {
            Which::X => "x",
            Which::Y => "y",
            Which::Y2 => "y2",
        }
    }
}

/// A place in a series where data of one axis sit.
enum Slot<'a> {
    Column(&'a mut Column, String),
    /// Bar positions (categories by default).
    Categories(&'a mut Vec<Category>, String),
    Datum(&'a mut Datum, String),
}

/// The axis of `which` in `axes`, if given.
fn axis_of(axes: &Axes, which: Which) -> Option<&Axis> {
    match which {
        Which::X => axes.x.as_ref(),
        Which::Y => axes.y.as_ref(),
        Which::Y2 => axes.y2.as_ref(),
    }
}

fn axis_of_mut(axes: &mut Axes, which: Which) -> Option<&mut Axis> {
    match which {
        Which::X => axes.x.as_mut(),
        Which::Y => axes.y.as_mut(),
        Which::Y2 => axes.y2.as_mut(),
    }
}

/// The data of every series that land on `which`.
fn slots<'a>(series: &'a mut [Series], base: &str, which: Which) -> Vec<Slot<'a>> {
    let mut slots = Vec::new();
    for (i, s) in series.iter_mut().enumerate() {
        let path = |field: &str| format!("{base}/series/{i}/{field}");
        let right = s.common().yaxis == YAxisSide::Right;
        let on_y = match which {
            Which::X => false,
            Which::Y => !right,
            Which::Y2 => right,
        };
        let xy = |x: Option<&'a mut Column>, y: &'a mut Column, slots: &mut Vec<Slot<'a>>| {
            if which == Which::X {
                if let Some(x) = x {
                    slots.push(Slot::Column(x, path("x")));
                }
            } else if on_y {
                slots.push(Slot::Column(y, path("y")));
            }
        };
        match s {
            Series::Line(s) => xy(s.x.as_mut(), &mut s.y, &mut slots),
            Series::Scatter(s) => xy(s.x.as_mut(), &mut s.y, &mut slots),
            Series::Step(s) => xy(s.x.as_mut(), &mut s.y, &mut slots),
            Series::Errorbar(s) => xy(s.x.as_mut(), &mut s.y, &mut slots),
            Series::Area(s) => {
                if on_y {
                    if let Some(y2) = s.y2.as_mut() {
                        slots.push(Slot::Column(y2, path("y2")));
                    }
                }
                xy(s.x.as_mut(), &mut s.y, &mut slots);
            }
            Series::Bar(b) => {
                let horizontal = b.orientation == Some(Orientation::Horizontal);
                let positions_here = if horizontal { on_y } else { which == Which::X };
                if positions_here {
                    if let Some(x) = b.x.as_mut() {
                        slots.push(Slot::Categories(x, path("x")));
                    }
                }
            }
            Series::Annotation(a) => {
                let [ax, ay] = &mut a.xy;
                if which == Which::X {
                    slots.push(Slot::Datum(ax, path("xy/0")));
                } else if on_y {
                    slots.push(Slot::Datum(ay, path("xy/1")));
                }
                if let Some([tx, ty]) = a.xytext.as_mut() {
                    if which == Which::X {
                        slots.push(Slot::Datum(tx, path("xytext/0")));
                    } else if on_y {
                        slots.push(Slot::Datum(ty, path("xytext/1")));
                    }
                }
            }
            _ => {}
        }
    }
    slots
}

/// Decides the kind of each axis of `axes` and rewrites its strings as numbers.
/// Returns the kinds of x, y and y2.
pub fn resolve_axes_data(base: &str, axes: &mut Axes) -> Result<[AxisKind; 3], RenderError> {
    let mut kinds: [AxisKind; 3] = Default::default();
    for (k, which) in [Which::X, Which::Y, Which::Y2].into_iter().enumerate() {
        let axis_path = format!("{base}/{}", which.key());
        let axis = axis_of(axes, which);
        let scale = axis.and_then(|a| a.scale);
        let zone = match axis.and_then(|a| a.timezone.as_deref()) {
            None => 0,
            Some(text) => dates::parse_timezone(text)
                .map_err(|why| RenderError::invalid(format!("{axis_path}/timezone"), why))?,
        };
        let bounds_are_text = axis.is_some_and(|a| {
            [&a.min, &a.max]
                .into_iter()
                .any(|b| matches!(b, Some(Datum::Text(_))))
        });
        let mut slots = slots(&mut axes.series, base, which);
        let mut kind = decide(which, scale, zone, &slots, bounds_are_text)?;
        for slot in &mut slots {
            convert(slot, &mut kind, which)?;
        }
        drop(slots);
        if let Some(axis) = axis_of_mut(axes, which) {
            for (name, bound) in [("min", &mut axis.min), ("max", &mut axis.max)] {
                if let Some(Datum::Text(text)) = bound {
                    let path = format!("{axis_path}/{name}");
                    let AxisKind::Time { zone } = kind else {
                        return Err(RenderError::invalid(
                            path,
                            format!("`{text}` is a string, but this axis is not a time axis"),
                        ));
                    };
                    let days = dates::parse_iso(text, zone)
                        .map_err(|why| RenderError::invalid(path, why))?;
                    *bound = Some(Datum::Number(days));
                }
            }
            if let (Some(Datum::Number(min)), Some(Datum::Number(max))) = (&axis.min, &axis.max) {
                if min >= max {
                    return Err(RenderError::invalid(
                        format!("{axis_path}/max"),
                        "max is not after min",
                    ));
                }
            }
        }
        kinds[k] = kind;
    }
    Ok(kinds)
}

/// The kind of an axis from its `scale` and the data on it.
fn decide(
    which: Which,
    scale: Option<Scale>,
    zone: i32,
    slots: &[Slot<'_>],
    bounds_are_text: bool,
) -> Result<AxisKind, RenderError> {
    match scale {
        Some(Scale::Time) => return Ok(AxisKind::Time { zone }),
        Some(Scale::Category) => return Ok(AxisKind::Category(Vec::new())),
        Some(Scale::Linear | Scale::Log) => return Ok(AxisKind::Numeric),
        None => {}
    }
    // Bar positions default to categories; any other string decides by its form.
    let mut first_text: Option<(String, bool)> = None;
    let mut all_iso = true;
    let mut bar_text = false;
    for slot in slots {
        let mut look = |text: &str, path: String| {
            let iso = dates::looks_like_iso(text);
            all_iso &= iso;
            if first_text.is_none() || !iso {
                first_text = first_text
                    .take()
                    .filter(|(_, iso)| !iso)
                    .or(Some((path, iso)));
            }
        };
        match slot {
            Slot::Column(column, path) => {
                if let Column::Mixed(values) = &**column {
                    for (i, v) in values.iter().enumerate() {
                        if let Some(Datum::Text(t)) = v {
                            look(t, pointer_push(path, i));
                        }
                    }
                }
            }
            Slot::Categories(values, _) => {
                bar_text |= values.iter().any(|v| matches!(v, Datum::Text(_)));
            }
            Slot::Datum(Datum::Text(t), path) => look(t, path.clone()),
            Slot::Datum(..) => {}
        }
    }
    if bar_text {
        return Ok(AxisKind::Category(Vec::new()));
    }
    match first_text {
        None if bounds_are_text => Ok(AxisKind::Time { zone }),
        None => Ok(AxisKind::Numeric),
        Some(_) if all_iso => Ok(AxisKind::Time { zone }),
        Some(_) if which == Which::X => Ok(AxisKind::Category(Vec::new())),
        Some((path, _)) => Err(RenderError::invalid(
            path,
            "strings on a y axis must be ISO 8601 dates or date-times (categories go on x)",
        )),
    }
}

/// The number `datum` stands for on an axis of `kind`; a new category name is added
/// to the kind.
fn to_number(
    datum: &Datum,
    kind: &mut AxisKind,
    which: Which,
    path: &str,
) -> Result<f64, RenderError> {
    match (datum, kind) {
        (Datum::Number(v), AxisKind::Numeric) => Ok(*v),
        (Datum::Number(v), AxisKind::Time { .. }) => Err(RenderError::invalid(
            path,
            format!(
                "{} is a number on a time axis; use ISO 8601 strings throughout",
                short_number(*v)
            ),
        )),
        (Datum::Text(t), AxisKind::Time { zone }) => dates::parse_iso(t, *zone).map_err(|why| {
            RenderError::invalid(path, format!("`{t}` is not an ISO 8601 time: {why}"))
        }),
        (Datum::Text(t), AxisKind::Category(names)) => {
            Ok(match names.iter().position(|n| n == t) {
                Some(slot) => slot,
                None => {
                    names.push(t.clone());
                    names.len() - 1
                }
            } as f64)
        }
        (Datum::Number(v), AxisKind::Category(_)) => Err(RenderError::invalid(
            path,
            format!(
                "{} is a number on an axis of categories (strings); use one kind per axis",
                short_number(*v)
            ),
        )),
        (Datum::Text(t), AxisKind::Numeric) => Err(RenderError::invalid(
            path,
            format!(
                "`{t}` is a string on a numeric {} axis; use numbers, or strings throughout",
                which.key()
            ),
        )),
    }
}

/// Rewrites the strings of one slot as numbers of `kind`.
fn convert(slot: &mut Slot<'_>, kind: &mut AxisKind, which: Which) -> Result<(), RenderError> {
    match slot {
        Slot::Column(column, path) => {
            if let Column::Mixed(values) = &**column {
                let mut numbers = Vec::with_capacity(values.len());
                for (i, v) in values.iter().enumerate() {
                    numbers.push(match v {
                        None => None,
                        Some(d) => Some(to_number(d, kind, which, &pointer_push(path, i))?),
                    });
                }
                **column = Column::Numbers(numbers);
            } else if let Some(i) = column.iter().position(Option::is_some) {
                let what = match kind {
                    AxisKind::Category(_) => "an axis of categories (strings)",
                    AxisKind::Time { .. } => "a time axis (ISO 8601 strings)",
                    AxisKind::Numeric => return Ok(()),
                };
                return Err(RenderError::invalid(
                    pointer_push(path, i),
                    format!("a number on {what}; use one kind of value per axis"),
                ));
            }
        }
        // Bar strings are categories unless the axis says `"scale": "time"`; on a
        // category axis numbers are named by their text, as matplotlib's.
        Slot::Categories(values, path) => {
            let converting = values.iter().any(|v| matches!(v, Datum::Text(_)))
                || matches!(kind, AxisKind::Category(_));
            if converting {
                for (i, v) in values.iter_mut().enumerate() {
                    let as_text = match (&*v, &*kind) {
                        (Datum::Number(n), AxisKind::Category(_)) => {
                            Datum::Text(crate::layout::ticker::number(*n))
                        }
                        _ => v.clone(),
                    };
                    *v = Datum::Number(to_number(&as_text, kind, which, &pointer_push(path, i))?);
                }
            }
        }
        Slot::Datum(datum, path) => {
            let number = to_number(datum, kind, which, path)?;
            **datum = Datum::Number(number);
        }
    }
    Ok(())
}
