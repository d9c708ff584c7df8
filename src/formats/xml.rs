//! Shared XML input handling.
pub struct InputEncoding;
pub fn open_input() {}
