#![no_main]
//! Fuzz target: `venv::fuzzing::pyvenv_cfg` on arbitrary UTF-8 text.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        venv::fuzzing::pyvenv_cfg(text);
    }
});
