//! Integration tests: drive the real `tmkit` binary from temporary directories, one module per
//! subcommand.

#[path = "../common/mod.rs"]
mod fixtures;

mod add;
mod check;
#[path = "../common/chromium.rs"]
mod chromium;
mod common;
mod documents;
mod export;
mod finish;
mod glossary;
mod help;
mod import;
mod limits;
mod lookup;
mod malformed;
mod prepare;
mod read_only;
mod robustness;
mod segment;
mod stats;
mod terminal;
mod terms;
mod wording;
mod xml_output;
