//! The fonts a render may use: the embedded DejaVu Sans and the operator's fonts.
//!
//! Operator fonts are trusted configuration (`plotbox --font-dir`), never spec input,
//! but the module still reads them defensively: the host hands them in as one blob
//! ([`encode_blob`] / [`decode_blob`]) and the browser one file at a time. The module
//! never opens a file itself.
//!
//! A [`FontLibrary`] numbers its faces with [`FontKey`]s (0 is DejaVu Sans, then the
//! operator faces in the order given) and groups them into families by name, which is
//! what `font.family` and a text's `fontfamily` select (see [`FontLibrary::family`]).
//! Which face draws a character is decided in [`crate::text`]: the chosen family, then
//! every operator face, then DejaVu Sans.

use std::sync::{Arc, OnceLock};

use crate::text::{self, Font, FontKey};

/// What can be wrong with a font file or a font blob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    #[error("not a TrueType, OpenType or collection font file")]
    NotAFont,
    #[error("the font does not parse (face {index})")]
    BrokenFace { index: u32 },
    #[error("the font has no family name")]
    NoFamilyName,
    #[error("the font has no Unicode character map")]
    NoCharacterMap,
    #[error("the font blob is malformed: {0}")]
    Blob(&'static str),
}

/// One face of a font file, as [`describe`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceInfo {
    /// The typographic family name (name ID 16), else the family name (name ID 1).
    pub family: String,
    /// The subfamily (`Regular`, `Bold`, ...), when the font names one.
    pub style: Option<String>,
    /// The face's index in its file (0 unless the file is a collection).
    pub index: u32,
}

/// The faces of one font file, with their family names: what the host checks at
/// start-up, so that a broken file fails there with its name and never at render time.
pub fn describe(data: &[u8]) -> Result<Vec<FaceInfo>, FontError> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if count == 0 {
        return Err(FontError::NotAFont);
    }
    (0..count)
        .map(|index| {
            let face = ttf_parser::Face::parse(data, index).map_err(|error| match error {
                ttf_parser::FaceParsingError::UnknownMagic if count == 1 => FontError::NotAFont,
                _ => FontError::BrokenFace { index },
            })?;
            let has_unicode_map = face.tables().cmap.is_some_and(|cmap| {
                cmap.subtables
                    .into_iter()
                    .any(|subtable| subtable.is_unicode())
            });
            if !has_unicode_map {
                return Err(FontError::NoCharacterMap);
            }
            let family = name(&face, ttf_parser::name_id::TYPOGRAPHIC_FAMILY)
                .or_else(|| name(&face, ttf_parser::name_id::FAMILY))
                .ok_or(FontError::NoFamilyName)?;
            let style = name(&face, ttf_parser::name_id::TYPOGRAPHIC_SUBFAMILY)
                .or_else(|| name(&face, ttf_parser::name_id::SUBFAMILY));
            Ok(FaceInfo {
                family,
                style,
                index,
            })
        })
        .collect()
}

/// A name of the face in English where it has one, else its first readable one.
fn name(face: &ttf_parser::Face<'_>, id: u16) -> Option<String> {
    let names: Vec<_> = face
        .names()
        .into_iter()
        .filter(|name| name.name_id == id)
        .collect();
    let english = names
        .iter()
        .filter(|name| name.language() == ttf_parser::Language::English_UnitedStates)
        .find_map(|name| name.to_string());
    english
        .or_else(|| names.iter().find_map(|name| name.to_string()))
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

/// A family of faces the spec can name.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: String,
    /// Its faces, first the one that draws (a family's regular face comes first
    /// where the font says which is regular).
    pub faces: Vec<FontKey>,
}

/// Which family a text asks for: an index into [`FontLibrary::families`]. The default,
/// 0, is DejaVu Sans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FamilyId(pub u16);

/// The fonts of one render.
///
/// Operator fonts are parsed on first need, not when the library is made: a render
/// whose text DejaVu Sans covers never touches them, which keeps a sandboxed render
/// (a fresh instance each time) as cheap with a font directory as without.
pub struct FontLibrary {
    /// Tells libraries apart in the shaping caches, which outlive one render.
    id: u64,
    /// [`FontKey`] 0.
    dejavu: Font<'static>,
    files: Vec<&'static [u8]>,
    operator: OnceLock<OperatorFonts>,
}

/// The parsed operator fonts and every family.
struct OperatorFonts {
    /// Indexed by [`FontKey`] − 1.
    faces: Vec<Font<'static>>,
    /// DejaVu Sans first.
    families: Vec<Family>,
    /// The first file that did not parse; then no operator font is used at all.
    error: Option<(usize, FontError)>,
}

/// Names that select the embedded DejaVu Sans (matplotlib's default `sans-serif`
/// resolves to it).
const DEFAULT_FAMILY_NAMES: [&str; 2] = ["DejaVu Sans", "sans-serif"];

fn dejavu_family() -> Family {
    Family {
        name: DEFAULT_FAMILY_NAMES[0].to_owned(),
        faces: vec![text::EMBEDDED],
    }
}

impl OperatorFonts {
    fn parse(files: &[&'static [u8]]) -> OperatorFonts {
        let mut fonts = OperatorFonts {
            faces: Vec::new(),
            families: vec![dejavu_family()],
            error: None,
        };
        for (file_index, data) in files.iter().enumerate() {
            if let Err(error) = fonts.add_file(data) {
                return OperatorFonts {
                    faces: Vec::new(),
                    families: vec![dejavu_family()],
                    error: Some((file_index, error)),
                };
            }
        }
        fonts
    }

    fn add_file(&mut self, data: &'static [u8]) -> Result<(), FontError> {
        for face in describe(data)? {
            let key = FontKey(self.faces.len() as u32 + 1);
            let font = Font::parse(key, data, face.index)
                .ok_or(FontError::BrokenFace { index: face.index })?;
            self.faces.push(font);
            let regular = face
                .style
                .as_deref()
                .is_none_or(|style| style.eq_ignore_ascii_case("regular"));
            match self
                .families
                .iter_mut()
                .find(|family| family.name.eq_ignore_ascii_case(&face.family))
            {
                // An operator's "DejaVu Sans" joins the embedded one, after it.
                Some(family) if regular && family.faces[0] != text::EMBEDDED => {
                    family.faces.insert(0, key)
                }
                Some(family) => family.faces.push(key),
                None => self.families.push(Family {
                    name: face.family,
                    faces: vec![key],
                }),
            }
        }
        Ok(())
    }
}

impl FontLibrary {
    /// Only the embedded DejaVu Sans.
    pub fn embedded_only() -> Arc<FontLibrary> {
        static LIBRARY: OnceLock<Arc<FontLibrary>> = OnceLock::new();
        Arc::clone(LIBRARY.get_or_init(|| Arc::new(FontLibrary::lazy(Vec::new()))))
    }

    /// DejaVu Sans and the faces of `files` (whole font files, collections too), in
    /// that order, parsed on first need. For files already checked (the host checks
    /// its font directory at start-up with [`describe`]); a file that fails anyway
    /// leaves the library with DejaVu Sans alone.
    pub fn lazy(files: Vec<&'static [u8]>) -> FontLibrary {
        FontLibrary {
            id: next_library_id(),
            dejavu: text::dejavu(),
            files,
            operator: OnceLock::new(),
        }
    }

    /// Like [`FontLibrary::lazy`], but parsed now: a file that [`describe`] refuses is
    /// an error with its index.
    pub fn with_files(files: &[&'static [u8]]) -> Result<FontLibrary, (usize, FontError)> {
        let library = FontLibrary::lazy(files.to_vec());
        match &library.operator().error {
            Some(error) => Err(error.clone()),
            None => Ok(library),
        }
    }

    fn operator(&self) -> &OperatorFonts {
        self.operator
            .get_or_init(|| OperatorFonts::parse(&self.files))
    }

    /// Unique among the libraries of this process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The families, DejaVu Sans first.
    pub fn families(&self) -> &[Family] {
        &self.operator().families
    }

    /// The family a spec names (case-insensitive, as matplotlib's font manager).
    /// `sans-serif` is DejaVu Sans.
    pub fn family(&self, name: &str) -> Option<FamilyId> {
        if DEFAULT_FAMILY_NAMES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
        {
            return Some(FamilyId(0));
        }
        self.families()
            .iter()
            .position(|family| family.name.eq_ignore_ascii_case(name))
            .and_then(|index| u16::try_from(index).ok())
            .map(FamilyId)
    }

    /// The names a spec may use, for error messages.
    pub fn family_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.families().iter().map(|f| f.name.as_str()).collect();
        names.insert(1, DEFAULT_FAMILY_NAMES[1]);
        names
    }

    /// The face a key names; DejaVu Sans for a key of another library.
    pub fn font(&self, key: FontKey) -> &Font<'static> {
        if key == text::EMBEDDED {
            return &self.dejavu;
        }
        (key.0 as usize)
            .checked_sub(1)
            .and_then(|index| self.operator().faces.get(index))
            .unwrap_or(&self.dejavu)
    }

    /// The face that draws a text in `family` where it has the characters. DejaVu
    /// Sans's family starts with DejaVu Sans, so asking for it parses nothing.
    pub fn first_font(&self, family: FamilyId) -> FontKey {
        if family == FamilyId::default() {
            return text::EMBEDDED;
        }
        self.families()
            .get(usize::from(family.0))
            .and_then(|family| family.faces.first().copied())
            .unwrap_or(text::EMBEDDED)
    }

    /// The faces to try for a character of a text in `family`, in order: the family's
    /// faces, then every operator face, then DejaVu Sans.
    pub fn fallback_chain(&self, family: FamilyId) -> Vec<FontKey> {
        let operator = self.operator();
        let chosen = operator
            .families
            .get(usize::from(family.0))
            .map_or(&[][..], |family| family.faces.as_slice());
        let mut chain: Vec<FontKey> = chosen.to_vec();
        for key in (1..=operator.faces.len() as u32).map(FontKey) {
            if !chain.contains(&key) {
                chain.push(key);
            }
        }
        if !chain.contains(&text::EMBEDDED) {
            chain.push(text::EMBEDDED);
        }
        chain
    }

    /// The operator's font files, in key order.
    pub fn files(&self) -> &[&'static [u8]] {
        &self.files
    }
}

fn next_library_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The blob's first bytes.
const BLOB_MAGIC: &[u8; 8] = b"PBFONTS1";

/// Packs font files into the one blob the host hands into the sandbox: the magic, a
/// `u32` count, then per file its offset and length (`u32`, little-endian, from the
/// blob's start), then the files, each at a multiple of 4 bytes.
pub fn encode_blob(files: &[&[u8]]) -> Vec<u8> {
    let header = BLOB_MAGIC.len() + 4 + files.len() * 8;
    let mut offsets = Vec::with_capacity(files.len());
    let mut at = header.next_multiple_of(4);
    for file in files {
        offsets.push((at, file.len()));
        at = (at + file.len()).next_multiple_of(4);
    }
    let mut blob = Vec::with_capacity(at);
    blob.extend_from_slice(BLOB_MAGIC);
    blob.extend_from_slice(&(files.len() as u32).to_le_bytes());
    for (offset, len) in &offsets {
        blob.extend_from_slice(&(*offset as u32).to_le_bytes());
        blob.extend_from_slice(&(*len as u32).to_le_bytes());
    }
    for ((offset, _), file) in offsets.iter().zip(files) {
        blob.resize(*offset, 0);
        blob.extend_from_slice(file);
    }
    blob.resize(at, 0);
    blob
}

/// The font files of a blob made by [`encode_blob`].
pub fn decode_blob(blob: &[u8]) -> Result<Vec<&[u8]>, FontError> {
    let word = |at: usize| -> Result<usize, FontError> {
        blob.get(at..at + 4)
            .and_then(|bytes| bytes.try_into().ok())
            .map(|bytes| u32::from_le_bytes(bytes) as usize)
            .ok_or(FontError::Blob("truncated header"))
    };
    if !blob.starts_with(BLOB_MAGIC) {
        return Err(FontError::Blob("wrong magic"));
    }
    let count = word(BLOB_MAGIC.len())?;
    (0..count)
        .map(|index| {
            let entry = BLOB_MAGIC.len() + 4 + index * 8;
            let (offset, len) = (word(entry)?, word(entry + 4)?);
            offset
                .checked_add(len)
                .and_then(|end| blob.get(offset..end))
                .ok_or(FontError::Blob("a file lies outside the blob"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_gives_back_its_files() {
        let files: [&[u8]; 3] = [b"abc", b"", b"defgh"];
        let blob = encode_blob(&files);
        assert_eq!(decode_blob(&blob).unwrap(), files.to_vec());
        assert_eq!(blob.len() % 4, 0);
    }

    #[test]
    fn a_damaged_blob_is_an_error_not_a_panic() {
        let blob = encode_blob(&[b"abcdefgh"]);
        for cut in 0..blob.len() {
            let _ = decode_blob(&blob[..cut]);
        }
        assert!(decode_blob(&blob[..20]).is_err());
        assert_eq!(
            decode_blob(b"nonsense"),
            Err(FontError::Blob("wrong magic"))
        );
    }

    #[test]
    fn the_embedded_font_describes_itself() {
        let faces = describe(dejavu::sans::regular()).unwrap();
        assert_eq!(faces.len(), 1);
        assert_eq!(faces[0].family, "DejaVu Sans");
    }

    #[test]
    fn garbage_is_not_a_font() {
        assert_eq!(describe(b"this is no font"), Err(FontError::NotAFont));
        assert!(describe(&dejavu::sans::regular()[..4000]).is_err());
    }

    #[test]
    fn a_lazy_library_parses_its_fonts_only_for_a_character_dejavu_lacks() {
        // Garbage shows whether parsing happened: it cannot parse.
        let library = Arc::new(FontLibrary::lazy(vec![b"not a font".as_slice()]));
        text::with_library(&library, || {
            text::shape("Latin, ffi ligatures and Ελληνικά", 12.0);
            assert!(
                library.operator.get().is_none(),
                "parsed for text DejaVu has"
            );
            let shaped = text::shape("温", 12.0);
            assert!(library.operator.get().is_some());
            // The broken file is left out: the character is DejaVu's box.
            assert_eq!(shaped.font, text::EMBEDDED);
            assert_eq!(shaped.glyphs[0].id.0, 0);
        });
    }

    #[test]
    fn family_names_match_without_case() {
        let library = FontLibrary::embedded_only();
        assert_eq!(library.family("dejavu sans"), Some(FamilyId(0)));
        assert_eq!(library.family("Sans-Serif"), Some(FamilyId(0)));
        assert_eq!(library.family("Comic Sans"), None);
    }
}
