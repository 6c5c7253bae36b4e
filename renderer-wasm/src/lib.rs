//! plotbox's renderer: one plot spec (JSON, see `docs/spec.md`) in, one picture (SVG, PNG
//! or PDF) out, with no I/O of any kind.
//!
//! Data flows one way:
//!
//! ```text
//! JSON bytes ─parse─▶ spec::Figure ─validate─▶ ValidFigure ─layout─▶ scene::Scene ─┬─svg─▶ SVG bytes
//!                                                                                  ├─png─▶ PNG bytes
//!                                                                                  └─pdf─▶ PDF bytes
//! ```
//!
//! `validate` also resolves: the `ValidFigure` carries every default (matplotlib's
//! rcParams, in pixels for the figure's dpi), each series' color and each axis' range,
//! so that everything that can be wrong with a spec is reported before layout, which
//! cannot fail.
//!
//! The crate compiles to `wasm32-unknown-unknown` as the module that both the host
//! sandbox and the browser run (see [`abi`] for its exports), and natively as an rlib
//! for tests and benchmarks. Both builds give byte-identical SVG: everything that
//! decides layout uses `libm`, never the platform's math library.
//!
//! ```
//! let svg = renderer_wasm::render(br#"{"series": [{"type": "line", "y": [1, 3, 2]}]}"#, renderer_wasm::Format::Svg)?;
//! assert!(svg.starts_with(b"<svg"));
//! # Ok::<(), renderer_wasm::RenderError>(())
//! ```

pub mod abi;
pub mod color;
pub mod error;
pub mod fonts;
pub mod layout;
mod parse;
pub mod pdf;
pub mod png;
pub mod pyformat;
pub mod resolve;
pub mod scene;
pub mod spec;
pub mod svg;
pub mod text;
pub mod validate;

pub use error::{ErrorKind, RenderError};
pub use parse::parse_figure;
pub use validate::{Limits, ValidFigure};

/// The output format of a render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Svg,
    /// PNG at a device pixel ratio of 1 to 4.
    Png {
        scale: f64,
    },
    /// A one-page vector PDF of the figure's size at 72 points per inch, with text
    /// as text (see [`pdf`]).
    Pdf,
}

/// Renders a spec document to the picture bytes, with the default [`Limits`].
pub fn render(spec: &[u8], format: Format) -> Result<Vec<u8>, RenderError> {
    render_with_limits(spec, format, &Limits::default())
}

/// Renders a spec document to the picture bytes, in DejaVu Sans alone.
pub fn render_with_limits(
    spec: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<Vec<u8>, RenderError> {
    render_with_fonts(spec, format, limits, &fonts::FontLibrary::embedded_only())
        .map(|rendered| rendered.picture)
}

/// A picture, and what its reader should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub picture: Vec<u8>,
    /// Things drawn other than asked, for a person: a character that no font has
    /// (drawn as a box). ASCII only, so that they fit an HTTP header.
    pub warnings: Vec<String>,
}

/// Renders a spec document with `fonts` (see [`fonts`]): the picture and its warnings.
pub fn render_with_fonts(
    spec: &[u8],
    format: Format,
    limits: &Limits,
    fonts: &std::sync::Arc<fonts::FontLibrary>,
) -> Result<Rendered, RenderError> {
    text::with_library(fonts, || {
        // Shaped strings are cached for one render only: the next spec has other
        // strings.
        text::clear_cache();
        let picture = render_in_current_library(spec, format, limits)?;
        let warnings = text::take_missing()
            .into_iter()
            .map(|ch| {
                format!(
                    "no font has the character U+{:04X}; it is drawn as a box",
                    u32::from(ch)
                )
            })
            .collect();
        Ok(Rendered { picture, warnings })
    })
}

fn render_in_current_library(
    spec: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<Vec<u8>, RenderError> {
    let figure = parse_figure(spec)?;
    let scale = match format {
        Format::Svg | Format::Pdf => 1.0,
        Format::Png { scale } => scale,
    };
    let valid = validate::validate(figure, scale, limits)?;
    let scene = layout::build_scene(&valid);
    match format {
        Format::Svg => Ok(svg::encode(&scene).into_bytes()),
        Format::Png { scale } => png::encode(&scene, scale),
        Format::Pdf => pdf::encode(&scene, valid.dpi),
    }
}

/// The JSON Schema of the spec, generated from [`spec::Figure`], pretty-printed.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(spec::Figure);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
