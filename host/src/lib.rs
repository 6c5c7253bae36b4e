//! plotbox's host: runs the renderer module (`renderer-wasm`, compiled to WebAssembly)
//! in a wasmtime sandbox, one fresh instance per render, under a wall-clock deadline,
//! a fuel budget and a memory cap. A render can fail, but it cannot hang the process,
//! keep memory after it ends, or reach files, network or clocks.
//!
//! Build a [`Runtime`] once (it compiles the module, or loads it from the on-disk
//! cache) and share it; [`Runtime::render`] may be called from many threads.
//!
//! ```no_run
//! use plotbox_host::{OutputFormat, RenderLimits, Runtime, RuntimeConfig};
//!
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let spec = br#"{"series": [{"type": "line", "y": [1, 3, 2]}]}"#;
//! match runtime.render(spec, OutputFormat::Svg, &RenderLimits::default()) {
//!     Ok(svg) => println!("{}", String::from_utf8_lossy(&svg)),
//!     Err(failure) => eprintln!("{} (HTTP {})", failure.to_json(), failure.http_status()),
//! }
//! # Ok::<(), plotbox_host::HostError>(())
//! ```

pub mod cache;
pub mod embed;
pub mod epoch;
pub mod error;
pub mod fonts;
pub mod runtime;
mod sandbox;

/// `plotbox serve`: the HTTP server.
pub mod server;

pub use cache::{CacheLocation, ModuleOrigin};
pub use error::{HostError, RenderFailure};
pub use fonts::{FontCatalog, FontDirError, FontSet};
pub use renderer_wasm::ErrorKind;
/// The output format of a render: `Svg`, `Png { scale }` or `Pdf`.
pub use renderer_wasm::Format as OutputFormat;
pub use runtime::{ModuleSource, RenderLimits, Rendered, Runtime, RuntimeConfig};
pub use sandbox::{RenderStats, MAX_WARNINGS, MAX_WARNING_LEN};
