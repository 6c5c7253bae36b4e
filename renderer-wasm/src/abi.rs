//! The module's exports.
