//! nushell: bin/activate.nu.

use std::ffi::OsString;
use std::path::Path;

use super::harness::*;

const ARGS: &[&str] = &["--no-config-file", "-c"];

/// `rec`, `unset-rec` and `var` as for the other shells; `prompt-text` draws
/// PROMPT_COMMAND, `overlay-active` records whether the activate overlay is on.
const PRELUDE: &str = include_str!("scripts/prelude.nu");

const ROUNDTRIP: &str = include_str!("scripts/roundtrip.nu");
const STRING_OR_MISSING_PROMPT: &str = include_str!("scripts/string_or_missing_prompt.nu");
const REACTIVATE: &str = include_str!("scripts/reactivate.nu");
const CUSTOM_PROMPT: &str = include_str!("scripts/custom_prompt.nu");

/// `overlay use` needs its path when the script is parsed, so the scripts
/// name the environments `@VENV@` and `@VENV2@`, replaced here by their
/// paths escaped for a nushell "..." string.
fn nu_run(fx: &Fixture, body: &str, envs: &[(&str, &Path)], vars: &[(&str, &OsString)]) -> Records {
    let mut body = body.to_owned();
    for (placeholder, env) in envs {
        let path = env.display().to_string();
        body = body.replace(
            placeholder,
            &path.replace('\\', "\\\\").replace('"', "\\\""),
        );
    }
    fx.run("nu", ARGS, &format!("{PRELUDE}\n{body}"), vars)
}

#[test]
fn nu_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let r = nu_run(
        &fx,
        ROUNDTRIP,
        &[("@VENV@", &env)],
        &[
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );
    let env_s = env.display().to_string();
    r.assert_eq("before_prompt", &format!("orig {NASTY_PS1}> "));
    r.assert_active(&env, NASTY_NAME);
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig {NASTY_PS1}> "));
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    r.assert_eq("active_overlay", "yes");

    r.assert_deactivated();
    r.assert_same("after_prompt", "before_prompt");
    r.assert_eq("after_child_PYTHONHOME", OTHER_PYTHONHOME);
    r.assert_eq("after_overlay", "no");
    r.assert_unset("leftover_state");
}

#[test]
fn nu_string_or_missing_prompt_and_disable_prompt() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = nu_run(&fx, STRING_OR_MISSING_PROMPT, &[("@VENV@", &env)], &[]);
    r.assert_eq("missing_prompt", "(plain) ");
    r.assert_eq("missing_after_prompt", "<no PROMPT_COMMAND>");
    r.assert_eq("string_prompt", "(plain) orig> ");
    r.assert_eq("string_after_prompt", "orig> ");
    r.assert_eq("string_after_type", "string");
    r.assert_eq("disabled_prompt", "orig> ");
    r.assert_eq("disabled_VIRTUAL_ENV", &env.display().to_string());
    r.assert_eq("disabled_after_prompt", "orig> ");
    r.assert_eq("empty_flag_prompt", "(plain) orig> ");
    r.assert_eq("empty_flag_after_prompt", "orig> ");
    // nushell users may write a bool.
    r.assert_eq("true_flag_prompt", "orig> ");
    r.assert_eq("false_flag_prompt", "(plain) orig> ");
}

#[test]
fn nu_second_activation_replaces_the_first() {
    let fx = Fixture::new();
    let first = fx.create_env("first", None);
    let second = fx.create_env(NASTY_NAME, None);
    let r = nu_run(
        &fx,
        REACTIVATE,
        &[("@VENV@", &first), ("@VENV2@", &second)],
        &[],
    );
    r.assert_second_active(&second);
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig> "));
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_unset("final_VIRTUAL_ENV");
}

#[test]
fn nu_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = nu_run(&fx, CUSTOM_PROMPT, &[("@VENV@", &env)], &[]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("prompt", "(my fancy env) orig> ");
    r.assert_eq("after_prompt", "orig> ");
}
