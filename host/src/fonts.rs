//! Operator fonts (`--font-dir`): the font files of one directory, each checked at
//! start-up with the module's own parser, packed into the one blob the module reads
//! (`renderer_wasm::fonts::encode_blob`), and listed by family for `GET /fonts`.
//!
//! The directory is read once and not recursively: the operator decides exactly which
//! files every sandbox maps (pointing at `/usr/share/fonts` would otherwise pull in
//! every system font). Files are taken in file-name order, so the fallback order and
//! the blob's bytes (and with them the `ETag`s) do not depend on the directory's order.

use std::path::{Path, PathBuf};

use renderer_wasm::fonts::{describe, encode_blob, FaceInfo, FontError};

/// Extensions of the files `--font-dir` loads (compared without case).
pub const FONT_EXTENSIONS: [&str; 4] = ["ttf", "otf", "ttc", "otc"];

/// Most bytes of fonts a sandbox maps. Far above any real font set (a complete CJK
/// collection is ~20–60 MB), well below wasm32's 4 GiB, which the render needs too.
pub const MAX_FONT_BYTES: usize = 1 << 30;

/// Why `--font-dir` cannot be used. Every variant names the directory or the file.
#[derive(Debug, thiserror::Error)]
pub enum FontDirError {
    #[error("cannot read the font directory {}: {reason}", .path.display())]
    ReadDir {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error(
        "the font directory {} holds no font files (*.ttf, *.otf, *.ttc, *.otc; \
         subdirectories are not searched)",
        .path.display()
    )]
    Empty { path: PathBuf },
    #[error("cannot read the font file {}: {reason}", .path.display())]
    ReadFile {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("the font file {} is unusable: {reason}", .path.display())]
    Broken { path: PathBuf, reason: FontError },
    #[error("the font files add up to {bytes} bytes, more than the limit of {MAX_FONT_BYTES}")]
    TooLarge { bytes: usize },
}

/// One font file of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontFile {
    /// The file's name (no directory), as `GET /fonts` shows it.
    pub name: String,
    /// Its size in bytes.
    pub bytes: usize,
    /// Its faces, as the module's parser sees them.
    pub faces: Vec<FaceInfo>,
}

/// The operator's fonts: what they are ([`FontCatalog`]) and the blob the sandbox maps.
#[derive(Clone, PartialEq, Eq)]
pub struct FontSet {
    catalog: FontCatalog,
    blob: Vec<u8>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The blob is megabytes of binary; its hash identifies it.
        f.debug_struct("FontSet")
            .field("catalog", &self.catalog)
            .field("blob_len", &self.blob.len())
            .finish()
    }
}

/// What a [`FontSet`] holds, without the font bytes: kept for the process's lifetime
/// (`GET /fonts`, the `ETag`s) after the blob has gone into the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontCatalog {
    /// The files, in the order the module numbers their faces.
    pub files: Vec<FontFile>,
    /// Lowercase hex SHA-256 of the blob.
    pub sha256: String,
    /// The blob's length in bytes.
    pub blob_len: usize,
}

impl FontSet {
    /// Loads and checks every font file of `dir` (see the module docs).
    pub fn load_dir(dir: &Path) -> Result<FontSet, FontDirError> {
        let read_dir_error = |reason| FontDirError::ReadDir {
            path: dir.to_owned(),
            reason,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_dir_error)? {
            let path = entry.map_err(read_dir_error)?.path();
            let is_font = path
                .extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| FONT_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)));
            // `is_file` follows symlinks, so a linked font counts.
            if is_font && path.is_file() {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(FontDirError::Empty {
                path: dir.to_owned(),
            });
        }
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let mut files = Vec::with_capacity(paths.len());
        let mut total = 0usize;
        for path in paths {
            let data = std::fs::read(&path).map_err(|reason| FontDirError::ReadFile {
                path: path.clone(),
                reason,
            })?;
            total = total.saturating_add(data.len());
            if total > MAX_FONT_BYTES {
                return Err(FontDirError::TooLarge { bytes: total });
            }
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((path, name, data));
        }
        FontSet::from_named_files(files)
    }

    /// A set of font files given as (path for messages, name, bytes), in that order.
    pub fn from_named_files(
        files: Vec<(PathBuf, String, Vec<u8>)>,
    ) -> Result<FontSet, FontDirError> {
        let mut described = Vec::with_capacity(files.len());
        for (path, name, data) in &files {
            let faces = describe(data).map_err(|reason| FontDirError::Broken {
                path: path.clone(),
                reason,
            })?;
            described.push(FontFile {
                name: name.clone(),
                bytes: data.len(),
                faces,
            });
        }
        let slices: Vec<&[u8]> = files.iter().map(|(_, _, data)| data.as_slice()).collect();
        let blob = encode_blob(&slices);
        drop(files);
        let sha256 = crate::runtime::sha256_hex(&blob);
        Ok(FontSet {
            catalog: FontCatalog {
                files: described,
                sha256,
                blob_len: blob.len(),
            },
            blob,
        })
    }

    pub fn catalog(&self) -> &FontCatalog {
        &self.catalog
    }

    /// The blob the module reads (`renderer_wasm::fonts::decode_blob`).
    pub fn blob(&self) -> &[u8] {
        &self.blob
    }

    pub(crate) fn into_parts(self) -> (FontCatalog, Vec<u8>) {
        (self.catalog, self.blob)
    }
}

/// One family a spec can name, as `GET /fonts` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FamilyListing {
    /// The name `font.family` and `fontfamily` take (matched without case).
    pub name: String,
    /// `embedded` (DejaVu Sans, built into the module) or `operator` (`--font-dir`).
    pub source: &'static str,
    /// The operator files with faces of this family (empty for the embedded font).
    pub files: Vec<String>,
    /// The faces' styles (`Regular`, `Bold`, ...), in file order.
    pub styles: Vec<String>,
}

/// The families of the embedded font and of `catalog`, grouped as the module groups
/// them (`renderer_wasm::fonts::FontLibrary::with_files`): by name without case, the
/// embedded DejaVu Sans first, the operator's in the order of their first face. An
/// operator file of family "DejaVu Sans" joins the embedded family.
pub fn families(catalog: Option<&FontCatalog>) -> Vec<FamilyListing> {
    let (embedded_data, _) = renderer_wasm::text::embedded().data();
    let embedded_styles = describe(embedded_data)
        .map(|faces| faces.into_iter().filter_map(|face| face.style).collect())
        .unwrap_or_default();
    let mut listing = vec![FamilyListing {
        name: "DejaVu Sans".to_owned(),
        source: "embedded",
        files: Vec::new(),
        styles: embedded_styles,
    }];
    for file in catalog.map_or(&[][..], |catalog| catalog.files.as_slice()) {
        for face in &file.faces {
            let index = match listing
                .iter()
                .position(|family| family.name.eq_ignore_ascii_case(&face.family))
            {
                Some(index) => index,
                None => {
                    listing.push(FamilyListing {
                        name: face.family.clone(),
                        source: "operator",
                        files: Vec::new(),
                        styles: Vec::new(),
                    });
                    listing.len() - 1
                }
            };
            let family = &mut listing[index];
            if !family.files.contains(&file.name) {
                family.files.push(file.name.clone());
            }
            if let Some(style) = &face.style {
                if !family.styles.contains(style) {
                    family.styles.push(style.clone());
                }
            }
        }
    }
    listing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("plotbox-host-fonts-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn dejavu_bytes() -> &'static [u8] {
        renderer_wasm::text::embedded().data().0
    }

    #[test]
    fn loads_font_files_in_name_order_and_skips_other_files() {
        let dir = scratch("order");
        std::fs::write(dir.join("b.TTF"), dejavu_bytes()).expect("write");
        std::fs::write(dir.join("a.ttf"), dejavu_bytes()).expect("write");
        std::fs::write(dir.join("notes.txt"), "not a font").expect("write");
        std::fs::create_dir(dir.join("sub.ttf")).expect("a directory named like a font");
        let set = FontSet::load_dir(&dir).expect("loads");
        let names: Vec<&str> = set
            .catalog()
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["a.ttf", "b.TTF"]);
        let blob_files = renderer_wasm::fonts::decode_blob(set.blob()).expect("a valid blob");
        assert_eq!(blob_files, [dejavu_bytes(), dejavu_bytes()]);
        assert_eq!(set.catalog().sha256, crate::runtime::sha256_hex(set.blob()));
        // An operator DejaVu Sans joins the embedded family.
        let listing = families(Some(set.catalog()));
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].files, ["a.ttf", "b.TTF"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_broken_file_is_named_and_an_empty_dir_is_an_error() {
        let dir = scratch("broken");
        assert!(matches!(
            FontSet::load_dir(&dir),
            Err(FontDirError::Empty { .. })
        ));
        std::fs::write(dir.join("good.ttf"), dejavu_bytes()).expect("write");
        std::fs::write(dir.join("zz-broken.otf"), &dejavu_bytes()[..3000]).expect("write");
        let error = FontSet::load_dir(&dir).expect_err("the broken file fails");
        assert!(
            error.to_string().contains("zz-broken.otf"),
            "the message names the file: {error}"
        );
        assert!(matches!(
            FontSet::load_dir(&dir.join("missing")),
            Err(FontDirError::ReadDir { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn without_operator_fonts_only_dejavu_is_listed() {
        let listing = families(None);
        assert_eq!(listing.len(), 1);
        assert_eq!(listing[0].name, "DejaVu Sans");
        assert_eq!(listing[0].source, "embedded");
        assert!(!listing[0].styles.is_empty());
    }
}
