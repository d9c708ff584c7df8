//! Fuzz target `segment`: see `targets::segment` (fuzz/targets.rs) for what it feeds and asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tmkit_fuzz::segment(data));
