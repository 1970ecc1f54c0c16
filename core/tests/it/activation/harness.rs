//! What every shell's tests share: a scratch area with a base PATH and HOME,
//! environments made by the real binary, running a script in a shell with a
//! small fixed environment, and the records it prints.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cpython, which, MINORS};

const INSTALL_HINT: &str =
    "run `tools/install-shells.sh` as root to install the shells these tests need";

/// A directory name with a space, non-ASCII letters, both quote characters,
/// a `$` that must not expand, a backslash and csh's history character.
pub const NASTY_NAME: &str = "éñv 'q\" $HOME \\ !";

/// A prompt with the characters each shell's prompt language treats
/// specially; it only has to come back unchanged.
pub const NASTY_PS1: &str = "\\u@\\h:\\w \"dq\" 'sq' $(x) %n ! > ";

pub const OTHER_PYTHONHOME: &str = "/opt/other home/python";

/// The activation scripts `venv` writes into `bin/`.
pub const SCRIPTS: [&str; 5] = [
    "activate",
    "activate.fish",
    "activate.csh",
    "activate.nu",
    "Activate.ps1",
];

fn find_on_path(name: &str) -> Option<PathBuf> {
    // Where tools/install-shells.sh and Debian put them, in case the test
    // runner's PATH is minimal.
    which(name).or_else(|| {
        ["/usr/local/bin", "/usr/bin", "/bin"]
            .map(|d| Path::new(d).join(name))
            .into_iter()
            .find(|p| p.is_file())
    })
}

fn shell(name: &str) -> PathBuf {
    find_on_path(name).unwrap_or_else(|| panic!("`{name}` is not installed: {INSTALL_HINT}"))
}

/// A scratch area: a base bin directory (with its own `python3`) that forms
/// the shells' PATH, a HOME, and the environments under test.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
    pub base_bin: PathBuf,
    home: PathBuf,
    python: PathBuf,
}

impl Fixture {
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base_bin = tmp.path().join("base bin");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&base_bin).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        // The environments are made from the newest supported CPython.
        let python = cpython(*MINORS.last().unwrap());
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
    pub fn create_env(&self, name: &str, prompt: Option<&str>) -> PathBuf {
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
        for script in SCRIPTS {
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

    /// `shell_name` (failing the test when it is not installed) with a
    /// small, fixed environment, in the scratch directory.
    pub fn shell_command(&self, shell_name: &str) -> Command {
        let mut cmd = Command::new(shell(shell_name));
        cmd.env_clear()
            .env("PATH", self.base_path())
            .env("HOME", &self.home)
            .env("USER", "tester")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env("TERM", "dumb")
            .current_dir(self.tmp.path());
        cmd
    }

    /// The CPython the environments are made from.
    pub fn python(&self) -> &Path {
        &self.python
    }

    /// Runs `script` in `shell` with a small, fixed environment plus `vars`.
    pub fn run(
        &self,
        shell_name: &str,
        args: &[&str],
        script: &str,
        vars: &[(&str, &OsString)],
    ) -> Records {
        let exe = shell(shell_name);
        let mut cmd = self.shell_command(shell_name);
        cmd.args(args).arg(script);
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

/// What a script printed: `LABEL=VALUE` (or `LABEL!`, unset) records, and the
/// whole run's output for assertion messages.
pub struct Records {
    map: HashMap<String, Option<String>>,
    pub context: String,
}

impl Records {
    pub fn opt(&self, label: &str) -> Option<&str> {
        match self.map.get(label) {
            Some(v) => v.as_deref(),
            None => panic!("no record {label}\n{}", self.context),
        }
    }

    pub fn get(&self, label: &str) -> &str {
        self.opt(label)
            .unwrap_or_else(|| panic!("{label} is unset\n{}", self.context))
    }

    pub fn assert_eq(&self, label: &str, expected: &str) {
        assert_eq!(
            self.get(label),
            expected,
            "record {label}\n{}",
            self.context
        );
    }

    pub fn assert_unset(&self, label: &str) {
        assert_eq!(
            self.opt(label),
            None,
            "{label} should be unset\n{}",
            self.context
        );
    }

    pub fn assert_same(&self, a: &str, b: &str) {
        assert_eq!(
            self.opt(a),
            self.opt(b),
            "{a} and {b} differ\n{}",
            self.context
        );
    }

    /// After activating `env`, named `prompt`: its bin dir leads the PATH
    /// from before, the variables are set and PYTHONHOME unset, `python` is
    /// the env's (and so is its `sys.prefix`), and children see no PYTHONHOME.
    pub fn assert_active(&self, env: &Path, prompt: &str) {
        let env_s = env.display().to_string();
        self.assert_eq("PATH", &format!("{}:{}", bin(env), self.get("before_PATH")));
        self.assert_eq("VIRTUAL_ENV", &env_s);
        self.assert_eq("VIRTUAL_ENV_PROMPT", prompt);
        self.assert_unset("PYTHONHOME");
        self.assert_eq("python", &format!("{}/python", bin(env)));
        assert_eq!(
            canonical(self.get("prefix")),
            canonical(&env_s),
            "sys.prefix of the env's python\n{}",
            self.context
        );
        self.assert_eq("child_PYTHONHOME", "<unset>");
    }

    /// After `deactivate`: PATH and PYTHONHOME as before, the variables gone.
    pub fn assert_deactivated(&self) {
        self.assert_same("after_PATH", "before_PATH");
        self.assert_same("after_PYTHONHOME", "before_PYTHONHOME");
        self.assert_unset("after_VIRTUAL_ENV");
        self.assert_unset("after_VIRTUAL_ENV_PROMPT");
    }

    /// After activating `second` over another environment: `second` alone
    /// leads the PATH from before, and is VIRTUAL_ENV.
    pub fn assert_second_active(&self, second: &Path) {
        self.assert_eq(
            "PATH",
            &format!("{}:{}", bin(second), self.get("before_PATH")),
        );
        self.assert_eq("VIRTUAL_ENV", &second.display().to_string());
    }

    /// After `deactivate nondestructive` (`nd_` records): PATH as before,
    /// the variables gone, the deactivate command still there.
    pub fn assert_nondestructive(&self) {
        self.assert_same("nd_PATH", "before_PATH");
        self.assert_unset("nd_VIRTUAL_ENV");
        self.assert_unset("nd_VIRTUAL_ENV_PROMPT");
        self.assert_eq("nd_deactivate", "present");
    }
}

pub fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

pub fn bin(env: &Path) -> String {
    env.join("bin").display().to_string()
}

fn canonical(p: &str) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|e| panic!("canonicalize {p:?}: {e}"))
}
