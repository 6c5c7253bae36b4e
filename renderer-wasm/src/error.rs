//! The one error type of a render, serialized as docs/spec.md's error JSON.

use serde::Serialize;

/// The stable error kinds of docs/spec.md. The renderer itself produces only `InvalidSpec`,
/// `TooLarge` and `Internal`; the host adds the sandbox kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not JSON, wrong types, unknown fields, mismatched lengths, impossible values.
    InvalidSpec,
    /// A configured limit (canvas, points, bins, cells, text) was exceeded.
    TooLarge,
    /// The render ran past its time limit and was stopped (host only).
    DeadlineExceeded,
    /// The render needed more memory than its limit (host only).
    MemoryLimit,
    /// The server is at capacity (server only).
    Overloaded,
    /// A bug; the message says what failed.
    Internal,
}

impl ErrorKind {
    /// The name used in the error JSON, e.g. `"invalid_spec"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidSpec => "invalid_spec",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::DeadlineExceeded => "deadline_exceeded",
            ErrorKind::MemoryLimit => "memory_limit",
            ErrorKind::Overloaded => "overloaded",
            ErrorKind::Internal => "internal",
        }
    }

    /// Parses the name used in the error JSON.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "invalid_spec" => ErrorKind::InvalidSpec,
            "too_large" => ErrorKind::TooLarge,
            "deadline_exceeded" => ErrorKind::DeadlineExceeded,
            "memory_limit" => ErrorKind::MemoryLimit,
            "overloaded" => ErrorKind::Overloaded,
            "internal" => ErrorKind::Internal,
            _ => return None,
        })
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a spec could not be rendered, with the JSON Pointer of the faulty field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{kind}: {message}{}", path.as_deref().map(|p| format!(" (at {p})")).unwrap_or_default())]
pub struct RenderError {
    pub kind: ErrorKind,
    pub message: String,
    /// JSON Pointer (RFC 6901) to the field at fault; `""` is the whole document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl RenderError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        RenderError {
            kind,
            message: message.into(),
            path: None,
        }
    }

    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        RenderError {
            kind: ErrorKind::InvalidSpec,
            message: message.into(),
            path: Some(path.into()),
        }
    }

    pub fn too_large(path: impl Into<String>, message: impl Into<String>) -> Self {
        RenderError {
            kind: ErrorKind::TooLarge,
            message: message.into(),
            path: Some(path.into()),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        RenderError::new(ErrorKind::Internal, message)
    }

    /// The docs/spec.md error document: `{"error": {"kind", "message", "path"?}}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Envelope<'a> {
            error: &'a RenderError,
        }
        serde_json::to_string(&Envelope { error: self }).unwrap_or_else(|_| {
            String::from(r#"{"error":{"kind":"internal","message":"error not serializable"}}"#)
        })
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(base: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{base}/{token}")
}

/// A number from the spec as an error message prints it: Rust's shortest round-trip
/// form (`0.25`, `1500`) where that is short, and scientific notation (`1e308`,
/// `-1e-300`) for magnitudes outside 1e-4..1e15, where the plain form would run to
/// hundreds of digits (`{}` of 1e300 prints all 301). NaN and the infinities print as
/// `NaN`, `inf` and `-inf`.
pub fn short_number(v: f64) -> String {
    let magnitude = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e15).contains(&magnitude) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// A string from the spec as an error message quotes it, in backquotes: whole up to 40
/// characters, else its start and its length, so that a megabyte name does not make a
/// megabyte message.
pub fn quote_excerpt(text: &str) -> String {
    const LONGEST: usize = 40;
    match text.char_indices().nth(LONGEST) {
        None => format!("`{text}`"),
        Some((end, _)) => format!(
            "`{}...` ({} characters)",
            &text[..end],
            text.chars().count()
        ),
    }
}

/// A whole number from the spec (a size, a count) as an error message prints it: as it
/// is up to 15 digits, else as [`short_number`] prints it (`1.8446744073709552e19`).
pub fn short_integer(n: u64) -> String {
    if n < 1_000_000_000_000_000 {
        n.to_string()
    } else {
        short_number(n as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::{short_integer, short_number};

    #[test]
    fn long_strings_are_quoted_by_their_start() {
        assert_eq!(super::quote_excerpt("tab:blue"), "`tab:blue`");
        let long = "é".repeat(100_000);
        let quoted = super::quote_excerpt(&long);
        assert!(quoted.ends_with("...` (100000 characters)"), "{quoted}");
        assert!(quoted.chars().count() < 80, "{quoted}");
    }

    #[test]
    fn short_integer_keeps_counts_and_shortens_u64_extremes() {
        assert_eq!(short_integer(10_000), "10000");
        assert_eq!(short_integer(999_999_999_999_999), "999999999999999");
        assert_eq!(short_integer(u64::MAX), "1.8446744073709552e19");
    }

    #[test]
    fn short_number_prints_extremes_in_scientific_notation() {
        assert_eq!(short_number(1e308), "1e308");
        assert_eq!(short_number(-1e300), "-1e300");
        assert_eq!(short_number(1e-300), "1e-300");
        assert_eq!(short_number(1.5e300), "1.5e300");
        assert_eq!(short_number(1e15), "1e15");
        assert_eq!(short_number(0.00001), "1e-5");
    }

    #[test]
    fn short_number_prints_ordinary_numbers_as_they_are() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(-2.5), "-2.5");
        assert_eq!(short_number(1500.0), "1500");
        assert_eq!(short_number(0.0001), "0.0001");
        assert_eq!(short_number(999_999_999_999_999.0), "999999999999999");
        assert_eq!(short_number(f64::NAN), "NaN");
        assert_eq!(short_number(f64::NEG_INFINITY), "-inf");
    }
}
