//! The module's exports: the raw ABI that the sandbox host calls, and the
//! `wasm-bindgen` functions that the browser calls. Both live in the same `.wasm`
//! file, so the host runs exactly the bytes the browser loads.
//!
//! # Raw ABI (host)
//!
//! All integers are little-endian `u32` offsets into the module's exported `memory`.
//!
//! 1. `alloc(len) -> ptr` reserves `len` bytes for the spec; the host writes the spec
//!    there.
//! 2. `render(ptr, len, format, scale) -> header` renders it. `format` is
//!    [`FORMAT_SVG`], [`FORMAT_PNG`] or [`FORMAT_PDF`]; `scale` (an `f64`) is the PNG
//!    device pixel ratio and is ignored for SVG and PDF.
//! 3. `header` points at three `u32`s: `status` ([`STATUS_OK`] or [`STATUS_ERROR`]),
//!    `data_ptr`, `data_len`. On success the data is the picture; on error it is the
//!    UTF-8 error JSON of docs/spec.md (`RenderError::to_json`).
//! 4. `dealloc(ptr, len)` frees what `alloc` returned, or the data of a result
//!    (the header itself is [`HEADER_LEN`] bytes and is freed with
//!    `dealloc(header, HEADER_LEN)`). The host may skip this when it throws the whole
//!    instance away after one render, which is what `plotbox-host` does.
//!
//! 5. Optional, for operator fonts: `use_fonts(ptr, len) -> status` before `render`
//!    says that a font blob ([`crate::fonts::encode_blob`]) lies at `ptr` for the life
//!    of the instance (the host maps it there as a data segment, so that no font is
//!    copied per render); `0` is success. After a successful `render`,
//!    `warnings() -> header` points at a header as above whose data is a JSON array
//!    of the render's warnings (ASCII strings).
//!
//! A guest panic aborts (wasm32 builds use `panic = abort`), which the host sees as a
//! trap and reports as `internal`.
//!
//! All `unsafe` code of the crate is in this module.

use std::cell::RefCell;
use std::sync::Arc;

use crate::fonts::FontLibrary;
use crate::{ErrorKind, Format, RenderError};

thread_local! {
    /// The fonts of this module instance: DejaVu Sans, and what `use_fonts` (host) or
    /// `addFont` (browser) gave. The module is single-threaded.
    static FONTS: RefCell<Arc<FontLibrary>> = RefCell::new(FontLibrary::embedded_only());
    /// The warnings of the last render, for `warnings()`.
    static WARNINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Adds font files to the instance's fonts; on error nothing changes. The files must
/// live as long as the instance.
pub fn add_fonts(files: &[&'static [u8]]) -> Result<(), String> {
    FONTS.with(|fonts| {
        let mut all = fonts.borrow().files().to_vec();
        all.extend_from_slice(files);
        let library = FontLibrary::with_files(&all)
            .map_err(|(index, error)| format!("font file {}: {error}", index + 1))?;
        *fonts.borrow_mut() = Arc::new(library);
        Ok(())
    })
}

/// Takes font files that the host has checked (with [`crate::fonts::describe`]) as the
/// instance's fonts, to be parsed only if a render needs them: a fresh sandbox per
/// render must not pay for parsing fonts its text does not use.
pub fn use_checked_fonts(files: Vec<&'static [u8]>) {
    FONTS.with(|fonts| *fonts.borrow_mut() = Arc::new(FontLibrary::lazy(files)));
}

/// The font families a spec may name in this instance.
pub fn family_names() -> Vec<String> {
    FONTS.with(|fonts| {
        fonts
            .borrow()
            .family_names()
            .into_iter()
            .map(str::to_owned)
            .collect()
    })
}

/// Renders with the instance's fonts and keeps the warnings for [`last_warnings`].
fn render_here(spec: &[u8], format: Format) -> Result<Vec<u8>, RenderError> {
    let fonts = FONTS.with(|fonts| Arc::clone(&fonts.borrow()));
    WARNINGS.with(|warnings| warnings.borrow_mut().clear());
    let rendered = crate::render_with_fonts(spec, format, &crate::Limits::default(), &fonts)?;
    WARNINGS.with(|warnings| *warnings.borrow_mut() = rendered.warnings);
    Ok(rendered.picture)
}

/// The warnings of the last successful render of this instance.
pub fn last_warnings() -> Vec<String> {
    WARNINGS.with(|warnings| warnings.borrow().clone())
}

/// `format` argument of the raw `render` export: SVG.
pub const FORMAT_SVG: u32 = 0;
/// `format` argument of the raw `render` export: PNG at `scale`.
pub const FORMAT_PNG: u32 = 1;
/// `format` argument of the raw `render` export: PDF (`scale` is ignored).
pub const FORMAT_PDF: u32 = 2;
/// `status` of a result header whose data is the picture.
pub const STATUS_OK: u32 = 0;
/// `status` of a result header whose data is the error JSON.
pub const STATUS_ERROR: u32 = 1;
/// Size in bytes of the result header (`status`, `data_ptr`, `data_len`).
pub const HEADER_LEN: u32 = 12;

/// Maps the raw ABI's `format` and `scale` arguments to a [`Format`].
pub fn format_from_raw(format: u32, scale: f64) -> Result<Format, RenderError> {
    match format {
        FORMAT_SVG => Ok(Format::Svg),
        FORMAT_PNG => Ok(Format::Png { scale }),
        FORMAT_PDF => Ok(Format::Pdf),
        other => Err(RenderError::internal(format!(
            "unknown format code {other} (expected {FORMAT_SVG} for SVG, {FORMAT_PNG} for PNG or {FORMAT_PDF} for PDF)"
        ))),
    }
}

/// Renders for the raw ABI: the status and the bytes the result header points at.
pub fn render_raw(spec: &[u8], format: u32, scale: f64) -> (u32, Vec<u8>) {
    let result = format_from_raw(format, scale).and_then(|format| render_here(spec, format));
    match result {
        Ok(picture) => (STATUS_OK, picture),
        Err(error) => (STATUS_ERROR, error.to_json().into_bytes()),
    }
}

/// The browser's SVG render: the error is the docs/spec.md error JSON.
pub fn render_svg_text(spec: &str) -> Result<String, String> {
    let bytes = render_here(spec.as_bytes(), Format::Svg).map_err(|e| e.to_json())?;
    // The SVG encoder only writes UTF-8, so this fails only on a bug.
    String::from_utf8(bytes).map_err(|_| {
        RenderError::new(ErrorKind::Internal, "svg encoder produced invalid UTF-8").to_json()
    })
}

/// The browser's PNG render: the error is the docs/spec.md error JSON.
pub fn render_png_bytes(spec: &str, scale: f64) -> Result<Vec<u8>, String> {
    render_here(spec.as_bytes(), Format::Png { scale }).map_err(|e| e.to_json())
}

/// The browser's PDF render: the error is the docs/spec.md error JSON.
pub fn render_pdf_bytes(spec: &str) -> Result<Vec<u8>, String> {
    render_here(spec.as_bytes(), Format::Pdf).map_err(|e| e.to_json())
}

/// The crate version, as the browser's `version()` reports it.
pub fn crate_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[cfg(target_arch = "wasm32")]
mod raw {
    //! The `#[no_mangle]` exports. Pointers are wasm32 linear-memory offsets, so
    //! `usize` and `u32` are the same width here and the casts below are lossless.

    use super::{render_raw, HEADER_LEN, STATUS_ERROR, STATUS_OK};

    /// A header (status, data pointer, data length) for `data`, both leaked to the
    /// host, which frees them or drops the instance.
    fn leak_result(status: u32, data: Vec<u8>) -> u32 {
        let data = Box::into_raw(data.into_boxed_slice());
        let data_len = data.len() as u32;
        let header: Box<[u8]> = [status, data as *mut u8 as usize as u32, data_len]
            .iter()
            .flat_map(|word| word.to_le_bytes())
            .collect();
        debug_assert_eq!(header.len(), HEADER_LEN as usize);
        Box::into_raw(header) as *mut u8 as usize as u32
    }

    /// Reserves `len` bytes the host can write into; zero-initialized so that the
    /// host never observes stale data.
    #[no_mangle]
    pub extern "C" fn alloc(len: u32) -> u32 {
        let buffer = vec![0u8; len as usize].into_boxed_slice();
        Box::into_raw(buffer) as *mut u8 as usize as u32
    }

    /// Frees a buffer returned by `alloc`, a result's data, or a result header.
    #[no_mangle]
    pub extern "C" fn dealloc(ptr: u32, len: u32) {
        let slice = core::ptr::slice_from_raw_parts_mut(ptr as usize as *mut u8, len as usize);
        // SAFETY: the ABI contract (module docs) is that `ptr`/`len` are exactly a
        // buffer this module handed out as a leaked `Box<[u8]>` of that length, freed
        // at most once. Every such buffer is a boxed slice (capacity == length), so
        // rebuilding the box uses the layout it was allocated with.
        drop(unsafe { Box::from_raw(slice) });
    }

    /// Renders the `len` spec bytes at `ptr`; returns the result header's address.
    #[no_mangle]
    pub extern "C" fn render(ptr: u32, len: u32, format: u32, scale: f64) -> u32 {
        // SAFETY: the ABI contract is that `ptr`/`len` came from `alloc(len)` (so the
        // memory is allocated, initialized and `len` bytes long) and that the host
        // does not touch it while this call runs (wasm is single-threaded).
        let spec = unsafe { core::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
        let (status, data) = render_raw(spec, format, scale);
        leak_result(status, data)
    }

    /// Takes the font blob at `ptr` as this instance's operator fonts.
    #[no_mangle]
    pub extern "C" fn use_fonts(ptr: u32, len: u32) -> u32 {
        // SAFETY: the ABI contract is that `ptr`/`len` lie inside the module's memory
        // and stay untouched for the life of the instance: the host maps the blob
        // there as a data segment above every page the allocator hands out.
        let blob: &'static [u8] =
            unsafe { core::slice::from_raw_parts(ptr as usize as *const u8, len as usize) };
        match crate::fonts::decode_blob(blob) {
            Ok(files) => {
                super::use_checked_fonts(files);
                STATUS_OK
            }
            Err(_) => STATUS_ERROR,
        }
    }

    /// The warnings of the last render, as a JSON array of strings.
    #[no_mangle]
    pub extern "C" fn warnings() -> u32 {
        let json = serde_json::to_vec(&super::last_warnings()).unwrap_or_else(|_| b"[]".to_vec());
        leak_result(STATUS_OK, json)
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    //! The `wasm-bindgen` exports for the playground; errors are the error JSON
    //! string, so the page shows the same errors as the server.

    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(js_name = renderSvg)]
    pub fn render_svg(spec: &str) -> Result<String, JsValue> {
        super::render_svg_text(spec).map_err(|json| JsValue::from_str(&json))
    }

    #[wasm_bindgen(js_name = renderPng)]
    pub fn render_png(spec: &str, scale: f64) -> Result<Vec<u8>, JsValue> {
        super::render_png_bytes(spec, scale).map_err(|json| JsValue::from_str(&json))
    }

    /// The PDF bytes (a `Uint8Array` in JavaScript).
    #[wasm_bindgen(js_name = renderPdf)]
    pub fn render_pdf(spec: &str) -> Result<Vec<u8>, JsValue> {
        super::render_pdf_bytes(spec).map_err(|json| JsValue::from_str(&json))
    }

    /// Adds a font file (TrueType, OpenType or a collection, as a `Uint8Array`) to
    /// the fonts of every later render, as `plotbox --font-dir` does on the server;
    /// returns the font families a spec may name. A file that does not parse is an
    /// error and changes nothing.
    #[wasm_bindgen(js_name = addFont)]
    pub fn add_font(file: Vec<u8>) -> Result<Vec<String>, JsValue> {
        // The fonts serve every later render of this module instance.
        let file: &'static [u8] = Box::leak(file.into_boxed_slice());
        super::add_fonts(&[file]).map_err(|message| JsValue::from_str(&message))?;
        Ok(super::family_names())
    }

    /// The warnings of the last successful render (a character no font has, drawn as
    /// a box).
    // The raw ABI's export is `warnings`; this one needs another name.
    #[wasm_bindgen(js_name = renderWarnings)]
    pub fn render_warnings() -> Vec<String> {
        super::last_warnings()
    }

    #[wasm_bindgen(js_name = schema)]
    pub fn schema() -> String {
        crate::schema_json()
    }

    #[wasm_bindgen(js_name = version)]
    pub fn version() -> String {
        super::crate_version().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_format_code_is_an_internal_error_json() {
        let (status, data) = render_raw(br#"{"series": []}"#, 7, 1.0);
        assert_eq!(status, STATUS_ERROR);
        let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert_eq!(json["error"]["kind"], "internal");
        assert!(json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown format code 7"));
    }

    #[test]
    fn invalid_spec_comes_back_as_error_json() {
        let (status, data) = render_raw(b"{not json", FORMAT_SVG, 1.0);
        assert_eq!(status, STATUS_ERROR);
        let json: serde_json::Value = serde_json::from_slice(&data).unwrap();
        assert_eq!(json["error"]["kind"], "invalid_spec");
    }

    #[test]
    fn svg_comes_back_as_picture() {
        let spec = br#"{"series": [{"type": "line", "y": [1, 3, 2]}]}"#;
        let (status, data) = render_raw(spec, FORMAT_SVG, 1.0);
        assert_eq!(status, STATUS_OK);
        assert_eq!(data, crate::render(spec, Format::Svg).unwrap());
    }

    #[test]
    fn pdf_comes_back_as_picture_and_the_browser_gets_the_same_bytes() {
        let spec = r#"{"series": [{"type": "line", "y": [1, 3, 2]}]}"#;
        let (status, data) = render_raw(spec.as_bytes(), FORMAT_PDF, 3.0);
        assert_eq!(status, STATUS_OK);
        assert!(data.starts_with(b"%PDF-1.7"));
        assert_eq!(data, render_pdf_bytes(spec).unwrap());
        let error = render_pdf_bytes("[]").unwrap_err();
        assert_eq!(error.into_bytes(), render_raw(b"[]", FORMAT_PDF, 1.0).1);
    }

    #[test]
    fn browser_svg_error_is_the_same_json_as_the_raw_path() {
        let raw = render_raw(b"[]", FORMAT_SVG, 1.0).1;
        let browser = render_svg_text("[]").unwrap_err();
        assert_eq!(browser.into_bytes(), raw);
    }
}
