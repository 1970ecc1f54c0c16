//! Issue 17, class 11: what the runtime's own advisories were about, as a
//! host can observe it. Data a guest passes to one host call is bounded
//! (wasmtime's host-call fuel, set to the output allowance plus 1 MiB), so
//! a long list fails at once instead of making the host allocate and walk
//! it; loops of empty writes end at the time limit in flat memory.

use super::*;

#[test]
fn long_lists_in_host_calls_fail_at_once_in_bounded_memory() {
    let evil = plugin("evil-hostcall");
    for mode in ["poll-list", "args-list"] {
        let s = Scratch::new();
        let mode_opt = format!("evil-hostcall.mode={mode}");
        let args = [
            "--without-pip",
            "--plugin",
            evil.to_str().unwrap(),
            "--plugin-opt",
            &mode_opt,
            "env",
        ];
        let started = Instant::now();
        let (out, peak) = run_measured(command(&s, &args));
        assert_contained(&s, &out, "evil-hostcall", "fuel allocated for hostcalls");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{mode}: {:?}",
            started.elapsed()
        );
        assert!(peak < 120 << 20, "{mode}: venv held {} MiB", peak >> 20);
    }
}

#[test]
fn loops_of_empty_writes_end_at_the_time_limit_in_flat_memory() {
    let evil = plugin("evil-hostcall");
    for mode in ["empty-stdout", "empty-file"] {
        let s = Scratch::new();
        let mode_opt = format!("evil-hostcall.mode={mode}");
        let args = [
            "--without-pip",
            "--plugin-time",
            "2",
            "--plugin",
            evil.to_str().unwrap(),
            "--plugin-opt",
            &mode_opt,
            "env",
        ];
        let started = Instant::now();
        let (out, peak) = run_measured(command(&s, &args));
        assert_contained(&s, &out, "evil-hostcall", "time limit of 2.0 s");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{mode}: {:?}",
            started.elapsed()
        );
        assert!(peak < 120 << 20, "{mode}: venv held {} MiB", peak >> 20);
    }
}
