//! The seam between the HTTP layer and the thing that turns a spec into a picture.
//!
//! The server only needs "render these bytes in this format, within the configured
//! limits" plus the identity of the module doing it; keeping that behind a trait lets
//! the HTTP code stay independent of how the sandbox is configured.

use bytes::Bytes;
use renderer_wasm::Format;

use crate::runtime::{EMBEDDED_MODULE, EMBEDDED_MODULE_SHA256, MIB};
use crate::{FontCatalog, FontSet, RenderFailure, RenderLimits, Rendered, Runtime, RuntimeConfig};

/// A renderer the server can share between its worker threads.
pub trait Renderer: Send + Sync + 'static {
    /// Renders one spec: the picture and the module's warnings. Blocking and
    /// CPU-bound: the server calls it on a worker thread, never on the async threads.
    fn render(&self, spec: &[u8], format: Format) -> Result<Rendered, RenderFailure>;

    /// Lowercase hex SHA-256 of the module that renders (reported by `/healthz`).
    fn module_sha256(&self) -> &str;

    /// What decides a picture besides the spec (the module and the fonts), for
    /// `ETag`s and the result cache.
    fn render_identity(&self) -> &str {
        self.module_sha256()
    }

    /// The operator fonts, if any (listed by `GET /fonts`).
    fn fonts(&self) -> Option<&FontCatalog> {
        None
    }

    /// The operator font files as (file name, bytes), in the order the module numbers
    /// them: the bytes every render maps, served at `GET /fonts/files/<name>` so that
    /// a browser can hand the same fonts to its `addFont`.
    fn font_files(&self) -> &[(String, Bytes)] {
        &[]
    }

    /// The exact module bytes that [`Renderer::render`] executes, served to browsers
    /// at `/pkg/renderer_wasm_bg.wasm` so that "what you preview is what the server
    /// sends".
    fn module_bytes(&self) -> Bytes;
}

/// The wasmtime sandbox with the per-render limits of the command line.
pub struct SandboxRenderer {
    runtime: Runtime,
    limits: RenderLimits,
    font_files: Vec<(String, Bytes)>,
}

impl Renderer for SandboxRenderer {
    fn render(&self, spec: &[u8], format: Format) -> Result<Rendered, RenderFailure> {
        self.runtime.render_with_stats(spec, format, &self.limits).0
    }

    fn module_sha256(&self) -> &str {
        self.runtime.module_sha256()
    }

    fn render_identity(&self) -> &str {
        self.runtime.render_identity()
    }

    fn fonts(&self) -> Option<&FontCatalog> {
        self.runtime.fonts()
    }

    fn font_files(&self) -> &[(String, Bytes)] {
        &self.font_files
    }

    fn module_bytes(&self) -> Bytes {
        // The embedded module is served from the binary's own static bytes: no copy.
        if self.runtime.module_sha256() == EMBEDDED_MODULE_SHA256 {
            Bytes::from_static(EMBEDDED_MODULE)
        } else {
            Bytes::copy_from_slice(self.runtime.module_bytes())
        }
    }
}

/// Builds the sandbox once, with room for `workers` renders at once and the limits
/// of `args` (the sandbox's defaults where a flag is absent).
pub fn build(args: &super::ServeArgs) -> Result<SandboxRenderer, super::ServeError> {
    let defaults = RenderLimits::default();
    let memory_bytes = args
        .memory_mb
        .map(|mb| {
            usize::try_from(mb)
                .unwrap_or(usize::MAX)
                .saturating_mul(MIB)
        })
        .unwrap_or(defaults.memory_bytes);
    let limits = RenderLimits {
        timeout: args
            .timeout_ms
            .map(std::time::Duration::from_millis)
            .unwrap_or(defaults.timeout),
        memory_bytes,
        fuel: args.fuel.or(defaults.fuel),
    };
    let fonts = args
        .font_dir
        .as_deref()
        .map(FontSet::load_dir)
        .transpose()
        .map_err(super::ServeError::Fonts)?;
    let font_files = match &fonts {
        Some(set) => served_font_files(set)?,
        None => Vec::new(),
    };
    let base = RuntimeConfig::default();
    let config = RuntimeConfig {
        // As in `plotbox render`: `--fuel 0` turns metering off; the deadline still holds.
        fuel_metering: args.fuel != Some(0),
        max_memory_bytes: base.max_memory_bytes.max(memory_bytes),
        max_concurrent_renders: u32::try_from(args.worker_count())
            .unwrap_or(u32::MAX)
            .max(base.max_concurrent_renders),
        fonts,
        cache: args.cache_location(),
        ..base
    };
    let runtime =
        Runtime::new(config).map_err(|err| super::ServeError::Renderer(err.to_string()))?;
    Ok(SandboxRenderer {
        runtime,
        limits,
        font_files,
    })
}

/// The files of `set` for browsers, taken from the blob the sandbox maps (not read
/// from the directory again, where a file may have changed since start-up). The
/// runtime drops its blob once the module is compiled, so the server keeps this one
/// copy of the fonts, shared by every response (`Bytes` slices, no copy per request).
fn served_font_files(set: &FontSet) -> Result<Vec<(String, Bytes)>, super::ServeError> {
    let blob = Bytes::copy_from_slice(set.blob());
    let unreadable = |why: &dyn std::fmt::Display| {
        super::ServeError::Renderer(format!("the operator fonts do not read back: {why}"))
    };
    let data = renderer_wasm::fonts::decode_blob(&blob).map_err(|error| unreadable(&error))?;
    let names = &set.catalog().files;
    if data.len() != names.len() {
        return Err(unreadable(&"the blob and the catalog differ in files"));
    }
    Ok(names
        .iter()
        .zip(data)
        .map(|(file, data)| (file.name.clone(), blob.slice_ref(data)))
        .collect())
}
