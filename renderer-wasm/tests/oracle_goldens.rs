//! plotbox's layout against matplotlib's, on every golden spec and docs example.
//!
//! `tests/oracle/goldens.json` holds what matplotlib 3.10 drew for each spec (written
//! by `tools/mpl-oracle/oracle.py goldens`, with constrained layout): per axes, the
//! axes box in pixels and, per axis, the major tick locations and labels inside the
//! view, the labeled minor ticks and the offset text. Ticks and labels must be equal;
//! the axes box must agree within [`BOX_TOLERANCE_PX`] on each side.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use renderer_wasm::layout::{self, ticker::AxisTicks, AxesReport};
use renderer_wasm::validate::{validate, Limits};
use serde::Deserialize;

/// How far (CSS px, at the spec's own size) a side of our axes box may sit from
/// matplotlib's. Our layout measures the same decorations with the same font and pads,
/// but it rounds the box to whole pixels and measures text by its advance widths
/// where matplotlib uses ink extents, so sides agree to within a few pixels.
const BOX_TOLERANCE_PX: f64 = 6.0;

#[derive(Deserialize)]
struct Fixture {
    matplotlib: String,
    cases: BTreeMap<String, Case>,
}

#[derive(Deserialize)]
struct Case {
    #[serde(default)]
    skipped: Option<String>,
    #[serde(default)]
    figure_px: Option<[f64; 2]>,
    #[serde(default)]
    axes: Vec<OracleAxes>,
}

#[derive(Deserialize)]
struct OracleAxes {
    box_px: [f64; 4],
    x: OracleAxis,
    y: OracleAxis,
    #[serde(default)]
    y2: Option<OracleAxis>,
}

#[derive(Deserialize)]
struct OracleAxis {
    view: [f64; 2],
    major: Vec<OracleTick>,
    #[serde(default)]
    minor_labeled: Vec<OracleTick>,
    offset: String,
}

#[derive(Deserialize)]
struct OracleTick {
    value: f64,
    label: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn spec_path(case: &str) -> PathBuf {
    if let Some(name) = case.strip_prefix("example:") {
        return root().join("docs/examples").join(format!("{name}.json"));
    }
    if let Some(name) = case.strip_prefix("spec:") {
        return root()
            .join("renderer-wasm/tests/oracle/specs")
            .join(format!("{name}.json"));
    }
    root()
        .join("renderer-wasm/tests/golden")
        .join(case)
        .join("spec.json")
}

fn report(spec: &[u8]) -> Result<(f64, f64, Vec<AxesReport>), String> {
    let figure = renderer_wasm::parse_figure(spec).map_err(|e| e.to_string())?;
    let valid = validate(figure, 1.0, &Limits::default()).map_err(|e| e.to_string())?;
    let (_, reports) = layout::build_scene_with_report(&valid);
    Ok((valid.width, valid.height, reports))
}

/// Differences between one of our axes and matplotlib's, in words.
fn compare_axis(name: &str, ours: &AxisTicks, theirs: &OracleAxis, faults: &mut Vec<String>) {
    let span = (theirs.view[1] - theirs.view[0])
        .abs()
        .max(f64::MIN_POSITIVE);
    let list =
        |ticks: &mut dyn Iterator<Item = (f64, String)>| -> Vec<(f64, String)> { ticks.collect() };
    let our_major = list(&mut ours.major.iter().map(|t| (t.value, t.label.aria())));
    let their_major = list(&mut theirs.major.iter().map(|t| (t.value, t.label.clone())));
    let our_minor = list(
        &mut ours
            .minor
            .iter()
            .filter(|t| !t.label.is_empty())
            .map(|t| (t.value, t.label.aria())),
    );
    let their_minor = list(
        &mut theirs
            .minor_labeled
            .iter()
            .map(|t| (t.value, t.label.clone())),
    );
    for (kind, a, b) in [
        ("major", &our_major, &their_major),
        ("labeled minor", &our_minor, &their_minor),
    ] {
        let same = a.len() == b.len()
            && a.iter()
                .zip(b.iter())
                .all(|(x, y)| (x.0 - y.0).abs() <= span * 1e-9 && x.1 == y.1);
        if !same {
            faults.push(format!(
                "{name} {kind} ticks: ours {:?}, matplotlib {:?}",
                a.iter().map(|t| &t.1).collect::<Vec<_>>(),
                b.iter().map(|t| &t.1).collect::<Vec<_>>()
            ));
        }
    }
    if ours.offset != theirs.offset {
        faults.push(format!(
            "{name} offset text: ours {:?}, matplotlib {:?}",
            ours.offset, theirs.offset
        ));
    }
}

#[test]
fn layout_and_ticks_match_matplotlib() {
    let text = include_str!("oracle/goldens.json");
    let fixture: Fixture = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(e) => panic!("tests/oracle/goldens.json does not parse: {e}"),
    };
    assert!(fixture.matplotlib.starts_with("3."));
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut worst_side = 0.0f64;
    for (case, expected) in &fixture.cases {
        if let Some(why) = &expected.skipped {
            eprintln!("{case}: skipped by the oracle ({why})");
            continue;
        }
        let spec = match std::fs::read(spec_path(case)) {
            Ok(bytes) => bytes,
            Err(e) => {
                failures.push(format!("{case}: spec not readable: {e}"));
                continue;
            }
        };
        let (width, height, reports) = match report(&spec) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{case}: does not render: {e}"));
                continue;
            }
        };
        let mut faults = Vec::new();
        if let Some([w, h]) = expected.figure_px {
            if (w - width).abs() > 0.5 || (h - height).abs() > 0.5 {
                faults.push(format!("figure {width}x{height}, matplotlib {w}x{h}"));
            }
        }
        if reports.len() != expected.axes.len() {
            faults.push(format!(
                "{} axes, matplotlib {}",
                reports.len(),
                expected.axes.len()
            ));
        }
        for (i, (ours, theirs)) in reports.iter().zip(&expected.axes).enumerate() {
            let [left, top, right, bottom] = theirs.box_px;
            let p = ours.plot;
            for (side, a, b) in [
                ("left", p.x, left),
                ("top", p.y, top),
                ("right", p.right(), right),
                ("bottom", p.bottom(), bottom),
            ] {
                worst_side = worst_side.max((a - b).abs());
                if (a - b).abs() > BOX_TOLERANCE_PX {
                    faults.push(format!(
                        "axes {i} {side} edge at {a:.1} px, matplotlib {b:.1}"
                    ));
                }
            }
            compare_axis(&format!("axes {i} x"), &ours.x, &theirs.x, &mut faults);
            compare_axis(&format!("axes {i} y"), &ours.y, &theirs.y, &mut faults);
            match (&ours.y2, &theirs.y2) {
                (Some(a), Some(b)) => compare_axis(&format!("axes {i} y2"), a, b, &mut faults),
                (None, None) => {}
                (a, b) => faults.push(format!(
                    "axes {i}: twin axis {}, matplotlib {}",
                    if a.is_some() { "drawn" } else { "absent" },
                    if b.is_some() { "drawn" } else { "absent" }
                )),
            }
        }
        compared += 1;
        if !faults.is_empty() {
            failures.push(format!("{case}:\n    {}", faults.join("\n    ")));
        }
    }
    eprintln!("compared {compared} specs; worst axes side {worst_side:.1} px from matplotlib's");
    assert!(compared >= 30, "only {compared} specs compared");
    assert!(
        failures.is_empty(),
        "{} of {compared} specs differ from matplotlib:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
