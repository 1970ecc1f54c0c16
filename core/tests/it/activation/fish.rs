//! fish: bin/activate.fish.

use std::ffi::OsString;

use super::harness::*;

const ARGS: &[&str] = &["--no-config", "-c"];

/// `rec`, `var` and `has_deactivate`, as for the POSIX shells.
const PRELUDE: &str = include_str!("scripts/prelude.fish");

/// A prompt that shows the previous command's status, to check that the
/// wrapped prompt still sees it.
const ROUNDTRIP: &str = include_str!("scripts/roundtrip.fish");

/// fish's own autoloaded prompt, and no PYTHONHOME at all.
const DEFAULT_PROMPT: &str = include_str!("scripts/default_prompt.fish");

const DISABLE_PROMPT: &str = include_str!("scripts/disable_prompt.fish");
const REACTIVATE: &str = include_str!("scripts/reactivate.fish");
const CUSTOM_PROMPT: &str = include_str!("scripts/custom_prompt.fish");

fn fish_run(fx: &Fixture, body: &str, vars: &[(&str, &OsString)]) -> Records {
    fx.run("fish", ARGS, &format!("{PRELUDE}\n{body}"), vars)
}

/// Drops terminal colour sequences (fish's set_color output).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some('(') | Some(')') => {
                chars.next();
            }
            _ => {}
        }
    }
    out
}

/// The record `label`, without colour sequences, is `expected`.
fn assert_shown(r: &Records, label: &str, expected: &str) {
    assert_eq!(strip_ansi(r.get(label)), expected, "{}", r.context);
}

#[test]
fn fish_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let r = fish_run(
        &fx,
        ROUNDTRIP,
        &[
            ("VENV", &os(&env)),
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );
    let env_s = env.display().to_string();
    r.assert_eq("before_prompt", &format!("orig[1] {NASTY_PS1}> "));
    r.assert_active(&env, NASTY_NAME);
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    // The old prompt still sees the status of the command before it.
    assert_shown(
        &r,
        "prompt",
        &format!("({NASTY_NAME}) orig[1] {NASTY_PS1}> "),
    );
    r.assert_eq("active_deactivate", "present");

    r.assert_deactivated();
    r.assert_same("after_prompt", "before_prompt");
    r.assert_eq("after_child_PYTHONHOME", OTHER_PYTHONHOME);
    r.assert_eq("after_deactivate", "absent");
    r.assert_eq("leftovers", "");
}

#[test]
fn fish_default_prompt_is_wrapped_and_restored() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = fish_run(&fx, DEFAULT_PROMPT, &[("VENV", &os(&env))]);
    let before = strip_ansi(r.get("before_prompt"));
    assert!(
        !before.is_empty(),
        "fish's default prompt printed nothing\n{}",
        r.context
    );
    assert_shown(&r, "prompt", &format!("(plain) {before}"));
    r.assert_same("after_prompt", "before_prompt");
    r.assert_same("after_body", "before_body");
    r.assert_unset("after_PYTHONHOME");
}

#[test]
fn fish_disable_prompt_keeps_prompt() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = fish_run(&fx, DISABLE_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("disabled_prompt", "orig> ");
    r.assert_eq("disabled_VIRTUAL_ENV", &env.display().to_string());
    r.assert_eq("disabled_after_prompt", "orig> ");
    assert_shown(&r, "empty_flag_prompt", "(plain) orig> ");
    r.assert_eq("empty_flag_after_prompt", "orig> ");
}

#[test]
fn fish_second_activation_replaces_the_first_and_nondestructive_keeps_deactivate() {
    let fx = Fixture::new();
    let first = fx.create_env("first", None);
    let second = fx.create_env(NASTY_NAME, None);
    let r = fish_run(
        &fx,
        REACTIVATE,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    r.assert_second_active(&second);
    assert_shown(&r, "prompt", &format!("({NASTY_NAME}) orig> "));
    r.assert_nondestructive();
    r.assert_eq("nd_prompt", "orig> ");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_eq("final_deactivate", "absent");
}

#[test]
fn fish_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = fish_run(&fx, CUSTOM_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    assert_shown(&r, "prompt", "(my fancy env) orig> ");
    r.assert_eq("after_prompt", "orig> ");
}
