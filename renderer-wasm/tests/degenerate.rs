//! Degenerate but valid data renders as matplotlib renders it, never as an error:
//! constant series, empty series, and data whose span is tiny (1e-300), in SVG and PNG.
//!
//! The expected view limits are matplotlib 3.10.7's for the same specs, as
//! `tools/mpl-oracle/spec_to_mpl.py` draws them (`ax.get_xlim()` and `ax.get_ylim()`
//! after `fig.canvas.draw()`, low end first): an axis with a series but no data gets
//! ±0.055 (`nonsingular` of an infinite range, plus the margins), a log axis
//! 10^-0.05..10^1.05, a time axis -0.05..1.05, and an axis nothing autoscales 0..1.

use renderer_wasm::validate::validate;
use renderer_wasm::{parse_figure, render, Format, Limits};

struct Case {
    name: &'static str,
    spec: &'static str,
    /// matplotlib's view limits, low end first (the heatmap's y axis is inverted there
    /// and here, so only the ends are compared).
    x: [f64; 2],
    y: [f64; 2],
    y2: Option<[f64; 2]>,
}

const CASES: &[Case] = &[
    Case {
        name: "constant line",
        spec: r#"{"series": [{"type": "line", "y": [5, 5, 5]}]}"#,
        x: [-0.1, 2.1],
        y: [4.725, 5.275],
        y2: None,
    },
    Case {
        name: "constant line x",
        spec: r#"{"series": [{"type": "line", "x": [2, 2, 2], "y": [1, 2, 3]}]}"#,
        x: [1.89, 2.1100000000000003],
        y: [0.9, 3.1],
        y2: None,
    },
    Case {
        name: "constant zero line",
        spec: r#"{"series": [{"type": "line", "y": [0, 0, 0]}]}"#,
        x: [-0.1, 2.1],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "one point",
        spec: r#"{"series": [{"type": "scatter", "x": [3], "y": [4]}]}"#,
        x: [2.835, 3.165],
        y: [3.78, 4.220000000000001],
        y2: None,
    },
    Case {
        name: "constant scatter",
        spec: r#"{"series": [{"type": "scatter", "x": [1, 1], "y": [7, 7]}]}"#,
        x: [0.945, 1.0550000000000002],
        y: [6.615, 7.385],
        y2: None,
    },
    Case {
        name: "constant bars",
        spec: r#"{"series": [{"type": "bar", "y": [0, 0, 0]}]}"#,
        x: [-0.54, 2.54],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "constant hist",
        spec: r#"{"series": [{"type": "hist", "values": [3, 3, 3]}]}"#,
        x: [2.45, 3.5500000000000003],
        y: [0.0, 3.15],
        y2: None,
    },
    Case {
        name: "constant area",
        spec: r#"{"series": [{"type": "area", "y": [2, 2, 2]}]}"#,
        x: [-0.1, 2.1],
        y: [-0.1, 2.1],
        y2: None,
    },
    Case {
        name: "constant step",
        spec: r#"{"series": [{"type": "step", "y": [2, 2, 2]}]}"#,
        x: [-0.1, 2.1],
        y: [1.89, 2.1100000000000003],
        y2: None,
    },
    Case {
        name: "constant errorbar",
        spec: r#"{"series": [{"type": "errorbar", "y": [2, 2], "yerr": 0}]}"#,
        x: [-0.05, 1.05],
        y: [1.89, 2.1100000000000003],
        y2: None,
    },
    Case {
        name: "constant heatmap",
        spec: r#"{"series": [{"type": "heatmap", "z": [[1, 1], [1, 1]], "colorbar": true}]}"#,
        x: [-0.5, 1.5],
        y: [-0.5, 1.5],
        y2: None,
    },
    Case {
        name: "one-value box",
        spec: r#"{"series": [{"type": "box", "data": [[4]]}]}"#,
        x: [0.5, 1.5],
        y: [3.78, 4.220000000000001],
        y2: None,
    },
    Case {
        name: "constant box",
        spec: r#"{"series": [{"type": "box", "data": [[4, 4, 4]]}]}"#,
        x: [0.5, 1.5],
        y: [3.78, 4.220000000000001],
        y2: None,
    },
    Case {
        name: "constant log line",
        spec: r#"{"y": {"scale": "log"}, "series": [{"type": "line", "y": [10, 10]}]}"#,
        x: [-0.05, 1.05],
        y: [0.7943282347242815, 125.89254117941675],
        y2: None,
    },
    Case {
        name: "empty line",
        spec: r#"{"series": [{"type": "line", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty line with x",
        spec: r#"{"series": [{"type": "line", "x": [], "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "all-null line",
        spec: r#"{"series": [{"type": "line", "y": [null, null]}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty scatter",
        spec: r#"{"series": [{"type": "scatter", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty bar",
        spec: r#"{"series": [{"type": "bar", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty hist",
        spec: r#"{"series": [{"type": "hist", "values": []}]}"#,
        x: [-0.05000000000000001, 1.05],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty area",
        spec: r#"{"series": [{"type": "area", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty step",
        spec: r#"{"series": [{"type": "step", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty errorbar",
        spec: r#"{"series": [{"type": "errorbar", "y": [], "yerr": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty box",
        spec: r#"{"series": [{"type": "box", "data": [[]]}]}"#,
        x: [0.5, 1.5],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty labelled line",
        spec: r#"{"series": [{"type": "line", "y": [], "label": "none yet"}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "no series",
        spec: r#"{"series": []}"#,
        x: [0.0, 1.0],
        y: [0.0, 1.0],
        y2: None,
    },
    Case {
        name: "empty time line",
        spec: r#"{"x": {"scale": "time"}, "series": [{"type": "line", "x": [], "y": []}]}"#,
        x: [-0.05, 1.05],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty log hist",
        spec: r#"{"y": {"scale": "log"}, "series": [{"type": "hist", "values": []}]}"#,
        x: [-0.05000000000000001, 1.05],
        y: [0.8912509381337456, 11.220184543019636],
        y2: None,
    },
    Case {
        name: "empty log line",
        spec: r#"{"y": {"scale": "log"}, "series": [{"type": "line", "y": []}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [0.8912509381337456, 11.220184543019636],
        y2: None,
    },
    Case {
        name: "tiny span y",
        spec: r#"{"series": [{"type": "line", "y": [0, 1e-300]}]}"#,
        x: [-0.05, 1.05],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny span x",
        spec: r#"{"series": [{"type": "line", "x": [0, 1e-300], "y": [1, 2]}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [0.95, 2.05],
        y2: None,
    },
    Case {
        name: "tiny values",
        spec: r#"{"series": [{"type": "line", "y": [1e-300, 2e-300, 3e-300]}]}"#,
        x: [-0.1, 2.1],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny span off zero",
        spec: r#"{"series": [{"type": "scatter", "x": [1e-300, 2e-300], "y": [-1e-300, 1e-300]}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny hist",
        spec: r#"{"series": [{"type": "hist", "values": [0, 1e-300, 2e-300]}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [0.0, 1.05],
        y2: None,
    },
    Case {
        name: "tiny bars",
        spec: r#"{"series": [{"type": "bar", "y": [1e-300, 2e-300]}]}"#,
        x: [-0.4900000000000001, 1.49],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny heatmap",
        spec: r#"{"series": [{"type": "heatmap", "z": [[0, 1e-300]], "colorbar": true}]}"#,
        x: [-0.5, 1.5],
        y: [-0.5, 0.5],
        y2: None,
    },
    Case {
        name: "tiny box",
        spec: r#"{"series": [{"type": "box", "data": [[0, 1e-300, 2e-300]]}]}"#,
        x: [0.5, 1.5],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny log",
        spec: r#"{"y": {"scale": "log"}, "series": [{"type": "line", "y": [1e-300, 2e-300]}]}"#,
        x: [-0.05, 1.05],
        y: [9.659363289247855e-301, 2.0705298476827485e-300],
        y2: None,
    },
    Case {
        name: "tiny area",
        spec: r#"{"series": [{"type": "area", "y": [1e-300, 3e-300]}]}"#,
        x: [-0.05, 1.05],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "tiny errorbar",
        spec: r#"{"series": [{"type": "errorbar", "y": [1e-300, 2e-300], "yerr": 1e-300}]}"#,
        x: [-0.05, 1.05],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "huge span",
        spec: r#"{"series": [{"type": "line", "y": [-1e300, 1e300]}]}"#,
        x: [-0.05, 1.05],
        y: [-1.1e+300, 1.1e+300],
        y2: None,
    },
    Case {
        name: "no series log",
        spec: r#"{"y": {"scale": "log"}, "series": []}"#,
        x: [0.0, 1.0],
        y: [0.8912509381337456, 11.220184543019636],
        y2: None,
    },
    Case {
        name: "text only",
        spec: r#"{"series": [{"type": "text", "x": 0.5, "y": 0.5, "text": "hi"}]}"#,
        x: [0.0, 1.0],
        y: [0.0, 1.0],
        y2: None,
    },
    Case {
        name: "hline only",
        spec: r#"{"series": [{"type": "hline", "y": 3}]}"#,
        x: [0.0, 1.0],
        y: [2.835, 3.165],
        y2: None,
    },
    Case {
        name: "empty scatter log x",
        spec: r#"{"x": {"scale": "log"}, "series": [{"type": "scatter", "y": []}]}"#,
        x: [0.8912509381337456, 11.220184543019636],
        y: [-0.05500000000000001, 0.05500000000000001],
        y2: None,
    },
    Case {
        name: "empty line y2",
        spec: r#"{"series": [{"type": "line", "y": [1,2]}, {"type": "line", "y": [], "yaxis": "right"}]}"#,
        x: [-0.05, 1.05],
        y: [0.95, 2.05],
        y2: Some([-0.05500000000000001, 0.05500000000000001]),
    },
    Case {
        name: "null end",
        spec: r#"{"series": [{"type": "line", "y": [1, null]}]}"#,
        x: [-0.05500000000000001, 0.05500000000000001],
        y: [0.945, 1.0550000000000002],
        y2: None,
    },
];

#[test]
fn degenerate_data_renders_in_svg_and_png() {
    let mut failures = Vec::new();
    for case in CASES {
        for format in [Format::Svg, Format::Png { scale: 1.0 }] {
            match render(case.spec.as_bytes(), format) {
                Ok(bytes) => {
                    let magic: &[u8] = match format {
                        Format::Svg => b"<svg",
                        _ => b"\x89PNG\r\n\x1a\n",
                    };
                    if !bytes.starts_with(magic) {
                        failures.push(format!("{} ({format:?}): not a picture", case.name));
                    }
                }
                Err(e) => failures.push(format!("{} ({format:?}): {e}", case.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `a` and `b` agree to 1e-9 of the larger magnitude (printing and libm differ in the
/// last bits), so that 1e-300 limits are compared as finely as 1.0 limits.
fn close(a: [f64; 2], b: [f64; 2]) -> bool {
    a.iter()
        .zip(&b)
        .all(|(a, b)| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()))
}

#[test]
fn degenerate_data_gets_matplotlibs_view_limits() {
    let mut failures = Vec::new();
    for case in CASES {
        let figure = match parse_figure(case.spec.as_bytes()) {
            Ok(figure) => figure,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let valid = match validate(figure, 1.0, &Limits::default()) {
            Ok(valid) => valid,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let axes = &valid.axes[0];
        let ends = |l: &renderer_wasm::layout::axis::Limits| [l.lo.min(l.hi), l.lo.max(l.hi)];
        let got_x = ends(&axes.x_limits);
        let got_y = ends(&axes.y_limits);
        let got_y2 = axes.y2_limits.as_ref().map(ends);
        let y2_ok = match (case.y2, got_y2) {
            (None, None) => true,
            (Some(want), Some(got)) => close(want, got),
            _ => false,
        };
        if !(close(case.x, got_x) && close(case.y, got_y) && y2_ok) {
            failures.push(format!(
                "{}: x {got_x:?} y {got_y:?} y2 {got_y2:?}, matplotlib x {:?} y {:?} y2 {:?}",
                case.name, case.x, case.y, case.y2
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
