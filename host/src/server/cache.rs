//! Entity tags and the in-memory cache of rendered pictures.
//!
//! A render is a pure function of (module and operator fonts, spec bytes, format,
//! scale), so one SHA-256 over those names a picture: it is the `ETag`, which lets clients revalidate with
//! `If-None-Match` at no cost, and the key of a small LRU cache, so that a dashboard
//! reloading the same charts costs no renders.

use std::sync::Mutex;

use bytes::Bytes;
use hyper::header::HeaderValue;
use lru::LruCache;
use renderer_wasm::Format;
use sha2::{Digest, Sha256};

/// The identity of one rendered picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderKey([u8; 32]);

impl RenderKey {
    /// `render_identity`: the hash of the module and the fonts
    /// ([`super::Renderer::render_identity`]).
    pub fn new(render_identity: &str, spec: &[u8], format: Format) -> Self {
        let mut hash = Sha256::new();
        hash.update(render_identity.as_bytes());
        // Field separators that cannot occur in a hex digest or a format tag keep
        // distinct inputs from hashing the same byte stream.
        hash.update(b"\0");
        match format {
            Format::Svg => hash.update(b"svg"),
            Format::Png { scale } => {
                hash.update(b"png");
                hash.update(scale.to_bits().to_le_bytes());
            }
            Format::Pdf => hash.update(b"pdf"),
        }
        hash.update(b"\0");
        hash.update(spec);
        RenderKey(hash.finalize().into())
    }

    /// The strong `ETag` header value: a quoted hex string.
    pub fn etag(&self) -> String {
        let mut tag = String::with_capacity(2 + 32);
        tag.push('"');
        // Half the digest is plenty to tell pictures apart and keeps headers short.
        for byte in &self.0[..16] {
            tag.push(char::from(HEX[usize::from(byte >> 4)]));
            tag.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        tag.push('"');
        tag
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether an `If-None-Match` header value matches `etag` (RFC 9110 §13.1.2: a list
/// of tags or `*`, compared weakly, so `W/"x"` matches `"x"`).
pub fn if_none_match_matches(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|candidate| {
        candidate == "*" || candidate.strip_prefix("W/").unwrap_or(candidate) == etag
    })
}

/// A rendered picture with its `X-Plotbox-Warnings` header (absent when the render
/// had none): a cache hit must answer exactly what the render answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cached {
    pub picture: Bytes,
    pub warnings: Option<HeaderValue>,
}

impl Cached {
    fn size(&self) -> usize {
        self.picture.len() + self.warnings.as_ref().map_or(0, HeaderValue::len)
    }
}

/// A byte-budgeted LRU of rendered pictures (bytes, not a count, because pictures
/// range from a few kB to megabytes); a budget of 0 disables it.
pub struct RenderCache {
    budget: usize,
    inner: Mutex<CacheInner>,
}

struct CacheInner {
    entries: LruCache<RenderKey, Cached>,
    bytes: usize,
}

impl RenderCache {
    pub fn new(budget_bytes: usize) -> Self {
        RenderCache {
            budget: budget_bytes,
            inner: Mutex::new(CacheInner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    pub fn get(&self, key: &RenderKey) -> Option<Cached> {
        if self.budget == 0 {
            return None;
        }
        let mut inner = self.inner.lock().ok()?;
        inner.entries.get(key).cloned()
    }

    /// Keeps a picture, evicting the least recently used ones to stay in budget.
    /// Pictures over an eighth of the budget are not kept: one huge PNG should not
    /// flush a dashboard's worth of small ones.
    pub fn insert(&self, key: RenderKey, entry: Cached) {
        let added = entry.size();
        if added > self.budget / 8 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(old) = inner.entries.put(key, entry) {
            inner.bytes -= old.size();
        }
        inner.bytes += added;
        while inner.bytes > self.budget {
            match inner.entries.pop_lru() {
                Some((_, evicted)) => inner.bytes -= evicted.size(),
                None => break,
            }
        }
    }

    /// (bytes held, entries held), for `/metrics`.
    pub fn usage(&self) -> (usize, usize) {
        self.inner
            .lock()
            .map(|inner| (inner.bytes, inner.entries.len()))
            .unwrap_or((0, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = "ab";

    fn picture(bytes: Vec<u8>) -> Cached {
        Cached {
            picture: Bytes::from(bytes),
            warnings: None,
        }
    }

    #[test]
    fn etag_depends_on_every_input() {
        let base = RenderKey::new(MODULE, b"{}", Format::Svg);
        assert_eq!(base, RenderKey::new(MODULE, b"{}", Format::Svg));
        assert_ne!(base, RenderKey::new("cd", b"{}", Format::Svg));
        assert_ne!(base, RenderKey::new(MODULE, b"{ }", Format::Svg));
        assert_ne!(
            base,
            RenderKey::new(MODULE, b"{}", Format::Png { scale: 1.0 })
        );
        assert_ne!(
            RenderKey::new(MODULE, b"{}", Format::Png { scale: 1.0 }),
            RenderKey::new(MODULE, b"{}", Format::Png { scale: 2.0 })
        );
        assert_ne!(base, RenderKey::new(MODULE, b"{}", Format::Pdf));
        assert_ne!(
            RenderKey::new(MODULE, b"{}", Format::Pdf),
            RenderKey::new(MODULE, b"{}", Format::Png { scale: 1.0 })
        );
        let tag = base.etag();
        assert_eq!(tag.len(), 34);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        assert!(if_none_match_matches(r#""abc""#, r#""abc""#));
        assert!(if_none_match_matches(r#""x", W/"abc""#, r#""abc""#));
        assert!(if_none_match_matches("*", r#""abc""#));
        assert!(!if_none_match_matches(r#""abd""#, r#""abc""#));
        assert!(!if_none_match_matches("", r#""abc""#));
    }

    #[test]
    fn evicts_least_recently_used_to_stay_in_budget() {
        let cache = RenderCache::new(800);
        let key = |i: u8| RenderKey::new(MODULE, &[i], Format::Svg);
        for i in 0..8 {
            cache.insert(key(i), picture(vec![i; 100]));
        }
        assert_eq!(cache.usage(), (800, 8));
        assert!(cache.get(&key(0)).is_some());
        cache.insert(key(8), picture(vec![8; 100]));
        assert_eq!(cache.usage(), (800, 8));
        assert!(cache.get(&key(1)).is_none(), "1 was least recently used");
        assert_eq!(
            cache.get(&key(0)).map(|entry| entry.picture),
            Some(Bytes::from_static(&[0u8; 100]))
        );
    }

    #[test]
    fn keeps_warnings_with_the_picture_and_counts_them_in_the_budget() {
        let cache = RenderCache::new(800);
        let key = RenderKey::new(MODULE, b"w", Format::Svg);
        let header = r#"["no font has U+6E29"]"#;
        let warned = Cached {
            picture: Bytes::from(vec![1; 60]),
            warnings: Some(HeaderValue::from_static(header)),
        };
        cache.insert(key, warned.clone());
        assert_eq!(cache.get(&key), Some(warned));
        assert_eq!(cache.usage(), (60 + header.len(), 1));
    }

    #[test]
    fn skips_pictures_too_big_for_the_budget_and_zero_disables() {
        let cache = RenderCache::new(800);
        let key = RenderKey::new(MODULE, b"big", Format::Svg);
        cache.insert(key, picture(vec![0; 101]));
        assert!(cache.get(&key).is_none());
        let off = RenderCache::new(0);
        off.insert(key, picture(Vec::new()));
        assert!(off.get(&key).is_none());
    }
}
