//! Fuzz target `glossary`: see `targets::glossary` (fuzz/targets.rs) for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tmkit_fuzz::glossary(data));
