//! Cross-origin access (`--cors-origin`): which pages on other origins may `fetch`
//! from the server, and the preflight `OPTIONS` that browsers send before a POST of
//! JSON.
//!
//! Off by default: without the flag no `Access-Control-*` header is sent and `OPTIONS`
//! is not a method of any route (405), as before. `<img src>` needs none of this; a
//! script's `fetch` does.

use hyper::header::{self, HeaderMap, HeaderValue};

/// How long a browser may reuse a preflight's answer, in seconds. Chromium caps it at
/// two hours, so a longer value would only be honoured by some browsers.
const MAX_AGE_S: &str = "7200";

/// Request headers a page may send beyond the CORS-safelisted ones: `Content-Type`
/// for `application/json`, `If-None-Match` for revalidation, `X-Request-Id` for
/// tracing; `Accept` picks the format and is listed because some values of it are
/// not safelisted.
const ALLOW_HEADERS: &str = "Content-Type, Accept, If-None-Match, X-Request-Id";

/// Response headers a script may read beyond the safelisted ones (`Content-Type`,
/// `Cache-Control`, ...): the picture's tag, its warnings, whether the cache answered,
/// the request id, the back-off after a 503 and the module's hash.
const EXPOSE_HEADERS: &str =
    "ETag, Retry-After, X-Plotbox-Warnings, X-Plotbox-Cache, X-Request-Id, X-Plotbox-Module-Sha256";

/// The origins `--cors-origin` allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// `*`: any page. Nothing in the answer depends on the origin then.
    Any,
    /// These origins exactly (`scheme://host[:port]`, lowercase), in the order given.
    List(Vec<String>),
}

/// Why a `--cors-origin` value was refused (shown by clap as a usage error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorsOriginError {
    #[error("it is empty; give `*` or a comma-separated list of origins")]
    Empty,
    #[error("`*` allows every origin and cannot be combined with others")]
    StarInList,
    #[error(
        "{0:?} is not an origin: write scheme://host[:port], e.g. https://example.com, \
         without a path or a trailing slash"
    )]
    NotAnOrigin(String),
}

impl std::str::FromStr for CorsOrigins {
    type Err = CorsOriginError;

    /// `*`, or origins separated by commas (spaces around them are ignored).
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        match parts.as_slice() {
            [] => Err(CorsOriginError::Empty),
            ["*"] => Ok(CorsOrigins::Any),
            _ if parts.contains(&"*") => Err(CorsOriginError::StarInList),
            _ => parts
                .iter()
                .map(|part| normalize_origin(part))
                .collect::<Result<Vec<_>, _>>()
                .map(CorsOrigins::List),
        }
    }
}

/// An origin as a browser serializes it in the `Origin` header: a scheme, `://`, a
/// host and an optional port, nothing after. Scheme and host are case-insensitive,
/// and browsers send them lowercase, so the configured ones are lowercased to match.
fn normalize_origin(text: &str) -> Result<String, CorsOriginError> {
    let refuse = || CorsOriginError::NotAnOrigin(text.to_owned());
    let (scheme, authority) = text.split_once("://").ok_or_else(refuse)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    let (host, port) = match authority.rsplit_once(':') {
        // A bracketed IPv6 address has colons of its own; its port follows `]`.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok());
    if scheme_ok && host_ok && port_ok {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(refuse())
    }
}

/// The policy the server applies to every response when `--cors-origin` is given.
#[derive(Debug, Clone)]
pub struct Cors {
    origins: CorsOrigins,
}

impl Cors {
    pub fn new(origins: CorsOrigins) -> Self {
        Cors { origins }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or `None`
    /// when that origin is not allowed (or the request names none).
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match &self.origins {
            CorsOrigins::Any => Some(HeaderValue::from_static("*")),
            CorsOrigins::List(allowed) => {
                let origin = origin?;
                let text = origin.to_str().ok()?;
                allowed
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(text))
                    .then(|| origin.clone())
            }
        }
    }

    /// Whether a request from `origin` may read responses.
    pub fn allows(&self, origin: Option<&HeaderValue>) -> bool {
        origin.is_some() && self.allow_origin(origin).is_some()
    }

    /// Adds the headers every response gets: the allowed origin and the readable
    /// headers for an allowed origin, and, with a list of origins, `Vary: Origin` on
    /// every response, because any of them (even one to a request without `Origin`)
    /// could be cached and handed to a page of another origin.
    pub fn decorate(&self, headers: &mut HeaderMap, origin: Option<&HeaderValue>) {
        if matches!(self.origins, CorsOrigins::List(_)) {
            add_vary(headers, "Origin");
        }
        if origin.is_none() {
            // Not a cross-origin request: nothing for a browser to check.
            return;
        }
        if let Some(allow) = self.allow_origin(origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }

    /// The headers of a successful preflight, on top of [`Cors::decorate`]'s: the
    /// route's methods, the request headers a page may send, and how long to keep it.
    pub fn preflight(&self, headers: &mut HeaderMap, methods: &'static str) {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(methods),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static(MAX_AGE_S),
        );
    }
}

/// Adds `name` to `Vary`, keeping what is there (e.g. `Accept` on pictures) in one
/// header line.
pub fn add_vary(headers: &mut HeaderMap, name: &str) {
    let merged = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(existing)
            if existing
                .split(',')
                .any(|v| v.trim().eq_ignore_ascii_case(name)) =>
        {
            return
        }
        Some(existing) if !existing.trim().is_empty() => format!("{existing}, {name}"),
        _ => name.to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&merged) {
        headers.insert(header::VARY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CorsOrigins, CorsOriginError> {
        text.parse()
    }

    #[test]
    fn star_or_a_list_of_origins_is_accepted_and_lowercased() {
        assert_eq!(parse("*"), Ok(CorsOrigins::Any));
        assert_eq!(parse(" * "), Ok(CorsOrigins::Any));
        assert_eq!(
            parse("https://Example.com, http://localhost:3000,http://[::1]:8080"),
            Ok(CorsOrigins::List(vec![
                "https://example.com".to_owned(),
                "http://localhost:3000".to_owned(),
                "http://[::1]:8080".to_owned(),
            ]))
        );
    }

    #[test]
    fn malformed_values_are_refused_with_the_reason() {
        assert_eq!(parse(""), Err(CorsOriginError::Empty));
        assert_eq!(parse(" , "), Err(CorsOriginError::Empty));
        assert_eq!(
            parse("*, https://a.example"),
            Err(CorsOriginError::StarInList)
        );
        for bad in [
            "example.com",
            "https://example.com/",
            "https://example.com/path",
            "https://",
            "https://a.example:99999",
            "https://a.example:",
            "1http://a.example",
            "https://*.example.com",
        ] {
            assert_eq!(
                parse(bad),
                Err(CorsOriginError::NotAnOrigin(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_list_echoes_only_its_origins_and_always_varies_on_origin() {
        let cors = Cors::new(parse("https://a.example").expect("valid"));
        let allowed = HeaderValue::from_static("https://a.example");
        let other = HeaderValue::from_static("https://b.example");

        let mut headers = HeaderMap::new();
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        cors.decorate(&mut headers, Some(&allowed));
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], allowed);
        assert_eq!(headers[header::VARY], "Accept, Origin");
        assert!(headers.contains_key(header::ACCESS_CONTROL_EXPOSE_HEADERS));

        let mut headers = HeaderMap::new();
        cors.decorate(&mut headers, Some(&other));
        assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
        assert_eq!(headers[header::VARY], "Origin");

        let mut headers = HeaderMap::new();
        cors.decorate(&mut headers, None);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers[header::VARY], "Origin");
    }

    #[test]
    fn star_allows_every_origin_without_varying() {
        let cors = Cors::new(CorsOrigins::Any);
        let origin = HeaderValue::from_static("https://anywhere.example");
        let mut headers = HeaderMap::new();
        cors.decorate(&mut headers, Some(&origin));
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert!(!headers.contains_key(header::VARY));
        assert!(cors.allows(Some(&origin)));
        assert!(!cors.allows(None));
    }

    #[test]
    fn vary_is_merged_once() {
        let mut headers = HeaderMap::new();
        add_vary(&mut headers, "Origin");
        add_vary(&mut headers, "origin");
        assert_eq!(headers[header::VARY], "Origin");
    }
}
