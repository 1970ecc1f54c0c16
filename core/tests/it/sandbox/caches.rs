//! Class 6: caches are used only when they are ours alone and intact.

use super::*;

fn cwasm_entries(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("plugins");
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_corrupted_compiled_entry_is_recompiled_not_run() {
    let hg = plugin("hg-ignore");
    let args = [
        "-v",
        "--without-pip",
        "--scm-ignore-files",
        "git,hg",
        "--plugin",
        hg.to_str().unwrap(),
    ];
    // Two corruptions: one byte in the middle of the code, and the last byte.
    for spot in ["middle", "end"] {
        let s = Scratch::new();
        let first = run(&s, &[&args[..], &["env1"]].concat());
        assert_ok(&first, "first run compiles");
        let entries = cwasm_entries(&s.cache());
        assert_eq!(entries.len(), 1, "{entries:?}");
        let mut bytes = std::fs::read(&entries[0]).unwrap();
        let i = if spot == "middle" {
            bytes.len() / 2
        } else {
            bytes.len() - 1
        };
        bytes[i] ^= 0xff;
        std::fs::write(&entries[0], &bytes).unwrap();
        let second = run(&s, &[&args[..], &["env2"]].concat());
        assert_ok(&second, "corrupted entry");
        assert!(
            stderr(&second).contains("plugin `hg-ignore` compiled"),
            "{spot}: the corrupted entry was loaded:\n{}",
            stderr(&second)
        );
        assert!(s.path().join("env2/.hgignore").is_file());
    }
}

/// Runs `venv` as `nobody` against a shared cache root (mode 1777) whose
/// entries root made: none may be used, each kind warns once.
#[test]
fn another_users_cache_entries_are_not_used() {
    assert_eq!(
        rustix::process::geteuid().as_raw(),
        0,
        "this test plays two users and must run as root (CI does)"
    );
    let s = Scratch::new();
    std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = s.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // Root fills the shared cache with every kind of entry.
    let debian = "/usr/bin/python3";
    assert!(
        Path::new(debian).exists(),
        "Debian's python3 is needed (apt install python3)"
    );
    let fill = Command::new(venv_bin())
        .args(["-p", debian, "--scm-ignore-files", "hg", "--plugin"])
        .arg(plugin("hg-ignore"))
        .arg(s.path().join("root-env"))
        .env("VENV_CACHE_DIR", &shared)
        .output()
        .unwrap();
    assert_ok(&fill, "root fills the cache");
    // Root plants code in its seed entry, as a malicious other user would.
    let seed_pip: Vec<PathBuf> = files_under(&shared.join("seed"))
        .into_iter()
        .filter(|p| p.ends_with("site-packages/pip/__init__.py"))
        .collect();
    assert_eq!(seed_pip.len(), 1, "{seed_pip:?}");
    let marker = s.path().join("MARKER");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&seed_pip[0])
        .unwrap();
    writeln!(f, "open({:?}, 'w').close()", marker.display().to_string()).unwrap();
    drop(f);
    // A directory nobody can write to for nobody's env.
    let home = s.path().join("nobody");
    std::fs::create_dir(&home).unwrap();
    rustix::fs::chown(
        &home,
        Some(rustix::process::Uid::from_raw(65534)),
        Some(rustix::process::Gid::from_raw(65534)),
    )
    .unwrap();
    let hg = s.path().join("hg-ignore.wasm");
    std::fs::copy(plugin("hg-ignore"), &hg).unwrap();
    std::fs::set_permissions(&hg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let bin_copy = s.path().join("venv");
    std::fs::copy(venv_bin(), &bin_copy).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin_copy)
        .args(["-p", debian, "--scm-ignore-files", "hg", "--plugin"])
        .arg(&hg)
        .arg(home.join("env"))
        .env("VENV_CACHE_DIR", &shared)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert_ok(&out, "nobody's creation");
    let err = stderr(&out);
    for kind in ["interpreters", "seed", "plugins"] {
        assert!(
            err.contains(&format!("not using the cache's {kind} directory")),
            "no warning for {kind}:\n{err}"
        );
    }
    let pip = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(home.join("env/bin/python"))
        .args(["-m", "pip", "--version"])
        .output()
        .unwrap();
    assert_ok(&pip, "nobody's pip");
    assert!(
        !marker.exists(),
        "code from root's seed entry ran for nobody"
    );
    let ours = home
        .join("env/lib")
        .read_dir()
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let pip_init = ours.join("site-packages/pip/__init__.py");
    assert_ne!(
        std::fs::metadata(&pip_init).unwrap().ino(),
        std::fs::metadata(&seed_pip[0]).unwrap().ino(),
        "nobody's pip is a hard link to root's entry"
    );
}

#[test]
fn a_cache_directory_writable_by_others_is_not_trusted() {
    let s = Scratch::new();
    // First run fills the cache; then its seed directory becomes group-writable.
    assert_ok(&run(&s, &["env1"]), "fill");
    let seed = s.cache().join("seed");
    std::fs::set_permissions(&seed, std::fs::Permissions::from_mode(0o775)).unwrap();
    let entry_files = files_under(&seed);
    let out = run(&s, &["env2"]);
    assert_ok(&out, "with an untrusted seed dir");
    assert!(
        stderr(&out).contains("not using the cache's seed directory")
            && stderr(&out).contains("writable by others"),
        "{}",
        stderr(&out)
    );
    // Nothing in env2 is a hard link into the untrusted directory.
    let inodes: std::collections::HashSet<u64> = entry_files
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().ino())
        .collect();
    for f in files_under(&s.path().join("env2/lib")) {
        let m = std::fs::symlink_metadata(&f).unwrap();
        assert!(
            !inodes.contains(&m.ino()),
            "{} comes from the untrusted entry",
            f.display()
        );
    }
}
