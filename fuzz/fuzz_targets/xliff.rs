//! Fuzz target `xliff`: see `targets::xliff` (fuzz/targets.rs) for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tmkit_fuzz::xliff(data));
