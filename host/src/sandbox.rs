//! One render in its own sandbox: a fresh `Store` whose data owns the render's limits,
//! an instance of the module, the raw ABI calls (see `renderer_wasm::abi`), and the one
//! function that turns whatever went wrong into an error kind of docs/spec.md.
//!
//! Everything the guest returns is untrusted: pointers and lengths are bounds-checked
//! against its memory, the error JSON is parsed defensively, and a guest may only
//! report the kinds a renderer can produce.

use crate::error::RenderFailure;
use crate::runtime::{RenderLimits, Rendered, MIB};
use renderer_wasm::abi::{HEADER_LEN, STATUS_ERROR, STATUS_OK};
use renderer_wasm::{ErrorKind, Format, RenderError};
use std::time::Duration;
use wasmtime::{
    Extern, InstancePre, Memory, ModuleExport, PoolConcurrencyLimitError, ResourceLimiter, Store,
    StoreLimits, StoreLimitsBuilder, Trap, TypedFunc,
};

/// Most warnings kept from one render; more are summed up in one last message.
/// With [`MAX_WARNING_LEN`] this bounds the `X-Plotbox-Warnings` header to about
/// 4 KiB, under the header limits of common proxies.
pub const MAX_WARNINGS: usize = 20;
/// Longest warning kept, in characters; longer ones are cut.
pub const MAX_WARNING_LEN: usize = 200;
/// Most bytes of warnings JSON read from the guest; a longer answer is ignored.
const MAX_WARNINGS_JSON: usize = 64 * 1024;

/// Where the operator fonts lie in every instance's memory (see [`crate::embed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FontRegion {
    pub offset: u32,
    pub len: u32,
    /// Whole pages the fonts occupy, added on top of every render's memory cap.
    pub reserved_bytes: usize,
}

/// The per-render store data: the memory cap, and what the cap refused.
pub(crate) struct RenderState {
    limits: StoreLimits,
    /// The render's own limit, as the operator set it (what error messages report).
    memory_cap: usize,
    /// The size (bytes) a refused memory growth asked for.
    refused_memory: Option<usize>,
    /// Bytes of the memory that are operator fonts, outside the render's own limit.
    font_bytes: usize,
}

impl RenderState {
    fn new(memory_cap: usize, font_bytes: usize) -> Self {
        RenderState {
            limits: StoreLimitsBuilder::new()
                .memory_size(memory_cap.saturating_add(font_bytes))
                // A trap at the refused growth, instead of `memory.grow` returning -1
                // and the guest's allocator aborting somewhere less telling.
                .trap_on_grow_failure(true)
                .build(),
            memory_cap,
            refused_memory: None,
            font_bytes,
        }
    }
}

/// Delegates to [`StoreLimits`] and remembers a refusal, so that classification knows
/// the trap came from the memory cap without parsing error text.
impl ResourceLimiter for RenderState {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let decision = self.limits.memory_growing(current, desired, maximum);
        if !matches!(decision, Ok(true)) {
            self.refused_memory = Some(desired);
        }
        decision
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.refused_memory.get_or_insert(0);
        self.limits.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.limits.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.limits.instances()
    }

    fn tables(&self) -> usize {
        self.limits.tables()
    }

    fn memories(&self) -> usize {
        self.limits.memories()
    }
}

/// The module's raw-ABI exports, looked up by name once per `Runtime`.
pub(crate) struct AbiExports {
    pub memory: ModuleExport,
    pub alloc: ModuleExport,
    pub render: ModuleExport,
    /// `use_fonts(ptr, len) -> status`, optional.
    pub use_fonts: Option<ModuleExport>,
    /// `warnings() -> header`, optional.
    pub warnings: Option<ModuleExport>,
}

/// Everything a render needs from the `Runtime`.
pub(crate) struct Sandbox<'a> {
    pub instance_pre: &'a InstancePre<RenderState>,
    pub exports: &'a AbiExports,
    pub fuel_metering: bool,
    pub max_memory_bytes: usize,
    pub fonts: Option<FontRegion>,
}

/// Measurements of one render, for benchmarks and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderStats {
    /// Fuel the render consumed, when fuel metering is on.
    pub fuel_consumed: Option<u64>,
}

/// What went wrong inside the sandbox, before it is classified.
enum Fault {
    /// Instantiation or a call into the guest failed (trap, limit, pool exhausted).
    Wasm(wasmtime::Error),
    /// The guest answered, but not within the ABI.
    Garbage(String),
    /// The guest reported a render error.
    Guest(RenderError),
    /// The spec cannot even be handed to a 32-bit guest.
    SpecTooLarge(usize),
}

impl Sandbox<'_> {
    /// A fresh store with the render's limits (memory cap, deadline, fuel budget).
    fn store(&self, limits: &RenderLimits) -> (Store<RenderState>, Option<u64>) {
        let memory_cap = limits.memory_bytes.min(self.max_memory_bytes);
        let font_bytes = self.fonts.map_or(0, |fonts| fonts.reserved_bytes);
        let mut store = Store::new(
            self.instance_pre.module().engine(),
            RenderState::new(memory_cap, font_bytes),
        );
        store.limiter(|state| state);
        store.set_epoch_deadline(crate::epoch::deadline_ticks(limits.timeout));
        let fuel_budget = self.fuel_metering.then(|| limits.fuel.unwrap_or(u64::MAX));
        if let Some(budget) = fuel_budget {
            // Cannot fail: fuel metering is on in this engine.
            let _ = store.set_fuel(budget);
        }
        (store, fuel_budget)
    }

    /// Instantiates the module (and hands it the fonts) and drops the instance.
    pub fn probe(&self, limits: &RenderLimits) -> Result<(), RenderFailure> {
        let (mut store, fuel_budget) = self.store(limits);
        self.instantiate(&mut store)
            .map(|_| ())
            .map_err(|fault| classify(fault, store.data(), limits, fuel_budget))
    }

    /// A fresh instance that knows where the operator fonts are.
    fn instantiate(&self, store: &mut Store<RenderState>) -> Result<wasmtime::Instance, Fault> {
        let instance = self
            .instance_pre
            .instantiate(&mut *store)
            .map_err(Fault::Wasm)?;
        if let (Some(fonts), Some(use_fonts)) = (self.fonts, &self.exports.use_fonts) {
            let use_fonts: TypedFunc<(u32, u32), u32> = typed(&mut *store, &instance, use_fonts)?;
            let status = use_fonts
                .call(&mut *store, (fonts.offset, fonts.len))
                .map_err(Fault::Wasm)?;
            if status != 0 {
                return Err(Fault::Garbage(format!(
                    "use_fonts refused the operator fonts (status {status})"
                )));
            }
        }
        Ok(instance)
    }

    pub fn render(
        &self,
        spec: &[u8],
        format: Format,
        limits: &RenderLimits,
    ) -> (Result<Rendered, RenderFailure>, RenderStats) {
        let (mut store, fuel_budget) = self.store(limits);
        let outcome = self.call_guest(&mut store, spec, format);
        let stats = RenderStats {
            fuel_consumed: fuel_budget
                .and_then(|budget| Some(budget.saturating_sub(store.get_fuel().ok()?))),
        };
        let result = outcome.map_err(|fault| classify(fault, store.data(), limits, fuel_budget));
        // The store (and with it the instance and its memory) is dropped here: nothing
        // of this render outlives it.
        (result, stats)
    }

    fn call_guest(
        &self,
        store: &mut Store<RenderState>,
        spec: &[u8],
        format: Format,
    ) -> Result<Rendered, Fault> {
        let spec_len = u32::try_from(spec.len()).map_err(|_| Fault::SpecTooLarge(spec.len()))?;
        let instance = self.instantiate(&mut *store)?;
        let memory = match instance.get_module_export(&mut *store, &self.exports.memory) {
            Some(Extern::Memory(memory)) => memory,
            _ => return Err(Fault::Garbage("the module exports no memory".into())),
        };
        let alloc: TypedFunc<u32, u32> = typed(&mut *store, &instance, &self.exports.alloc)?;
        let render: TypedFunc<(u32, u32, u32, f64), u32> =
            typed(&mut *store, &instance, &self.exports.render)?;

        let spec_ptr = alloc.call(&mut *store, spec_len).map_err(Fault::Wasm)?;
        memory
            .write(&mut *store, spec_ptr as usize, spec)
            .map_err(|_| {
                Fault::Garbage(format!(
                    "alloc({spec_len}) returned {spec_ptr:#x}, outside the module's memory"
                ))
            })?;
        let (format_code, scale) = match format {
            Format::Svg => (renderer_wasm::abi::FORMAT_SVG, 1.0),
            Format::Png { scale } => (renderer_wasm::abi::FORMAT_PNG, scale),
            Format::Pdf => (renderer_wasm::abi::FORMAT_PDF, 1.0),
        };
        let header_ptr = render
            .call(&mut *store, (spec_ptr, spec_len, format_code, scale))
            .map_err(Fault::Wasm)?;
        let picture = read_result(store, memory, header_ptr)?;
        let warnings = match &self.exports.warnings {
            Some(export) => read_warnings(store, &instance, memory, export),
            None => Vec::new(),
        };
        Ok(Rendered { picture, warnings })
    }
}

/// The warnings of a finished render. The picture is already good, so whatever goes
/// wrong here (a trap, a bad pointer, malformed JSON) is logged and costs only the
/// warnings, never the render.
fn read_warnings(
    store: &mut Store<RenderState>,
    instance: &wasmtime::Instance,
    memory: Memory,
    export: &ModuleExport,
) -> Vec<String> {
    let header_ptr = match typed::<(), u32>(&mut *store, instance, export)
        .and_then(|warnings| warnings.call(&mut *store, ()).map_err(Fault::Wasm))
    {
        Ok(header_ptr) => header_ptr,
        Err(fault) => {
            tracing::warn!(error = %fault.describe(), "the module's warnings() failed; ignored");
            return Vec::new();
        }
    };
    let data = match read_header(store, memory, header_ptr, MAX_WARNINGS_JSON) {
        Ok((STATUS_OK, data)) => data,
        Ok((status, _)) => {
            tracing::warn!(status, "warnings() returned a non-zero status; ignored");
            return Vec::new();
        }
        Err(what) => {
            tracing::warn!(error = %what, "unreadable warnings from the module; ignored");
            return Vec::new();
        }
    };
    match parse_warnings(data) {
        Some(warnings) => warnings,
        None => {
            tracing::warn!("the module's warnings are not a JSON array of strings; ignored");
            Vec::new()
        }
    }
}

/// A JSON array of strings, made fit for an HTTP header and a terminal: control and
/// non-ASCII characters become `?` (the ABI promises ASCII; this is only defence),
/// each message is cut at [`MAX_WARNING_LEN`], and past [`MAX_WARNINGS`] messages the
/// rest are counted in one last message.
pub(crate) fn parse_warnings(data: &[u8]) -> Option<Vec<String>> {
    let list: Vec<String> = serde_json::from_slice(data).ok()?;
    let total = list.len();
    let mut warnings: Vec<String> = list
        .into_iter()
        .take(MAX_WARNINGS)
        .map(|warning| {
            warning
                .chars()
                .map(|c| {
                    if c.is_ascii() && !c.is_ascii_control() {
                        c
                    } else {
                        '?'
                    }
                })
                .take(MAX_WARNING_LEN)
                .collect()
        })
        .collect();
    if total > MAX_WARNINGS {
        warnings.push(format!("{} more warnings not shown", total - MAX_WARNINGS));
    }
    Some(warnings)
}

fn typed<P, R>(
    store: &mut Store<RenderState>,
    instance: &wasmtime::Instance,
    export: &ModuleExport,
) -> Result<TypedFunc<P, R>, Fault>
where
    P: wasmtime::WasmParams,
    R: wasmtime::WasmResults,
{
    // The types were checked when the Runtime was built; this only fails on a bug.
    instance
        .get_module_export(&mut *store, export)
        .and_then(Extern::into_func)
        .ok_or_else(|| Fault::Garbage("an ABI export is not a function".into()))?
        .typed(&*store)
        .map_err(Fault::Wasm)
}

/// Reads the result header and the bytes it points at, trusting nothing.
fn read_result(
    store: &Store<RenderState>,
    memory: Memory,
    header_ptr: u32,
) -> Result<Vec<u8>, Fault> {
    let (status, data) =
        read_header(store, memory, header_ptr, usize::MAX).map_err(Fault::Garbage)?;
    match status {
        STATUS_OK => Ok(data.to_vec()),
        STATUS_ERROR => Err(parse_guest_error(data)),
        other => Err(Fault::Garbage(format!(
            "render returned unknown status {other}"
        ))),
    }
}

/// A result header (`status`, `data_ptr`, `data_len`) at `header_ptr` and the data it
/// points at, bounds-checked against the guest's memory and `max_len`.
fn read_header(
    store: &Store<RenderState>,
    memory: Memory,
    header_ptr: u32,
    max_len: usize,
) -> Result<(u32, &[u8]), String> {
    let mut header = [0u8; HEADER_LEN as usize];
    memory
        .read(store, header_ptr as usize, &mut header)
        .map_err(|_| {
            format!(
                "the module returned header address {header_ptr:#x}, outside the module's memory"
            )
        })?;
    let word = |index: usize| {
        let mut bytes = [0u8; 4];
        bytes.copy_from_slice(&header[index * 4..index * 4 + 4]);
        u32::from_le_bytes(bytes)
    };
    let (status, data_ptr, data_len) = (word(0), word(1), word(2));
    if data_len as usize > max_len {
        return Err(format!(
            "the module returned {data_len} bytes, more than the {max_len} expected"
        ));
    }
    let memory_size = memory.data_size(store);
    let data = (data_ptr as usize)
        .checked_add(data_len as usize)
        .and_then(|end| memory.data(store).get(data_ptr as usize..end))
        .ok_or_else(|| {
            format!(
                "the module returned {data_len} bytes at {data_ptr:#x}, outside the \
                 module's memory of {memory_size} bytes"
            )
        })?;
    Ok((status, data))
}

/// The guest's error JSON, or `Garbage` when it is not the error document of
/// docs/spec.md with a kind a renderer may report.
fn parse_guest_error(data: &[u8]) -> Fault {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Body,
    }
    #[derive(serde::Deserialize)]
    struct Body {
        kind: String,
        message: String,
        #[serde(default)]
        path: Option<String>,
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return Fault::Garbage("the module's error is not UTF-8".into());
    };
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(error) => {
            return Fault::Garbage(format!("the module's error is not error JSON: {error}"))
        }
    };
    let Body {
        kind,
        message,
        path,
    } = envelope.error;
    match ErrorKind::from_name(&kind) {
        // The sandbox kinds are the host's to decide; a guest claiming them is lying.
        Some(kind @ (ErrorKind::InvalidSpec | ErrorKind::TooLarge | ErrorKind::Internal)) => {
            Fault::Guest(RenderError {
                kind,
                message,
                path,
            })
        }
        _ => Fault::Garbage(format!("the module reported error kind {kind:?}")),
    }
}

impl Fault {
    /// For logs, where the fault is not turned into a render error.
    fn describe(&self) -> String {
        match self {
            Fault::Wasm(error) => format!("{error:#}"),
            Fault::Garbage(what) => what.clone(),
            Fault::Guest(error) => error.to_string(),
            Fault::SpecTooLarge(len) => format!("spec of {len} bytes"),
        }
    }
}

/// The one place where a failed render gets its error kind.
fn classify(
    fault: Fault,
    state: &RenderState,
    limits: &RenderLimits,
    fuel_budget: Option<u64>,
) -> RenderFailure {
    let error = match fault {
        Fault::Guest(error) => return RenderFailure::from_guest(error),
        Fault::Garbage(what) => {
            return RenderFailure::internal(format!("the renderer module broke its ABI: {what}"))
        }
        Fault::SpecTooLarge(len) => {
            return RenderFailure::new(
                ErrorKind::TooLarge,
                format!("the spec is {len} bytes, more than a wasm32 module can address"),
            )
        }
        Fault::Wasm(error) => error,
    };
    if let Some(desired) = state.refused_memory {
        // Reported without the fonts' pages, which are not part of the render's limit.
        let desired = desired.saturating_sub(state.font_bytes);
        let asked = if desired > 0 {
            format!(" (it asked for {})", mebibytes(desired))
        } else {
            String::new()
        };
        return RenderFailure::new(
            ErrorKind::MemoryLimit,
            format!(
                "the render needed more than its memory limit of {}{asked}",
                mebibytes(state.memory_cap)
            ),
        );
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => RenderFailure::new(
            ErrorKind::DeadlineExceeded,
            format!(
                "the render ran past its time limit of {} and was stopped",
                millis(limits.timeout)
            ),
        ),
        Some(Trap::OutOfFuel) => RenderFailure::new(
            ErrorKind::DeadlineExceeded,
            format!(
                "the render used up its fuel budget of {} units and was stopped",
                fuel_budget.unwrap_or_default()
            ),
        ),
        _ if error.is::<PoolConcurrencyLimitError>() => RenderFailure::new(
            ErrorKind::Overloaded,
            format!("too many renders at once: {error}"),
        ),
        Some(trap) => RenderFailure::internal(format!("the renderer module trapped: {trap}")),
        None => RenderFailure::internal(format!("the renderer module failed: {error:#}")),
    }
}

fn mebibytes(bytes: usize) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    }
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}
