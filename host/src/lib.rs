//! plotbox host (skeleton; see issue 3).
