//! JSON bytes → [`Figure`], with a JSON Pointer on every error.
//!
//! serde_json parses into a `Value` first (its recursion limit turns a hostile
//! nesting into an error, not a stack overflow); `serde_path_to_error` then tracks the
//! path while the typed spec is built. Series are tagged by `type` and deserialized by
//! hand, because serde's internally tagged enums buffer their content and lose the
//! path: the inner path travels inside the error message between two markers and is
//! joined to the outer path here.

use serde::de::{self, Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{pointer_push, RenderError};
use crate::spec::*;

/// Separates an inner JSON Pointer from the message inside a serde error.
const INNER_PATH_MARK: char = '\u{1}';

/// Parses a spec document. Errors are `invalid_spec` with the path of the fault.
///
/// Tracking the path costs more than parsing itself (a segment pushed per array
/// element), so valid specs take a fast path without it; only a spec that fails is
/// parsed a second time, with tracking, to find where.
pub fn parse_figure(bytes: &[u8]) -> Result<Figure, RenderError> {
    let value = parse_json(bytes)?;
    require_objects(&value)?;
    Figure::deserialize(value).map_err(|first| locate_error(bytes, &first.to_string()))
}

fn parse_json(bytes: &[u8]) -> Result<Value, RenderError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let what = if e.is_eof() {
            "the JSON ends early"
        } else {
            "not valid JSON"
        };
        // A document cut short is wrong as a whole; anything else is wrong where it is.
        let path = if e.is_eof() {
            String::new()
        } else {
            syntax_error_pointer(bytes)
        };
        RenderError::invalid(path, format!("{what}: {e}"))
    })
}

/// The JSON Pointer of the value a syntax error (`NaN`, `1e999`, broken UTF-8, a
/// nesting too deep) sits in, so that it names that field rather than the whole
/// document: the document is read again with path tracking, which stops at the same
/// error. Only failing documents pay for it.
fn syntax_error_pointer(bytes: &[u8]) -> String {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, Value>(&mut reader)
        .err()
        .map(|e| pointer_from_path(e.path()))
        .unwrap_or_default()
}

/// The slow path of [`parse_figure`]: finds the path of an error already seen.
fn locate_error(bytes: &[u8], first_message: &str) -> RenderError {
    let tracked = parse_json(bytes).map(|value| {
        serde_path_to_error::deserialize::<_, Figure>(&value)
            .err()
            .map(|e| (pointer_from_path(e.path()), e.inner().to_string()))
    });
    match tracked {
        Ok(Some((outer, message))) => {
            let (path, message) = split_inner_path(&outer, &message);
            RenderError::invalid(path, message)
        }
        // Both passes run the same code on the same bytes, so this is unreachable in
        // practice; the first message still says what is wrong.
        Ok(None) => {
            let (path, message) = split_inner_path("", first_message);
            RenderError::invalid(path, message)
        }
        Err(e) => e,
    }
}

/// serde accepts a JSON array where a struct is expected (fields by position); the spec
/// does not, so every place that holds an object is checked before typed parsing.
fn require_objects(root: &Value) -> Result<(), RenderError> {
    fn object_at(v: Option<&Value>, path: &str, what: &str) -> Result<(), RenderError> {
        match v {
            None | Some(Value::Object(_)) => Ok(()),
            Some(Value::Null) if !path.is_empty() => Ok(()),
            Some(other) => Err(RenderError::invalid(
                path,
                format!(
                    "{what} must be a JSON object, not {}",
                    json_type_name(other)
                ),
            )),
        }
    }
    object_at(Some(root), "", "a spec")?;
    for key in ["x", "y", "y2"] {
        object_at(root.get(key), &format!("/{key}"), "an axis")?;
    }
    object_at(root.get("subplots"), "/subplots", "subplots")?;
    if let Some(Value::Array(axes)) = root.get("axes") {
        for (i, ax) in axes.iter().enumerate() {
            let path = format!("/axes/{i}");
            if !ax.is_object() {
                return Err(RenderError::invalid(
                    path,
                    format!("an axes must be a JSON object, not {}", json_type_name(ax)),
                ));
            }
            for key in ["x", "y", "y2"] {
                object_at(ax.get(key), &format!("{path}/{key}"), "an axis")?;
            }
        }
    }
    Ok(())
}

fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn pointer_from_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer_push(&pointer, index),
            Segment::Map { key } => pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => continue,
        };
    }
    pointer
}

/// Joins the outer pointer with an inner one carried in `message`, if any.
fn split_inner_path(outer: &str, message: &str) -> (String, String) {
    let mut parts = message.splitn(3, INNER_PATH_MARK);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(""), Some(inner), Some(rest)) => (format!("{outer}{inner}"), rest.to_string()),
        _ => (outer.to_string(), message.to_string()),
    }
}

impl<'de> Deserialize<'de> for Series {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let kind = match map.remove("type") {
            Some(Value::String(kind)) => kind,
            Some(other) => {
                return Err(inner_error(
                    "/type",
                    format!("`type` must be a string, not {}", json_type_name(&other)),
                ))
            }
            None => {
                return Err(inner_error(
                    "",
                    format!(
                        "a series needs a `type`, one of: {}",
                        Series::TYPES.join(", ")
                    ),
                ))
            }
        };
        let body = Value::Object(map);
        // Untracked first (see `parse_figure`); tracked only to locate an error.
        fn typed<'a, T: Deserialize<'a>, E: de::Error>(body: &'a Value) -> Result<T, E> {
            T::deserialize(body).or_else(|_| {
                serde_path_to_error::deserialize::<_, T>(body).map_err(|e| {
                    let inner = pointer_from_path(e.path());
                    inner_error(&inner, e.inner().to_string())
                })
            })
        }
        Ok(match kind.as_str() {
            "line" => Series::Line(typed(&body)?),
            "scatter" => Series::Scatter(typed(&body)?),
            "bar" => Series::Bar(typed(&body)?),
            "hist" => Series::Hist(typed(&body)?),
            "area" => Series::Area(typed(&body)?),
            "step" => Series::Step(typed(&body)?),
            "errorbar" => Series::Errorbar(typed(&body)?),
            "heatmap" => Series::Heatmap(typed(&body)?),
            "hline" => Series::Hline(typed(&body)?),
            "vline" => Series::Vline(typed(&body)?),
            "text" => Series::Text(typed(&body)?),
            "annotation" => Series::Annotation(typed(&body)?),
            "pie" => Series::Pie(typed(&body)?),
            "box" => Series::Box(typed(&body)?),
            other => {
                return Err(inner_error(
                    "/type",
                    format!(
                        "unknown series type `{other}`, expected one of: {}",
                        Series::TYPES.join(", ")
                    ),
                ))
            }
        })
    }
}

fn inner_error<E: de::Error>(inner_path: &str, message: String) -> E {
    E::custom(format!(
        "{INNER_PATH_MARK}{inner_path}{INNER_PATH_MARK}{message}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn err(json: &str) -> RenderError {
        match parse_figure(json.as_bytes()) {
            Ok(fig) => panic!("expected an error, parsed {fig:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn typo_inside_a_series_points_at_the_series() {
        let e = err(r#"{"series": [{"type": "line", "y": [1, 2], "colr": "red"}]}"#);
        assert_eq!(e.kind, ErrorKind::InvalidSpec);
        assert!(
            e.path
                .as_deref()
                .unwrap_or_default()
                .starts_with("/series/0"),
            "{e:?}"
        );
        assert!(e.message.contains("colr"), "{e:?}");
    }

    #[test]
    fn wrong_type_in_an_array_points_at_the_element() {
        let e = err(
            r#"{"axes": [{"series": [{"type": "line", "y": [1]}, {"type": "line", "y": [1, true]}]}]}"#,
        );
        assert_eq!(e.path.as_deref(), Some("/axes/0/series/1/y/1"), "{e:?}");
    }

    #[test]
    fn unknown_series_type_points_at_type() {
        let e = err(r#"{"series": [{"type": "donut", "y": [1]}]}"#);
        assert_eq!(e.path.as_deref(), Some("/series/0/type"));
        assert!(e.message.contains("donut"));
    }

    #[test]
    fn arrays_are_not_objects() {
        assert_eq!(err("[1, 2, 3]").path.as_deref(), Some(""));
        assert_eq!(err(r#"{"axes": [[1]]}"#).path.as_deref(), Some("/axes/0"));
        assert_eq!(err("null").kind, ErrorKind::InvalidSpec);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"title\": {}{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(err(&deep).kind, ErrorKind::InvalidSpec);
    }

    #[test]
    fn syntax_errors_inside_a_field_point_at_the_field() {
        let at = |json: &str| err(json).path.unwrap_or_default();
        assert_eq!(at(r#"{"width": 1e999}"#), "/width");
        assert_eq!(
            at(r#"{"series": [{"type": "line", "y": [1, NaN]}]}"#),
            "/series/0/y/1"
        );
        assert_eq!(
            at("{\"axes\": [{\"series\": []},\n {\"title\": \"a\\\"\", \"x\": {\"min\": -inf}}]}"),
            "/axes/1/x/min"
        );
        assert_eq!(at(r#"{"a/b": {"c~": [[1e400]]}}"#), "/a~1b/c~0/0/0");
        let mut bad_utf8 = br#"{"title": "ab"#.to_vec();
        bad_utf8.extend_from_slice(&[0xff, b'"', b'}']);
        assert_eq!(
            parse_figure(&bad_utf8)
                .err()
                .and_then(|e| e.path)
                .as_deref(),
            Some("/title")
        );
        let deep = format!(
            r#"{{"series": [{{"type": "line", "y": {}1{}}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(at(&deep).starts_with("/series/0/y/0/0"), "{}", at(&deep));
        // Outside any field, in a key, and where the document is cut short, the
        // document or the object is at fault.
        assert_eq!(at("1e999"), "");
        assert_eq!(at(r#"{"series": [], "ti\u00e9": 1e999}"#), "/ti\u{e9}");
        assert_eq!(
            at(r#"{"axes": [{"title": 1e999, "x": 1}]}"#),
            "/axes/0/title"
        );
        assert_eq!(at(r#"{"series": [1, 2"#), "");
    }

    #[test]
    fn numbers_serde_quotes_are_printed_short() {
        for (json, path) in [
            (r#"{"width": 1e308}"#, "/width"),
            (
                r#"{"subplots": {"rows": 18446744073709551616, "cols": 1}}"#,
                "/subplots/rows",
            ),
            (r#"{"height": -9223372036854775808}"#, "/height"),
        ] {
            let e = err(json);
            assert_eq!(e.path.as_deref(), Some(path), "{json}");
            let longest = e
                .message
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max();
            assert!(longest < Some(20), "{}", e.message);
        }
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_push("/a", "b/c~d"), "/a/b~1c~0d");
    }
}
