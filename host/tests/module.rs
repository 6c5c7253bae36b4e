//! The real (embedded) module through the sandbox: pictures, every error kind a spec
//! can cause, the limits on a heavy spec, and concurrent renders.

use crate::util::{decode_png, fixture_specs, heavy_spec, real_runtime, svg_size};
use plotbox_host::runtime::MIB;
use plotbox_host::{ErrorKind, OutputFormat, RenderLimits};
use std::time::Duration;

const LINE: &[u8] = br#"{"width": 320, "height": 200, "title": "Signups",
    "series": [{"type": "line", "x": [0, 1, 2, 3], "y": [0, 1, 4, 9], "label": "web"}]}"#;

#[test]
fn svg_has_the_spec_size_and_content() {
    let svg = real_runtime()
        .render(LINE, OutputFormat::Svg, &RenderLimits::default())
        .unwrap();
    assert_eq!(svg_size(&svg), (320.0, 200.0));
    let text = String::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let paths = doc.descendants().filter(|n| n.has_tag_name("path")).count();
    assert!(paths > 5, "only {paths} paths: the plot is missing");
}

#[test]
fn png_is_scaled_and_not_blank() {
    let png = real_runtime()
        .render(
            LINE,
            OutputFormat::Png { scale: 2.0 },
            &RenderLimits::default(),
        )
        .unwrap();
    let (width, height, samples, pixels) = decode_png(&png);
    assert_eq!((width, height), (640, 400));
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(samples).collect();
    assert!(
        distinct.len() > 8,
        "{} colors: blank or aliased",
        distinct.len()
    );
}

#[test]
fn invalid_spec_passes_through_with_its_path() {
    let spec = br#"{"series": [{"type": "line", "x": [1, 2], "y": [1, 2, 3]}]}"#;
    let failure = real_runtime()
        .render(spec, OutputFormat::Svg, &RenderLimits::default())
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidSpec, "{failure}");
    assert!(
        failure.path().is_some_and(|p| p.starts_with("/series/0")),
        "{failure}"
    );
    assert_eq!((failure.http_status(), failure.exit_code()), (400, 3));
    let json: serde_json::Value = serde_json::from_str(&failure.to_json()).unwrap();
    assert_eq!(json["error"]["kind"], "invalid_spec");
}

#[test]
fn not_json_is_invalid_spec() {
    let failure = real_runtime()
        .render(
            b"{\"series\": [",
            OutputFormat::Svg,
            &RenderLimits::default(),
        )
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::InvalidSpec, "{failure}");
}

#[test]
fn huge_canvas_is_too_large() {
    let spec = br#"{"width": 100000, "height": 100000, "series": [{"type": "line", "y": [1, 2]}]}"#;
    let failure = real_runtime()
        .render(
            spec,
            OutputFormat::Png { scale: 1.0 },
            &RenderLimits::default(),
        )
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::TooLarge, "{failure}");
    assert_eq!((failure.http_status(), failure.exit_code()), (413, 4));
}

#[test]
fn heavy_png_fits_the_default_fuel_budget() {
    // The deadline is not what this test is about: a loaded test machine may be slow.
    let limits = RenderLimits {
        timeout: Duration::from_secs(120),
        ..RenderLimits::default()
    };
    let png = real_runtime()
        .render(&heavy_spec(), OutputFormat::Png { scale: 1.0 }, &limits)
        .unwrap();
    let spec: serde_json::Value = serde_json::from_slice(&heavy_spec()).unwrap();
    let (width, _, _, _) = decode_png(&png);
    assert_eq!(u64::from(width), spec["width"].as_u64().unwrap_or(640));
}

#[test]
fn heavy_png_past_a_short_deadline_is_deadline_exceeded() {
    let limits = RenderLimits {
        timeout: Duration::from_millis(5),
        ..RenderLimits::default()
    };
    let failure = real_runtime()
        .render(&heavy_spec(), OutputFormat::Png { scale: 2.0 }, &limits)
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    assert_eq!((failure.http_status(), failure.exit_code()), (422, 5));
}

#[test]
fn heavy_png_over_a_small_fuel_budget_is_deadline_exceeded() {
    let limits = RenderLimits {
        fuel: Some(1_000_000),
        ..RenderLimits::default()
    };
    let failure = real_runtime()
        .render(&heavy_spec(), OutputFormat::Png { scale: 2.0 }, &limits)
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::DeadlineExceeded, "{failure}");
    assert!(failure.message().contains("fuel"), "{failure}");
}

#[test]
fn big_png_under_a_small_memory_cap_is_memory_limit() {
    // Memory is what this test is about: the deadline is generous, since a loaded test
    // machine may be slow.
    let generous = RenderLimits {
        timeout: Duration::from_secs(120),
        ..RenderLimits::default()
    };
    let capped = RenderLimits {
        memory_bytes: 16 * MIB,
        ..generous
    };
    // At scale 2 the 1600×1200 canvas is 7.7 M device pixels: within the spec's
    // limit, about 36 MiB of raster in the sandbox.
    let failure = real_runtime()
        .render(&heavy_spec(), OutputFormat::Png { scale: 2.0 }, &capped)
        .unwrap_err();
    assert_eq!(failure.kind(), ErrorKind::MemoryLimit, "{failure}");
    assert_eq!((failure.http_status(), failure.exit_code()), (422, 6));
    // The cap held only that render: the same runtime renders it with the default.
    real_runtime()
        .render(&heavy_spec(), OutputFormat::Png { scale: 1.0 }, &generous)
        .unwrap();
}

#[test]
fn eight_threads_give_the_bytes_of_sequential_renders() {
    let runtime = real_runtime();
    let jobs: Vec<(Vec<u8>, OutputFormat)> = fixture_specs()
        .into_iter()
        .flat_map(|(_, spec)| {
            [
                (spec.clone(), OutputFormat::Svg),
                (spec, OutputFormat::Png { scale: 1.0 }),
            ]
        })
        .collect();
    assert!(jobs.len() >= 16, "too few fixture specs");
    // Eight renders share two cores here: the deadline is not what this test is about.
    let limits = RenderLimits {
        timeout: Duration::from_secs(300),
        ..RenderLimits::default()
    };
    let sequential: Vec<_> = jobs
        .iter()
        .map(|(spec, format)| runtime.render(spec, *format, &limits))
        .collect();
    let concurrent: Vec<Vec<_>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8)
            .map(|thread| {
                let jobs = &jobs;
                let limits = &limits;
                // Each thread starts at a different job, so different specs overlap.
                scope.spawn(move || {
                    (0..jobs.len())
                        .map(|i| (i + thread * 3) % jobs.len())
                        .map(|i| (i, runtime.render(&jobs[i].0, jobs[i].1, limits)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for results in concurrent {
        for (i, result) in results {
            let expected = sequential[i].as_ref().map_err(|e| e.to_json());
            let got = result.as_ref().map_err(|e| e.to_json());
            let expected = expected.unwrap_or_else(|e| panic!("job {i} failed: {e}"));
            let got = got.unwrap_or_else(|e| panic!("job {i} failed under concurrency: {e}"));
            assert!(
                got == expected,
                "job {i}: {} bytes under concurrency, {} sequentially",
                got.len(),
                expected.len()
            );
        }
    }
}

/// The sandbox's promise "an untrusted spec can do nothing but draw" rests on the
/// module importing nothing but wasm-bindgen's browser glue (which the host defines as
/// traps): no WASI, no clock, no file or network access.
#[test]
fn module_imports_only_browser_glue() {
    let engine = wasmtime::Engine::default();
    let module = wasmtime::Module::from_binary(&engine, plotbox_host::runtime::EMBEDDED_MODULE)
        .expect("the embedded module compiles");
    let imports: Vec<(String, String)> = module
        .imports()
        .map(|i| (i.module().to_string(), i.name().to_string()))
        .collect();
    for (module_name, name) in &imports {
        assert!(
            module_name == "./renderer_wasm_bg.js"
                && (name.starts_with("__wbg") || name.starts_with("__wbindgen")),
            "unexpected import {module_name}::{name}"
        );
    }
    let exports: Vec<&str> = module.exports().map(|e| e.name()).collect();
    for raw in ["alloc", "dealloc", "render", "memory"] {
        assert!(
            exports.contains(&raw),
            "raw export {raw} missing: {exports:?}"
        );
    }
}
