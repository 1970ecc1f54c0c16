//! Shared helpers for the integration tests: the CPythons on this machine
//! and in the Debian chroots (`base`), running our binary and the real `-m
//! venv`, the plugins built for the tests, environments' site-packages, and
//! snapshots of env trees.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod base;
pub use base::{Base, Chroot};

/// Minor versions the project promises to match.
pub const MINORS: &[u32] = &[8, 9, 10, 11, 12, 13];

/// pyenv's root: `$PYENV_ROOT`, else `~/.pyenv`.
pub fn pyenv_root() -> PathBuf {
    std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".pyenv"))
}

/// The real `pythonX.Y` binary for each supported minor version, from pyenv.
/// Fails the test (never skips) when one is missing.
pub fn cpython(minor: u32) -> PathBuf {
    let versions = pyenv_root().join("versions");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&versions)
        .unwrap_or_else(|e| {
            panic!(
                "pyenv versions dir {} unreadable ({e}); install CPython 3.8-3.13 with pyenv",
                versions.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("3.{minor}.")))
        })
        .collect();
    found.sort();
    let prefix = found.pop().unwrap_or_else(|| panic!("CPython 3.{minor} is not installed under {}; install it with `pyenv install 3.{minor}`", versions.display()));
    let exe = prefix.join("bin").join(format!("python3.{minor}"));
    assert!(exe.is_file(), "{} missing", exe.display());
    exe
}

/// CPython 3.12 as a `-p` argument: the interpreter most tests create with.
pub fn py() -> String {
    cpython(12).display().to_string()
}

/// The full version (`3.12.1`) of the pyenv CPython 3.`minor`.
pub fn full_version(minor: u32) -> String {
    python_says(
        &cpython(minor),
        "import platform; print(platform.python_version())",
    )
    .trim()
    .to_owned()
}

/// The binary under test: this build's, or `$VENV_TEST_BIN`.
pub fn venv_bin() -> PathBuf {
    std::env::var_os("VENV_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_venv")))
}

/// A component built by tools/build-plugins.sh into target/plugins/.
pub fn plugin(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/plugins")
        .join(format!("{name}.wasm"));
    assert!(
        path.is_file(),
        "{} is missing: build the plugins with tools/build-plugins.sh",
        path.display()
    );
    path
}

/// The sha256 (lower-case hex) of the file at `path`, as a policy pins it.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `name` in the directories of this process's PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A scratch directory for one test; a private cache so tests do not share state.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::Builder::new()
                .prefix("venv-test-")
                .tempdir()
                .expect("tempdir"),
        }
    }
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn cache(&self) -> PathBuf {
        self.path().join(".cache")
    }
    /// Runs our `venv` with `args`, using this scratch's cache.
    pub fn venv(&self, args: &[&str]) -> Output {
        self.venv_in(self.path(), args)
    }
    pub fn venv_in(&self, cwd: &Path, args: &[&str]) -> Output {
        self.command_in(cwd, args).output().expect("run venv")
    }
    /// Our `venv` with `args` from `cwd`, using this scratch's cache, to be
    /// given more environment or spawned.
    pub fn command_in(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(venv_bin());
        cmd.args(args)
            .current_dir(cwd)
            .env("VENV_CACHE_DIR", self.cache());
        cmd
    }
}

/// The names in `dir` that contain `part` (e.g. staging directories left behind).
pub fn names_containing(dir: &Path, part: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect()
}

/// An environment's `lib/pythonX.Y/site-packages`.
pub fn site_packages(env: &Path) -> PathBuf {
    std::fs::read_dir(env.join("lib"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("site-packages")
}

/// Runs CPython's own `python -m venv` with `args` from `cwd`.
pub fn cpython_venv(python: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(python)
        .args(["-m", "venv"])
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run python -m venv")
}

/// Asserts a failed run with exactly one line on stderr containing every `needle`.
pub fn assert_one_line_error(out: &Output, needles: &[&str]) {
    assert!(
        !out.status.success(),
        "expected failure, got success; stderr: {}",
        stderr(out)
    );
    let err = stderr(out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line of error, got:\n{err}");
    for needle in needles {
        assert!(
            err.contains(needle),
            "error {err:?} does not mention {needle:?}"
        );
    }
}

pub fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that `out`'s stderr contains `needle`, showing all of it if not.
#[track_caller]
pub fn assert_stderr_has(out: &Output, needle: &str) {
    assert!(stderr(out).contains(needle), "{}", stderr(out));
}

/// One entry of a tree snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Dir { mode: u32 },
    File { mode: u32, size: u64 },
    Link { target: String },
}

/// Every entry under `root` (relative path -> kind, mode, link target), with
/// `root` itself replaced by `<ENV>` inside link targets.
pub fn snapshot(root: &Path) -> BTreeMap<String, Node> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Node>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let node = if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path)
                .unwrap()
                .to_string_lossy()
                .replace(&*root.to_string_lossy(), "<ENV>");
            Node::Link { target }
        } else if meta.is_dir() {
            walk(root, &path, out);
            Node::Dir {
                mode: meta.permissions().mode() & 0o7777,
            }
        } else {
            Node::File {
                mode: meta.permissions().mode() & 0o7777,
                size: meta.len(),
            }
        };
        out.insert(rel, node);
    }
}

/// Compares two snapshots, returning readable differences. File sizes are
/// compared only for paths in `same_size` (scripts legitimately differ).
pub fn diff_trees(
    ours: &BTreeMap<String, Node>,
    theirs: &BTreeMap<String, Node>,
    ignore_extra_ours: &[&str],
    compare_size: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut diffs = Vec::new();
    for (path, node) in theirs {
        match ours.get(path) {
            None => diffs.push(format!("missing in ours: {path} ({node:?})")),
            Some(mine) => {
                let same = match (mine, node) {
                    (Node::File { mode: a, size: sa }, Node::File { mode: b, size: sb }) => {
                        a == b && (!compare_size(path) || sa == sb)
                    }
                    (a, b) => a == b,
                };
                if !same {
                    diffs.push(format!("differs: {path}: ours {mine:?}, cpython {node:?}"));
                }
            }
        }
    }
    for (path, node) in ours {
        if !theirs.contains_key(path) && !ignore_extra_ours.contains(&path.as_str()) {
            diffs.push(format!("extra in ours: {path} ({node:?})"));
        }
    }
    diffs
}

/// Runs `python -c code` and returns its stdout.
pub fn python_says(python: &Path, code: &str) -> String {
    let out = Command::new(python)
        .args(["-c", code])
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONHOME")
        .output()
        .expect("run python");
    assert_ok(&out, &format!("{} -c {code}", python.display()));
    stdout(&out)
}

/// A private copy of a pyenv CPython install (hard links where possible), for
/// tests that must break or move the base interpreter without touching the real one.
pub fn copy_of_cpython(minor: u32, dest: &Path) -> PathBuf {
    let exe = cpython(minor);
    let prefix = exe.parent().unwrap().parent().unwrap();
    let status = Command::new("cp")
        .arg("-al")
        .arg(prefix)
        .arg(dest)
        .status()
        .expect("cp");
    if !status.success() {
        let _ = std::fs::remove_dir_all(dest);
        let status = Command::new("cp")
            .arg("-a")
            .arg(prefix)
            .arg(dest)
            .status()
            .expect("cp");
        assert!(status.success(), "copying {} failed", prefix.display());
    }
    dest.join("bin").join(format!("python3.{minor}"))
}

/// Replaces a file in a hard-linked copy without writing through the shared inode.
pub fn replace_file(path: &Path, contents: &str) {
    std::fs::remove_file(path).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Writes a minimal pure-Python wheel `hello_venv-1.0` (module `hello_venv`
/// with `body` as its `__init__.py`) into `dir`, so tests need no network.
pub fn write_wheel(dir: &Path, body: &str) -> PathBuf {
    wheel(
        dir,
        "hello_venv",
        "1.0",
        &[("hello_venv/__init__.py", body)],
        None,
    )
}

/// `hello_venv-1.0` with a console script `hello-venv` that prints
/// `hello from <sys.prefix>`.
pub fn write_script_wheel(dir: &Path) -> PathBuf {
    wheel(
        dir,
        "hello_venv",
        "1.0",
        &[(
            "hello_venv/__init__.py",
            "import sys\n\ndef main():\n    print('hello from ' + sys.prefix)\n",
        )],
        Some("[console_scripts]\nhello-venv = hello_venv:main\n"),
    )
}

/// Writes the pure-Python wheel `<dist>-<version>-py3-none-any.whl` into
/// `dir` with `files` (archive name, text), its METADATA, WHEEL, RECORD and,
/// when given, `entry_points.txt`.
pub fn wheel(
    dir: &Path,
    dist: &str,
    version: &str,
    files: &[(&str, &str)],
    entry_points: Option<&str>,
) -> PathBuf {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{dist}-{version}-py3-none-any.whl"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    let info = format!("{dist}-{version}.dist-info");
    let metadata = format!(
        "Metadata-Version: 2.1\nName: {}\nVersion: {version}\n",
        dist.replace('_', "-")
    );
    let wheel_meta =
        "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
            .to_owned();
    let mut all: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    all.push((format!("{info}/METADATA"), metadata));
    all.push((format!("{info}/WHEEL"), wheel_meta));
    if let Some(ep) = entry_points {
        all.push((format!("{info}/entry_points.txt"), ep.to_owned()));
    }
    let mut record = String::new();
    for (name, text) in &all {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        record.push_str(&format!(
            "{name},{},{}\n",
            record_hash(text.as_bytes()),
            text.len()
        ));
    }
    record.push_str(&format!("{info}/RECORD,,\n"));
    zip.start_file(format!("{info}/RECORD"), opts).unwrap();
    zip.write_all(record.as_bytes()).unwrap();
    zip.finish().unwrap();
    path
}

/// `sha256=<urlsafe base64, no padding>`, as a RECORD row writes a file's hash.
pub fn record_hash(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(bytes))
    )
}
