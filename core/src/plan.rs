//! The environment's tree as a value: what the base interpreter's own
//! `venv` (CPython's, PyPy's or GraalPy's) would create, computed from the
//! facts that interpreter reported ([`InterpreterInfo`]) and the options,
//! without touching a file system. The steps execute a plan
//! (`steps/layout.rs`); tests check plans for interpreters and platforms this
//! machine does not have, from recorded facts
//! (`core/tests/fixtures/interpreters/`).
//!
//! Every rule names the `Lib/venv/__init__.py` behaviour it reproduces. The
//! rules key on what the base reports (its sysconfig `venv` scheme, its
//! executable's name, `Py_GIL_DISABLED`, the files beside it, its file
//! system encoding); a version appears only where CPython's own code tests
//! the version.

use std::path::{Path, PathBuf};

use crate::interpreter::{Implementation, InterpreterInfo};

/// The options that shape the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// `--symlinks` (else `--copies`).
    pub symlinks: bool,
    /// `--ascii-only`: leave out 3.14's `𝜋thon` name.
    pub ascii_only: bool,
}

/// Where one file in the environment comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A symbolic link to this absolute path.
    Link(PathBuf),
    /// A relative symbolic link to this sibling name.
    RelLink(String),
    /// A copy of this file.
    Copy(PathBuf),
}

/// One file the plan puts into the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the environment directory, `/`-separated.
    pub path: String,
    /// Where it comes from.
    pub source: Source,
    /// Another name for the interpreter: CPython leaves one that exists alone.
    pub alias: bool,
}

/// What the environment holds before pip and the scripts' contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The scripts directory (`bin`, `Scripts`), relative.
    pub bin: String,
    /// The include directory, relative.
    pub include: String,
    /// The purelib site-packages, relative.
    pub purelib: String,
    /// The platlib site-packages, relative (the same as purelib but where `platlibdir` differs).
    pub platlib: String,
    /// Directories to create, in CPython's order.
    pub dirs: Vec<String>,
    /// `lib64 -> lib` (64-bit POSIX but macOS, before 3.15).
    pub lib64_link: bool,
    /// The base's directory (`home =`) and executable (`context.executable`).
    pub python_dir: PathBuf,
    /// The base's executable (`context.executable`).
    pub executable: PathBuf,
    /// `context.python_exe`: the interpreter's name in the scripts directory.
    pub python_exe: String,
    /// The interpreter and its other names, in the order they are made.
    pub executables: Vec<Entry>,
    /// When a link in `executables` cannot be made, these replace them all
    /// (CPython 3.13+ on Windows: remove the links made, retry with copies).
    pub fallback_copies: Vec<Entry>,
    /// Libraries a copied interpreter needs (PyPy with `--copies`).
    pub library_copies: Vec<Entry>,
    /// Wheels a distribution's ensurepip copies in (Debian's PyPy).
    pub wheel_copies: Vec<Entry>,
    /// Activation scripts, by file name, in the scripts directory.
    pub scripts: Vec<&'static str>,
    /// Keys an implementation adds to `pyvenv.cfg`, after CPython's.
    pub cfg_extra: Vec<(String, String)>,
}

impl Plan {
    /// Every path the plan creates (directories, links, files), relative,
    /// sorted: the shape tests compare.
    pub fn tree(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for dir in &self.dirs {
            let mut sofar = String::new();
            for part in dir.split('/') {
                if !sofar.is_empty() {
                    sofar.push('/');
                }
                sofar.push_str(part);
                out.push(format!("{sofar}/"));
            }
        }
        if self.lib64_link {
            out.push("lib64 -> lib".to_owned());
        }
        for e in self
            .executables
            .iter()
            .chain(&self.library_copies)
            .chain(&self.wheel_copies)
        {
            out.push(describe(e));
        }
        for s in &self.scripts {
            out.push(format!("{}/{s}", self.bin));
        }
        out.push("pyvenv.cfg".to_owned());
        for (key, value) in &self.cfg_extra {
            out.push(format!("pyvenv.cfg: {key} = {value}"));
        }
        out.sort();
        out.dedup();
        out
    }
}

/// `path -> target` for a link, `path <= source` for a copy.
pub fn describe(e: &Entry) -> String {
    match &e.source {
        Source::Link(t) => format!("{} -> {}", e.path, t.display()),
        Source::RelLink(t) => format!("{} -> {t}", e.path),
        Source::Copy(s) => format!("{} <= {}", e.path, s.display()),
    }
}

/// The plan for `info` with `opts`.
pub fn plan(info: &InterpreterInfo, opts: PlanOptions) -> Plan {
    let win = info.is_windows();
    let (python_dir, base_name) = split_exe(info);
    let python_exe = if win && info.at_least(13) {
        // 3.13+: always the simplest name; a link back or a launcher copy.
        format!("python{}.exe", debug_suffix(&base_name))
    } else {
        base_name.clone()
    };
    let bin = info.scheme.scripts.clone();
    // 3.14+ name the include directory themselves; before, the scheme did.
    let include = if info.at_least(14) {
        (if win { "Include" } else { "include" }).to_owned()
    } else {
        info.scheme.include.clone()
    };
    let purelib = info.scheme.purelib.clone();
    let platlib = info.scheme.platlib.clone();
    let mut dirs = vec![include.clone(), purelib.clone()];
    // 3.15 creates the scheme's platlib (no lib64 link any more).
    if info.at_least(15) && !dirs.contains(&platlib) {
        dirs.push(platlib.clone());
    }
    dirs.push(bin.clone());
    // bpo-21197, removed in 3.15.
    let lib64_link = info.is_64bit && info.is_posix() && !info.is_macos() && !info.at_least(15);

    let mut plan = Plan {
        dirs,
        lib64_link,
        python_dir: PathBuf::from(&python_dir),
        executable: info.base_executable.clone(),
        python_exe: python_exe.clone(),
        executables: Vec::new(),
        fallback_copies: Vec::new(),
        library_copies: Vec::new(),
        wheel_copies: Vec::new(),
        scripts: scripts(info),
        cfg_extra: Vec::new(),
        bin,
        include,
        purelib,
        platlib,
    };
    if win {
        windows_executables(info, opts, &python_dir, &mut plan);
    } else {
        posix_executables(info, opts, &python_dir, &mut plan);
    }
    for wheel in &info.env_wheels {
        if let Some(name) = wheel.file_name() {
            plan.wheel_copies.push(Entry {
                path: format!("share/python-wheels/{}", name.to_string_lossy()),
                source: Source::Copy(wheel.clone()),
                alias: false,
            });
        }
    }
    plan
}

/// (directory, file name) of `sys._base_executable`, split the way the
/// base's own `os.path` would (backslashes too on Windows).
fn split_exe(info: &InterpreterInfo) -> (String, String) {
    let exe = info.base_executable.to_string_lossy().into_owned();
    if info.is_windows() {
        match exe.rfind(['\\', '/']) {
            Some(i) => (exe[..i].to_owned(), exe[i + 1..].to_owned()),
            None => (String::new(), exe),
        }
    } else {
        let abs = crate::paths::absolute(Path::new(&exe));
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = abs
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (dir.to_string_lossy().into_owned(), name)
    }
}

/// `_d` when the executable's stem ends with it (a debug build).
fn debug_suffix(exe_name: &str) -> &'static str {
    let stem = exe_name.rsplit_once('.').map_or(exe_name, |(s, _)| s);
    if stem.to_lowercase().ends_with("_d") {
        "_d"
    } else {
        ""
    }
}

fn win_join(dir: &str, name: &str) -> PathBuf {
    PathBuf::from(format!("{dir}\\{name}"))
}

/// `setup_python` on POSIX: the base under its own name, then the other names.
fn posix_executables(info: &InterpreterInfo, opts: PlanOptions, python_dir: &str, plan: &mut Plan) {
    let bin = plan.bin.clone();
    let main = plan.python_exe.clone();
    let exe = info.base_executable.clone();
    // PyPy 3.11's --copies: a source that is a link becomes a link to the
    // file it resolves to (the interpreter must find its libraries), and the
    // other names copy the first, so they resolve to the same file.
    let resolved = info.base_executable_resolved.clone();
    let copy_of = |src: &Path| -> Source {
        if info.copies_resolve_links && !resolved.as_os_str().is_empty() {
            Source::Link(resolved.clone())
        } else {
            Source::Copy(src.to_path_buf())
        }
    };
    plan.executables.push(Entry {
        path: format!("{bin}/{main}"),
        source: if opts.symlinks {
            Source::Link(exe.clone())
        } else {
            copy_of(&exe)
        },
        alias: false,
    });
    let minor = info.minor();
    let mut names = vec!["python".to_owned(), "python3".to_owned()];
    // 3.9+ (bpo-41049... the versioned name); PyPy and GraalPy add their own.
    if info.at_least(9) {
        names.push(format!("python3.{minor}"));
    }
    match info.implementation_kind() {
        Some(Implementation::PyPy) => names.extend(["pypy3".to_owned(), "pypy".to_owned()]),
        Some(Implementation::GraalPy) => names.push("graalpy".to_owned()),
        Some(Implementation::CPython) | None => {}
    }
    // CPython 3.14 only, and only where file names are UTF-8.
    if info.implementation_kind() == Some(Implementation::CPython)
        && info.version.0 == 3
        && minor == 14
        && info.fs_encoding.eq_ignore_ascii_case("utf-8")
        && !opts.ascii_only
    {
        names.push("\u{1d70b}thon".to_owned());
    }
    for name in names {
        if name == main {
            continue;
        }
        plan.executables.push(Entry {
            path: format!("{bin}/{name}"),
            source: if opts.symlinks {
                Source::RelLink(main.clone())
            } else {
                copy_of(&exe)
            },
            alias: true,
        });
    }
    // PyPy with --copies: its libpypy beside the executable, and (instead of
    // PyPy's whole `../lib`, which on a system PyPy is /usr/lib) only the
    // libraries the interpreter itself loaded from there.
    if info.implementation_kind() == Some(Implementation::PyPy) && !opts.symlinks {
        for name in &info.exe_dir_files {
            plan.library_copies.push(Entry {
                path: format!("{bin}/{name}"),
                source: Source::Copy(Path::new(python_dir).join(name)),
                alias: false,
            });
        }
        // PyPy 3.11 copies what a portable build lists, and nothing else
        // from `../lib`; PyPy 3.9 copies all of it, which for a system PyPy
        // is /usr/lib: there, only the libraries the interpreter loaded.
        if info.copies_resolve_links {
            let lib = Path::new(python_dir).join("..").join("lib");
            for name in info.portable_deps.iter().flatten() {
                plan.library_copies.push(Entry {
                    path: format!("lib/{name}"),
                    source: Source::Copy(lib.join(name)),
                    alias: false,
                });
            }
            return;
        }
        for lib in &info.own_libs {
            if let Some(name) = lib.file_name() {
                plan.library_copies.push(Entry {
                    path: format!("lib/{}", name.to_string_lossy()),
                    source: Source::Copy(lib.clone()),
                    alias: false,
                });
            }
        }
    }
}

/// `setup_python` on Windows.
fn windows_executables(
    info: &InterpreterInfo,
    opts: PlanOptions,
    python_dir: &str,
    plan: &mut Plan,
) {
    let bin = plan.bin.clone();
    let nt_scripts = info.venv_scripts_dir.to_string_lossy().into_owned() + "\\nt";
    let entry = |name: &str, source: Source| Entry {
        path: format!("{bin}/{name}"),
        source,
        alias: false,
    };
    let beside = |name: &str| {
        info.exe_dir_files
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name))
    };
    if info.implementation_kind() == Some(Implementation::GraalPy) {
        // GraalPy's launcher reads `venvlauncher_command` from pyvenv.cfg.
        let launcher = PathBuf::from(format!("{nt_scripts}\\graalpy.exe"));
        for name in ["python.exe", "graalpy.exe"] {
            plan.executables
                .push(entry(name, Source::Copy(launcher.clone())));
        }
        plan.cfg_extra.push((
            "venvlauncher_command".to_owned(),
            win_join(python_dir, "graalpy.exe").display().to_string(),
        ));
        return;
    }
    if info.implementation_kind() == Some(Implementation::CPython) && info.at_least(13) {
        // 3.13+: named links to the base (and its DLLs), or named copies of
        // the launchers; links that fail are all undone and copies made.
        let d = debug_suffix(&plan.python_exe);
        let scripts_dir = if info.is_python_build {
            python_dir.to_owned()
        } else {
            nt_scripts.clone()
        };
        let (t, lt) = if info.gil_disabled {
            (format!("3.{}t", info.minor()), "t")
        } else {
            (String::new(), "")
        };
        let mut names: Vec<(String, bool)> = Vec::new();
        for w in ["", "w"] {
            for name in [
                format!("python{w}.exe"),
                format!("python{w}{d}.exe"),
                format!("python{w}{t}.exe"),
                format!("python{w}{t}{d}.exe"),
            ] {
                if !names.iter().any(|(n, _)| *n == name) {
                    names.push((name, w == "w"));
                }
            }
        }
        let links: Vec<Entry> = names
            .iter()
            .map(|(name, w)| {
                let w = if *w { "w" } else { "" };
                entry(
                    name,
                    Source::Link(win_join(python_dir, &format!("python{w}{t}{d}.exe"))),
                )
            })
            .collect();
        let copies: Vec<Entry> = names
            .iter()
            .filter_map(|(name, w)| {
                let launcher = format!("venv{}launcher{lt}{d}.exe", if *w { "w" } else { "" });
                // CPython warns and goes on when a launcher is missing.
                let present = if info.is_python_build {
                    beside(&launcher)
                } else {
                    info.venv_nt_scripts
                        .iter()
                        .any(|f| f.eq_ignore_ascii_case(&launcher))
                };
                present.then(|| {
                    entry(
                        name,
                        Source::Copy(PathBuf::from(format!("{scripts_dir}\\{launcher}"))),
                    )
                })
            })
            .collect();
        if opts.symlinks {
            plan.executables = links;
            for dll in &info.exe_dir_files {
                let lower = dll.to_lowercase();
                if (lower.starts_with("python") || lower.starts_with("vcruntime"))
                    && lower.ends_with(".dll")
                {
                    plan.executables
                        .push(entry(dll, Source::Link(win_join(python_dir, dll))));
                }
            }
            plan.fallback_copies = copies;
        } else {
            plan.executables = copies;
        }
        return;
    }
    // Before 3.13 (and PyPy): with --symlinks every .exe and .dll beside the
    // base; with --copies the four python names that exist there (3.9+: and
    // the base's own name), as copies of the launchers CPython keeps in
    // venv/scripts/nt under those names (PyPy: of the files themselves).
    let pypy = info.implementation_kind() == Some(Implementation::PyPy);
    let mut names: Vec<String> = if opts.symlinks || pypy {
        info.exe_dir_files
            .iter()
            .filter(|f| {
                let f = f.to_lowercase();
                !info.is_python_build || f.starts_with("python") || f.starts_with("vcruntime")
            })
            .cloned()
            .collect()
    } else {
        let mut n: Vec<String> = ["python.exe", "python_d.exe", "pythonw.exe", "pythonw_d.exe"]
            .map(str::to_owned)
            .to_vec();
        if info.at_least(9) && !n.contains(&plan.python_exe) {
            n.push(plan.python_exe.clone());
        }
        n.into_iter().filter(|f| beside(f)).collect()
    };
    names.dedup();
    for name in names {
        let source = if opts.symlinks {
            Source::Link(win_join(python_dir, &name))
        } else if pypy {
            Source::Copy(win_join(python_dir, &name))
        } else if !info.is_python_build
            && info
                .venv_nt_scripts
                .iter()
                .any(|f| f.eq_ignore_ascii_case(&name))
        {
            Source::Copy(PathBuf::from(format!("{nt_scripts}\\{name}")))
        } else {
            // A build tree keeps the launchers beside python.exe, by their own names.
            let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, "exe"));
            let (stem, d) = stem.strip_suffix("_d").map_or((stem, ""), |s| (s, "_d"));
            let launcher = match stem {
                "python" => "venvlauncher",
                "pythonw" => "venvwlauncher",
                other => other,
            };
            let launcher = format!("{launcher}{d}.{ext}");
            if !beside(&launcher) {
                continue;
            }
            Source::Copy(win_join(python_dir, &launcher))
        };
        plan.executables.push(entry(&name, source));
    }
}

/// The activation scripts: CPython's for the platform (its `scripts/common`
/// plus `scripts/posix` or `scripts/nt`), plus our `activate.nu`.
fn scripts(info: &InterpreterInfo) -> Vec<&'static str> {
    if info.is_windows() {
        let mut s = vec!["activate", "Activate.ps1", "activate.bat", "deactivate.bat"];
        // 3.13 moved activate.fish into scripts/common.
        if info.at_least(13) {
            s.push("activate.fish");
        }
        s.push("activate.nu");
        s
    } else {
        vec![
            "activate",
            "activate.fish",
            "activate.csh",
            "activate.nu",
            "Activate.ps1",
        ]
    }
}
