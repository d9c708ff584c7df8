//! Integration tests that drive the real `tmkit` binary: one module per subcommand.

#[path = "../common/mod.rs"]
mod fixtures;

mod segment;
