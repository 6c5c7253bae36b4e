//! The sandboxed module and the natively compiled renderer give the same SVG and the
//! same PDF, byte for byte, for every golden spec of the renderer and every fixture
//! spec.

use crate::util::{fixture_specs, golden_specs, real_runtime};
use plotbox_host::{OutputFormat, RenderLimits};

#[test]
fn sandboxed_svg_equals_native_svg() {
    assert_sandboxed_equals_native(OutputFormat::Svg);
}

/// PDF numbers, glyph ids, the subset font and its tag must not depend on the target
/// either.
#[test]
fn sandboxed_pdf_equals_native_pdf() {
    assert_sandboxed_equals_native(OutputFormat::Pdf);
}

fn assert_sandboxed_equals_native(format: OutputFormat) {
    let specs: Vec<_> = golden_specs().into_iter().chain(fixture_specs()).collect();
    assert!(specs.len() >= 10, "too few specs found");
    let mut differing = Vec::new();
    for (name, spec) in &specs {
        let native = renderer_wasm::render(spec, format);
        let sandboxed = real_runtime().render(spec, format, &RenderLimits::default());
        match (native, sandboxed) {
            (Ok(native), Ok(sandboxed)) if native == sandboxed => {}
            (Ok(native), Ok(sandboxed)) => differing.push(format!(
                "{name}: {} native bytes vs {} sandboxed; first difference at {}",
                native.len(),
                sandboxed.len(),
                native
                    .iter()
                    .zip(&sandboxed)
                    .take_while(|(a, b)| a == b)
                    .count()
            )),
            (native, sandboxed) => differing.push(format!(
                "{name}: native {:?} vs sandboxed {:?}",
                native.map(|b| b.len()),
                sandboxed.map(|b| b.len())
            )),
        }
    }
    assert!(
        differing.is_empty(),
        "{format:?}: {}\n(the embedded module is www/pkg as of the last scripts/build-module.sh: \
         after renderer changes, rebuild it)",
        differing.join("\n")
    );
}
