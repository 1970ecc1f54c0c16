//! Native pip seeding: pip itself cannot tell the result from an ensurepip
//! install, the cache is shared safely, and no env can change another.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn run(program: &Path, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .env_remove("PYTHONPATH")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap()
}

/// Checks every RECORD row with a hash against the file on disk.
fn assert_records_hold(env: &Path) {
    let site = site_packages(env);
    let mut checked = 0;
    for entry in std::fs::read_dir(&site).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.to_string_lossy().ends_with(".dist-info") {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("RECORD")).unwrap();
        for row in text.lines() {
            let mut p = row.trim_end_matches('\r').rsplitn(3, ',');
            let (size, hash, path) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
            let file = site.join(path);
            assert!(file.exists(), "RECORD names {path}, which is missing");
            if !hash.is_empty() {
                let bytes = std::fs::read(&file).unwrap();
                assert_eq!(hash, record_hash(&bytes), "hash of {path}");
                assert_eq!(size, bytes.len().to_string(), "size of {path}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} RECORD rows checked");
}

/// The newest bundled pip wheel on the machine (3.13's), to upgrade to offline.
fn newer_pip_wheel() -> PathBuf {
    let dir = cpython(13)
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("lib/python3.13/ensurepip/_bundled");
    std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("pip-"))
        .unwrap()
}

#[test]
fn pip_works_in_a_natively_seeded_env() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["-p", cpython(12).to_str().unwrap(), "env"]),
        "create",
    );
    let env = s.path().join("env");
    assert_records_hold(&env);
    let pip = env.join("bin/pip");
    let list = run(&pip, &["list", "--format=freeze"]);
    assert_ok(&list, "pip list");
    assert!(stdout(&list).starts_with("pip=="), "{}", stdout(&list));
    assert_ok(&run(&pip, &["check"]), "pip check");
    let wheel = write_wheel(
        s.path(),
        "def greet():\n    return 'hello from the wheel'\n",
    );
    assert_ok(
        &run(&pip, &["install", "--no-index", wheel.to_str().unwrap()]),
        "pip install local wheel",
    );
    let said = python_says(
        &env.join("bin/python"),
        "import hello_venv; print(hello_venv.greet())",
    );
    assert_eq!(said.trim(), "hello from the wheel");
    let show = run(&pip, &["show", "-f", "pip"]);
    assert_ok(&show, "pip show");
    assert!(stdout(&show).contains("Location: ") && stdout(&show).contains("INSTALLER"));
}

#[test]
fn uninstalling_pip_removes_every_file_it_installed() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["-p", cpython(12).to_str().unwrap(), "env"]),
        "create",
    );
    let env = s.path().join("env");
    let out = run(
        &env.join("bin/python"),
        &["-m", "pip", "uninstall", "-y", "pip"],
    );
    assert_ok(&out, "pip uninstall -y pip");
    let left: Vec<_> = walk_files(&site_packages(&env));
    assert!(left.is_empty(), "left in site-packages: {left:?}");
    for script in ["pip", "pip3", "pip3.12"] {
        assert!(
            !env.join("bin").join(script).exists(),
            "bin/{script} left behind"
        );
    }
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Hashes every file of every cache entry against its entry.json.
fn assert_cache_intact(cache: &Path) {
    let seed = cache.join("seed");
    let mut entries = 0;
    for e in std::fs::read_dir(&seed).unwrap() {
        let dir = e.unwrap().path();
        let Ok(json) = std::fs::read(dir.join("entry.json")) else {
            continue;
        };
        entries += 1;
        let meta: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let listed = meta["files"].as_array().unwrap().iter();
        for f in listed.chain(meta["compiled"].as_array().unwrap()) {
            let path = f["path"].as_str().unwrap();
            let bytes = std::fs::read(dir.join("site-packages").join(path))
                .unwrap_or_else(|e| panic!("cache file {path} gone: {e}"));
            assert_eq!(
                record_hash(&bytes),
                f["hash"].as_str().unwrap(),
                "cache file {path} changed"
            );
        }
    }
    assert!(entries > 0, "no cache entry under {}", seed.display());
}

#[test]
fn upgrade_or_uninstall_in_one_env_never_changes_the_cache_or_another_env() {
    let s = Scratch::new();
    let py = cpython(12);
    for env in ["a", "b", "c"] {
        assert_ok(
            &s.venv(&["--link-mode", "hardlink", "-p", py.to_str().unwrap(), env]),
            env,
        );
    }
    // The files really are shared with the cache (otherwise this test proves nothing).
    let shared = site_packages(&s.path().join("c")).join("pip/__init__.py");
    assert!(
        std::fs::metadata(&shared).unwrap().nlink() >= 4,
        "expected hard links"
    );

    let a = s.path().join("a");
    let up = run(
        &a.join("bin/python"),
        &[
            "-m",
            "pip",
            "install",
            "--no-index",
            "--upgrade",
            newer_pip_wheel().to_str().unwrap(),
        ],
    );
    assert_ok(&up, "pip install --upgrade pip in a");
    assert!(
        stdout(&run(&a.join("bin/pip"), &["--version"])).contains("pip 24."),
        "a was not upgraded"
    );
    let b = s.path().join("b");
    assert_ok(
        &run(
            &b.join("bin/python"),
            &["-m", "pip", "uninstall", "-y", "pip"],
        ),
        "uninstall in b",
    );

    assert_cache_intact(&s.cache());
    let c = s.path().join("c");
    assert_records_hold(&c);
    assert!(stdout(&run(&c.join("bin/pip"), &["--version"])).starts_with("pip 23.2.1"));
    // And a new env from the same cache is whole.
    assert_ok(&s.venv(&["-p", py.to_str().unwrap(), "d"]), "d");
    assert_records_hold(&s.path().join("d"));
}

#[test]
fn concurrent_creators_build_one_cache_entry() {
    let s = Scratch::new();
    let py = cpython(11);
    let children: Vec<_> = (0..6)
        .map(|i| {
            s.command_in(s.path(), &["-p", py.to_str().unwrap(), &format!("env{i}")])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_ok(&out, "concurrent creator");
    }
    for i in 0..6 {
        let env = s.path().join(format!("env{i}"));
        assert_records_hold(&env);
        assert_ok(&run(&env.join("bin/pip"), &["--version"]), "pip --version");
    }
    let names: Vec<String> = std::fs::read_dir(s.cache().join("seed"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "digests")
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("pip-")).count(),
        1,
        "{names:?}"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("setuptools-"))
            .count(),
        1,
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with(".tmp")),
        "half-built entries left: {names:?}"
    );
    assert_cache_intact(&s.cache());
}

#[test]
fn every_link_mode_gives_a_working_env() {
    let s = Scratch::new();
    let py = cpython(13);
    for mode in ["auto", "hardlink", "copy", "clone", "symlink"] {
        let env = format!("env-{mode}");
        assert_ok(
            &s.venv(&["--link-mode", mode, "-p", py.to_str().unwrap(), &env]),
            mode,
        );
        let env = s.path().join(env);
        assert_records_hold(&env);
        assert_ok(&run(&env.join("bin/pip"), &["--version"]), mode);
        let init = site_packages(&env).join("pip/__init__.py");
        let meta = std::fs::symlink_metadata(&init).unwrap();
        match mode {
            "copy" | "clone" => assert_eq!(meta.nlink(), 1, "{mode} must not share inodes"),
            "hardlink" => assert!(meta.nlink() > 1),
            "symlink" => assert!(meta.file_type().is_symlink()),
            _ => {}
        }
    }
}

#[test]
fn no_cache_leaves_no_cache_behind() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&["--no-cache", "-p", cpython(12).to_str().unwrap(), "env"]),
        "create --no-cache",
    );
    assert!(!s.cache().exists());
    assert_records_hold(&s.path().join("env"));
}

#[test]
fn damaged_base_without_its_wheels_gives_a_clear_error() {
    let s = Scratch::new();
    let python = copy_of_cpython(12, &s.path().join("py"));
    std::fs::remove_dir_all(s.path().join("py/lib/python3.12/ensurepip/_bundled")).unwrap();
    let out = s.venv(&["-p", python.to_str().unwrap(), "env"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("missing the wheels") && err.contains("--without-pip"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert!(!s.path().join("env").exists());
}

#[test]
fn ensurepip_seeder_still_works() {
    let s = Scratch::new();
    assert_ok(
        &s.venv(&[
            "--seeder",
            "ensurepip",
            "-p",
            cpython(12).to_str().unwrap(),
            "env",
        ]),
        "create",
    );
    assert_records_hold(&s.path().join("env"));
}

#[test]
fn upgrade_deps_streams_pips_output() {
    let s = Scratch::new();
    let out = s.venv(&["--upgrade-deps", "-p", cpython(12).to_str().unwrap(), "env"]);
    assert_ok(&out, "--upgrade-deps (needs the package index)");
    let err = stderr(&out);
    assert!(
        err.contains("Successfully installed pip")
            || err.contains("Requirement already satisfied: pip"),
        "{err}"
    );
    let version = stdout(&run(&s.path().join("env/bin/pip"), &["--version"]));
    assert!(
        !version.starts_with("pip 23.2.1"),
        "pip was not upgraded: {version}"
    );
}

/// The byte-code files under `dir`.
fn pyc_files(dir: &Path) -> Vec<PathBuf> {
    walk_files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pyc"))
        .collect()
}

/// The cache's seed entries (directory names).
fn seed_entries(cache: &Path) -> Vec<String> {
    names_containing(&cache.join("seed"), "pip-")
}

#[test]
fn no_compile_places_pip_without_byte_code_and_builds_nothing_compiled() {
    let s = Scratch::new();
    let out = s.venv(&["-p", &py(), "--no-compile", "env"]);
    assert_ok(&out, "venv --no-compile");
    let env = s.path().join("env");
    let site = site_packages(&env);
    assert_eq!(
        pyc_files(&site),
        Vec::<PathBuf>::new(),
        "byte-code was placed"
    );
    let record = std::fs::read_dir(&site)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("pip-"))
        .map(|e| std::fs::read_to_string(e.path().join("RECORD")).unwrap())
        .unwrap();
    assert!(!record.contains("__pycache__"), "RECORD lists byte-code");
    assert_records_hold(&env);
    let pip = run(&env.join("bin/pip"), &["--version"]);
    assert_ok(&pip, "pip --version in a --no-compile env");
    // Cold, nothing was compiled: the cache holds a sources-only entry.
    let entries = seed_entries(&s.cache());
    assert!(
        !entries.is_empty() && entries.iter().all(|e| e.ends_with("-sources")),
        "{entries:?}"
    );
    // The default (CPython's) still compiles, into an entry of its own.
    let out = s.venv(&["-p", &py(), "compiled"]);
    assert_ok(&out, "venv after --no-compile");
    assert!(!pyc_files(&site_packages(&s.path().join("compiled"))).is_empty());
}

#[test]
fn no_compile_uses_a_compiled_entry_without_its_byte_code() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["-p", &py(), "first"]), "the compiled entry");
    let before = seed_entries(&s.cache());
    let out = s.venv(&["-p", &py(), "--no-compile", "env"]);
    assert_ok(&out, "venv --no-compile, warm");
    assert_eq!(seed_entries(&s.cache()), before, "a second entry was built");
    assert_eq!(
        pyc_files(&site_packages(&s.path().join("env"))),
        Vec::<PathBuf>::new()
    );
    assert_records_hold(&s.path().join("env"));
}

#[test]
fn no_compile_is_refused_with_the_ensurepip_seeder() {
    // ensurepip drops pip's settings and always compiles: no silent ignoring.
    let s = Scratch::new();
    let out = s.venv(&["-p", &py(), "--seeder", "ensurepip", "--no-compile", "env"]);
    assert_one_line_error(&out, &["--no-compile", "native seeder"]);
    assert!(!s.path().join("env").exists());
}

/// Every pip wheel the tests have: each pyenv CPython's bundled ones and
/// Debian's (sid: pip 26, trixie: pip 25) from the chroots.
fn every_pip_wheel() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = MINORS
        .iter()
        .map(|&minor| {
            let python = cpython(minor);
            let lib = python.parent().unwrap().parent().unwrap().join("lib");
            lib.join(format!("python3.{minor}/ensurepip/_bundled"))
        })
        .collect();
    for chroot in [Chroot::sid(), Chroot::trixie()] {
        dirs.push(chroot.root.join("usr/share/python-wheels"));
    }
    let mut wheels = Vec::new();
    for dir in dirs {
        let found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("pip-"))
            .collect();
        assert!(!found.is_empty(), "no pip wheel in {}", dir.display());
        wheels.extend(found);
    }
    wheels
}

#[test]
fn the_launcher_template_read_from_pips_sources_is_the_one_pip_has() {
    // The first creation reads the template from pip's sources instead of
    // importing pip (1 s of CPU): both must give the same bytes, for every
    // pip, and the sources must be enough (no silent fallback to importing).
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/seed/template.py");
    let python = cpython(12);
    let ask = |wheel: &Path, mode: &str| {
        let out = Command::new(&python)
            .arg("-I")
            .arg(&script)
            .arg(wheel)
            .arg(mode)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{mode} on {}: {}",
            wheel.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let mut seen = std::collections::BTreeSet::new();
    for wheel in every_pip_wheel() {
        let from_sources = ask(&wheel, "--sources-only");
        assert_eq!(
            from_sources,
            ask(&wheel, "--by-import"),
            "template of {}",
            wheel.display()
        );
        assert!(from_sources.contains("%(func)s"), "{from_sources}");
        seen.insert(from_sources);
    }
    // distlib's (with `import re`) and pip 26's own (without) were both read.
    assert!(seen.len() >= 2, "one template for every pip: {seen:?}");
}
