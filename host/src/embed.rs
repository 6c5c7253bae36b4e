//! Puts the operator's font blob into the renderer module, once at start-up, as an
//! active data segment just past the module's own initial memory.
//!
//! Why a module rewrite instead of writing the fonts into each instance: wasmtime maps
//! a module's data segments into every new instance copy-on-write
//! (`Config::memory_init_cow`, on in [`crate::runtime`]), so a segment costs a render
//! only the pages it actually reads, never a copy of the whole file. Writing a 16 MB
//! CJK font into every fresh instance would cost 16 MB of copying per render.
//!
//! Why the pages past the initial memory are safe to use: Rust's wasm allocator
//! (dlmalloc) takes memory only with `memory.grow`, which hands out pages beyond the
//! *current* size; raising the minimum by the blob's pages makes them part of the
//! current size, so the allocator never gets them, and the static data and the stack
//! live below the old minimum.

use wasm_encoder::{ConstExpr, DataCountSection, DataSection, MemorySection, RawSection};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// The size of a WebAssembly page (the only page size the rewrite accepts).
pub const WASM_PAGE: u64 = 65_536;
/// Pages a 32-bit memory can have at most (4 GiB).
const MAX_PAGES_32: u64 = 65_536;

/// Why a module cannot carry the font blob.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the module is not valid WebAssembly: {0}")]
    Parse(#[from] wasmparser::BinaryReaderError),
    #[error("the module is a component, not a core module")]
    Component,
    #[error("the module imports its memory, so there is no memory of its own to extend")]
    ImportedMemory,
    #[error("the module defines no memory")]
    NoMemory,
    #[error("the module does not export its first memory as `memory`")]
    MemoryNotExported,
    /// Checked before anything is rewritten or compiled, so that refusing costs nothing.
    #[error("the module does not export `use_fonts`, so it cannot use operator fonts")]
    NoUseFonts,
    #[error("the module's memory is 64-bit or uses a custom page size")]
    UnsupportedMemory,
    #[error(
        "the fonts ({blob_bytes} bytes) do not fit the module's 4 GiB address space \
         next to its own {module_pages} pages of memory"
    )]
    TooLarge {
        blob_bytes: usize,
        module_pages: u64,
    },
}

/// A module rewritten to carry the blob.
#[derive(Debug)]
pub struct Embedded {
    /// The rewritten module.
    pub wasm: Vec<u8>,
    /// Where the blob starts in the instance's memory (a multiple of [`WASM_PAGE`]).
    pub offset: u32,
    /// The blob's length in bytes.
    pub len: u32,
    /// Pages added to the memory's minimum (and maximum, if it declares one).
    pub pages: u32,
}

impl Embedded {
    /// The bytes of memory the blob occupies in every instance (whole pages).
    pub fn region_bytes(&self) -> usize {
        self.pages as usize * WASM_PAGE as usize
    }
}

/// Rewrites `module` so that every instance starts with `blob` at
/// `old minimum pages × 64 KiB`, its memory minimum raised by the blob's pages.
/// Sections that do not change are copied byte for byte.
pub fn embed_blob(module: &[u8], blob: &[u8]) -> Result<Embedded, EmbedError> {
    let layout = inspect(module)?;
    let blob_pages = (blob.len() as u64).div_ceil(WASM_PAGE);
    let too_large = || EmbedError::TooLarge {
        blob_bytes: blob.len(),
        module_pages: layout.memory_minimum,
    };
    let new_minimum = layout.memory_minimum + blob_pages;
    if new_minimum > MAX_PAGES_32 {
        return Err(too_large());
    }
    let offset = u32::try_from(layout.memory_minimum * WASM_PAGE).map_err(|_| too_large())?;
    let len = u32::try_from(blob.len()).map_err(|_| too_large())?;
    let pages = u32::try_from(blob_pages).map_err(|_| too_large())?;

    let mut out = wasm_encoder::Module::new();
    let mut data_written = false;
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload?;
        match &payload {
            Payload::MemorySection(reader) => {
                let mut memories = MemorySection::new();
                for (index, memory) in reader.clone().into_iter().enumerate() {
                    let memory = memory?;
                    let mut encoded = wasm_encoder::MemoryType {
                        minimum: memory.initial,
                        maximum: memory.maximum,
                        memory64: memory.memory64,
                        shared: memory.shared,
                        page_size_log2: memory.page_size_log2,
                    };
                    if index == 0 {
                        encoded.minimum = new_minimum;
                        // The guest keeps the headroom it declared for itself.
                        encoded.maximum = match memory.maximum {
                            Some(maximum) => Some(
                                maximum
                                    .checked_add(blob_pages)
                                    .filter(|&pages| pages <= MAX_PAGES_32)
                                    .ok_or_else(too_large)?,
                            ),
                            None => None,
                        };
                    }
                    memories.memory(encoded);
                }
                out.section(&memories);
            }
            Payload::DataCountSection { count, .. } => {
                out.section(&DataCountSection { count: count + 1 });
            }
            Payload::DataSection(reader) => {
                let mut data = DataSection::new();
                for segment in reader.clone() {
                    data.raw(&module[segment?.range]);
                }
                append_blob(&mut data, offset, blob);
                out.section(&data);
                data_written = true;
            }
            Payload::End(_) => {
                // No data section before: the data section is the last known
                // section, so it may come after everything (custom sections included).
                if !data_written {
                    let mut data = DataSection::new();
                    append_blob(&mut data, offset, blob);
                    out.section(&data);
                }
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    out.section(&RawSection {
                        id,
                        data: &module[range],
                    });
                }
            }
        }
    }
    Ok(Embedded {
        wasm: out.finish(),
        offset,
        len,
        pages,
    })
}

fn append_blob(data: &mut DataSection, offset: u32, blob: &[u8]) {
    // An i32.const offset is read as unsigned by the engine; the cast only reinterprets.
    data.active(
        0,
        &ConstExpr::i32_const(offset as i32),
        blob.iter().copied(),
    );
}

/// What the rewrite needs to know about the module before it changes anything.
struct Layout {
    /// Initial pages of memory 0.
    memory_minimum: u64,
}

fn inspect(module: &[u8]) -> Result<Layout, EmbedError> {
    let mut memory_minimum = None;
    let mut memory_exported = false;
    let mut use_fonts_exported = false;
    for payload in Parser::new(0).parse_all(module) {
        match payload? {
            Payload::Version {
                encoding: wasmparser::Encoding::Component,
                ..
            } => return Err(EmbedError::Component),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Memory(_)) {
                        return Err(EmbedError::ImportedMemory);
                    }
                }
            }
            Payload::MemorySection(reader) => {
                if let Some(memory) = reader.into_iter().next() {
                    let memory = memory?;
                    let default_pages = memory.page_size_log2.is_none_or(|log2| log2 == 16);
                    if memory.memory64 || !default_pages {
                        return Err(EmbedError::UnsupportedMemory);
                    }
                    memory_minimum = Some(memory.initial);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.name == "memory" {
                        memory_exported = export.kind == ExternalKind::Memory && export.index == 0;
                    }
                    if export.name == "use_fonts" {
                        use_fonts_exported = export.kind == ExternalKind::Func;
                    }
                }
            }
            _ => {}
        }
    }
    let memory_minimum = memory_minimum.ok_or(EmbedError::NoMemory)?;
    if !memory_exported {
        return Err(EmbedError::MemoryNotExported);
    }
    if !use_fonts_exported {
        return Err(EmbedError::NoUseFonts);
    }
    Ok(Layout { memory_minimum })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;
    use wasmtime::{Engine, Instance, Module, Store};

    fn blob_range(embedded: &Embedded) -> Range<usize> {
        embedded.offset as usize..embedded.offset as usize + embedded.len as usize
    }

    /// A module with 2 pages (one declared maximum of 5), one data segment, a
    /// DataCount section (passive segments need it) and a `grow` export.
    const WAT: &str = r#"
        (module
          (memory (export "memory") 2 5)
          (data (i32.const 16) "own data")
          (data $passive "p")
          (func (export "grow") (param i32) (result i32)
            (memory.grow (local.get 0)))
          (func (export "drop") (data.drop $passive))
          (func (export "use_fonts") (param i32 i32) (result i32) (i32.const 0)))
    "#;

    fn instantiate(wasm: &[u8]) -> (Store<()>, Instance) {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).expect("the rewritten module compiles");
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).expect("it instantiates");
        (store, instance)
    }

    #[test]
    fn the_blob_is_readable_past_the_old_minimum_and_the_memory_grew_by_its_pages() {
        let module = wat::parse_str(WAT).expect("valid WAT");
        // 1.5 pages: the minimum rises by 2.
        let blob: Vec<u8> = (0..98_304u32).map(|i| (i * 7 % 251) as u8).collect();
        let embedded = embed_blob(&module, &blob).expect("embeds");
        assert_eq!(
            (embedded.offset, embedded.len, embedded.pages),
            (131_072, 98_304, 2)
        );
        wasmparser::Validator::new()
            .validate_all(&embedded.wasm)
            .expect("the rewritten module validates");

        let (mut store, instance) = instantiate(&embedded.wasm);
        let memory = instance.get_memory(&mut store, "memory").expect("memory");
        assert_eq!(memory.size(&store), 4, "2 own pages + 2 for the blob");
        assert_eq!(
            memory.ty(&store).maximum(),
            Some(7),
            "the maximum keeps its headroom"
        );
        let data = memory.data(&store);
        assert_eq!(&data[blob_range(&embedded)], &blob[..]);
        assert_eq!(
            &data[16..24],
            b"own data",
            "the module's own segment is intact"
        );
        // The guest's allocator grows from the new size, past the blob.
        let grow = instance
            .get_typed_func::<i32, i32>(&mut store, "grow")
            .expect("grow");
        assert_eq!(grow.call(&mut store, 1).expect("grows"), 4);
        let drop = instance
            .get_typed_func::<(), ()>(&mut store, "drop")
            .expect("drop");
        drop.call(&mut store, ())
            .expect("the passive segment kept its index");
    }

    #[test]
    fn a_module_without_data_gets_a_data_section() {
        let module =
            wat::parse_str(r#"(module (memory (export "memory") 1) (@custom "c" "x") (func (export "use_fonts")))"#)
                .expect("valid WAT");
        let embedded = embed_blob(&module, b"fonts!").expect("embeds");
        wasmparser::Validator::new()
            .validate_all(&embedded.wasm)
            .expect("valid");
        let (mut store, instance) = instantiate(&embedded.wasm);
        let memory = instance.get_memory(&mut store, "memory").expect("memory");
        assert_eq!(memory.size(&store), 2);
        assert_eq!(&memory.data(&store)[65_536..65_542], b"fonts!");
    }

    #[test]
    fn modules_it_cannot_extend_are_refused() {
        let imported =
            wat::parse_str(r#"(module (import "env" "memory" (memory 1)))"#).expect("valid WAT");
        assert!(matches!(
            embed_blob(&imported, b"x"),
            Err(EmbedError::ImportedMemory)
        ));
        let unexported = wat::parse_str("(module (memory 1))").expect("valid WAT");
        assert!(matches!(
            embed_blob(&unexported, b"x"),
            Err(EmbedError::MemoryNotExported)
        ));
        let no_use_fonts =
            wat::parse_str(r#"(module (memory (export "memory") 1))"#).expect("valid WAT");
        assert!(matches!(
            embed_blob(&no_use_fonts, b"x"),
            Err(EmbedError::NoUseFonts)
        ));
        let near_limit = wat::parse_str(
            r#"(module (memory (export "memory") 65535) (func (export "use_fonts")))"#,
        )
        .expect("valid WAT");
        assert!(matches!(
            embed_blob(&near_limit, &vec![0; 2 * 65_536]),
            Err(EmbedError::TooLarge { .. })
        ));
        assert!(matches!(
            embed_blob(b"\0asm garbage", b"x"),
            Err(EmbedError::Parse(_))
        ));
    }
}
