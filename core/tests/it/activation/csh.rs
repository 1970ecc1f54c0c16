//! tcsh: bin/activate.csh.
//!
//! csh has no functions, so the scripts spell out each record:
//! `if ($?NAME) then printf '%s=%s\0' LABEL "$NAME:q" else printf '%s!\0' LABEL endif`
//! for a variable, and `alias deactivate` (the definition, or nothing) for
//! whether deactivate exists.

use super::harness::*;

/// -e: stop at the first failing command, so a script that only works by
/// ignoring errors fails here.
const ARGS: &[&str] = &["-f", "-e", "-c"];

const ROUNDTRIP: &str = include_str!("scripts/roundtrip.csh");
/// A non-interactive csh has no prompt, and scripts rely on that.
const PROMPT_UNSET_DISABLED_OR_EMPTY: &str =
    include_str!("scripts/prompt_unset_disabled_or_empty.csh");
const REACTIVATE: &str = include_str!("scripts/reactivate.csh");
const CUSTOM_PROMPT: &str = include_str!("scripts/custom_prompt.csh");

#[test]
fn tcsh_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let r = fx.run(
        "tcsh",
        ARGS,
        ROUNDTRIP,
        &[
            ("VENV", &os(&env)),
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );

    r.assert_eq("before_prompt", NASTY_PS1);
    r.assert_active(&env, NASTY_NAME);
    r.assert_eq("prompt", &format!("({NASTY_NAME}) {NASTY_PS1}"));
    r.assert_eq("pydoc", "python -m pydoc");
    r.assert_eq("active_deactivate", "present");

    r.assert_deactivated();
    r.assert_same("after_prompt", "before_prompt");
    for v in [
        "_OLD_VIRTUAL_PATH",
        "_OLD_VIRTUAL_PROMPT",
        "_OLD_VIRTUAL_PYTHONHOME",
    ] {
        r.assert_unset(&format!("leftover_{v}"));
    }
    r.assert_eq("after_deactivate", "absent");
    r.assert_eq("after_pydoc", "");
}

#[test]
fn tcsh_prompt_unset_disabled_or_empty_flag() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = fx.run(
        "tcsh",
        ARGS,
        PROMPT_UNSET_DISABLED_OR_EMPTY,
        &[("VENV", &os(&env))],
    );
    r.assert_unset("unset_prompt");
    r.assert_eq("unset_VIRTUAL_ENV", &env.display().to_string());
    r.assert_unset("unset_after_prompt");
    r.assert_eq("disabled_prompt", "orig> ");
    r.assert_eq("disabled_after_prompt", "orig> ");
    r.assert_eq("empty_flag_prompt", "(plain) orig> ");
    r.assert_eq("empty_flag_after_prompt", "orig> ");
}

#[test]
fn tcsh_second_activation_replaces_the_first_and_nondestructive_keeps_deactivate() {
    let fx = Fixture::new();
    let first = fx.create_env("first", None);
    let second = fx.create_env(NASTY_NAME, None);
    let r = fx.run(
        "tcsh",
        ARGS,
        REACTIVATE,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    r.assert_second_active(&second);
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig> "));
    r.assert_nondestructive();
    r.assert_eq("nd_prompt", "orig> ");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_eq("final_deactivate", "absent");
}

#[test]
fn tcsh_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = fx.run("tcsh", ARGS, CUSTOM_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("prompt", "(my fancy env) orig> ");
    r.assert_eq("after_prompt", "orig> ");
}
