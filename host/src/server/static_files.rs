//! The files served as they are: the browser page of `www/` and the example specs,
//! both embedded into the binary at build time (see `host/build_assets.rs`), and the
//! renderer module, which is the sandbox's own copy so that the browser runs exactly
//! the bytes the server runs.

use std::collections::HashMap;

use bytes::Bytes;
use sha2::{Digest, Sha256};

#[cfg(plotbox_server_assets)]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/server_assets.rs"));
}

/// Without the build step's list (a build script that does not call ours), the server
/// still runs, with the fallback page and no examples.
#[cfg(not(plotbox_server_assets))]
mod embedded {
    pub static WWW_FILES: &[(&str, &[u8])] = &[];
    pub static GOLDEN_SPECS: &[(&str, &[u8])] = &[];
}

/// URL path of the renderer module, where the wasm-bindgen glue looks for it.
pub const MODULE_URL: &str = "/pkg/renderer_wasm_bg.wasm";

/// Shown at `/` when the build had no `www/index.html`.
const FALLBACK_INDEX: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>plotbox</title></head>\n<body>\n<h1>plotbox</h1>\n<p>A plot renderer: send a JSON plot spec, get an SVG or PNG back.</p>\n<ul>\n<li><code>POST /render?format=svg|png&amp;scale=1..4</code> with the spec as the body</li>\n<li><code>GET /render?spec=&lt;url-encoded JSON&gt;&amp;format=png</code></li>\n<li><a href=\"/schema.json\">/schema.json</a>: the JSON Schema of the spec</li>\n<li><a href=\"/examples.json\">/examples.json</a>: example specs</li>\n<li><a href=\"/healthz\">/healthz</a>, <a href=\"/readyz\">/readyz</a>, <a href=\"/metrics\">/metrics</a></li>\n</ul>\n</body></html>\n";

/// One servable file.
#[derive(Clone)]
pub struct Asset {
    pub body: Bytes,
    pub content_type: &'static str,
    /// Strong `ETag`, from the contents, so browsers revalidate cheaply.
    pub etag: String,
}

impl Asset {
    /// `path`'s extension decides the content type.
    pub fn new(path: &str, body: Bytes) -> Self {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", hex(&digest[..16]));
        Asset {
            content_type: content_type(path),
            body,
            etag,
        }
    }
}

/// Every static file by URL path, built once at start-up.
pub struct StaticFiles {
    files: HashMap<String, Asset>,
}

impl StaticFiles {
    /// Indexes the embedded files; `module` is the renderer module the sandbox runs.
    pub fn new(module: Bytes) -> Self {
        let mut files: HashMap<String, Asset> = embedded::WWW_FILES
            .iter()
            .map(|(path, body)| {
                (
                    (*path).to_owned(),
                    Asset::new(path, Bytes::from_static(body)),
                )
            })
            .collect();
        if !files.contains_key("/index.html") {
            files.insert(
                "/index.html".to_owned(),
                Asset::new("/index.html", Bytes::from_static(FALLBACK_INDEX.as_bytes())),
            );
        }
        files.insert(MODULE_URL.to_owned(), Asset::new(MODULE_URL, module));
        let examples = examples_json();
        files.insert(
            "/examples.json".to_owned(),
            Asset::new("/examples.json", Bytes::from(examples)),
        );
        StaticFiles { files }
    }

    /// The file for a request path: `/` and folder paths mean their `index.html`.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        if path.ends_with('/') {
            return self.files.get(&format!("{path}index.html"));
        }
        self.files.get(path)
    }
}

/// `[{"name": ..., "spec": {...}}, ...]` of the golden specs, by name; a spec that is
/// not JSON is left out (the renderer's own tests catch it).
fn examples_json() -> Vec<u8> {
    let examples: Vec<serde_json::Value> = embedded::GOLDEN_SPECS
        .iter()
        .filter_map(|(name, spec)| {
            let spec: serde_json::Value = serde_json::from_slice(spec).ok()?;
            Some(serde_json::json!({ "name": name, "spec": spec }))
        })
        .collect();
    serde_json::to_vec(&examples).unwrap_or_else(|_| b"[]".to_vec())
}

fn content_type(path: &str) -> &'static str {
    // Operator font files keep their own names, whose extensions may be upper case.
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "ts" | "txt" => "text/plain; charset=utf-8",
        // RFC 8081's font types.
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "ttc" | "otc" => "font/collection",
        _ => "application/octet-stream",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_served_at_the_root_and_the_module_is_the_given_bytes() {
        static MODULE: &[u8] = b"\0asm\x01\0\0\0";
        let files = StaticFiles::new(Bytes::from_static(MODULE));
        let index = files.get("/").map(|a| a.content_type);
        assert_eq!(index, Some("text/html; charset=utf-8"));
        let module = files
            .get(MODULE_URL)
            .map(|a| (a.content_type, a.body.clone()));
        assert_eq!(
            module,
            Some(("application/wasm", Bytes::from_static(MODULE)))
        );
        assert!(files.get("/nope.js").is_none());
    }

    #[test]
    fn font_files_get_rfc_8081_types_whatever_the_case_of_their_extension() {
        for (name, want) in [
            ("a.ttf", "font/ttf"),
            ("b.OTF", "font/otf"),
            ("wqy-microhei.ttc", "font/collection"),
            ("c.Otc", "font/collection"),
            ("no-extension", "application/octet-stream"),
        ] {
            assert_eq!(Asset::new(name, Bytes::new()).content_type, want, "{name}");
        }
    }

    #[test]
    fn examples_are_a_json_array_of_named_specs() {
        let files = StaticFiles::new(Bytes::new());
        let examples = files.get("/examples.json").map(|a| a.body.clone());
        let parsed: serde_json::Value =
            serde_json::from_slice(&examples.unwrap_or_default()).unwrap_or_default();
        let list = parsed.as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), embedded::GOLDEN_SPECS.len());
        for item in list {
            assert!(
                item["name"].is_string() && item["spec"].is_object(),
                "{item}"
            );
        }
    }
}
