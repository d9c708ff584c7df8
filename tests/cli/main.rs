//! Integration tests: drive the real `tmkit` binary from temporary directories.

mod add;
mod common;
mod export;
mod import;
mod lookup;
mod malformed;
mod robustness;
mod stats;
