//! not-a-plugin: a plain WASI command component (`fn main`) that exports none
//! of venv's hooks. The host must refuse it with a clear "does not match the
//! plugin worlds" error instead of running it.

fn main() {
    println!("I am a WASI command, not a venv plugin.");
}
