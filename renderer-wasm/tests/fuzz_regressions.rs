//! Every input the fuzzers (`fuzz/`, see its README) found to crash, hang or run slow,
//! replayed in every format: each must give a picture or a typed error that is not
//! `internal`, in well under the fuzzers' 1 s budget.
//!
//! The inputs are the files of `fuzz/regressions/` (spec documents, without the
//! format byte `render_bytes` reads first), so that adding one is copying a file.

use std::time::{Duration, Instant};

use renderer_wasm::{render_with_limits, ErrorKind, Format, Limits};

/// The fuzzers' limits (`fuzz/fuzz_targets/common.rs`): the inputs were found under
/// these, and are replayed under the defaults too.
fn fuzz_limits() -> Limits {
    Limits {
        max_side: 1_000,
        max_device_pixels: 1_000_000,
        max_axes: 16,
        max_series: 32,
        max_points: 10_000,
        max_bins: 1_000,
        max_heatmap_cells: 10_000,
        max_text_chars: 200,
    }
}

/// Generous against a loaded CI machine (a slow finding took seconds or more); the
/// fuzzers themselves hold renders to 1 s.
const BUDGET: Duration = Duration::from_secs(5);

#[test]
fn every_fuzz_regression_renders_or_fails_with_a_typed_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    inputs.sort();
    // No silent pass: a missing or emptied directory fails.
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    let formats = [
        Format::Svg,
        Format::Png { scale: 1.0 },
        Format::Png { scale: 2.0 },
        Format::Pdf,
    ];
    for path in &inputs {
        let spec = std::fs::read(path).unwrap();
        for limits in [fuzz_limits(), Limits::default()] {
            for format in formats {
                let start = Instant::now();
                let result = render_with_limits(&spec, format, &limits);
                let took = start.elapsed();
                let name = path.file_name().unwrap().to_string_lossy();
                assert!(took < BUDGET, "{name} {format:?}: {took:?}");
                if let Err(e) = result {
                    assert_ne!(e.kind, ErrorKind::Internal, "{name} {format:?}: {e}");
                }
            }
        }
    }
}
