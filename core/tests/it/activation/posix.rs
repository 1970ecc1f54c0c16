//! bash, zsh, dash: bin/activate.

use std::ffi::OsString;

use super::harness::*;

/// `rec LABEL [VALUE]` prints a record; `var LABEL NAME` records a variable,
/// telling unset from empty; `has_deactivate LABEL` records whether the
/// deactivate function exists.
const PRELUDE: &str = include_str!("scripts/prelude.sh");

const ROUNDTRIP: &str = include_str!("scripts/roundtrip.sh");
const UNSET_AND_EMPTY: &str = include_str!("scripts/unset_and_empty.sh");
const DISABLE_PROMPT: &str = include_str!("scripts/disable_prompt.sh");
const REACTIVATE: &str = include_str!("scripts/reactivate.sh");
const CUSTOM_PROMPT: &str = include_str!("scripts/custom_prompt.sh");
const PROMPT_SHOWN: &str = include_str!("scripts/prompt_shown.sh");

struct Posix {
    name: &'static str,
    args: &'static [&'static str],
    strict: &'static str,
    /// Defines `show_prompt`, which prints PS1 the way the shell draws it.
    show_prompt: &'static str,
}

fn posix(name: &str) -> Posix {
    match name {
        "bash" => Posix {
            name: "bash",
            args: &["--noprofile", "--norc", "-c"],
            strict: "set -euo pipefail",
            show_prompt: r#"show_prompt() { printf '%s' "${PS1@P}"; }"#,
        },
        "zsh" => Posix {
            name: "zsh",
            args: &["-f", "-c"],
            strict: "set -euo pipefail",
            show_prompt: r#"show_prompt() { print -rnP -- "$PS1"; }"#,
        },
        // dash has no pipefail, and no way to expand a prompt on demand; it
        // expands PS1 like a double-quoted word, which eval reproduces.
        "dash" => Posix {
            name: "dash",
            args: &["-c"],
            strict: "set -eu",
            show_prompt: r#"show_prompt() { eval "printf '%s' \"$PS1\""; }"#,
        },
        _ => unreachable!(),
    }
}

impl Posix {
    fn run(&self, fx: &Fixture, body: &str, vars: &[(&str, &OsString)]) -> Records {
        let script = format!("{}\n{PRELUDE}\n{}\n{body}", self.strict, self.show_prompt);
        fx.run(self.name, self.args, &script, vars)
    }

    /// What activate puts before PS1 for `text` (without PROMPT_SUBST in
    /// zsh): the text itself, or, where the shell's prompt expansion would
    /// alter it, a reference to VIRTUAL_ENV_PROMPT; zsh then expands only
    /// `%`, which is doubled instead.
    fn prefix(&self, text: &str) -> String {
        if self.name == "zsh" {
            format!("({}) ", text.replace('%', "%%"))
        } else if text.contains(['$', '`', '\\']) {
            "(${VIRTUAL_ENV_PROMPT}) ".to_owned()
        } else {
            format!("({text}) ")
        }
    }
}

fn posix_roundtrip(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let r = sh.run(
        &fx,
        ROUNDTRIP,
        &[
            ("VENV", &os(&env)),
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );

    r.assert_eq("before_PS1", NASTY_PS1);
    r.assert_eq("before_PYTHONHOME", OTHER_PYTHONHOME);
    r.assert_eq(
        "before_python3",
        &fx.base_bin.join("python3").display().to_string(),
    );

    let env_s = env.display().to_string();
    r.assert_active(&env, NASTY_NAME);
    r.assert_eq("PS1", &format!("{}{NASTY_PS1}", sh.prefix(NASTY_NAME)));
    // Found on the new PATH although the base python3 had been run (and so
    // hashed) before activation.
    r.assert_eq("python3", &format!("{}/python3", bin(&env)));
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    r.assert_eq("child_VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("active_deactivate", "present");

    r.assert_deactivated();
    r.assert_same("after_PS1", "before_PS1");
    r.assert_same("after_python3", "before_python3");
    r.assert_eq("after_child_PYTHONHOME", OTHER_PYTHONHOME);
    // PS1 was a plain shell variable before, and still is.
    r.assert_same("after_child_PS1", "before_child_PS1");
    r.assert_eq("after_deactivate", "absent");
    for v in [
        "_OLD_VIRTUAL_PATH",
        "_OLD_VIRTUAL_PATH_UNSET",
        "_OLD_VIRTUAL_PS1",
        "_OLD_VIRTUAL_PS1_UNSET",
        "_OLD_VIRTUAL_PYTHONHOME",
    ] {
        r.assert_unset(&format!("leftover_{v}"));
    }
}

fn posix_unset_and_empty(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = sh.run(&fx, UNSET_AND_EMPTY, &[("VENV", &os(&env))]);
    r.assert_eq("unset_active_PS1", "(plain) ");
    r.assert_unset("unset_after_PS1");
    r.assert_unset("unset_after_PYTHONHOME");
    r.assert_eq("empty_active_PS1", "(plain) ");
    r.assert_unset("empty_active_PYTHONHOME");
    r.assert_eq("empty_after_PS1", "");
    r.assert_eq("empty_after_PYTHONHOME", "");
    r.assert_eq("empty_after_child_PYTHONHOME", "");
}

fn posix_disable_prompt(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = sh.run(&fx, DISABLE_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("disabled_PS1", "orig$ ");
    r.assert_eq("disabled_VIRTUAL_ENV", &env.display().to_string());
    assert!(
        r.get("disabled_PATH")
            .starts_with(&format!("{}:", bin(&env))),
        "{}",
        r.context
    );
    r.assert_eq("disabled_after_PS1", "orig$ ");
    // Set but empty does not disable it.
    r.assert_eq("empty_flag_PS1", "(plain) orig$ ");
    r.assert_eq("empty_flag_after_PS1", "orig$ ");
}

fn posix_reactivate(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let first = fx.create_env("first", None);
    let second = fx.create_env(NASTY_NAME, None);
    let r = sh.run(
        &fx,
        REACTIVATE,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    r.assert_second_active(&second);
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("PS1", &format!("{}orig$ ", sh.prefix(NASTY_NAME)));
    r.assert_nondestructive();
    r.assert_eq("nd_PS1", "orig$ ");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_PS1", "orig$ ");
    r.assert_eq("final_deactivate", "absent");
}

fn posix_custom_prompt(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = sh.run(&fx, CUSTOM_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("PS1", "(my fancy env) orig$ ");
    r.assert_eq("after_PS1", "orig$ ");
}

/// A directory name made of what prompt expansion acts on.
const EXPANDABLE_NAME: &str = "$(touch pwned) `touch pwned2` %n \\w $HOME";

fn posix_prompt_shown_not_expanded(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    // venv refuses `%` in an env's path (dash reads it in PATH as an
    // option), so zsh's `%n` comes in through --prompt; the rest of the
    // text is the env's name too.
    let name = EXPANDABLE_NAME.replace("%n ", "");
    let env = fx.create_env(&name, Some(EXPANDABLE_NAME));
    let r = sh.run(&fx, PROMPT_SHOWN, &[("VENV", &os(&env))]);
    let expected = format!("({EXPANDABLE_NAME}) orig> ");
    r.assert_eq("PS1", &format!("{}orig> ", sh.prefix(EXPANDABLE_NAME)));
    r.assert_eq("shown", &expected);
    r.assert_eq("after_PS1", "orig> ");
    if sh.name == "zsh" {
        r.assert_eq("subst_shown", &expected);
    }
    for f in ["pwned", "pwned2"] {
        assert!(
            !fx.tmp.path().join(f).exists(),
            "drawing the prompt ran a command from the env's name"
        );
    }
}

macro_rules! posix_tests {
    ($($sh:ident),*) => {$(
        mod $sh {
            #[test]
            fn activate_then_deactivate_restores_everything() {
                super::posix_roundtrip(stringify!($sh));
            }
            #[test]
            fn unset_and_empty_ps1_and_pythonhome_come_back_as_they_were() {
                super::posix_unset_and_empty(stringify!($sh));
            }
            #[test]
            fn disable_prompt_keeps_ps1() {
                super::posix_disable_prompt(stringify!($sh));
            }
            #[test]
            fn second_activation_replaces_the_first_and_nondestructive_keeps_deactivate() {
                super::posix_reactivate(stringify!($sh));
            }
            #[test]
            fn custom_prompt_text_with_spaces() {
                super::posix_custom_prompt(stringify!($sh));
            }
            #[test]
            fn prompt_text_is_shown_not_expanded() {
                super::posix_prompt_shown_not_expanded(stringify!($sh));
            }
        }
    )*};
}

posix_tests!(bash, zsh, dash);
