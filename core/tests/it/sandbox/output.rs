//! Class 5: every byte a plugin makes the host print or keep is bounded.

use super::*;

#[test]
fn log_and_progress_floods_stop_at_the_output_limit() {
    for name in ["evil-log-flood", "evil-progress-flood"] {
        let s = Scratch::new();
        let out = bare(&s, &plugin(name), &[]);
        assert!(
            out.stderr.len() < 2 << 20,
            "{name}: {} bytes reached the terminal",
            out.stderr.len()
        );
        assert_contained(&s, &out, name, "output limit of 1024 KiB");
    }
}

#[test]
fn returned_strings_are_bounded() {
    // 1 MiB: lifted (within the host-call allowance), then cut to 1 KiB.
    let s = Scratch::new();
    let out = bare(
        &s,
        &plugin("evil-big-error"),
        &["--plugin-opt", "evil-big-error.mib=1"],
    );
    assert!(out.stderr.len() < 4096, "{} bytes", out.stderr.len());
    assert_contained(&s, &out, "evil-big-error", "more bytes)");
    // 16 MiB: past what one call may hand the host; refused before it is copied.
    let s = Scratch::new();
    let out = bare(&s, &plugin("evil-big-error"), &[]);
    assert!(out.stderr.len() < 4096, "{} bytes", out.stderr.len());
    assert_contained(&s, &out, "evil-big-error", "fuel allocated for hostcalls");

    for name in ["evil-scm-many", "evil-scm-long"] {
        let s = Scratch::new();
        let out = bare(&s, &plugin(name), &["--scm-ignore-files", "git,nosuch"]);
        assert!(
            out.stderr.len() < 4096,
            "{name}: {} bytes",
            out.stderr.len()
        );
        // Both lists are far past what one call may hand the host (the
        // host-call allowance): refused before they are copied.
        assert_contained(&s, &out, name, "fuel allocated for hostcalls");
    }
}

#[test]
fn terminal_control_sequences_are_shown_not_obeyed() {
    let s = Scratch::new();
    let out = bare(&s, &plugin("evil-escapes"), &[]);
    assert!(!out.status.success());
    let err = &out.stderr;
    for (byte, what) in [(0x1b, "ESC"), (0x07, "BEL"), (b'\r', "CR")] {
        assert!(!err.contains(&byte), "a raw {what} reached the terminal");
    }
    let text = stderr(&out);
    assert!(
        text.contains("\\x1b[2J"),
        "escapes are shown visibly:\n{text}"
    );
    // Every line the plugin caused is marked as its own, but the last (ours).
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines[..lines.len() - 1] {
        assert!(line.starts_with("[evil-escapes] "), "unprefixed: {line:?}");
    }
}
