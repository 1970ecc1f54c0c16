#![no_main]
//! Fuzz target: `venv::fuzzing::wheel` on arbitrary bytes as a wheel (zip).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    venv::fuzzing::wheel(data);
});
