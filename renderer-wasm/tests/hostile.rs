//! Inputs that once crashed the renderer or gave a poor error, each in every format.

use renderer_wasm::{render, ErrorKind, Format};

const FORMATS: [Format; 3] = [Format::Svg, Format::Png { scale: 1.0 }, Format::Pdf];

/// Renders in every format; each must be a picture or an `invalid_spec`/`too_large`
/// error, never a panic.
fn outcomes(spec: &str) -> Vec<Result<usize, ErrorKind>> {
    FORMATS
        .iter()
        .map(|format| match render(spec.as_bytes(), *format) {
            Ok(bytes) => Ok(bytes.len()),
            Err(e) => {
                assert!(
                    matches!(e.kind, ErrorKind::InvalidSpec | ErrorKind::TooLarge),
                    "{format:?}: {e:?}"
                );
                Err(e.kind)
            }
        })
        .collect()
}

#[test]
fn annotation_text_far_outside_the_view_renders() {
    for far in ["1.8446744073709552e19", "1e15", "-1e300", "1e300"] {
        let spec = format!(
            r#"{{"axes": [{{"series": [{{"type": "line", "y": [0, 4]}},
                {{"type": "annotation", "text": "a", "xy": [1, 2], "xytext": [0.5, {far}], "arrow": "->"}}]}}]}}"#
        );
        for outcome in outcomes(&spec) {
            assert!(outcome.is_ok(), "xytext y {far}: {outcome:?}");
        }
    }
}

#[test]
fn data_far_outside_explicit_limits_renders() {
    for far in ["1e15", "1e200", "-1e300"] {
        for series in [
            r#""type": "line", "marker": "o""#,
            r#""type": "scatter""#,
            r#""type": "area""#,
            r#""type": "step""#,
            r#""type": "errorbar", "yerr": 1e100"#,
        ] {
            let spec = format!(
                r#"{{"axes": [{{"x": {{"min": 0, "max": 3}}, "y": {{"min": 0, "max": 1}},
                    "series": [{{{series}, "x": [0, 1, 2], "y": [0.5, {far}, 0.2]}}]}}]}}"#
            );
            for outcome in outcomes(&spec) {
                assert!(outcome.is_ok(), "{series} to {far}: {outcome:?}");
            }
        }
    }
}
