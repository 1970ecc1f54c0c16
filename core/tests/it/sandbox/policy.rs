//! Class 7: a policy no user can step around.

use super::*;

/// A FIFO that hands out `first` to its first reader and `second` to the next.
fn two_faced_fifo(path: &Path, first: Vec<u8>, second: Vec<u8>) -> std::thread::JoinHandle<()> {
    rustix::fs::mknodat(
        rustix::fs::CWD,
        path,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        for bytes in [first, second] {
            // Blocks until a reader opens the FIFO.
            if let Ok(mut file) = std::fs::OpenOptions::new().write(true).open(&path) {
                let _ = file.write_all(&bytes);
            }
            // Let that reader see the end and close before serving the next.
            std::thread::sleep(Duration::from_millis(300));
        }
    })
}

/// Opens `fifo` for reading once without blocking, and holds it past the
/// writer's pause between its two faces, so a writer waiting for a reader
/// (or about to) moves on.
fn release_fifo(fifo: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(fifo);
    std::thread::sleep(Duration::from_millis(1000));
    drop(reader);
}

#[test]
fn the_bytes_pinned_are_the_bytes_compiled() {
    let s = Scratch::new();
    // Both are post-setup hooks; each leaves its own file in the env.
    let pinned = std::fs::read(plugin("minimal-hook")).unwrap();
    let unpinned = std::fs::read(plugin("pip-conf")).unwrap();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&pinned))
    };
    std::fs::write(
        s.path().join("policy.toml"),
        format!("[plugins]\nallow = \"pinned\"\npinned = [\"{digest}\"]\n"),
    )
    .unwrap();
    let fifo = s.path().join("hook.wasm");
    let writer = two_faced_fifo(&fifo, pinned, unpinned);
    let out = command(
        &s,
        &[
            "--without-pip",
            "--plugin",
            fifo.to_str().unwrap(),
            "--plugin-opt",
            "hook.index-url=https://evil.example/simple",
            "env",
        ],
    )
    .env("VENV_POLICY", s.path().join("policy.toml"))
    .output()
    .unwrap();
    // The writer waits for a second reader that never came (had venv read the
    // file twice, it would have been served the unpinned plugin).
    release_fifo(&fifo);
    writer.join().unwrap();
    assert_ok(&out, "pinned plugin through a FIFO");
    let env = s.path().join("env");
    assert!(
        env.join("created-by-hook.txt").is_file(),
        "the pinned plugin ran"
    );
    assert!(!env.join("pip.conf").exists(), "the unpinned plugin ran");
}

#[test]
fn a_symlink_swapped_during_the_run_never_runs_unpinned_code() {
    let s = Scratch::new();
    let pinned = plugin("minimal-hook");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&pinned).unwrap()))
    };
    std::fs::write(
        s.path().join("policy.toml"),
        format!("[plugins]\nallow = \"pinned\"\npinned = [\"{digest}\"]\n"),
    )
    .unwrap();
    let link = s.path().join("hook.wasm");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flipper = {
        let (link, stop, good, bad) = (
            link.clone(),
            stop.clone(),
            pinned.clone(),
            plugin("pip-conf"),
        );
        std::thread::spawn(move || {
            let tmp = link.with_extension("tmp");
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let target = if n.is_multiple_of(2) { &good } else { &bad };
                let _ = std::fs::remove_file(&tmp);
                std::os::unix::fs::symlink(target, &tmp).unwrap();
                std::fs::rename(&tmp, &link).unwrap();
                n += 1;
            }
        })
    };
    for i in 0..20 {
        let env = format!("env{i}");
        let out = command(
            &s,
            &[
                "--without-pip",
                "--plugin",
                link.to_str().unwrap(),
                "--plugin-opt",
                "hook.index-url=https://evil.example/simple",
                &env,
            ],
        )
        .env("VENV_POLICY", s.path().join("policy.toml"))
        .output()
        .unwrap();
        assert!(
            !s.path().join(&env).join("pip.conf").exists(),
            "run {i}: the unpinned plugin ran:\n{}",
            stderr(&out)
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    flipper.join().unwrap();
}

/// Runs `venv ARGS` in a private mount namespace where `/etc/venv/policy.toml`
/// is `policy` (the real /etc is untouched), with `VENV_POLICY` as given.
fn with_system_policy(
    s: &Scratch,
    policy: &str,
    venv_policy: Option<&str>,
    args: &[&str],
) -> Output {
    assert_eq!(
        rustix::process::geteuid().as_raw(),
        0,
        "this test mounts a system policy in a private namespace and must run as root (CI does)"
    );
    // The mount point must exist; an empty /etc/venv changes nothing.
    std::fs::create_dir_all("/etc/venv").unwrap();
    let system = s.path().join("system");
    std::fs::create_dir_all(&system).unwrap();
    std::fs::write(system.join("policy.toml"), policy).unwrap();
    let script = r#"mount --bind "$1" /etc/venv && shift && exec "$@""#;
    let mut cmd = Command::new("unshare");
    cmd.args([
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "sh",
    ])
    .arg(&system)
    .arg(venv_bin())
    .args(["-p", &py()])
    .args(args)
    .current_dir(s.path())
    .env("VENV_CACHE_DIR", s.cache())
    .env_remove("VENV_POLICY");
    if let Some(p) = venv_policy {
        cmd.env("VENV_POLICY", p);
    }
    cmd.output().unwrap()
}

#[test]
fn a_users_environment_cannot_undo_the_system_policy() {
    let pc = plugin("pip-conf");
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(std::fs::read(&pc).unwrap()))
    };
    let system = format!(
        "[plugins]\nallow = \"none\"\n[[plugins.required]]\npath = \"{}\"\nsha256 = \"{digest}\"\noptions = {{ index-url = \"https://org.example/simple\" }}\n",
        pc.display()
    );
    for venv_policy in [None, Some("/dev/null")] {
        let s = Scratch::new();
        let lax = s.path().join("lax.toml");
        std::fs::write(&lax, "[plugins]\nallow = \"any\"\n").unwrap();
        let lax = lax.display().to_string();
        for extra in [venv_policy, Some(lax.as_str())] {
            let out = with_system_policy(&s, &system, extra, &["--without-pip", "env"]);
            assert_ok(&out, &format!("VENV_POLICY={extra:?}"));
            let conf = std::fs::read_to_string(s.path().join("env/pip.conf")).unwrap();
            assert!(
                conf.contains("https://org.example/simple"),
                "{extra:?}: {conf}"
            );
            std::fs::remove_dir_all(s.path().join("env")).unwrap();
            // The system's `allow = "none"` holds whatever VENV_POLICY says.
            let hg = plugin("hg-ignore");
            let out = with_system_policy(
                &s,
                &system,
                extra,
                &["--without-pip", "--plugin", hg.to_str().unwrap(), "env"],
            );
            assert!(!out.status.success(), "{extra:?}: a user plugin ran");
            assert!(
                stderr(&out).contains("allows no user plugins"),
                "{}",
                stderr(&out)
            );
        }
    }
}

#[test]
fn a_required_plugin_path_resolves_against_its_policy_file() {
    let s = Scratch::new();
    let dir = s.path().join("org");
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    std::fs::copy(plugin("pip-conf"), dir.join("plugins/pip-conf.wasm")).unwrap();
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            std::fs::read(plugin("pip-conf")).unwrap(),
        ))
    };
    let policy = |path: &str| {
        format!(
            "[[plugins.required]]\npath = \"{path}\"\nsha256 = \"{digest}\"\noptions = {{ index-url = \"https://org.example/simple\" }}\n"
        )
    };
    std::fs::write(dir.join("policy.toml"), policy("plugins/pip-conf.wasm")).unwrap();
    // A decoy of the same relative path in the working directory.
    let cwd = s.path().join("work");
    std::fs::create_dir_all(cwd.join("plugins")).unwrap();
    std::fs::copy(plugin("hg-ignore"), cwd.join("plugins/pip-conf.wasm")).unwrap();
    let out = Command::new(venv_bin())
        .args(["-p", &py(), "--without-pip", "env"])
        .current_dir(&cwd)
        .env("VENV_CACHE_DIR", s.cache())
        .env("VENV_POLICY", dir.join("policy.toml"))
        .output()
        .unwrap();
    assert_ok(&out, "relative required path");
    assert!(cwd.join("env/pip.conf").is_file());

    std::fs::write(dir.join("policy.toml"), policy("~/plugins/pip-conf.wasm")).unwrap();
    let out = Command::new(venv_bin())
        .args(["-p", &py(), "--without-pip", "env2"])
        .current_dir(&cwd)
        .env("VENV_CACHE_DIR", s.cache())
        .env("VENV_POLICY", dir.join("policy.toml"))
        .env("HOME", &cwd)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("`~` is not expanded in a policy"),
        "{}",
        stderr(&out)
    );
    assert!(!cwd.join("env2").exists());
}
