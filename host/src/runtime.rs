//! The [`Runtime`]: everything expensive, built once (engine, compiled module, linker,
//! `InstancePre`, epoch ticker) and shared by every render, from any number of threads.
//!
//! # Why these defaults
//!
//! Two mechanisms can stop a runaway render, and both cost time in every render
//! because the compiled code checks them at loop headers and function entries:
//!
//! - **Epochs** (always on): a wall-clock deadline. The check is a load and compare
//!   against the engine's epoch counter, advanced by one ticker thread
//!   ([`crate::epoch::EPOCH_PERIOD`]). This is what guarantees the `timeout`.
//! - **Fuel** (on by default, [`DEFAULT_FUEL`]): a deterministic instruction budget.
//!   It does not depend on how busy the machine is, so a spec that is merely slow under
//!   load still renders while a spec that is *inherently* too expensive fails the same
//!   way every time. It costs more than epochs (a counter update per basic block), so
//!   the budget is set far above any legitimate render (W2, 10,000 points, as a PNG at
//!   scale 2, several times over) and it never replaces the deadline. It can be turned
//!   off per `Runtime` ([`RuntimeConfig::fuel_metering`]) where the last bit of speed
//!   matters more; the deadline still holds. Measured costs: see the host README.
//!
//! # Operator fonts
//!
//! With [`RuntimeConfig::fonts`], the font blob is written into the module once, as a
//! data segment past the module's own memory ([`crate::embed`]); every instance maps it
//! copy-on-write, and each render tells the guest where it lies (`use_fonts`). Those
//! pages are added on top of every memory limit, so fonts never eat into a render's
//! own budget (`--memory-mb`).

use crate::cache::{CacheLocation, CompileCache, ModuleOrigin};
use crate::embed::embed_blob;
use crate::epoch::EpochTicker;
use crate::error::{HostError, RenderFailure};
use crate::fonts::{FontCatalog, FontSet};
use crate::sandbox::{AbiExports, FontRegion, RenderState, RenderStats, Sandbox};
use renderer_wasm::Format;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::time::Duration;
use wasmtime::{
    Config, Engine, ExternType, InstanceAllocationStrategy, InstancePre, Linker, Module,
    PoolingAllocationConfig, ProfilingStrategy, ValType,
};

/// One mebibyte.
pub const MIB: usize = 1 << 20;
/// Default wall-clock limit of one render.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Default memory limit of one render.
pub const DEFAULT_MEMORY_BYTES: usize = 128 * MIB;
/// Default fuel budget of one render: W2 (scatter, 10,000 points, 800×600) as a PNG at
/// scale 2 consumes about 1.1 × 10⁹ units, so this is roughly ten times that.
pub const DEFAULT_FUEL: u64 = 20_000_000_000;
/// Default number of renders that may run at once in one `Runtime` (the size of the
/// pooling allocator's instance pool).
pub const DEFAULT_MAX_CONCURRENT_RENDERS: u32 = 64;

/// The module embedded in this binary: `www/pkg/renderer_wasm_bg.wasm`, the very file
/// the browser loads.
pub static EMBEDDED_MODULE: &[u8] = include_bytes!(env!("PLOTBOX_MODULE_PATH"));
/// Lowercase hex SHA-256 of [`EMBEDDED_MODULE`].
pub const EMBEDDED_MODULE_SHA256: &str = env!("PLOTBOX_MODULE_SHA256");

/// Which module a `Runtime` runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ModuleSource {
    /// [`EMBEDDED_MODULE`].
    #[default]
    Embedded,
    /// Another module (binary WebAssembly) implementing the same raw ABI.
    Bytes(Vec<u8>),
}

/// How a [`Runtime`] is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeConfig {
    pub module: ModuleSource,
    /// Where compiled modules are cached.
    pub cache: CacheLocation,
    /// Whether renders are metered with fuel (see the module docs); when off,
    /// [`RenderLimits::fuel`] is ignored.
    pub fuel_metering: bool,
    /// The most memory any render of this runtime may be given; a larger
    /// [`RenderLimits::memory_bytes`] is cut to this.
    pub max_memory_bytes: usize,
    /// How many renders may run at once; more get `overloaded`.
    pub max_concurrent_renders: u32,
    /// The operator's fonts (`--font-dir`); the module must export `use_fonts`.
    pub fonts: Option<FontSet>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            module: ModuleSource::Embedded,
            cache: CacheLocation::Default,
            fuel_metering: true,
            max_memory_bytes: DEFAULT_MEMORY_BYTES,
            max_concurrent_renders: DEFAULT_MAX_CONCURRENT_RENDERS,
            fonts: None,
        }
    }
}

/// The limits of one render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderLimits {
    /// Wall-clock limit, from instantiation to the last byte of the result.
    pub timeout: Duration,
    /// Most linear memory the module may have.
    pub memory_bytes: usize,
    /// Fuel budget; `None` is unlimited. Only used when the runtime meters fuel.
    pub fuel: Option<u64>,
}

impl Default for RenderLimits {
    fn default() -> Self {
        RenderLimits {
            timeout: DEFAULT_TIMEOUT,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            fuel: Some(DEFAULT_FUEL),
        }
    }
}

/// A successful render: the picture and what the module warned about (for example a
/// character no font has, drawn as a box).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub picture: Vec<u8>,
    /// ASCII messages, at most [`crate::sandbox::MAX_WARNINGS`] of them.
    pub warnings: Vec<String>,
}

/// The sandbox, built once and shared: `render` may be called from many threads.
pub struct Runtime {
    instance_pre: InstancePre<RenderState>,
    exports: AbiExports,
    /// The module as given (without fonts): what browsers download.
    module_bytes: Cow<'static, [u8]>,
    module_sha256: String,
    /// What decides a picture besides the spec: the module, and the fonts if any.
    render_identity: String,
    module_origin: ModuleOrigin,
    fuel_metering: bool,
    max_memory_bytes: usize,
    fonts: Option<(FontCatalog, FontRegion)>,
    _ticker: EpochTicker,
}

impl Runtime {
    /// Builds the engine, loads (from the cache) or compiles the module, checks that it
    /// implements the raw ABI, and starts the epoch ticker.
    pub fn new(mut config: RuntimeConfig) -> Result<Runtime, HostError> {
        let fonts = config.fonts.take().map(FontSet::into_parts);
        let (module_bytes, module_sha256) = match std::mem::take(&mut config.module) {
            ModuleSource::Embedded => (
                Cow::Borrowed(EMBEDDED_MODULE),
                EMBEDDED_MODULE_SHA256.to_owned(),
            ),
            ModuleSource::Bytes(bytes) => {
                let sha256 = sha256_hex(&bytes);
                (Cow::Owned(bytes), sha256)
            }
        };
        // With fonts, the module that runs is the given one plus the blob; its cache
        // key is derived from both hashes (hashing the rewritten module again would
        // cost another pass over the fonts at every start).
        let (runnable, cache_key, render_identity, font_region, catalog) = match fonts {
            None => (
                None,
                module_sha256.clone(),
                module_sha256.clone(),
                None,
                None,
            ),
            Some((catalog, blob)) => {
                let embedded = embed_blob(&module_bytes, &blob)
                    .map_err(|error| HostError::Fonts(format!("{error}")))?;
                drop(blob);
                let key = sha256_hex(
                    format!("plotbox-fonts-v1\0{module_sha256}\0{}", catalog.sha256).as_bytes(),
                );
                let region = FontRegion {
                    offset: embedded.offset,
                    len: embedded.len,
                    reserved_bytes: embedded.region_bytes(),
                };
                (
                    Some(embedded.wasm),
                    key.clone(),
                    key,
                    Some(region),
                    Some(catalog),
                )
            }
        };
        let reserved = font_region.map_or(0, |region| region.reserved_bytes);
        let profiler = profiler_from_env()?;
        let engine = Engine::new(&engine_config(&config, reserved, profiler))
            .map_err(|error| HostError::Engine(format!("{error:#}")))?;
        let (module, module_origin) = CompileCache::new(&config.cache)
            .load_or_compile(
                &engine,
                runnable.as_deref().unwrap_or(&module_bytes),
                &cache_key,
            )
            .map_err(|error| HostError::Compile(format!("{error:#}")))?;
        // The compiled module keeps what it needs of the blob (its memory image).
        drop(runnable);
        tracing::debug!(?module_origin, module_sha256, "renderer module ready");
        let exports = abi_exports(&module)?;
        if font_region.is_some() && exports.use_fonts.is_none() {
            return Err(HostError::Fonts(
                "the module does not export `use_fonts(ptr, len) -> status`, so it cannot \
                 use operator fonts"
                    .into(),
            ));
        }

        let mut linker = Linker::<RenderState>::new(&engine);
        // The wasm-bindgen glue imports serve the browser exports only; the raw ABI
        // never calls them, and if a guest did, the trap is an `internal` error.
        linker
            .define_unknown_imports_as_traps(&module)
            .map_err(|error| HostError::Link(format!("{error:#}")))?;
        let instance_pre = linker
            .instantiate_pre(&module)
            .map_err(|error| HostError::Link(format!("{error:#}")))?;
        let ticker = EpochTicker::start(engine).map_err(|error| {
            HostError::Engine(format!("cannot start the epoch ticker: {error}"))
        })?;
        let runtime = Runtime {
            instance_pre,
            exports,
            module_bytes,
            module_sha256,
            render_identity,
            module_origin,
            fuel_metering: config.fuel_metering,
            max_memory_bytes: config.max_memory_bytes,
            fonts: catalog.zip(font_region),
            _ticker: ticker,
        };
        if runtime.fonts.is_some() {
            // The module reads the fonts now, once, so that a set it cannot use fails
            // at start-up rather than at every render.
            runtime
                .probe()
                .map_err(|failure| HostError::Fonts(failure.message().to_owned()))?;
        }
        Ok(runtime)
    }

    /// Renders one spec in a fresh instance within `limits`.
    pub fn render(
        &self,
        spec: &[u8],
        format: Format,
        limits: &RenderLimits,
    ) -> Result<Vec<u8>, RenderFailure> {
        self.render_with_stats(spec, format, limits)
            .0
            .map(|rendered| rendered.picture)
    }

    /// [`Runtime::render`], with the module's warnings and measurements of the render.
    pub fn render_with_stats(
        &self,
        spec: &[u8],
        format: Format,
        limits: &RenderLimits,
    ) -> (Result<Rendered, RenderFailure>, RenderStats) {
        self.sandbox().render(spec, format, limits)
    }

    /// Instantiates the module in a fresh store and drops it, without rendering: a
    /// readiness check, and the per-render fixed cost that benchmarks measure. With
    /// operator fonts, the instance is also told where they are (`use_fonts`).
    pub fn probe(&self) -> Result<(), RenderFailure> {
        self.sandbox().probe(&RenderLimits::default())
    }

    fn sandbox(&self) -> Sandbox<'_> {
        Sandbox {
            instance_pre: &self.instance_pre,
            exports: &self.exports,
            fuel_metering: self.fuel_metering,
            max_memory_bytes: self.max_memory_bytes,
            fonts: self.fonts.as_ref().map(|(_, region)| *region),
        }
    }

    /// The operator fonts this runtime hands to every render, if any.
    pub fn fonts(&self) -> Option<&FontCatalog> {
        self.fonts.as_ref().map(|(catalog, _)| catalog)
    }

    /// Lowercase hex SHA-256 naming everything that decides a picture besides the
    /// spec: the module's hash, or with operator fonts a hash over the module's and
    /// the fonts' (for `ETag`s and result caches).
    pub fn render_identity(&self) -> &str {
        &self.render_identity
    }

    /// Lowercase hex SHA-256 of the module this runtime runs.
    pub fn module_sha256(&self) -> &str {
        &self.module_sha256
    }

    /// The bytes of the module this runtime runs, as given: without operator fonts,
    /// which only the sandboxed copy carries (for the browser, which must load the
    /// very same file).
    pub fn module_bytes(&self) -> &[u8] {
        &self.module_bytes
    }

    /// Whether the compiled module came from the on-disk cache.
    pub fn module_origin(&self) -> ModuleOrigin {
        self.module_origin
    }

    /// Whether renders are metered with fuel.
    pub fn fuel_metering(&self) -> bool {
        self.fuel_metering
    }
}

/// The environment variable that turns on wasmtime's profiling agent, so that `perf`
/// can name the guest's compiled functions (see the host README, "Profiling the
/// guest"). Off when unset, empty or `none`.
pub const PROFILER_ENV: &str = "PLOTBOX_PROFILER";

/// [`PROFILER_ENV`] as a profiling strategy. Read once per `Runtime`, at start-up, so
/// a misspelt value stops the program there instead of silently profiling nothing.
fn profiler_from_env() -> Result<ProfilingStrategy, HostError> {
    let value = std::env::var_os(PROFILER_ENV).unwrap_or_default();
    parse_profiler(&value.to_string_lossy())
}

fn parse_profiler(value: &str) -> Result<ProfilingStrategy, HostError> {
    match value {
        "" | "none" => Ok(ProfilingStrategy::None),
        // /tmp/perf-<pid>.map: function names and addresses, all `perf report` needs.
        "perfmap" => Ok(ProfilingStrategy::PerfMap),
        // Needs wasmtime's `profiling` feature (not built in, it adds ittapi and a
        // profile writer to every build): say so here rather than let wasmtime's
        // "disabled at compile time" come without the variable's name.
        "jitdump" => Err(HostError::Engine(format!(
            "{PROFILER_ENV}=jitdump: this build of plotbox has no jitdump support \
             (wasmtime's `profiling` feature is off); use {PROFILER_ENV}=perfmap"
        ))),
        other => Err(HostError::Engine(format!(
            "{PROFILER_ENV}={other:?} is not a profiler; expected perfmap (or unset)"
        ))),
    }
}

/// `font_bytes`: the pages the operator fonts occupy in every instance, on top of the
/// largest memory a render may have.
fn engine_config(config: &RuntimeConfig, font_bytes: usize, profiler: ProfilingStrategy) -> Config {
    let renders = config.max_concurrent_renders.max(1);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(renders)
        .total_memories(renders)
        // wasm-bindgen's module has a function table and may get a second one.
        .max_tables_per_module(2)
        .total_tables(renders.saturating_mul(2))
        .max_memory_size(config.max_memory_bytes.saturating_add(font_bytes));
    let mut engine = Config::new();
    engine
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        // Instantiation maps the module's data segments copy-on-write instead of
        // copying the ~1 MB of font and tables into every instance.
        .memory_init_cow(true)
        .epoch_interruption(true)
        .consume_fuel(config.fuel_metering)
        .profiler(profiler);
    engine
}

/// Finds the raw-ABI exports and checks their types, so that a `--module` that does
/// not implement the ABI is refused at start-up rather than at every render.
fn abi_exports(module: &Module) -> Result<AbiExports, HostError> {
    use ValType::{F64, I32};
    let function = |name: &str, params: &[ValType], results: &[ValType]| {
        let export = module
            .get_export_index(name)
            .ok_or_else(|| HostError::Abi(format!("no export `{name}`")))?;
        let matches = match module.get_export(name) {
            Some(ExternType::Func(func)) => {
                let same = |got: &mut dyn ExactSizeIterator<Item = ValType>, want: &[ValType]| {
                    got.len() == want.len()
                        && got.zip(want).all(|(got, want)| ValType::eq(&got, want))
                };
                same(&mut func.params(), params) && same(&mut func.results(), results)
            }
            _ => false,
        };
        if matches {
            Ok(export)
        } else {
            Err(HostError::Abi(format!(
                "export `{name}` must be a function {params:?} -> {results:?}"
            )))
        }
    };
    let memory = match module.get_export("memory") {
        Some(ExternType::Memory(memory)) if !memory.is_64() => module
            .get_export_index("memory")
            .ok_or_else(|| HostError::Abi("no export `memory`".into()))?,
        _ => {
            return Err(HostError::Abi(
                "export `memory` must be a 32-bit memory".into(),
            ))
        }
    };
    // Optional exports: a module without them renders without operator fonts and
    // without warnings; one that has them with another type is refused.
    let optional =
        |name: &str, params: &[ValType], results: &[ValType]| match module.get_export(name) {
            None => Ok(None),
            Some(_) => function(name, params, results).map(Some),
        };
    Ok(AbiExports {
        memory,
        alloc: function("alloc", &[I32], &[I32])?,
        render: function("render", &[I32, I32, I32, F64], &[I32])?,
        use_fonts: optional("use_fonts", &[I32, I32], &[I32])?,
        warnings: optional("warnings", &[], &[I32])?,
    })
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Runtime>();
    }

    #[test]
    fn profiler_values() {
        assert!(matches!(parse_profiler(""), Ok(ProfilingStrategy::None)));
        assert!(matches!(
            parse_profiler("none"),
            Ok(ProfilingStrategy::None)
        ));
        assert!(matches!(
            parse_profiler("perfmap"),
            Ok(ProfilingStrategy::PerfMap)
        ));
        for bad in ["jitdump", "PerfMap", "vtune", "perfmap "] {
            let message = parse_profiler(bad).expect_err("refused").to_string();
            assert!(message.contains(PROFILER_ENV), "{bad}: {message}");
        }
    }

    #[test]
    fn embedded_module_hash_matches_its_bytes() {
        assert_eq!(sha256_hex(EMBEDDED_MODULE), EMBEDDED_MODULE_SHA256);
    }
}
