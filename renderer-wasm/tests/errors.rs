//! Every error the renderer can give, with its `kind` and JSON Pointer `path`: one case
//! per rule of docs/spec.md and one per limit in `Limits`, each limit tested just inside
//! (renders) and just outside (refused).

use renderer_wasm::{render, render_with_limits, ErrorKind, Format, Limits, RenderError};

fn error_of(spec: &str) -> RenderError {
    error_with(spec, &Limits::default())
}

fn error_with(spec: &str, limits: &Limits) -> RenderError {
    match render_with_limits(spec.as_bytes(), Format::Svg, limits) {
        Ok(_) => panic!("spec rendered, expected an error: {spec}"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_error(spec: &str, kind: ErrorKind, path: &str) {
    let e = error_of(spec);
    assert_eq!(
        (e.kind, e.path.as_deref()),
        (kind, Some(path)),
        "{spec}\n→ {e}"
    );
    assert!(!e.message.is_empty());
}

#[track_caller]
fn assert_invalid(spec: &str, path: &str) {
    assert_error(spec, ErrorKind::InvalidSpec, path);
}

#[test]
fn not_json_is_invalid_spec() {
    assert_invalid("", "");
    assert_invalid("{\"series\": [{\"type\": \"line\", \"y\": [1, 2", "");
    assert_invalid("plot me a chart", "");
}

#[test]
fn wrong_top_level_types_are_invalid_spec() {
    assert_invalid("null", "");
    assert_invalid("[1, 2, 3]", "");
    assert_invalid("42", "");
    assert_invalid(r#"{"axes": [[1, 2]]}"#, "/axes/0");
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1]}], "x": [1]}"#,
        "/x",
    );
}

#[test]
fn wrong_value_types_point_at_the_value() {
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1, "2", 3]}]}"#,
        "/series/0/y/1",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": ["NaN", "Infinity"]}]}"#,
        "/series/0/y/0",
    );
    assert_invalid(r#"{"width": "640", "series": []}"#, "/width");
    assert_invalid(r#"{"width": -5, "series": []}"#, "/width");
    assert_invalid(r#"{"title": [[[1]]], "series": []}"#, "/title");
}

#[test]
fn unknown_fields_and_types_are_refused() {
    let e = error_of(r#"{"series": [{"type": "line", "y": [1, 2], "colr": "red"}]}"#);
    assert_eq!(e.kind, ErrorKind::InvalidSpec);
    assert!(
        e.path
            .as_deref()
            .is_some_and(|p| p.starts_with("/series/0")),
        "{e}"
    );
    assert!(e.message.contains("colr"), "{e}");
    let e = error_of(r#"{"colour": "red", "series": []}"#);
    assert!(e.message.contains("colour"), "{e}");
    assert_invalid(
        r#"{"series": [{"type": "donut", "y": [1]}]}"#,
        "/series/0/type",
    );
    assert_invalid(r#"{"series": [{"y": [1]}]}"#, "/series/0");
    assert_invalid(
        r#"{"axes": [{"series": [], "x": {"scale": "symlog"}}]}"#,
        "/axes/0/x/scale",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1], "linestyle": "wavy"}]}"#,
        "/series/0/linestyle",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1], "marker": "*"}]}"#,
        "/series/0/marker",
    );
    assert_invalid(
        r#"{"legend": "middle", "series": [{"type": "line", "y": [1]}]}"#,
        "/legend",
    );
}

#[test]
fn mismatched_lengths_point_at_the_array() {
    assert_invalid(
        r#"{"series": [{"type": "line", "x": [1, 2, 3, 4], "y": [1, 2, 3]}]}"#,
        "/series/0/y",
    );
    assert_invalid(
        r#"{"series": [{"type": "errorbar", "x": [1, 2], "y": [1, 2], "yerr": [1, 2, 3]}]}"#,
        "/series/0/yerr",
    );
    assert_invalid(
        r#"{"series": [{"type": "errorbar", "x": [1, 2], "y": [1, 2], "xerr": [1]}]}"#,
        "/series/0/xerr",
    );
    assert_invalid(
        r#"{"axes": [{"x": {"ticks": [0, 1, 2], "tick_labels": ["a"]}, "series": []}]}"#,
        "/axes/0/x/tick_labels",
    );
    assert_invalid(
        r#"{"series": [{"type": "scatter", "x": [1, 2], "y": [1, 2], "sizes": [1]}]}"#,
        "/series/0/sizes",
    );
    assert_invalid(
        r#"{"series": [{"type": "scatter", "x": [1], "y": [1], "colors": ["red", "blue"]}]}"#,
        "/series/0/colors",
    );
    assert_invalid(
        r#"{"series": [{"type": "area", "y": [1, 2], "y2": [0]}]}"#,
        "/series/0/y2",
    );
    assert_invalid(
        r#"{"series": [{"type": "bar", "x": ["a", "b"], "y": [1]}]}"#,
        "/series/0/y",
    );
    assert_invalid(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2], [3]]}]}"#,
        "/series/0/z/1",
    );
    assert_invalid(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2]], "x": ["a"]}]}"#,
        "/series/0/x",
    );
    assert_invalid(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2]], "y": ["a", "b"]}]}"#,
        "/series/0/y",
    );
}

#[test]
fn values_out_of_range_are_refused() {
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1, 2], "alpha": 1.5}]}"#,
        "/series/0/alpha",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1, 2], "alpha": -0.1}]}"#,
        "/series/0/alpha",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1, 2], "linewidth": -1}]}"#,
        "/series/0/linewidth",
    );
    assert_invalid(
        r#"{"series": [{"type": "hist", "values": [1, 2, 3], "bins": 0}]}"#,
        "/series/0/bins",
    );
    assert_invalid(
        r#"{"series": [{"type": "hist", "values": [1], "bins": [0, 2, 1]}]}"#,
        "/series/0/bins/2",
    );
    assert_invalid(
        r#"{"series": [{"type": "hist", "values": [1], "bins": [0]}]}"#,
        "/series/0/bins",
    );
    assert_invalid(
        r#"{"series": [{"type": "bar", "y": [1], "width": 1.5}]}"#,
        "/series/0/width",
    );
    assert_invalid(
        r#"{"series": [{"type": "errorbar", "y": [1], "yerr": -1}]}"#,
        "/series/0/yerr",
    );
    assert_invalid(
        r#"{"series": [{"type": "scatter", "y": [1], "sizes": [-2]}]}"#,
        "/series/0/sizes/0",
    );
    assert_invalid(
        r#"{"series": [{"type": "text", "x": 0, "y": 0, "text": "hi", "fontsize": 0}]}"#,
        "/series/0/fontsize",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1, 1e305]}]}"#,
        "/series/0/y/1",
    );
    assert_invalid(r#"{"width": 0, "series": []}"#, "/width");
    assert_invalid(r#"{"version": 2, "series": []}"#, "/version");
}

#[test]
fn colors_must_be_matplotlib_colors() {
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1], "color": "blurple"}]}"#,
        "/series/0/color",
    );
    assert_invalid(
        r##"{"series": [{"type": "scatter", "y": [1, 2], "colors": ["red", "#12"]}]}"##,
        "/series/0/colors/1",
    );
    assert_invalid(r##"{"background": "#zzz", "series": []}"##, "/background");
}

#[test]
fn axes_rules_point_at_the_axis() {
    assert_invalid(
        r#"{"axes": [{"y": {"min": 5, "max": 1}, "series": []}]}"#,
        "/axes/0/y/max",
    );
    assert_invalid(
        r#"{"axes": [{"x": {"scale": "log", "min": 0}, "series": []}]}"#,
        "/axes/0/x/min",
    );
    assert_invalid(
        r#"{"axes": [{"x": {"scale": "log", "ticks": [1, -1]}, "series": []}]}"#,
        "/axes/0/x/ticks/1",
    );
    assert_invalid(
        r#"{"axes": [{"x": {"tick_labels": ["a"]}, "series": []}]}"#,
        "/axes/0/x/tick_labels",
    );
    assert_invalid(r#"{"axes": [], "series": []}"#, "/series");
    assert_invalid(r#"{"axes": []}"#, "/axes");
    assert_invalid(r#"{"title": "nothing"}"#, "");
    assert_invalid(
        r#"{"subplots": {"rows": 1, "cols": 1}, "axes": [{"series": []}, {"series": []}]}"#,
        "/axes",
    );
    assert_invalid(
        r#"{"subplots": {"rows": 0, "cols": 1}, "axes": [{"series": []}]}"#,
        "/subplots/rows",
    );
    assert_invalid(
        r#"{"subplots": {"rows": 2, "cols": 0}, "axes": [{"series": []}]}"#,
        "/subplots/cols",
    );
}

#[test]
fn log_scale_without_positive_data_is_invalid() {
    assert_invalid(
        r#"{"axes": [{"y": {"scale": "log"}, "series": [{"type": "line", "y": [0, -1, -2]}]}]}"#,
        "/axes/0/y/scale",
    );
    assert_invalid(
        r#"{"x": {"scale": "log"}, "series": [{"type": "line", "x": [-1, 0], "y": [1, 2]}]}"#,
        "/x/scale",
    );
}

fn small_limits() -> Limits {
    Limits {
        max_axes: 2,
        max_series: 3,
        max_points: 10,
        max_bins: 5,
        max_heatmap_cells: 4,
        max_text_chars: 5,
        ..Limits::default()
    }
}

fn small_canvas() -> Limits {
    Limits {
        max_side: 100,
        max_device_pixels: 100 * 50,
        ..Limits::default()
    }
}

/// Renders under `limits`, expecting success (the limit obeyed).
#[track_caller]
fn assert_renders(spec: &str, limits: &Limits) {
    if let Err(e) = render_with_limits(spec.as_bytes(), Format::Svg, limits) {
        panic!("{spec} should render under the limits: {e}");
    }
}

#[track_caller]
fn assert_too_large(spec: &str, limits: &Limits, path: &str) {
    let e = error_with(spec, limits);
    assert_eq!(
        (e.kind, e.path.as_deref()),
        (ErrorKind::TooLarge, Some(path)),
        "{spec}\n→ {e}"
    );
}

#[test]
fn canvas_side_limit() {
    let l = small_canvas();
    assert_renders(r#"{"width": 100, "height": 50, "series": []}"#, &l);
    assert_too_large(
        r#"{"width": 101, "height": 10, "series": []}"#,
        &l,
        "/width",
    );
    assert_too_large(
        r#"{"width": 10, "height": 101, "series": []}"#,
        &l,
        "/height",
    );
    assert_too_large(
        r#"{"width": 60000, "height": 60000, "series": []}"#,
        &Limits::default(),
        "/width",
    );
    assert_too_large(
        r#"{"width": 18446744073709551615, "series": []}"#,
        &Limits::default(),
        "/width",
    );
}

/// The default canvas limit: 16 M device pixels, what a PNG can have within the
/// sandbox's default 128 MiB with room to spare (see `Limits::max_device_pixels`;
/// `host/tests/memory.rs` renders the largest canvas in the sandbox).
#[test]
fn default_device_pixel_limit_is_sixteen_million() {
    let check = |spec: &str, scale: f64| {
        let figure = renderer_wasm::parse_figure(spec.as_bytes()).map_err(|e| e.kind)?;
        renderer_wasm::validate::validate(figure, scale, &Limits::default())
            .map(|_| ())
            .map_err(|e| e.kind)
    };
    assert_eq!(Limits::default().max_device_pixels, 16_000_000);
    assert_eq!(
        check(r#"{"width": 4000, "height": 4000, "series": []}"#, 1.0),
        Ok(())
    );
    assert_eq!(
        check(r#"{"width": 10000, "height": 1600, "series": []}"#, 1.0),
        Ok(())
    );
    assert_eq!(
        check(r#"{"width": 2000, "height": 2000, "series": []}"#, 2.0),
        Ok(())
    );
    assert_eq!(
        check(r#"{"width": 1000, "height": 1000, "series": []}"#, 4.0),
        Ok(())
    );
    for (spec, scale) in [
        (r#"{"width": 4001, "height": 4000, "series": []}"#, 1.0),
        (r#"{"width": 2001, "height": 2000, "series": []}"#, 2.0),
        (r#"{"figsize": [40.01, 40], "series": []}"#, 1.0),
    ] {
        assert_eq!(
            check(spec, scale),
            Err(ErrorKind::TooLarge),
            "{spec} at {scale}"
        );
    }
}

#[test]
fn device_pixel_limit_counts_the_scale() {
    let l = small_canvas();
    let spec = r#"{"width": 100, "height": 50, "series": []}"#;
    let e = match render_with_limits(spec.as_bytes(), Format::Png { scale: 2.0 }, &l) {
        Ok(_) => panic!("a 200x100 canvas is over a 5000-pixel limit"),
        Err(e) => e,
    };
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn scale_outside_one_to_four_is_refused() {
    for scale in [0.5, 4.5, f64::NAN] {
        let e = render(br#"{"series": []}"#, Format::Png { scale }).err();
        assert_eq!(
            e.map(|e| e.kind),
            Some(ErrorKind::InvalidSpec),
            "scale {scale}"
        );
    }
}

#[test]
fn axes_limit() {
    let l = small_limits();
    assert_renders(r#"{"axes": [{"series": []}, {"series": []}]}"#, &l);
    assert_too_large(
        r#"{"axes": [{"series": []}, {"series": []}, {"series": []}]}"#,
        &l,
        "/axes",
    );
    assert_too_large(
        r#"{"subplots": {"rows": 3, "cols": 1}, "axes": [{"series": []}]}"#,
        &l,
        "/subplots",
    );
}

#[test]
fn series_limit() {
    let l = small_limits();
    let line = r#"{"type": "line", "y": [1]}"#;
    assert_renders(&format!(r#"{{"series": [{line}, {line}, {line}]}}"#), &l);
    assert_too_large(
        &format!(r#"{{"series": [{line}, {line}, {line}, {line}]}}"#),
        &l,
        "/series",
    );
}

#[test]
fn points_limit() {
    let l = small_limits();
    assert_renders(
        r#"{"series": [{"type": "line", "x": [1, 2, 3, 4, 5], "y": [1, 2, 3, 4, 5]}]}"#,
        &l,
    );
    assert_too_large(
        r#"{"series": [{"type": "line", "x": [1, 2, 3, 4, 5, 6], "y": [1, 2, 3, 4, 5, 6]}]}"#,
        &l,
        "/series/0/y",
    );
}

#[test]
fn bins_limit() {
    let l = small_limits();
    assert_renders(
        r#"{"series": [{"type": "hist", "values": [1, 2], "bins": 5}]}"#,
        &l,
    );
    assert_too_large(
        r#"{"series": [{"type": "hist", "values": [1, 2], "bins": 6}]}"#,
        &l,
        "/series/0/bins",
    );
    assert_too_large(
        r#"{"series": [{"type": "hist", "values": [1], "bins": 18446744073709551615}]}"#,
        &Limits::default(),
        "/series/0/bins",
    );
}

#[test]
fn heatmap_cells_limit() {
    let l = small_limits();
    assert_renders(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}]}"#,
        &l,
    );
    assert_too_large(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2, 3], [4, 5, 6]]}]}"#,
        &l,
        "/series/0/z",
    );
}

#[test]
fn text_length_limit() {
    let l = small_limits();
    assert_renders(r#"{"title": "12345", "series": []}"#, &l);
    assert_too_large(r#"{"title": "123456", "series": []}"#, &l, "/title");
    assert_too_large(
        r#"{"series": [{"type": "text", "x": 0, "y": 0, "text": "toolong"}]}"#,
        &l,
        "/series/0/text",
    );
}

#[test]
fn error_json_has_the_spec_md_shape() {
    let e = error_of(r#"{"series": [{"type": "line", "y": [1, 2], "alpha": 2}]}"#);
    let json: serde_json::Value = serde_json::from_str(&e.to_json()).expect("error JSON parses");
    assert_eq!(json["error"]["kind"], "invalid_spec");
    assert_eq!(json["error"]["path"], "/series/0/alpha");
    assert!(json["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("alpha")));
}

#[test]
fn units_fields_are_checked() {
    assert_invalid(
        r#"{"dpi": 0, "series": [{"type": "line", "y": [1]}]}"#,
        "/dpi",
    );
    assert_invalid(
        r#"{"figsize": [6, 4], "width": 600, "series": [{"type": "line", "y": [1]}]}"#,
        "/width",
    );
    assert_invalid(
        r#"{"figsize": [6, -4], "series": [{"type": "line", "y": [1]}]}"#,
        "/figsize/1",
    );
    assert_error(
        r#"{"figsize": [200, 4], "dpi": 100, "series": [{"type": "line", "y": [1]}]}"#,
        ErrorKind::TooLarge,
        "/figsize/0",
    );
    assert_invalid(
        r#"{"font": {"family": "Comic Sans"}, "series": [{"type": "line", "y": [1]}]}"#,
        "/font/family",
    );
    assert_invalid(
        r#"{"font": {"size": 0}, "series": [{"type": "line", "y": [1]}]}"#,
        "/font/size",
    );
}

#[test]
fn time_and_category_axes_point_at_the_element() {
    // A date that does not exist.
    assert_invalid(
        r#"{"series": [{"type": "line", "x": ["2026-01-01", "2026-13-45"], "y": [1, 2]}]}"#,
        "/series/0/x/1",
    );
    // Times mixed with numbers on one axis.
    assert_invalid(
        r#"{"series": [{"type": "line", "x": ["2026-01-01", 5], "y": [1, 2]}]}"#,
        "/series/0/x/1",
    );
    // Categories mixed with numbers, across series of one axes.
    assert_invalid(
        r#"{"series": [{"type": "line", "x": ["a", "b"], "y": [1, 2]}, {"type": "scatter", "x": [1, 2], "y": [1, 2]}]}"#,
        "/series/1/x/0",
    );
    // Strings on y that are not times.
    assert_invalid(
        r#"{"series": [{"type": "line", "y": ["low", "high"]}]}"#,
        "/series/0/y/0",
    );
    assert_invalid(
        r#"{"axes": [{"x": {"timezone": "Mars/Olympus"}, "series": [{"type": "line", "x": ["2026-01-01"], "y": [1]}]}]}"#,
        "/axes/0/x/timezone",
    );
    assert_invalid(
        r#"{"x": {"min": "yesterday"}, "series": [{"type": "line", "x": ["2026-01-01"], "y": [1]}]}"#,
        "/x/min",
    );
    assert_invalid(
        r#"{"x": {"min": "2026-01-01"}, "series": [{"type": "line", "x": [1, 2], "y": [1, 2]}]}"#,
        "/series/0/x/0",
    );
}

#[test]
fn revision_1_1_series_are_checked() {
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [3, -1]}]}"#,
        "/series/0/values/1",
    );
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [0, 0]}]}"#,
        "/series/0/values",
    );
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [1, 2]}, {"type": "line", "y": [1]}]}"#,
        "/series/1",
    );
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [1, 2], "labels": ["a"]}]}"#,
        "/series/0/labels",
    );
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [1, 2], "hole": 1}]}"#,
        "/series/0/hole",
    );
    assert_invalid(
        r#"{"series": [{"type": "pie", "values": [1, 2], "autopct": "{:x}"}]}"#,
        "/series/0/autopct",
    );
    assert_invalid(
        r#"{"series": [{"type": "box", "data": []}]}"#,
        "/series/0/data",
    );
    assert_invalid(
        r#"{"series": [{"type": "box", "data": [[1, 2]], "whis": -1}]}"#,
        "/series/0/whis",
    );
    assert_invalid(
        r#"{"series": [{"type": "box", "data": [[1, 2]], "widths": [0.5, 0.5]}]}"#,
        "/series/0/widths",
    );
    assert_invalid(
        r#"{"series": [{"type": "bar", "y": [1, 2], "bar_label": {"fmt": "{:.2q}"}}]}"#,
        "/series/0/bar_label/fmt",
    );
    assert_invalid(
        r#"{"series": [{"type": "annotation", "text": "a", "xy": [1, 2], "xytext": [1, 2], "offset": [3, 4]}]}"#,
        "/series/0/offset",
    );
    assert_invalid(
        r#"{"series": [{"type": "annotation", "text": "a", "xy": [1, 2], "arrow": "=>"}]}"#,
        "/series/0/arrow",
    );
    assert_invalid(
        r#"{"series": [{"type": "line", "y": [1], "yaxis": "middle"}]}"#,
        "/series/0/yaxis",
    );
    assert_invalid(
        r#"{"legend": "outside left", "series": [{"type": "line", "y": [1], "label": "a"}]}"#,
        "/legend",
    );
}

#[test]
fn new_arrays_count_toward_the_point_limit() {
    let limits = Limits {
        max_points: 10,
        ..Limits::default()
    };
    let e = error_with(
        r#"{"series": [{"type": "box", "data": [[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]]}]}"#,
        &limits,
    );
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert_eq!(e.path.as_deref(), Some("/series/0/data/1"));
    let e = error_with(
        r#"{"series": [{"type": "pie", "values": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}]}"#,
        &limits,
    );
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn scatter_sizes_have_the_bound_of_size() {
    // `size` and each entry of `sizes` are one marker's diameter in points: 0..1000.
    assert_renders(
        r#"{"series": [{"type": "scatter", "y": [1, 2], "sizes": [0, 1000]}]}"#,
        &Limits::default(),
    );
    for (sizes, at) in [("[3, 1000.5]", 1), ("[1e300, 3]", 0), ("[3, -2]", 1)] {
        let spec =
            format!(r#"{{"series": [{{"type": "scatter", "y": [1, 2], "sizes": {sizes}}}]}}"#);
        let e = error_of(&spec);
        assert_eq!(
            (e.kind, e.path.as_deref()),
            (
                ErrorKind::InvalidSpec,
                Some(format!("/series/0/sizes/{at}").as_str())
            ),
            "{spec}\n→ {e}"
        );
        assert!(e.message.contains("outside 0..1000"), "{}", e.message);
    }
    assert_invalid(
        r#"{"series": [{"type": "scatter", "y": [1], "size": 1001}]}"#,
        "/series/0/size",
    );
}

/// Fields a series type has no use for are errors at their path, and the message
/// says why (the strictness rule of docs/spec.md).
#[test]
fn fields_a_series_ignores_are_refused_with_the_reason() {
    let cases = [
        (
            r#"{"series": [{"type": "heatmap", "z": [[1, 2]], "color": "red"}]}"#,
            "/series/0/color",
            "colormap",
        ),
        (
            r#"{"series": [{"type": "text", "x": 0, "y": 0, "text": "t", "label": "a"}]}"#,
            "/series/0/label",
            "legend",
        ),
        (
            r#"{"series": [{"type": "annotation", "text": "t", "xy": [0, 0], "label": "a"}]}"#,
            "/series/0/label",
            "legend",
        ),
        (
            r#"{"series": [{"type": "pie", "values": [1, 2], "label": "a"}]}"#,
            "/series/0/label",
            "labels",
        ),
        (
            r#"{"series": [{"type": "pie", "values": [1, 2], "color": "red"}]}"#,
            "/series/0/color",
            "colors",
        ),
        (
            r#"{"series": [{"type": "pie", "values": [1, 2], "yaxis": "right"}]}"#,
            "/series/0/yaxis",
            "no y axis",
        ),
    ];
    for (spec, path, why) in cases {
        let e = error_of(spec);
        assert_eq!(
            (e.kind, e.path.as_deref()),
            (ErrorKind::InvalidSpec, Some(path)),
            "{spec}\n→ {e}"
        );
        assert!(e.message.contains("no effect"), "{spec}\n→ {e}");
        assert!(e.message.contains(why), "{spec}\n→ {e}");
    }
    // The same fields where they do something stay valid: a heatmap's label is its
    // legend entry, a text's color its color.
    assert_renders(
        r#"{"series": [{"type": "heatmap", "z": [[1, 2]], "label": "z"}, {"type": "text", "x": 0, "y": 0, "text": "t", "color": "red"}]}"#,
        &Limits::default(),
    );
}

/// A number from the spec is printed short in a message: `1e308`, never its 309 digits.
#[test]
fn messages_print_extreme_numbers_in_short_form() {
    let cases = [
        (
            r#"{"series": [{"type": "line", "y": [1, 1e308]}]}"#,
            "/series/0/y/1",
            "1e308",
        ),
        (
            r#"{"series": [{"type": "line", "y": [-1e308]}]}"#,
            "/series/0/y/0",
            "-1e308",
        ),
        (
            r#"{"series": [{"type": "line", "y": [1], "alpha": -1e300}]}"#,
            "/series/0/alpha",
            "alpha -1e300 is outside 0..1",
        ),
        (
            r#"{"series": [{"type": "line", "y": [1], "linewidth": -1e-300}]}"#,
            "/series/0/linewidth",
            "linewidth -1e-300 is outside 0..1000",
        ),
        (
            r#"{"series": [{"type": "hline", "y": 1e308}]}"#,
            "/series/0/y",
            "1e308 is beyond",
        ),
        (
            r#"{"figsize": [1e308, 4], "series": []}"#,
            "/figsize/0",
            "figsize 1e308",
        ),
        (
            r#"{"y": {"min": 1e300, "max": -1e300}, "series": []}"#,
            "/y/max",
            "max -1e300 is not above min 1e300",
        ),
        (
            r#"{"y": {"scale": "log", "min": -1e-300}, "series": []}"#,
            "/y/min",
            "min -1e-300 is not positive",
        ),
        (
            r#"{"y": {"scale": "log", "ticks": [-1e300]}, "series": []}"#,
            "/y/ticks/0",
            "tick -1e300",
        ),
        (
            r#"{"series": [{"type": "pie", "values": [1, -1e-300]}]}"#,
            "/series/0/values/1",
            "(-1e-300)",
        ),
        (
            r#"{"series": [{"type": "pie", "values": [1], "hole": 1e300}]}"#,
            "/series/0/hole",
            "hole 1e300",
        ),
        (
            r#"{"series": [{"type": "bar", "y": [1], "width": -1e-300}]}"#,
            "/series/0/width",
            "width -1e-300",
        ),
        (
            r#"{"series": [{"type": "box", "data": [[1]], "widths": -1e300}]}"#,
            "/series/0/widths",
            "width -1e300",
        ),
        (
            r#"{"series": [{"type": "heatmap", "z": [[1]], "vmin": 1e300, "vmax": -1e300}]}"#,
            "/series/0/vmax",
            "vmax -1e300 is not above vmin 1e300",
        ),
        (
            r#"{"x": {"scale": "time"}, "series": [{"type": "line", "x": ["2026-01-01", 1e300], "y": [1, 2]}]}"#,
            "/series/0/x/1",
            "1e300 is a number on a time axis",
        ),
        (
            r#"{"series": [{"type": "line", "x": ["a", -1e-300], "y": [1, 2]}]}"#,
            "/series/0/x/1",
            "-1e-300 is a number on an axis of categories",
        ),
    ];
    for (spec, path, want) in cases {
        let e = error_of(spec);
        assert_eq!(
            (e.kind, e.path.as_deref()),
            (ErrorKind::InvalidSpec, Some(path)),
            "{spec}\n→ {e}"
        );
        assert!(e.message.contains(want), "{spec}\n→ {}", e.message);
        // No plain rendering of a huge or tiny number slipped in anywhere else.
        assert!(!e.message.contains("0000000000"), "{spec}\n→ {}", e.message);
    }
    let e = render(br#"{"series": []}"#, Format::Png { scale: 1e308 }).err();
    let message = e.map(|e| e.message).unwrap_or_default();
    assert!(message.starts_with("scale 1e308 is outside"), "{message}");
}
