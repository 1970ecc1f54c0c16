//! `--relocatable`, `--repair`, `--check` and `--pack` from the command line:
//! the usage line keeps its meaning (`venv pack` makes `./pack`), bad input
//! fails in one line and writes nothing, and converting an environment in
//! place. Their use in real shells after a move is `activation::moved`.

use std::process::Output;

use crate::common::*;

fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected failure: {}", stdout(out));
    let err = stderr(out);
    assert_eq!(err.lines().count(), 1, "expected one line:\n{err}");
    assert!(err.contains(needle), "{err:?} does not mention {needle:?}");
}

#[test]
fn directories_named_like_the_new_flags_are_environments() {
    let s = Scratch::new();
    let py = cpython(12);
    let out = s.venv(&[
        "--without-pip",
        "-p",
        py.to_str().unwrap(),
        "pack",
        "repair",
        "check",
    ]);
    assert_ok(&out, "venv pack repair check");
    for name in ["pack", "repair", "check"] {
        assert!(s.path().join(name).join("pyvenv.cfg").is_file(), "{name}");
    }
    let out = s.venv(&["--check", "pack", "repair", "check"]);
    assert_ok(&out, "venv --check pack repair check");
    assert_eq!(stdout(&out).lines().count(), 3, "{}", stdout(&out));
    assert!(stdout(&out).contains("consistent with its location"));
    let out = s.venv(&["--pack", "pack", "-o", "pack.tar.gz"]);
    assert_ok(&out, "venv --pack pack");
    assert!(s.path().join("pack.tar.gz").is_file());
}

#[test]
fn bad_input_fails_in_one_line_and_writes_nothing() {
    let s = Scratch::new();
    std::fs::create_dir(s.path().join("plain")).unwrap();
    let out = s.venv(&["--check", "plain"]);
    assert_one_line_error(&out, "is not a virtual environment");
    let out = s.venv(&["--repair", "plain"]);
    assert_one_line_error(&out, "is not a virtual environment");

    let py = cpython(12);
    assert_ok(
        &s.venv(&["--without-pip", "-p", py.to_str().unwrap(), "env"]),
        "venv env",
    );
    let before = snapshot(&s.path().join("env"));
    let out = s.venv(&["--pack", "env", "-o", "env/inside.tar.zst"]);
    assert_one_line_error(&out, "inside the environment");
    let out = s.venv(&["--pack", "env", "-o", "env.zip"]);
    assert_one_line_error(&out, ".tar.zst or .tar.gz");
    let out = s.venv(&["--pack", "env", "-o", "no/such/dir/env.tar.zst"]);
    assert_one_line_error(&out, "cannot write the archive");
    assert_eq!(before, snapshot(&s.path().join("env")));
    let left: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "env" && n != "plain" && n != ".cache")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn repair_relocatable_converts_an_environment_in_place() {
    let s = Scratch::new();
    let py = cpython(13);
    assert_ok(&s.venv(&["-p", py.to_str().unwrap(), "env"]), "venv env");
    let cfg = std::fs::read_to_string(s.path().join("env/pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains("\ncommand = ") && !cfg.contains("relocatable"),
        "{cfg}"
    );
    let out = s.venv(&["--repair", "--relocatable", "env"]);
    assert_ok(&out, "venv --repair --relocatable");
    let cfg = std::fs::read_to_string(s.path().join("env/pyvenv.cfg")).unwrap();
    assert!(
        cfg.contains("relocatable = true\n") && !cfg.contains("command"),
        "{cfg}"
    );
    let out = s.venv(&["--check", "env"]);
    assert_ok(&out, "venv --check");
    assert!(stdout(&out).contains("relocatable"), "{}", stdout(&out));

    // Moved, it works without a repair: pip's launcher runs the moved
    // interpreter, and pip's console scripts installed later name no path.
    std::fs::rename(s.path().join("env"), s.path().join("moved")).unwrap();
    let moved = s.path().join("moved");
    let out = std::process::Command::new(moved.join("bin/pip"))
        .arg("--version")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap();
    assert_ok(&out, "pip --version after the move");
    assert!(
        stdout(&out).contains(&*moved.to_string_lossy()),
        "{}",
        stdout(&out)
    );
    let activate = std::fs::read_to_string(moved.join("bin/activate")).unwrap();
    assert!(
        !activate.contains(&*s.path().to_string_lossy()),
        "{activate}"
    );
    assert_ok(
        &s.venv(&["--check", "moved"]),
        "venv --check after the move",
    );
}

/// The peak resident memory of a finished child, from `time -f %M` (KiB).
fn peak_kib(stderr: &str) -> u64 {
    stderr
        .lines()
        .filter_map(|l| l.trim().parse::<u64>().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no peak memory in {stderr:?}"))
}

#[test]
fn pack_streams_files_and_keeps_the_holes_of_sparse_ones() {
    use std::io::{Seek, SeekFrom, Write};
    use std::os::unix::fs::MetadataExt;
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let site = site_packages(&s.path().join("env"));
    // 2 GiB, nearly all hole, with data at two places.
    let big = site.join("big.img");
    let mut f = std::fs::File::create(&big).unwrap();
    f.set_len(2 << 30).unwrap();
    f.seek(SeekFrom::Start(1 << 20)).unwrap();
    f.write_all(b"first data").unwrap();
    f.seek(SeekFrom::Start(3 << 29)).unwrap();
    f.write_all(b"second data").unwrap();
    drop(f);
    assert!(std::fs::metadata(&big).unwrap().blocks() * 512 < 1 << 20);

    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(venv_bin())
        .args(["--pack", "env", "-o", "env.tar.zst"])
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .output()
        .unwrap();
    assert_ok(&out, "--pack of an env with a 2 GiB sparse file");
    let peak = peak_kib(&stderr(&out));
    assert!(peak < 100 << 10, "--pack peaked at {peak} KiB");
    let archive = std::fs::metadata(s.path().join("env.tar.zst"))
        .unwrap()
        .len();
    assert!(archive < 1 << 20, "archive of {archive} bytes");

    let dest = s.path().join("unpacked");
    std::fs::create_dir(&dest).unwrap();
    let untar = std::process::Command::new("tar")
        .args(["-xf", "env.tar.zst", "-C", "unpacked"])
        .current_dir(s.path())
        .output()
        .unwrap();
    assert_ok(&untar, "tar -xf");
    let unpacked = site_packages(&dest).join("big.img");
    let meta = std::fs::metadata(&unpacked).unwrap();
    assert_eq!(meta.len(), 2 << 30);
    assert!(
        meta.blocks() * 512 < 1 << 20,
        "the holes were filled: {} blocks",
        meta.blocks()
    );
    let mut f = std::fs::File::open(&unpacked).unwrap();
    let mut at = |offset: u64, len: usize| {
        use std::io::Read;
        let mut buf = vec![0; len];
        f.seek(SeekFrom::Start(offset)).unwrap();
        f.read_exact(&mut buf).unwrap();
        buf
    };
    assert_eq!(at(1 << 20, 10), b"first data");
    assert_eq!(at(3 << 29, 11), b"second data");
    assert_eq!(at(5, 5), [0; 5]);
}

#[test]
fn pack_and_check_name_every_file_that_ties_the_env_to_paths_outside_it() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let site = site_packages(&s.path().join("env"));
    let project = s.path().join("project");
    std::fs::create_dir_all(project.join("src/proj")).unwrap();
    // What setuptools writes for `pip install -e project`.
    std::fs::write(
        site.join("__editable__.proj-0.1.pth"),
        "import __editable___proj_0_1_finder; __editable___proj_0_1_finder.install()\n",
    )
    .unwrap();
    std::fs::write(
        site.join("__editable___proj_0_1_finder.py"),
        format!(
            "MAPPING: dict[str, str] = {{'proj': '{}'}}\n",
            project.join("src/proj").display()
        ),
    )
    .unwrap();
    // A path configuration file naming a directory elsewhere.
    std::fs::write(site.join("extra.pth"), "/opt/shared/lib\n").unwrap();
    // One naming a directory inside the env travels with it.
    std::fs::write(
        site.join("inside.pth"),
        format!("{}\n", site.join("sub").display()),
    )
    .unwrap();

    let out = s.venv(&["--check", "env"]);
    assert_ok(&out, "--check");
    let text = stdout(&out);
    assert!(
        text.contains("__editable__.proj-0.1.pth") && text.contains("src/proj"),
        "{text}"
    );
    assert!(
        text.contains("extra.pth") && text.contains("/opt/shared/lib"),
        "{text}"
    );
    assert!(!text.contains("inside.pth"), "{text}");

    let out = s.venv(&["--pack", "env", "-o", "env.tar.zst"]);
    assert_ok(&out, "--pack");
    let text = stdout(&out);
    let needs = text
        .split("what does not travel")
        .nth(1)
        .unwrap_or_else(|| panic!("no list of what does not travel: {text}"));
    assert!(needs.contains("__editable__.proj-0.1.pth"), "{text}");
    assert!(needs.contains("extra.pth"), "{text}");
}

#[test]
fn pack_with_q_prints_nothing_but_errors() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    let out = s.venv(&["-q", "--pack", "env", "-o", "quiet.tar.zst"]);
    assert_ok(&out, "-q --pack");
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    assert!(s.path().join("quiet.tar.zst").is_file());
}

#[test]
fn check_names_the_old_place_of_an_env_moved_from_a_path_with_a_newline() {
    let s = Scratch::new();
    let odd = s.path().join("a\nb");
    std::fs::create_dir(&odd).unwrap();
    // venv refuses such a path (its line break would start a line of
    // pyvenv.cfg); CPython's venv makes one there.
    let out = cpython_venv(&cpython(12), &odd, &["--without-pip", "env"]);
    assert_ok(&out, "python -m venv under a path with a newline");
    std::fs::rename(odd.join("env"), s.path().join("moved")).unwrap();
    let out = s.venv(&["--check", "moved"]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("moved from"), "{}", stdout(&out));
    assert_ok(&s.venv(&["--repair", "moved"]), "--repair");
    assert_ok(&s.venv(&["--check", "moved"]), "--check after --repair");
}

#[test]
fn the_repair_hint_can_be_pasted_into_a_shell() {
    let s = Scratch::new();
    assert_ok(&s.venv(&["--without-pip", "-p", &py(), "env"]), "create");
    std::fs::create_dir(s.path().join("my projects")).unwrap();
    let moved = s.path().join("my projects/env");
    std::fs::rename(s.path().join("env"), &moved).unwrap();
    let out = s.venv(&["--check", "my projects/env"]);
    let line = stdout(&out);
    let hint = line
        .split("run `")
        .nth(1)
        .and_then(|h| h.split('`').next())
        .unwrap_or_else(|| panic!("no hint in {line:?}"));
    // Run exactly what it says, through a shell.
    let hint = hint.replacen("venv", &venv_bin().to_string_lossy(), 1);
    let ran = std::process::Command::new("sh")
        .args(["-c", &hint])
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .output()
        .unwrap();
    assert_ok(&ran, &hint);
    assert_ok(
        &s.venv(&["--check", "my projects/env"]),
        "--check after the pasted repair",
    );
}

#[test]
fn check_of_a_uv_relocatable_env_says_relocatable() {
    let uv =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-tools/bin/uv");
    assert!(
        uv.is_file(),
        "{} is missing: run tools/install-test-deps.sh",
        uv.display()
    );
    let s = Scratch::new();
    let out = std::process::Command::new(&uv)
        .args(["venv", "--relocatable", "--python"])
        .arg(cpython(12))
        .arg("env")
        .current_dir(s.path())
        .env("UV_CACHE_DIR", s.path().join("uv-cache"))
        .env("UV_PYTHON_DOWNLOADS", "never")
        .output()
        .unwrap();
    assert_ok(&out, "uv venv --relocatable");
    let out = s.venv(&["--check", "env"]);
    assert_ok(&out, "--check of uv's relocatable env");
    assert!(stdout(&out).contains("relocatable"), "{}", stdout(&out));
    // Moved, it is still consistent.
    std::fs::rename(s.path().join("env"), s.path().join("moved")).unwrap();
    assert_ok(&s.venv(&["--check", "moved"]), "--check after the move");
}

#[test]
fn a_real_editable_install_is_named_by_check_and_pack() {
    let s = Scratch::new();
    // CPython 3.11 seeds setuptools; `wheel` comes from CPython 3.13's own
    // test data, so nothing is downloaded.
    assert_ok(
        &s.venv(&["-p", cpython(11).to_str().unwrap(), "env"]),
        "create",
    );
    let wheeldata = cpython(13)
        .parent()
        .unwrap()
        .join("../lib/python3.13/test/wheeldata");
    let project = s.path().join("proj");
    std::fs::create_dir_all(project.join("src/proj")).unwrap();
    std::fs::write(
        project.join("pyproject.toml"),
        "[build-system]\nrequires = [\"setuptools>=64\"]\nbuild-backend = \"setuptools.build_meta\"\n[project]\nname = \"proj\"\nversion = \"0.1\"\n",
    )
    .unwrap();
    std::fs::write(project.join("src/proj/__init__.py"), "X = 1\n").unwrap();
    let pip = |args: &[&str]| {
        let out = std::process::Command::new(s.path().join("env/bin/pip"))
            .args(args)
            .current_dir(s.path())
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("PIP_NO_INDEX", "1")
            .output()
            .unwrap();
        assert_ok(&out, &format!("pip {args:?}"));
    };
    pip(&[
        "install",
        "--find-links",
        wheeldata.to_str().unwrap(),
        "wheel",
    ]);
    pip(&["install", "--no-build-isolation", "-e", "proj"]);

    let out = s.venv(&["--check", "env"]);
    assert_ok(&out, "--check");
    let text = stdout(&out);
    assert!(
        text.contains("__editable__.proj-0.1.pth") && text.contains(&*project.to_string_lossy()),
        "{text}"
    );
    let out = s.venv(&["--pack", "env", "-o", "env.tar.zst"]);
    assert_ok(&out, "--pack");
    assert!(
        stdout(&out).contains("__editable__.proj-0.1.pth"),
        "{}",
        stdout(&out)
    );
}
