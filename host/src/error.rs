//! The host's errors: [`HostError`] when a [`crate::Runtime`] cannot be built, and
//! [`RenderFailure`] when one render fails. A `RenderFailure` is always one of the
//! spec's error kinds (docs/spec.md, "Errors"); its HTTP status and its exit code are
//! mapped here, each in exactly one function.

use renderer_wasm::{ErrorKind, RenderError};

/// Why a [`crate::Runtime`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The engine configuration was rejected (e.g. the pooling allocator could not
    /// reserve its address space).
    #[error("cannot configure the wasm engine: {0}")]
    Engine(String),
    /// The module is not valid WebAssembly or could not be compiled.
    #[error("cannot compile the renderer module: {0}")]
    Compile(String),
    /// The module lacks an export of the raw ABI, or an export has the wrong type.
    #[error("the module does not implement the plotbox ABI: {0}")]
    Abi(String),
    /// The module imports something that cannot be satisfied.
    #[error("cannot link the renderer module: {0}")]
    Link(String),
    /// The operator fonts cannot be handed to this module (it lacks `use_fonts`, has
    /// no room for them, or refuses them).
    #[error("cannot use the operator fonts: {0}")]
    Fonts(String),
}

/// Why one render failed: an error kind of docs/spec.md, a message and, for spec
/// errors, the JSON Pointer of the faulty field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RenderFailure(RenderError);

impl RenderFailure {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        RenderFailure(RenderError::new(kind, message))
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        RenderFailure::new(ErrorKind::Internal, message)
    }

    pub(crate) fn from_guest(error: RenderError) -> Self {
        RenderFailure(error)
    }

    /// The error kind, e.g. [`ErrorKind::DeadlineExceeded`].
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The JSON Pointer of the faulty field, for spec errors.
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }

    /// The error document of docs/spec.md, `{"error": {"kind", "message", "path"?}}`.
    pub fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The HTTP status of the error table in docs/spec.md.
    pub fn http_status(&self) -> u16 {
        match self.kind() {
            ErrorKind::InvalidSpec => 400,
            ErrorKind::TooLarge => 413,
            ErrorKind::DeadlineExceeded | ErrorKind::MemoryLimit => 422,
            ErrorKind::Overloaded => 503,
            ErrorKind::Internal => 500,
        }
    }

    /// The exit code of `plotbox render` (documented in its `--help`): one per kind,
    /// clear of 1 (any other failure, e.g. an unreadable file) and 2 (usage errors).
    pub fn exit_code(&self) -> u8 {
        exit_code_of(self.kind())
    }
}

/// The exit code of `plotbox render` for an error kind; see [`RenderFailure::exit_code`].
pub const fn exit_code_of(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidSpec => 3,
        ErrorKind::TooLarge => 4,
        ErrorKind::DeadlineExceeded => 5,
        ErrorKind::MemoryLimit => 6,
        ErrorKind::Overloaded => 7,
        ErrorKind::Internal => 8,
    }
}

/// Every kind with its exit code, for help texts.
pub const EXIT_CODES: [(ErrorKind, u8); 6] = [
    (ErrorKind::InvalidSpec, exit_code_of(ErrorKind::InvalidSpec)),
    (ErrorKind::TooLarge, exit_code_of(ErrorKind::TooLarge)),
    (
        ErrorKind::DeadlineExceeded,
        exit_code_of(ErrorKind::DeadlineExceeded),
    ),
    (ErrorKind::MemoryLimit, exit_code_of(ErrorKind::MemoryLimit)),
    (ErrorKind::Overloaded, exit_code_of(ErrorKind::Overloaded)),
    (ErrorKind::Internal, exit_code_of(ErrorKind::Internal)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_and_clear_of_generic_codes() {
        let mut seen = std::collections::HashSet::new();
        for (kind, code) in EXIT_CODES {
            assert!(code > 2, "{kind} collides with the generic codes");
            assert!(seen.insert(code), "{kind} shares exit code {code}");
        }
    }

    #[test]
    fn http_status_follows_spec_table() {
        let status = |kind| RenderFailure::new(kind, "x").http_status();
        assert_eq!(status(ErrorKind::InvalidSpec), 400);
        assert_eq!(status(ErrorKind::TooLarge), 413);
        assert_eq!(status(ErrorKind::DeadlineExceeded), 422);
        assert_eq!(status(ErrorKind::MemoryLimit), 422);
        assert_eq!(status(ErrorKind::Overloaded), 503);
        assert_eq!(status(ErrorKind::Internal), 500);
    }
}
