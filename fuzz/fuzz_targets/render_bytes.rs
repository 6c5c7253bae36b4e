//! Raw bytes through parse, validate, layout and an encoder: the first byte picks the
//! format (see `common::format`), the rest is the spec document.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&format, spec)) = data.split_first() else {
        return;
    };
    common::render(spec, common::format(format));
});
