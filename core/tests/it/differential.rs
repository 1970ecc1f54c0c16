//! Differential tests: for every CPython 3.8-3.13 on the machine, Debian's
//! python3 and Debian's PyPy 3.9, and a matrix
//! of flags, `venv` and `pythonX.Y -m venv` create environments side by side,
//! and the trees, pyvenv.cfg and the environments' behaviour must match.
//!
//! The one intended difference in the tree is `bin/activate.nu` (we add
//! nushell); in pyvenv.cfg, `command` names our executable (the flags match).

use std::path::{Path, PathBuf};

use crate::common::*;

mod debian;

/// The two sides of one comparison live at paths of equal length
/// (`.../cpy/work/env` and `.../our/work/env`), so that files embedding the
/// env path (pip's scripts, byte-code) have equal sizes. Both sides run
/// where the base interpreter lives (`base`: this machine or a chroot).
struct Pair {
    scratch: Scratch,
    python: PathBuf,
    base: Base,
}

impl Pair {
    fn new(python: &Path) -> Pair {
        Pair::on(Base::Host, python)
    }
    fn on(base: Base, python: &Path) -> Pair {
        let scratch = Scratch::new();
        for side in ["cpy", "our"] {
            std::fs::create_dir_all(scratch.path().join(side).join("work")).unwrap();
        }
        Pair {
            scratch,
            python: python.to_path_buf(),
            base,
        }
    }
    fn work(&self, side: &str) -> PathBuf {
        self.scratch.path().join(side).join("work")
    }
    fn env(&self, side: &str) -> PathBuf {
        self.work(side).join("env")
    }
    /// Runs the same flags through both tools.
    fn create(&self, flags: &[&str]) {
        self.create_with(flags, &[]);
    }

    /// Same flags for both, plus `ours_only` for our side (e.g. a link mode).
    fn create_with(&self, flags: &[&str], ours_only: &[&str]) {
        self.create_in(flags, ours_only, &[]);
    }

    /// [`Pair::create_with`] with `vars` set for both tools.
    fn create_in(&self, flags: &[&str], ours_only: &[&str], vars: &[(&str, &str)]) {
        let mut args: Vec<&str> = flags.to_vec();
        args.push("env");
        let theirs = self
            .base
            .command(&self.python, &self.work("cpy"))
            .args(["-m", "venv"])
            .args(&args)
            .envs(vars.iter().copied())
            .output()
            .expect("run python -m venv");
        assert_ok(
            &theirs,
            &format!(
                "{} -m venv {flags:?} ({})",
                self.python.display(),
                self.base.name()
            ),
        );
        let ours = self
            .base
            .command(self.base.venv(), &self.work("our"))
            .env("VENV_CACHE_DIR", self.scratch.cache())
            .arg("-p")
            .arg(&self.python)
            .args(ours_only)
            .args(&args)
            .envs(vars.iter().copied())
            .output()
            .expect("run venv");
        assert_ok(&ours, &format!("venv {flags:?} ({})", self.base.name()));
    }

    fn python_says(&self, python: &Path, code: &str) -> String {
        self.base.python_says(python, code)
    }

    fn normalise(&self, text: &str, side: &str) -> String {
        text.replace(&*self.scratch.path().join(side).to_string_lossy(), "<ROOT>")
    }

    /// Every difference between the two environments, empty when they match.
    fn differences(&self, with_pip: bool) -> Vec<String> {
        let (ours, theirs) = (self.env("our"), self.env("cpy"));
        let mut diffs = diff_trees(
            &snapshot(&ours),
            &snapshot(&theirs),
            &["bin/activate.nu"],
            &|path: &str| {
                // Scripts are our own text and pyvenv.cfg names our command; byte-code embeds
                // the path it was compiled at (the interpreter rewrites it on import, checked
                // below) and RECORD holds hashes of env-specific launchers (checked below).
                !(path.starts_with("bin/activate")
                    || path == "bin/Activate.ps1"
                    || path == "pyvenv.cfg"
                    || path.ends_with(".pyc")
                    || path.ends_with("/RECORD"))
            },
        );
        diffs.extend(self.config_differences());
        let probe = "import sys, site, json, importlib.util; print(json.dumps([sys.prefix, sys.base_prefix, \
                     sys.exec_prefix, site.getsitepackages(), sys.path[1:], \
                     importlib.util.find_spec('pip') is not None]))";
        let (a, b) = (
            self.normalise(&self.python_says(&ours.join("bin/python"), probe), "our"),
            self.normalise(&self.python_says(&theirs.join("bin/python"), probe), "cpy"),
        );
        if a != b {
            diffs.push(format!(
                "interpreter reports differ:\n  ours:   {a}\n  cpython: {b}"
            ));
        }
        if with_pip {
            diffs.extend(record_differences(&ours, &theirs));
            // Byte-code compiled elsewhere must still be valid here: importing pip
            // must report the env's paths and must not rewrite the .pyc.
            let probe = "import pip._internal.cli.main as m, importlib.util as u, os; \
                         print(m.main.__code__.co_filename); print(os.stat(u.cache_from_source(m.__file__)).st_ino)";
            let before = std::fs::metadata(pyc_of_main(&ours)).unwrap();
            let said = self.python_says(&ours.join("bin/python"), probe);
            let mut lines = said.lines();
            let co_filename = lines.next().unwrap_or("");
            if !co_filename.starts_with(&*ours.to_string_lossy()) {
                diffs.push(format!("code object path is not the env's: {co_filename}"));
            }
            let after = std::fs::metadata(pyc_of_main(&ours)).unwrap();
            use std::os::unix::fs::MetadataExt;
            if before.ino() != after.ino() || before.mtime() != after.mtime() {
                diffs.push("importing pip rewrote its byte-code: the cached .pyc was stale".into());
            }
            diffs.extend(self.launcher_differences());
            let pip = |env: &Path| {
                let out = self
                    .base
                    .command(env.join("bin/pip"), env)
                    .arg("--version")
                    .output()
                    .unwrap();
                assert_ok(&out, "pip --version");
                stdout(&out)
            };
            let (a, b) = (
                self.normalise(&pip(&ours), "our"),
                self.normalise(&pip(&theirs), "cpy"),
            );
            if a != b {
                diffs.push(format!("pip --version differs: ours {a:?}, cpython {b:?}"));
            }
        }
        diffs
    }

    /// pip's launchers (every regular file in bin but the activation
    /// scripts), byte for byte once each side's root is replaced.
    fn launcher_differences(&self) -> Vec<String> {
        let mut diffs = Vec::new();
        let bin = self.env("cpy").join("bin");
        for entry in std::fs::read_dir(&bin).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type().unwrap().is_file()
                || name.starts_with("activate")
                || name == "Activate.ps1"
            {
                continue;
            }
            let read = |side: &str| {
                std::fs::read(self.env(side).join("bin").join(&name))
                    .map(|b| self.normalise(&String::from_utf8_lossy(&b), side))
            };
            match (read("our"), read("cpy")) {
                (Ok(a), Ok(b)) if a == b => {}
                (Ok(a), Ok(b)) => diffs.push(format!(
                    "bin/{name} differs:\n--- ours\n{a}\n--- cpython\n{b}"
                )),
                (a, _) => diffs.push(format!("bin/{name}: ours {a:?}")),
            }
        }
        diffs
    }

    /// Activation in `shell`: what each side's script sets (`VIRTUAL_ENV`,
    /// the prompt variables, the prompt, which python runs and its prefix)
    /// and what `deactivate` restores, once each side's root is replaced.
    /// Lines starting with one of `intended` are left out on both sides: our
    /// scripts behave like CPython 3.13's for every version (README), so an
    /// older venv's `VIRTUAL_ENV_PROMPT` differs on purpose.
    fn activation_differences(&self, shell: &str, intended: &[&str]) -> Vec<String> {
        let (script, args): (&str, &[&str]) = match shell {
            "fish" => (ACTIVATE_FISH, &["--no-config"]),
            "tcsh" => (ACTIVATE_CSH, &["-f"]),
            _ => (ACTIVATE_POSIX, &[]),
        };
        let file = self.scratch.path().join(format!("activation.{shell}"));
        std::fs::write(&file, script).unwrap();
        let run = |side: &str| {
            let out = self
                .base
                .command(shell, &self.work(side))
                .args(args)
                .arg(&file)
                .env("E", self.env(side))
                .env("HOME", "/root")
                .env("TERM", "dumb")
                .env("LC_ALL", "C.UTF-8")
                .env_remove("VIRTUAL_ENV_DISABLE_PROMPT")
                .env_remove("VIRTUAL_ENV_PROMPT")
                .output()
                .unwrap_or_else(|e| panic!("cannot run {shell}: {e}"));
            assert_ok(&out, &format!("activation in {shell} ({side})"));
            let text = self.normalise(&stdout(&out), side);
            text.lines()
                .filter(|l| !intended.iter().any(|p| l.starts_with(p)))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        };
        let (ours, theirs) = (run("our"), run("cpy"));
        if ours == theirs {
            Vec::new()
        } else {
            vec![format!(
                "activation in {shell} differs:\n--- ours\n{ours}\n--- cpython\n{theirs}"
            )]
        }
    }

    fn config_differences(&self) -> Vec<String> {
        let read = |side: &str| {
            self.normalise(
                &std::fs::read_to_string(self.env(side).join("pyvenv.cfg")).unwrap(),
                side,
            )
        };
        let (ours, theirs) = (read("our"), read("cpy"));
        let (ol, tl): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
        let key = |l: &str| l.split(" = ").next().unwrap_or("").to_owned();
        let mut diffs = Vec::new();
        if ol.iter().map(|l| key(l)).collect::<Vec<_>>()
            != tl.iter().map(|l| key(l)).collect::<Vec<_>>()
        {
            diffs.push(format!("pyvenv.cfg keys differ:\n{ours}\n---\n{theirs}"));
            return diffs;
        }
        for (a, b) in ol.iter().zip(&tl) {
            if key(a) == "command" {
                // theirs: `<python> -m venv ARGS`; ours: `<venv> --python <python> ARGS`.
                let their_args = b.split_once(" -m venv ").map(|x| x.1).unwrap_or("");
                let py = format!(" --python {} ", self.python.display());
                let our_args = a.split_once(&py).map(|x| x.1).unwrap_or("");
                if their_args != our_args {
                    diffs.push(format!(
                        "pyvenv.cfg command args differ: ours {our_args:?}, cpython {their_args:?}"
                    ));
                }
            } else if a != b {
                diffs.push(format!(
                    "pyvenv.cfg line differs: ours {a:?}, cpython {b:?}"
                ));
            }
        }
        diffs
    }
}

/// What activation changes, in each shell's language: `$E` is the env.
const ACTIVATE_POSIX: &str = r#"PS1='$ '; export PS1; before=$PATH
. "$E/bin/activate"
printf 'VIRTUAL_ENV=%s\nVIRTUAL_ENV_PROMPT=%s\nPS1=%s\n' "$VIRTUAL_ENV" "${VIRTUAL_ENV_PROMPT-<unset>}" "$PS1"
printf 'python=%s\n' "$(command -v python)"
python -c 'import sys; print("prefix=" + sys.prefix)'
deactivate
printf 'after=%s %s %s\n' "${VIRTUAL_ENV-<unset>}" "${VIRTUAL_ENV_PROMPT-<unset>}" "$PS1"
[ "$PATH" = "$before" ] && echo PATH restored || echo "PATH changed: $PATH"
"#;

const ACTIVATE_FISH: &str = r#"set -l before $PATH
source $E/bin/activate.fish
printf 'VIRTUAL_ENV=%s\nVIRTUAL_ENV_PROMPT=%s\n' "$VIRTUAL_ENV" "$VIRTUAL_ENV_PROMPT"
printf 'python=%s\n' (command -v python)
python -c 'import sys; print("prefix=" + sys.prefix)'
deactivate
set -q VIRTUAL_ENV; and echo after=set; or echo after=unset
test (string join : $PATH) = (string join : $before); and echo PATH restored; or echo PATH changed: $PATH
true
"#;

const ACTIVATE_CSH: &str = r#"set prompt = '> '
set before = "$PATH"
source "$E/bin/activate.csh"
echo "VIRTUAL_ENV=$VIRTUAL_ENV"
if ($?VIRTUAL_ENV_PROMPT) echo "VIRTUAL_ENV_PROMPT=$VIRTUAL_ENV_PROMPT"
echo "prompt=$prompt"
echo "python=`which python`"
python -c 'import sys; print("prefix=" + sys.prefix)'
deactivate
if (! $?VIRTUAL_ENV) echo after=unset
echo "prompt=$prompt"
if ("$PATH" == "$before") echo PATH restored
if ("$PATH" != "$before") echo "PATH changed: $PATH"
"#;

fn pyc_of_main(env: &Path) -> PathBuf {
    let cache = site_packages(env).join("pip/_internal/cli/__pycache__");
    std::fs::read_dir(&cache)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("main.")
        })
        .expect("main.*.pyc")
}

/// RECORD files must list the same paths with the same hashes and sizes,
/// except the launchers in bin, whose recorded hash must match the file.
fn record_differences(ours: &Path, theirs: &Path) -> Vec<String> {
    let mut diffs = Vec::new();
    let (os, ts) = (site_packages(ours), site_packages(theirs));
    for entry in std::fs::read_dir(&ts).unwrap() {
        let name = entry.unwrap().file_name();
        if !name.to_string_lossy().ends_with(".dist-info") {
            continue;
        }
        let read = |site: &Path| -> Vec<(String, String, String)> {
            let text = std::fs::read_to_string(site.join(&name).join("RECORD")).unwrap();
            text.split("\r\n")
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let mut p = l.rsplitn(3, ',');
                    let size = p.next().unwrap().to_owned();
                    let hash = p.next().unwrap().to_owned();
                    (p.next().unwrap().to_owned(), hash, size)
                })
                .collect()
        };
        let (mine, real) = (read(&os), read(&ts));
        if mine.iter().map(|r| &r.0).collect::<Vec<_>>()
            != real.iter().map(|r| &r.0).collect::<Vec<_>>()
        {
            diffs.push(format!(
                "{}: RECORD lists different paths",
                name.to_string_lossy()
            ));
            continue;
        }
        for (m, r) in mine.iter().zip(&real) {
            if m.0.starts_with("../") {
                let bytes = std::fs::read(os.join(&m.0)).unwrap();
                let hash = record_hash(&bytes);
                if m.1 != hash || m.2 != bytes.len().to_string() {
                    diffs.push(format!("RECORD row for {} does not match the file", m.0));
                }
            } else if m != r {
                diffs.push(format!("RECORD row differs: ours {m:?}, cpython {r:?}"));
            }
        }
    }
    diffs
}

/// Creates with `flags` on both sides and asserts there is no difference.
fn assert_same(minor: u32, flags: &[&str], with_pip: bool) {
    assert_same_for(&cpython(minor), flags, with_pip);
}

fn assert_same_for(python: &Path, flags: &[&str], with_pip: bool) {
    assert_same_on(&Base::Host, python, flags, with_pip);
}

fn assert_same_on(base: &Base, python: &Path, flags: &[&str], with_pip: bool) {
    let pair = Pair::on(base.clone(), python);
    pair.create(flags);
    let diffs = pair.differences(with_pip);
    assert!(
        diffs.is_empty(),
        "{} ({}) {flags:?}:\n{}",
        python.display(),
        base.name(),
        diffs.join("\n")
    );
}

fn matrix(minor: u32) {
    matrix_on(&Base::Host, &cpython(minor), minor);
}

/// The flag sets without pip, for the base `python` (CPython's venv 3.`minor`).
fn matrix_on(base: &Base, python: &Path, minor: u32) {
    let mut combos: Vec<Vec<&str>> = vec![
        vec!["--without-pip"],
        vec!["--without-pip", "--copies"],
        vec!["--without-pip", "--symlinks"],
        vec!["--without-pip", "--system-site-packages"],
        vec!["--without-pip", "--prompt", "my prompt's \"name\""],
        vec!["--without-pip", "--prompt", "."],
        vec![
            "--without-pip",
            "--copies",
            "--system-site-packages",
            "--prompt",
            "p",
        ],
    ];
    if minor >= 13 {
        combos.push(vec!["--without-pip", "--without-scm-ignore-files"]);
    }
    for flags in &combos {
        assert_same_on(base, python, flags, false);
    }
}

/// Debian's PyPy 3.9 (`apt-get install pypy3`, done by tools/install-test-deps.sh).
fn pypy() -> PathBuf {
    let python = PathBuf::from("/usr/bin/pypy3");
    assert!(
        python.exists(),
        "Debian's pypy3 is missing: run tools/install-test-deps.sh (apt-get install pypy3)"
    );
    python
}

/// PyPy's venv: `pypy3 -> base`, `pypy`, `python*` relative, `lib/pypy3.9`.
#[test]
fn pypy_matrix() {
    for flags in [
        &["--without-pip"][..],
        &["--without-pip", "--system-site-packages"],
        &["--without-pip", "--prompt", "my prompt's \"name\""],
        &["--without-pip", "--prompt", "."],
    ] {
        assert_same_for(&pypy(), flags, false);
    }
}

/// pip and setuptools seeded natively from the wheels Debian's PyPy
/// ensurepip takes from /usr/share/python-wheels (and copies into the env).
#[test]
fn pypy_seeded() {
    assert_same_for(&pypy(), &["--system-site-packages"], true);
}

/// A PyPy whose (Debian-patched) ensurepip finds no wheel in the directory
/// written into it: PyPy's own venv stops with a traceback half way; ours
/// names the directory in one line and creates nothing. The PyPy is
/// Debian's executable with its library linked in, but for an ensurepip
/// that looks in an empty directory.
#[test]
fn pypy_without_wheels_says_where_it_looked() {
    let s = Scratch::new();
    let root = s.path().join("pypy");
    let stdlib = root.join("lib/pypy3.9");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(stdlib.join("ensurepip")).unwrap();
    let exe = root.join("bin/pypy3.9");
    std::fs::copy(std::fs::canonicalize(pypy()).unwrap(), &exe).unwrap();
    let system = Path::new("/usr/lib/pypy3.9");
    for entry in std::fs::read_dir(system).unwrap() {
        let name = entry.unwrap().file_name();
        if name != "ensurepip" {
            std::os::unix::fs::symlink(system.join(&name), stdlib.join(&name)).unwrap();
        }
    }
    let empty = s.path().join("elsewhere/share/python-wheels");
    std::fs::create_dir_all(&empty).unwrap();
    for name in ["__init__.py", "__main__.py", "_uninstall.py"] {
        let text = std::fs::read_to_string(system.join("ensurepip").join(name)).unwrap();
        assert!(
            name != "__init__.py" || text.contains("'/usr/share/python-wheels"),
            "Debian's PyPy ensurepip no longer names /usr/share/python-wheels"
        );
        let text = text.replace(
            "'/usr/share/python-wheels",
            &format!("'{}", empty.display()),
        );
        std::fs::write(stdlib.join("ensurepip").join(name), text).unwrap();
    }

    let theirs = cpython_venv(&exe, s.path(), &["theirs"]);
    assert!(
        !theirs.status.success(),
        "pypy3 -m venv found wheels in an empty directory"
    );
    let out = s.venv(&["-p", exe.to_str().unwrap(), "ours"]);
    assert_one_line_error(
        &out,
        &[
            "is missing the wheels it installs",
            &format!("{}/pip-*.whl", empty.display()),
            "--without-pip",
        ],
    );
    assert!(!s.path().join("ours").exists());
    // Without pip the same interpreter serves.
    assert_ok(
        &s.venv(&["--without-pip", "-p", exe.to_str().unwrap(), "ours"]),
        "venv --without-pip",
    );
}

#[test]
fn pypy_clear_and_upgrade() {
    clear_and_upgrade_for(&pypy(), "pypy3");
}

/// `pypy3 -m venv --copies` on a system PyPy copies all of /usr/lib (and
/// fails); ours copies the interpreter under its names and nothing else it
/// does not need, says so with -v, and the environment works.
#[test]
fn pypy_copies_only_what_it_needs() {
    let s = Scratch::new();
    let out = s.venv(&[
        "-v",
        "-p",
        "/usr/bin/pypy3",
        "--copies",
        "--without-pip",
        "env",
    ]);
    assert_ok(&out, "venv --copies with pypy3");
    let env = s.path().join("env");
    let mut copied: Vec<String> = stderr(&out)
        .lines()
        .filter_map(|l| l.strip_prefix("venv: copied "))
        .map(|l| l.split(' ').next().unwrap().to_owned())
        .collect();
    copied.sort();
    assert_eq!(
        copied,
        [
            "bin/pypy",
            "bin/pypy3",
            "bin/python",
            "bin/python3",
            "bin/python3.9"
        ],
        "{}",
        stderr(&out)
    );
    let tree = snapshot(&env);
    assert!(
        tree.len() < 20,
        "copied more than the interpreter: {tree:?}"
    );
    let said = python_says(
        &env.join("bin/python"),
        "import sys; print(sys.prefix == sys.exec_prefix, sys.base_prefix)",
    );
    assert_eq!(said.trim(), "True /usr");
    let prefix = python_says(&env.join("bin/python"), "import sys; print(sys.prefix)");
    assert_eq!(Path::new(prefix.trim()), env.canonicalize().unwrap());
}

fn with_pip(minor: u32) {
    assert_same(minor, &[], true);
}

/// Our other routes to pip must be just as indistinguishable.
#[test]
fn seeded_by_copy_and_by_ensurepip() {
    for ours in [&["--link-mode", "copy"][..], &["--seeder", "ensurepip"][..]] {
        let pair = Pair::new(&cpython(12));
        pair.create_with(&["--system-site-packages"], ours);
        let diffs = pair.differences(true);
        assert!(diffs.is_empty(), "{ours:?}:\n{}", diffs.join("\n"));
    }
}

/// Debian's own python3 (pip and setuptools from /usr/share/python-wheels).
#[test]
fn debian_system_python() {
    let python = Path::new("/usr/bin/python3");
    assert!(
        python.exists(),
        "Debian's python3 is missing: apt-get install python3 python3-venv"
    );
    let pair = Pair::new(python);
    pair.create(&[]);
    let diffs = pair.differences(true);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Long env paths make pip's launchers use the /bin/sh trampoline; spaces too.
#[test]
fn launchers_for_long_and_spaced_paths() {
    long_and_spaced_paths_on(&Base::Host, &cpython(12));
}

fn long_and_spaced_paths_on(base: &Base, python: &Path) {
    for name in ["a path with spaces", &"x".repeat(110)] {
        let pair = Pair::on(base.clone(), python);
        for side in ["cpy", "our"] {
            std::fs::create_dir_all(pair.work(side).join(name)).unwrap();
        }
        let rel = format!("{name}/env");
        let theirs = base
            .command(python, &pair.work("cpy"))
            .args(["-m", "venv", &rel])
            .output()
            .unwrap();
        assert_ok(&theirs, "python -m venv");
        let ours = base
            .command(base.venv(), &pair.work("our"))
            .env("VENV_CACHE_DIR", pair.scratch.cache())
            .arg("-p")
            .arg(python)
            .arg(&rel)
            .output()
            .unwrap();
        assert_ok(&ours, "venv");
        let read = |side: &str| {
            pair.normalise(
                &std::fs::read_to_string(pair.work(side).join(&rel).join("bin/pip")).unwrap(),
                side,
            )
        };
        assert_eq!(read("our"), read("cpy"), "bin/pip under {name:?}");
        let env = pair.work("our").join(&rel);
        let out = base
            .command(env.join("bin/pip"), &env)
            .arg("--version")
            .output()
            .unwrap();
        assert_ok(&out, "pip --version through the launcher");
    }
}

/// `--clear` on an env holding extra files, and `--upgrade` of an existing env.
fn clear_and_upgrade(minor: u32) {
    clear_and_upgrade_for(&cpython(minor), &format!("3.{minor}"));
}

fn clear_and_upgrade_for(python: &Path, minor: &str) {
    clear_and_upgrade_on(&Base::Host, python, minor);
}

fn clear_and_upgrade_on(base: &Base, python: &Path, minor: &str) {
    let pair = Pair::on(base.clone(), python);
    pair.create(&["--without-pip"]);
    for side in ["cpy", "our"] {
        std::fs::write(pair.env(side).join("junk.txt"), "x").unwrap();
        std::fs::create_dir_all(pair.env(side).join("lib/extra")).unwrap();
    }
    pair.create(&["--without-pip", "--clear"]);
    let diffs = pair.differences(false);
    assert!(diffs.is_empty(), "{minor} --clear:\n{}", diffs.join("\n"));
    assert!(!pair.env("our").join("junk.txt").exists());

    pair.create(&["--without-pip", "--upgrade"]);
    let diffs = pair.differences(false);
    assert!(diffs.is_empty(), "{minor} --upgrade:\n{}", diffs.join("\n"));

    // Re-running plain creation over an existing env is allowed and in place.
    pair.create(&["--without-pip", "--prompt", "again"]);
    let diffs = pair.differences(false);
    assert!(diffs.is_empty(), "{minor} re-create:\n{}", diffs.join("\n"));
}

macro_rules! per_version {
    ($($name:ident => $minor:expr),*) => {
        mod matrix { $( #[test] fn $name() { super::matrix($minor) } )* }
        mod seeded { $( #[test] fn $name() { super::with_pip($minor) } )* }
        mod existing { $( #[test] fn $name() { super::clear_and_upgrade($minor) } )* }
    };
}

per_version!(py38 => 8, py39 => 9, py310 => 10, py311 => 11, py312 => 12, py313 => 13);

/// Invoked as `python3` (not `python3.X`), the links follow that name.
#[test]
fn link_names_follow_the_invocation_name() {
    let exe = cpython(12);
    let python3 = exe.with_file_name("python3");
    let pair = Pair::new(&python3);
    pair.create(&["--without-pip"]);
    let diffs = pair.differences(false);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
    let link = std::fs::read_link(pair.env("our").join("bin/python3")).unwrap();
    assert_eq!(link, python3);
}
