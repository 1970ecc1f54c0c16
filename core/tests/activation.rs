//! Runs the activation scripts the `venv` binary writes in the shells that
//! read them (bash, zsh, dash, fish, tcsh, nushell) and checks what a user
//! would see: which `python` runs, the variables, the prompt, and that
//! `deactivate` puts everything back byte for byte.
//!
//! A missing shell fails the test rather than skipping it: run
//! `tools/install-shells.sh` (as root) to install them.
//!
//! Each shell script reports through `LABEL=VALUE\0` records on stdout
//! (`LABEL!\0` when a variable is unset), so values with spaces, quotes or
//! newlines come back intact.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL_HINT: &str =
    "run `tools/install-shells.sh` as root to install the shells these tests need";

/// A directory name with a space, non-ASCII letters, both quote characters,
/// a `$` that must not expand, a backslash and csh's history character.
const NASTY_NAME: &str = "éñv 'q\" $HOME \\ !";

/// A prompt with the characters each shell's prompt language treats
/// specially; it only has to come back unchanged.
const NASTY_PS1: &str = "\\u@\\h:\\w \"dq\" 'sq' $(x) %n ! > ";

const OTHER_PYTHONHOME: &str = "/opt/other home/python";

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

fn find_on_path(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    // Where tools/install-shells.sh and Debian put them, in case the test
    // runner's PATH is minimal.
    dirs.extend(["/usr/local/bin", "/usr/bin", "/bin"].map(PathBuf::from));
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn shell(name: &str) -> PathBuf {
    find_on_path(name).unwrap_or_else(|| panic!("`{name}` is not installed: {INSTALL_HINT}"))
}

/// The interpreter the test environments are made from: $VENV_TEST_PYTHON,
/// else the newest pyenv CPython 3, else python3 on PATH.
fn base_python() -> PathBuf {
    if let Some(p) = std::env::var_os("VENV_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    if let Some(home) = std::env::var_os("HOME") {
        let versions = Path::new(&home).join(".pyenv/versions");
        if let Ok(entries) = std::fs::read_dir(&versions) {
            let mut found: Vec<(Vec<u32>, PathBuf)> = entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().into_string().ok()?;
                    let key: Vec<u32> = name
                        .split('.')
                        .map(|p| p.parse().ok())
                        .collect::<Option<_>>()?;
                    let exe = e.path().join("bin/python3");
                    (key.first() == Some(&3) && exe.is_file()).then_some((key, exe))
                })
                .collect();
            found.sort();
            if let Some((_, exe)) = found.pop() {
                return exe;
            }
        }
    }
    find_on_path("python3").expect("no Python 3 found: set VENV_TEST_PYTHON or install one")
}

/// A scratch area: a base bin directory (with its own `python3`) that forms
/// the shells' PATH, a HOME, and the environments under test.
struct Fixture {
    tmp: tempfile::TempDir,
    base_bin: PathBuf,
    home: PathBuf,
    python: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base_bin = tmp.path().join("base bin");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&base_bin).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        let python = base_python();
        // A python3 that is on PATH before activation, so a shell that kept
        // its command hash after PATH changed would still find this one.
        std::os::unix::fs::symlink(&python, base_bin.join("python3")).unwrap();
        Fixture {
            tmp,
            base_bin,
            home,
            python,
        }
    }

    /// Creates an environment at `<tmp>/x y/<name>` with the real binary.
    fn create_env(&self, name: &str, prompt: Option<&str>) -> PathBuf {
        let dir = self.tmp.path().join("x y").join(name);
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_venv"));
        cmd.arg("--without-pip").arg("-p").arg(&self.python);
        if let Some(p) = prompt {
            cmd.arg("--prompt").arg(p);
        }
        cmd.arg(&dir);
        let out = cmd.output().expect("run the venv binary");
        assert!(
            out.status.success(),
            "venv {} failed: {}\n{}",
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        for script in [
            "activate",
            "activate.fish",
            "activate.csh",
            "activate.nu",
            "Activate.ps1",
        ] {
            assert!(
                dir.join("bin").join(script).is_file(),
                "venv did not write bin/{script}"
            );
        }
        dir
    }

    fn base_path(&self) -> String {
        format!("{}:/usr/local/bin:/usr/bin:/bin", self.base_bin.display())
    }

    /// Runs `script` in `shell` with a small, fixed environment plus `vars`.
    fn run(
        &self,
        shell_name: &str,
        args: &[&str],
        script: &str,
        vars: &[(&str, &OsString)],
    ) -> Records {
        let exe = shell(shell_name);
        let mut cmd = Command::new(&exe);
        cmd.args(args)
            .arg(script)
            .env_clear()
            .env("PATH", self.base_path())
            .env("HOME", &self.home)
            .env("USER", "tester")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "dumb")
            .current_dir(self.tmp.path());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", exe.display()));
        let stdout = String::from_utf8(out.stdout).expect("shell output is UTF-8");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let context = format!(
            "{shell_name} exited with {}\n--- stderr ---\n{stderr}\n--- stdout ---\n{stdout:?}",
            out.status
        );
        let mut map = HashMap::new();
        for rec in stdout.split('\0').filter(|r| !r.is_empty()) {
            let (label, value) = match rec.split_once('=') {
                Some((l, v)) if !l.contains('!') => {
                    (l.trim_start_matches('\n').to_owned(), Some(v.to_owned()))
                }
                _ => match rec.strip_suffix('!') {
                    Some(l) => (l.trim_start_matches('\n').to_owned(), None),
                    None => panic!("malformed record {rec:?}\n{context}"),
                },
            };
            assert!(
                map.insert(label.clone(), value).is_none(),
                "record {label} printed twice\n{context}"
            );
        }
        let records = Records { map, context };
        assert!(
            out.status.success() && records.map.contains_key("DONE"),
            "script did not finish\n{}",
            records.context
        );
        records
    }
}

struct Records {
    map: HashMap<String, Option<String>>,
    context: String,
}

impl Records {
    fn opt(&self, label: &str) -> Option<&str> {
        match self.map.get(label) {
            Some(v) => v.as_deref(),
            None => panic!("no record {label}\n{}", self.context),
        }
    }

    fn get(&self, label: &str) -> &str {
        self.opt(label)
            .unwrap_or_else(|| panic!("{label} is unset\n{}", self.context))
    }

    fn assert_eq(&self, label: &str, expected: &str) {
        assert_eq!(
            self.get(label),
            expected,
            "record {label}\n{}",
            self.context
        );
    }

    fn assert_unset(&self, label: &str) {
        assert_eq!(
            self.opt(label),
            None,
            "{label} should be unset\n{}",
            self.context
        );
    }

    fn assert_same(&self, a: &str, b: &str) {
        assert_eq!(
            self.opt(a),
            self.opt(b),
            "{a} and {b} differ\n{}",
            self.context
        );
    }
}

fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

fn bin(env: &Path) -> String {
    env.join("bin").display().to_string()
}

fn canonical(p: &str) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("canonicalize {p:?}: {e}"))
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

// ---------------------------------------------------------------------------
// bash, zsh, dash: bin/activate
// ---------------------------------------------------------------------------

/// `rec LABEL [VALUE]` prints a record; `var LABEL NAME` records a variable,
/// telling unset from empty; `has_deactivate LABEL` records whether the
/// deactivate function exists.
const POSIX_PRELUDE: &str = r#"
rec() { if [ "$#" -ge 2 ]; then printf '%s=%s\0' "$1" "$2"; else printf '%s!\0' "$1"; fi; }
var() { eval "if [ -n \"\${$2+x}\" ]; then rec \"\$1\" \"\$$2\"; else rec \"\$1\"; fi"; }
has_deactivate() { if command -v deactivate >/dev/null 2>&1; then rec "$1" present; else rec "$1" absent; fi; }
"#;

const POSIX_ROUNDTRIP: &str = r#"
PS1=$INIT_PS1
python3 -c pass
PYTHONHOME=$INIT_PYTHONHOME
export PYTHONHOME
var before_PATH PATH
var before_PS1 PS1
var before_PYTHONHOME PYTHONHOME
rec before_python3 "$(command -v python3)"
rec before_child_PS1 "$(printenv PS1 || echo '<unset>')"

. "$VENV/bin/activate"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1
var PYTHONHOME PYTHONHOME
rec python "$(command -v python)"
rec python3 "$(command -v python3)"
python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0child_VIRTUAL_ENV_PROMPT=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"], os.environ["VIRTUAL_ENV_PROMPT"]))'
has_deactivate active_deactivate

deactivate
var after_PATH PATH
var after_PS1 PS1
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec after_python3 "$(command -v python3)"
rec after_child_PYTHONHOME "$(printenv PYTHONHOME || echo '<unset>')"
rec after_child_PS1 "$(printenv PS1 || echo '<unset>')"
has_deactivate after_deactivate
for v in _OLD_VIRTUAL_PATH _OLD_VIRTUAL_PATH_UNSET _OLD_VIRTUAL_PS1 _OLD_VIRTUAL_PS1_UNSET _OLD_VIRTUAL_PYTHONHOME; do
    var "leftover_$v" "$v"
done
rec DONE
"#;

const POSIX_UNSET_AND_EMPTY: &str = r#"
unset PS1 PYTHONHOME
. "$VENV/bin/activate"
var unset_active_PS1 PS1
deactivate
var unset_after_PS1 PS1
var unset_after_PYTHONHOME PYTHONHOME

PS1=''
PYTHONHOME=''
export PYTHONHOME
. "$VENV/bin/activate"
var empty_active_PS1 PS1
var empty_active_PYTHONHOME PYTHONHOME
deactivate
var empty_after_PS1 PS1
var empty_after_PYTHONHOME PYTHONHOME
rec empty_after_child_PYTHONHOME "$(printenv PYTHONHOME || echo '<unset>')"
rec DONE
"#;

const POSIX_DISABLE_PROMPT: &str = r#"
PS1='orig$ '
VIRTUAL_ENV_DISABLE_PROMPT=1
export VIRTUAL_ENV_DISABLE_PROMPT
. "$VENV/bin/activate"
var disabled_PS1 PS1
var disabled_VIRTUAL_ENV VIRTUAL_ENV
var disabled_PATH PATH
deactivate
var disabled_after_PS1 PS1

VIRTUAL_ENV_DISABLE_PROMPT=''
. "$VENV/bin/activate"
var empty_flag_PS1 PS1
deactivate
var empty_flag_after_PS1 PS1
rec DONE
"#;

const POSIX_REACTIVATE: &str = r#"
PS1='orig$ '
var before_PATH PATH
. "$VENV/bin/activate"
. "$VENV2/bin/activate"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1

deactivate nondestructive
var nd_PATH PATH
var nd_PS1 PS1
var nd_VIRTUAL_ENV VIRTUAL_ENV
var nd_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
has_deactivate nd_deactivate

deactivate
var final_PATH PATH
var final_PS1 PS1
has_deactivate final_deactivate
rec DONE
"#;

const POSIX_CUSTOM_PROMPT: &str = r#"
PS1='orig$ '
. "$VENV/bin/activate"
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PS1 PS1
deactivate
var after_PS1 PS1
rec DONE
"#;

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
        let script = format!(
            "{}\n{POSIX_PRELUDE}\n{}\n{body}",
            self.strict, self.show_prompt
        );
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
        POSIX_ROUNDTRIP,
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
    r.assert_eq("VIRTUAL_ENV", &env_s);
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("PATH", &format!("{}:{}", bin(&env), r.get("before_PATH")));
    r.assert_eq("PS1", &format!("{}{NASTY_PS1}", sh.prefix(NASTY_NAME)));
    r.assert_unset("PYTHONHOME");
    r.assert_eq("python", &format!("{}/python", bin(&env)));
    // Found on the new PATH although the base python3 had been run (and so
    // hashed) before activation.
    r.assert_eq("python3", &format!("{}/python3", bin(&env)));
    assert_eq!(
        canonical(r.get("prefix")),
        canonical(&env_s),
        "sys.prefix of the env's python\n{}",
        r.context
    );
    r.assert_eq("child_PYTHONHOME", "<unset>");
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    r.assert_eq("child_VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("active_deactivate", "present");

    r.assert_same("after_PATH", "before_PATH");
    r.assert_same("after_PS1", "before_PS1");
    r.assert_same("after_PYTHONHOME", "before_PYTHONHOME");
    r.assert_unset("after_VIRTUAL_ENV");
    r.assert_unset("after_VIRTUAL_ENV_PROMPT");
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
    let r = sh.run(&fx, POSIX_UNSET_AND_EMPTY, &[("VENV", &os(&env))]);
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
    let r = sh.run(&fx, POSIX_DISABLE_PROMPT, &[("VENV", &os(&env))]);
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
        POSIX_REACTIVATE,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    let before = r.get("before_PATH");
    r.assert_eq("PATH", &format!("{}:{before}", bin(&second)));
    r.assert_eq("VIRTUAL_ENV", &second.display().to_string());
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("PS1", &format!("{}orig$ ", sh.prefix(NASTY_NAME)));
    r.assert_same("nd_PATH", "before_PATH");
    r.assert_eq("nd_PS1", "orig$ ");
    r.assert_unset("nd_VIRTUAL_ENV");
    r.assert_unset("nd_VIRTUAL_ENV_PROMPT");
    r.assert_eq("nd_deactivate", "present");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_PS1", "orig$ ");
    r.assert_eq("final_deactivate", "absent");
}

fn posix_custom_prompt(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = sh.run(&fx, POSIX_CUSTOM_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("PS1", "(my fancy env) orig$ ");
    r.assert_eq("after_PS1", "orig$ ");
}

/// A directory name made of what prompt expansion acts on.
const EXPANDABLE_NAME: &str = "$(touch pwned) `touch pwned2` %n \\w $HOME";

const POSIX_PROMPT_SHOWN: &str = r#"
PS1='orig> '
. "$VENV/bin/activate"
var PS1 PS1
rec shown "$(show_prompt)"
deactivate
var after_PS1 PS1
if [ -n "${ZSH_VERSION-}" ]; then
    setopt promptsubst
    . "$VENV/bin/activate"
    rec subst_shown "$(show_prompt)"
    deactivate
fi
rec DONE
"#;

fn posix_prompt_shown_not_expanded(sh: &str) {
    let sh = posix(sh);
    let fx = Fixture::new();
    let env = fx.create_env(EXPANDABLE_NAME, None);
    let r = sh.run(&fx, POSIX_PROMPT_SHOWN, &[("VENV", &os(&env))]);
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

// ---------------------------------------------------------------------------
// fish: bin/activate.fish
// ---------------------------------------------------------------------------

const FISH_ARGS: &[&str] = &["--no-config", "-c"];

const FISH_PRELUDE: &str = r#"
function rec
    if test (count $argv) -ge 2
        printf '%s=%s\0' $argv[1] $argv[2]
    else
        printf '%s!\0' $argv[1]
    end
end
# "$$name" joins PATH with ':' as the environment sees it.
function var
    if set -q $argv[2]
        rec $argv[1] "$$argv[2]"
    else
        rec $argv[1]
    end
end
function has_deactivate
    if functions -q deactivate
        rec $argv[1] present
    else
        rec $argv[1] absent
    end
end
"#;

/// A prompt that shows the previous command's status, to check that the
/// wrapped prompt still sees it.
const FISH_ROUNDTRIP: &str = r#"
function fish_prompt
    printf 'orig[%s] %s> ' $status $INIT_PS1
end
set -gx PYTHONHOME $INIT_PYTHONHOME
var before_PATH PATH
var before_PYTHONHOME PYTHONHOME
false; set p (fish_prompt); rec before_prompt "$p"

source "$VENV/bin/activate.fish"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PYTHONHOME PYTHONHOME
rec python (command -v python)
python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"]))'
false; set p (fish_prompt); rec prompt "$p"
has_deactivate active_deactivate

deactivate
var after_PATH PATH
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
false; set p (fish_prompt); rec after_prompt "$p"
rec after_child_PYTHONHOME (printenv PYTHONHOME; or echo '<unset>')
has_deactivate after_deactivate
set leftovers (functions -a | string match -r '^(_old_fish_prompt|__venv_return)$') (set -n | string match -r '^_OLD_')
rec leftovers "$leftovers"
rec DONE
"#;

/// fish's own autoloaded prompt, and no PYTHONHOME at all.
const FISH_DEFAULT_PROMPT: &str = r#"
set -e PYTHONHOME
true; set p (fish_prompt); rec before_prompt "$p"
rec before_body (functions fish_prompt | string match -rv '^# Defined' | string join \n)
source "$VENV/bin/activate.fish"
true; set p (fish_prompt); rec prompt "$p"
deactivate
true; set p (fish_prompt); rec after_prompt "$p"
rec after_body (functions fish_prompt | string match -rv '^# Defined' | string join \n)
var after_PYTHONHOME PYTHONHOME
rec DONE
"#;

const FISH_DISABLE_PROMPT: &str = r#"
function fish_prompt
    printf 'orig> '
end
set -gx VIRTUAL_ENV_DISABLE_PROMPT 1
source "$VENV/bin/activate.fish"
rec disabled_prompt (fish_prompt)
var disabled_VIRTUAL_ENV VIRTUAL_ENV
deactivate
rec disabled_after_prompt (fish_prompt)
set -gx VIRTUAL_ENV_DISABLE_PROMPT ''
source "$VENV/bin/activate.fish"
rec empty_flag_prompt (fish_prompt)
deactivate
rec empty_flag_after_prompt (fish_prompt)
rec DONE
"#;

const FISH_REACTIVATE: &str = r#"
function fish_prompt
    printf 'orig> '
end
var before_PATH PATH
source "$VENV/bin/activate.fish"
source "$VENV2/bin/activate.fish"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
rec prompt (fish_prompt)
deactivate nondestructive
var nd_PATH PATH
var nd_VIRTUAL_ENV VIRTUAL_ENV
var nd_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec nd_prompt (fish_prompt)
has_deactivate nd_deactivate
deactivate
var final_PATH PATH
rec final_prompt (fish_prompt)
has_deactivate final_deactivate
rec DONE
"#;

const FISH_CUSTOM_PROMPT: &str = r#"
function fish_prompt
    printf 'orig> '
end
source "$VENV/bin/activate.fish"
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec prompt (fish_prompt)
deactivate
rec after_prompt (fish_prompt)
rec DONE
"#;

fn fish_run(fx: &Fixture, body: &str, vars: &[(&str, &OsString)]) -> Records {
    fx.run("fish", FISH_ARGS, &format!("{FISH_PRELUDE}\n{body}"), vars)
}

#[test]
fn fish_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let r = fish_run(
        &fx,
        FISH_ROUNDTRIP,
        &[
            ("VENV", &os(&env)),
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );
    let env_s = env.display().to_string();
    r.assert_eq("before_prompt", &format!("orig[1] {NASTY_PS1}> "));
    r.assert_eq("PATH", &format!("{}:{}", bin(&env), r.get("before_PATH")));
    r.assert_eq("VIRTUAL_ENV", &env_s);
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_unset("PYTHONHOME");
    r.assert_eq("python", &format!("{}/python", bin(&env)));
    assert_eq!(
        canonical(r.get("prefix")),
        canonical(&env_s),
        "sys.prefix of the env's python\n{}",
        r.context
    );
    r.assert_eq("child_PYTHONHOME", "<unset>");
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    // The old prompt still sees the status of the command before it.
    assert_eq!(
        strip_ansi(r.get("prompt")),
        format!("({NASTY_NAME}) orig[1] {NASTY_PS1}> "),
        "{}",
        r.context
    );
    r.assert_eq("active_deactivate", "present");

    r.assert_same("after_PATH", "before_PATH");
    r.assert_same("after_PYTHONHOME", "before_PYTHONHOME");
    r.assert_unset("after_VIRTUAL_ENV");
    r.assert_unset("after_VIRTUAL_ENV_PROMPT");
    r.assert_same("after_prompt", "before_prompt");
    r.assert_eq("after_child_PYTHONHOME", OTHER_PYTHONHOME);
    r.assert_eq("after_deactivate", "absent");
    r.assert_eq("leftovers", "");
}

#[test]
fn fish_default_prompt_is_wrapped_and_restored() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = fish_run(&fx, FISH_DEFAULT_PROMPT, &[("VENV", &os(&env))]);
    let before = strip_ansi(r.get("before_prompt"));
    assert!(
        !before.is_empty(),
        "fish's default prompt printed nothing\n{}",
        r.context
    );
    assert_eq!(
        strip_ansi(r.get("prompt")),
        format!("(plain) {before}"),
        "{}",
        r.context
    );
    r.assert_same("after_prompt", "before_prompt");
    r.assert_same("after_body", "before_body");
    r.assert_unset("after_PYTHONHOME");
}

#[test]
fn fish_disable_prompt_keeps_prompt() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let r = fish_run(&fx, FISH_DISABLE_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("disabled_prompt", "orig> ");
    r.assert_eq("disabled_VIRTUAL_ENV", &env.display().to_string());
    r.assert_eq("disabled_after_prompt", "orig> ");
    assert_eq!(
        strip_ansi(r.get("empty_flag_prompt")),
        "(plain) orig> ",
        "{}",
        r.context
    );
    r.assert_eq("empty_flag_after_prompt", "orig> ");
}

#[test]
fn fish_second_activation_replaces_the_first_and_nondestructive_keeps_deactivate() {
    let fx = Fixture::new();
    let first = fx.create_env("first", None);
    let second = fx.create_env(NASTY_NAME, None);
    let r = fish_run(
        &fx,
        FISH_REACTIVATE,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    r.assert_eq(
        "PATH",
        &format!("{}:{}", bin(&second), r.get("before_PATH")),
    );
    r.assert_eq("VIRTUAL_ENV", &second.display().to_string());
    assert_eq!(
        strip_ansi(r.get("prompt")),
        format!("({NASTY_NAME}) orig> "),
        "{}",
        r.context
    );
    r.assert_same("nd_PATH", "before_PATH");
    r.assert_unset("nd_VIRTUAL_ENV");
    r.assert_unset("nd_VIRTUAL_ENV_PROMPT");
    r.assert_eq("nd_prompt", "orig> ");
    r.assert_eq("nd_deactivate", "present");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_eq("final_deactivate", "absent");
}

#[test]
fn fish_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let r = fish_run(&fx, FISH_CUSTOM_PROMPT, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    assert_eq!(
        strip_ansi(r.get("prompt")),
        "(my fancy env) orig> ",
        "{}",
        r.context
    );
    r.assert_eq("after_prompt", "orig> ");
}

// ---------------------------------------------------------------------------
// tcsh: bin/activate.csh
// ---------------------------------------------------------------------------

/// -e: stop at the first failing command, so a script that only works by
/// ignoring errors fails here.
const TCSH_ARGS: &[&str] = &["-f", "-e", "-c"];

/// csh has no functions, so the record-printing code is generated.
fn csh_rec(label: &str, value_expr: &str) -> String {
    format!("printf '%s=%s\\0' {label} {value_expr}\n")
}

fn csh_var(label: &str, name: &str) -> String {
    format!("if ($?{name}) then\n  printf '%s=%s\\0' {label} \"${name}:q\"\nelse\n  printf '%s!\\0' {label}\nendif\n")
}

fn csh_has_deactivate(label: &str) -> String {
    // `alias NAME` prints the definition, or nothing.
    format!("set _a=\"`alias deactivate`\"\nif (\"$_a:q\" != \"\") then\n  printf '%s=present\\0' {label}\nelse\n  printf '%s=absent\\0' {label}\nendif\n")
}

#[test]
fn tcsh_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let mut s = String::new();
    s += "set prompt=\"$INIT_PS1:q\"\nsetenv PYTHONHOME \"$INIT_PYTHONHOME:q\"\n";
    s += &csh_var("before_PATH", "PATH");
    s += &csh_var("before_prompt", "prompt");
    s += &csh_var("before_PYTHONHOME", "PYTHONHOME");
    s += "source \"$VENV/bin/activate.csh\"\n";
    s += &csh_var("PATH", "PATH");
    s += &csh_var("VIRTUAL_ENV", "VIRTUAL_ENV");
    s += &csh_var("VIRTUAL_ENV_PROMPT", "VIRTUAL_ENV_PROMPT");
    s += &csh_var("prompt", "prompt");
    s += &csh_var("PYTHONHOME", "PYTHONHOME");
    s += &csh_rec("python", "\"`which python`\"");
    s += "python -c 'import os, sys; sys.stdout.write(\"prefix=%s\\0child_PYTHONHOME=%s\\0\" % (sys.prefix, os.environ.get(\"PYTHONHOME\", \"<unset>\")))'\n";
    s += &csh_rec("pydoc", "\"`alias pydoc`\"");
    s += &csh_has_deactivate("active_deactivate");
    s += "deactivate\n";
    s += &csh_var("after_PATH", "PATH");
    s += &csh_var("after_prompt", "prompt");
    s += &csh_var("after_PYTHONHOME", "PYTHONHOME");
    s += &csh_var("after_VIRTUAL_ENV", "VIRTUAL_ENV");
    s += &csh_var("after_VIRTUAL_ENV_PROMPT", "VIRTUAL_ENV_PROMPT");
    for v in [
        "_OLD_VIRTUAL_PATH",
        "_OLD_VIRTUAL_PROMPT",
        "_OLD_VIRTUAL_PYTHONHOME",
    ] {
        s += &csh_var(&format!("leftover_{v}"), v);
    }
    s += &csh_has_deactivate("after_deactivate");
    s += &csh_rec("after_pydoc", "\"`alias pydoc`\"");
    s += "printf 'DONE!\\0'\n";
    let r = fx.run(
        "tcsh",
        TCSH_ARGS,
        &s,
        &[
            ("VENV", &os(&env)),
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );

    let env_s = env.display().to_string();
    r.assert_eq("before_prompt", NASTY_PS1);
    r.assert_eq("PATH", &format!("{}:{}", bin(&env), r.get("before_PATH")));
    r.assert_eq("VIRTUAL_ENV", &env_s);
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_eq("prompt", &format!("({NASTY_NAME}) {NASTY_PS1}"));
    r.assert_unset("PYTHONHOME");
    r.assert_eq("python", &format!("{}/python", bin(&env)));
    assert_eq!(
        canonical(r.get("prefix")),
        canonical(&env_s),
        "sys.prefix of the env's python\n{}",
        r.context
    );
    r.assert_eq("child_PYTHONHOME", "<unset>");
    r.assert_eq("pydoc", "python -m pydoc");
    r.assert_eq("active_deactivate", "present");

    r.assert_same("after_PATH", "before_PATH");
    r.assert_same("after_prompt", "before_prompt");
    r.assert_same("after_PYTHONHOME", "before_PYTHONHOME");
    r.assert_unset("after_VIRTUAL_ENV");
    r.assert_unset("after_VIRTUAL_ENV_PROMPT");
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
    let mut s = String::new();
    // A non-interactive csh has no prompt, and scripts rely on that.
    s += "unset prompt\nsource \"$VENV/bin/activate.csh\"\n";
    s += &csh_var("unset_prompt", "prompt");
    s += &csh_var("unset_VIRTUAL_ENV", "VIRTUAL_ENV");
    s += "deactivate\n";
    s += &csh_var("unset_after_prompt", "prompt");

    s += "set prompt='orig> '\nsetenv VIRTUAL_ENV_DISABLE_PROMPT 1\nsource \"$VENV/bin/activate.csh\"\n";
    s += &csh_var("disabled_prompt", "prompt");
    s += "deactivate\n";
    s += &csh_var("disabled_after_prompt", "prompt");

    s += "setenv VIRTUAL_ENV_DISABLE_PROMPT ''\nsource \"$VENV/bin/activate.csh\"\n";
    s += &csh_var("empty_flag_prompt", "prompt");
    s += "deactivate\n";
    s += &csh_var("empty_flag_after_prompt", "prompt");
    s += "printf 'DONE!\\0'\n";
    let r = fx.run("tcsh", TCSH_ARGS, &s, &[("VENV", &os(&env))]);
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
    let mut s = String::from("set prompt='orig> '\n");
    s += &csh_var("before_PATH", "PATH");
    s += "source \"$VENV/bin/activate.csh\"\nsource \"$VENV2/bin/activate.csh\"\n";
    s += &csh_var("PATH", "PATH");
    s += &csh_var("VIRTUAL_ENV", "VIRTUAL_ENV");
    s += &csh_var("prompt", "prompt");
    s += "deactivate nondestructive\n";
    s += &csh_var("nd_PATH", "PATH");
    s += &csh_var("nd_prompt", "prompt");
    s += &csh_var("nd_VIRTUAL_ENV", "VIRTUAL_ENV");
    s += &csh_var("nd_VIRTUAL_ENV_PROMPT", "VIRTUAL_ENV_PROMPT");
    s += &csh_has_deactivate("nd_deactivate");
    s += "deactivate\n";
    s += &csh_var("final_PATH", "PATH");
    s += &csh_var("final_prompt", "prompt");
    s += &csh_has_deactivate("final_deactivate");
    s += "printf 'DONE!\\0'\n";
    let r = fx.run(
        "tcsh",
        TCSH_ARGS,
        &s,
        &[("VENV", &os(&first)), ("VENV2", &os(&second))],
    );
    r.assert_eq(
        "PATH",
        &format!("{}:{}", bin(&second), r.get("before_PATH")),
    );
    r.assert_eq("VIRTUAL_ENV", &second.display().to_string());
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig> "));
    r.assert_same("nd_PATH", "before_PATH");
    r.assert_eq("nd_prompt", "orig> ");
    r.assert_unset("nd_VIRTUAL_ENV");
    r.assert_unset("nd_VIRTUAL_ENV_PROMPT");
    r.assert_eq("nd_deactivate", "present");
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_eq("final_deactivate", "absent");
}

#[test]
fn tcsh_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let mut s = String::from("set prompt='orig> '\nsource \"$VENV/bin/activate.csh\"\n");
    s += &csh_var("VIRTUAL_ENV_PROMPT", "VIRTUAL_ENV_PROMPT");
    s += &csh_var("prompt", "prompt");
    s += "deactivate\n";
    s += &csh_var("after_prompt", "prompt");
    s += "printf 'DONE!\\0'\n";
    let r = fx.run("tcsh", TCSH_ARGS, &s, &[("VENV", &os(&env))]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("prompt", "(my fancy env) orig> ");
    r.assert_eq("after_prompt", "orig> ");
}

// ---------------------------------------------------------------------------
// nushell: bin/activate.nu
// ---------------------------------------------------------------------------

const NU_ARGS: &[&str] = &["--no-config-file", "-c"];

const NU_PRELUDE: &str = r#"
def rec [label: string, value: string] { print -n $"($label)=($value)(char nul)" }
def unset-rec [label: string] { print -n $"($label)!(char nul)" }
# Values are recorded as a child process sees them: lists (PATH) joined,
# null (how activate.nu unsets PYTHONHOME) as unset.
def var [label: string, name: string] {
    let v = if $name in $env { $env | get $name } else { null }
    if $v != null {
        if ($v | describe) =~ "^list" {
            rec $label ($v | str join (char esep))
        } else {
            rec $label ($v | into string)
        }
    } else {
        unset-rec $label
    }
}
def prompt-text [] {
    if "PROMPT_COMMAND" in $env {
        let p = $env.PROMPT_COMMAND
        if ($p | describe) == "closure" { do $p } else { $p | into string }
    } else {
        "<no PROMPT_COMMAND>"
    }
}
def overlay-active [label: string] {
    rec $label (if (overlay list | where {|o| $o.name == "activate" and $o.active } | is-empty) { "no" } else { "yes" })
}
"#;

/// `overlay use` needs its path when the script is parsed, so the path is
/// written into the script as a nushell string literal.
fn nu_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn nu_activate(env: &Path) -> String {
    format!(
        "overlay use {}\n",
        nu_str(&env.join("bin/activate.nu").display().to_string())
    )
}

fn nu_run(fx: &Fixture, body: &str, vars: &[(&str, &OsString)]) -> Records {
    fx.run("nu", NU_ARGS, &format!("{NU_PRELUDE}\n{body}"), vars)
}

#[test]
fn nu_activate_then_deactivate_restores_everything() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, None);
    let mut s = String::from(
        r#"
$env.PROMPT_COMMAND = {|| $"orig ($env.INIT_PS1)> " }
$env.PYTHONHOME = $env.INIT_PYTHONHOME
var before_PATH PATH
var before_PYTHONHOME PYTHONHOME
rec before_prompt (prompt-text)
"#,
    );
    s += &nu_activate(&env);
    s += r#"
var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
var PYTHONHOME PYTHONHOME
rec prompt (prompt-text)
rec python (which python | get 0.path)
^python -c 'import os, sys; sys.stdout.write("prefix=%s\0child_PYTHONHOME=%s\0child_VIRTUAL_ENV=%s\0" % (sys.prefix, os.environ.get("PYTHONHOME", "<unset>"), os.environ["VIRTUAL_ENV"]))'
overlay-active active_overlay
deactivate
var after_PATH PATH
var after_PYTHONHOME PYTHONHOME
var after_VIRTUAL_ENV VIRTUAL_ENV
var after_VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec after_prompt (prompt-text)
rec after_child_PYTHONHOME (^printenv PYTHONHOME | str trim)
overlay-active after_overlay
var leftover_state _VENV_ACTIVATE_STATE
rec DONE ""
"#;
    let r = nu_run(
        &fx,
        &s,
        &[
            ("INIT_PS1", &os(NASTY_PS1)),
            ("INIT_PYTHONHOME", &os(OTHER_PYTHONHOME)),
        ],
    );
    let env_s = env.display().to_string();
    r.assert_eq("before_prompt", &format!("orig {NASTY_PS1}> "));
    r.assert_eq("PATH", &format!("{}:{}", bin(&env), r.get("before_PATH")));
    r.assert_eq("VIRTUAL_ENV", &env_s);
    r.assert_eq("VIRTUAL_ENV_PROMPT", NASTY_NAME);
    r.assert_unset("PYTHONHOME");
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig {NASTY_PS1}> "));
    r.assert_eq("python", &format!("{}/python", bin(&env)));
    assert_eq!(
        canonical(r.get("prefix")),
        canonical(&env_s),
        "sys.prefix of the env's python\n{}",
        r.context
    );
    r.assert_eq("child_PYTHONHOME", "<unset>");
    r.assert_eq("child_VIRTUAL_ENV", &env_s);
    r.assert_eq("active_overlay", "yes");

    r.assert_same("after_PATH", "before_PATH");
    r.assert_same("after_PYTHONHOME", "before_PYTHONHOME");
    r.assert_unset("after_VIRTUAL_ENV");
    r.assert_unset("after_VIRTUAL_ENV_PROMPT");
    r.assert_same("after_prompt", "before_prompt");
    r.assert_eq("after_child_PYTHONHOME", OTHER_PYTHONHOME);
    r.assert_eq("after_overlay", "no");
    r.assert_unset("leftover_state");
}

#[test]
fn nu_string_or_missing_prompt_and_disable_prompt() {
    let fx = Fixture::new();
    let env = fx.create_env("plain", None);
    let act = nu_activate(&env);
    let s = format!(
        r#"
hide-env -i PROMPT_COMMAND
{act}rec missing_prompt (prompt-text)
deactivate
rec missing_after_prompt (prompt-text)

$env.PROMPT_COMMAND = "orig> "
{act}rec string_prompt (prompt-text)
deactivate
rec string_after_prompt (prompt-text)
rec string_after_type ($env.PROMPT_COMMAND | describe)

$env.VIRTUAL_ENV_DISABLE_PROMPT = "1"
{act}rec disabled_prompt (prompt-text)
var disabled_VIRTUAL_ENV VIRTUAL_ENV
deactivate
rec disabled_after_prompt (prompt-text)

$env.VIRTUAL_ENV_DISABLE_PROMPT = ""
{act}rec empty_flag_prompt (prompt-text)
deactivate
rec empty_flag_after_prompt (prompt-text)

$env.VIRTUAL_ENV_DISABLE_PROMPT = true
{act}rec true_flag_prompt (prompt-text)
deactivate
$env.VIRTUAL_ENV_DISABLE_PROMPT = false
{act}rec false_flag_prompt (prompt-text)
deactivate
rec DONE ""
"#
    );
    let r = nu_run(&fx, &s, &[]);
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
    let s = format!(
        r#"
$env.PROMPT_COMMAND = {{|| "orig> " }}
var before_PATH PATH
{}{}var PATH PATH
var VIRTUAL_ENV VIRTUAL_ENV
rec prompt (prompt-text)
deactivate
var final_PATH PATH
rec final_prompt (prompt-text)
var final_VIRTUAL_ENV VIRTUAL_ENV
rec DONE ""
"#,
        nu_activate(&first),
        nu_activate(&second)
    );
    let r = nu_run(&fx, &s, &[]);
    r.assert_eq(
        "PATH",
        &format!("{}:{}", bin(&second), r.get("before_PATH")),
    );
    r.assert_eq("VIRTUAL_ENV", &second.display().to_string());
    r.assert_eq("prompt", &format!("({NASTY_NAME}) orig> "));
    r.assert_same("final_PATH", "before_PATH");
    r.assert_eq("final_prompt", "orig> ");
    r.assert_unset("final_VIRTUAL_ENV");
}

#[test]
fn nu_custom_prompt_text_with_spaces() {
    let fx = Fixture::new();
    let env = fx.create_env("dir-name", Some("my fancy env"));
    let s = format!(
        r#"
$env.PROMPT_COMMAND = {{|| "orig> " }}
{}var VIRTUAL_ENV_PROMPT VIRTUAL_ENV_PROMPT
rec prompt (prompt-text)
deactivate
rec after_prompt (prompt-text)
rec DONE ""
"#,
        nu_activate(&env)
    );
    let r = nu_run(&fx, &s, &[]);
    r.assert_eq("VIRTUAL_ENV_PROMPT", "my fancy env");
    r.assert_eq("prompt", "(my fancy env) orig> ");
    r.assert_eq("after_prompt", "orig> ");
}

// ---------------------------------------------------------------------------
// PowerShell: bin/Activate.ps1 (no PowerShell can be installed here, so the
// script is checked as text)
// ---------------------------------------------------------------------------

/// Scans PowerShell source far enough to find every string literal and check
/// that quotes, braces and parentheses pair up. Returns the decoded
/// single-quoted literals.
fn ps_single_quoted_literals(src: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut literals = Vec::new();
    let mut i = 0;
    let end = ps_scan(&chars, &mut i, None, &mut literals)?;
    assert!(end.is_none());
    Ok(literals)
}

fn ps_scan(
    c: &[char],
    i: &mut usize,
    close: Option<char>,
    lits: &mut Vec<String>,
) -> Result<Option<char>, String> {
    let mut stack: Vec<char> = Vec::new();
    while *i < c.len() {
        let ch = c[*i];
        *i += 1;
        match ch {
            '<' if c.get(*i) == Some(&'#') => {
                let rest: String = c[*i..].iter().collect();
                let n = rest.find("#>").ok_or("unterminated <# comment")?;
                *i += rest[..n].chars().count() + 2;
            }
            '#' => {
                while *i < c.len() && c[*i] != '\n' {
                    *i += 1;
                }
            }
            '`' => *i += 1,
            '\'' => {
                let mut lit = String::new();
                loop {
                    match c.get(*i) {
                        None => return Err("unterminated '...' string".into()),
                        Some('\'') if c.get(*i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            *i += 2;
                        }
                        Some('\'') => {
                            *i += 1;
                            break;
                        }
                        Some(&x) => {
                            lit.push(x);
                            *i += 1;
                        }
                    }
                }
                lits.push(lit);
            }
            '"' => loop {
                match c.get(*i) {
                    None => return Err("unterminated \"...\" string".into()),
                    Some('`') => *i += 2,
                    Some('"') if c.get(*i + 1) == Some(&'"') => *i += 2,
                    Some('"') => {
                        *i += 1;
                        break;
                    }
                    Some('$') if c.get(*i + 1) == Some(&'(') => {
                        *i += 2;
                        ps_scan(c, i, Some(')'), lits)?;
                    }
                    Some(_) => *i += 1,
                }
            },
            '(' | '{' | '[' => stack.push(ch),
            ')' | '}' | ']' => {
                let open = match ch {
                    ')' => '(',
                    '}' => '{',
                    _ => '[',
                };
                match stack.pop() {
                    Some(o) if o == open => {}
                    None if close == Some(ch) => return Ok(Some(ch)),
                    other => return Err(format!("unbalanced {ch:?} (open: {other:?})")),
                }
            }
            _ => {}
        }
    }
    match (close, stack.last()) {
        (None, None) => Ok(None),
        (Some(want), _) => Err(format!("missing {want:?} at end of file")),
        (None, Some(o)) => Err(format!("unclosed {o:?}")),
    }
}

#[test]
fn powershell_script_is_filled_in_and_well_formed() {
    let fx = Fixture::new();
    for (name, prompt) in [(NASTY_NAME, None), ("dir-name", Some("my 'fancy' env"))] {
        let env = fx.create_env(name, prompt);
        let text = std::fs::read_to_string(env.join("bin/Activate.ps1")).unwrap();
        assert!(
            !text.contains("__VENV_"),
            "a placeholder was left in Activate.ps1"
        );
        let literals = ps_single_quoted_literals(&text)
            .unwrap_or_else(|e| panic!("Activate.ps1 for {name:?}: {e}"));
        let env_s = env.display().to_string();
        let prompt = prompt.unwrap_or(name);
        assert!(
            literals.contains(&env_s),
            "no '...' literal decodes to the env dir {env_s:?}: {literals:?}"
        );
        assert!(
            literals.contains(&prompt.to_owned()),
            "no '...' literal decodes to the prompt {prompt:?}"
        );
        assert!(
            literals.contains(&"bin".to_owned()),
            "no '...' literal for the bin dir"
        );
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        for needle in [
            "function global:deactivate",
            "[switch] $NonDestructive",
            "$env:VIRTUAL_ENV = $VenvDir",
            "$env:VIRTUAL_ENV_PROMPT = $Prompt",
            "Remove-Item -LiteralPath Env:PYTHONHOME",
            "Remove-Item -LiteralPath Env:VIRTUAL_ENV ",
            "Remove-Item -LiteralPath Env:VIRTUAL_ENV_PROMPT ",
            "Set-Item -Path Function:global:prompt",
            "$env:VIRTUAL_ENV_DISABLE_PROMPT",
            "deactivate -NonDestructive",
        ] {
            assert!(code.contains(needle), "Activate.ps1 lacks {needle:?}");
        }
    }
}

#[test]
fn scripts_have_no_placeholders_left() {
    let fx = Fixture::new();
    let env = fx.create_env(NASTY_NAME, Some("p r o m p t"));
    for script in [
        "activate",
        "activate.fish",
        "activate.csh",
        "activate.nu",
        "Activate.ps1",
    ] {
        let text = std::fs::read_to_string(env.join("bin").join(script)).unwrap();
        assert!(
            !text.contains("__VENV_"),
            "bin/{script} still has a placeholder"
        );
    }
}
