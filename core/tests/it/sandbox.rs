//! The sandbox against hostile components, one section per attack class:
//! code or links planted for later host steps, time spent in host calls,
//! memory beyond one linear memory, output through every route, caches that
//! others wrote, policies stepped around, and rollback under stress and
//! signals. Each attack is carried by a component of its own (built from
//! core/tests/fixtures/plugins, or component text under fixtures/wat), and
//! each test asserts what the attack would have achieved is not there.
//!
//! `VENV_TEST_BIN=/path/to/venv cargo test --test it sandbox::` runs the
//! same tests against another build (e.g. one from before these defences,
//! to see them fail).

use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A component assembled from WebAssembly text (a fixture or generated).
fn assemble(s: &Scratch, name: &str, text: &str) -> PathBuf {
    let bytes = wat::parse_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let path = s.path().join(format!("{name}.wasm"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn wat_fixture(s: &Scratch, name: &str) -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wat")
        .join(format!("{name}.wat"));
    assemble(s, name, &std::fs::read_to_string(&src).unwrap())
}

/// `venv -p 3.12 ARGS` in the scratch dir, with its own cache, offline pip.
fn run(s: &Scratch, args: &[&str]) -> Output {
    command(s, args).output().unwrap()
}

/// `venv -p 3.12 --without-pip EXTRA --plugin PLUGIN env`.
fn bare(s: &Scratch, plugin: &Path, extra: &[&str]) -> Output {
    let plugin = plugin.to_str().unwrap();
    let args: Vec<&str> = ["--without-pip"]
        .iter()
        .chain(extra)
        .chain(&["--plugin", plugin, "env"])
        .copied()
        .collect();
    run(s, &args)
}

fn command(s: &Scratch, args: &[&str]) -> Command {
    let mut cmd = Command::new(venv_bin());
    cmd.args(["-p", &py()])
        .args(args)
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", s.path().join("wheels"))
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    cmd
}

/// Offline wheels for `--upgrade-deps`: 3.12's own pip, or 3.13's newer one.
fn wheels(s: &Scratch, newer: bool) {
    let dir = s.path().join("wheels");
    std::fs::create_dir_all(&dir).unwrap();
    let minor = if newer { 13 } else { 12 };
    let bundled = cpython(minor)
        .parent()
        .unwrap()
        .join(format!("../lib/python3.{minor}/ensurepip/_bundled"));
    for e in std::fs::read_dir(bundled).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
}

fn opt(name: &str, key: &str, value: &Path) -> String {
    format!("{name}.{key}={}", value.display())
}

/// Asserts a contained failure: non-zero, a last line naming the plugin and
/// `cause`, nothing at ENV_DIR, no staging directory.
fn assert_contained(s: &Scratch, out: &Output, name: &str, cause: &str) {
    let err = stderr(out);
    assert!(
        !out.status.success(),
        "{name} should have failed; stderr:\n{}",
        tail(&err)
    );
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("venv: error:")
            && last.contains(&format!("`{name}`"))
            && last.contains(cause),
        "error should name `{name}` and `{cause}`:\n{}",
        tail(&err)
    );
    assert!(
        !s.path().join("env").exists(),
        "{name}: env not rolled back"
    );
    assert_eq!(staging_dirs(s.path()), 0, "{name}: staging dir left behind");
}

fn tail(text: &str) -> String {
    let start = text.len().saturating_sub(2000);
    let mut i = start;
    while !text.is_char_boundary(i) {
        i += 1;
    }
    text[i..].to_owned()
}

fn staging_dirs(dir: &Path) -> usize {
    names_containing(dir, "venv-staging").len()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------
// Class 1: code planted by a hook must not run on the host during creation.

#[test]
fn an_scm_hook_cannot_plant_startup_code_for_ensurepip() {
    let s = Scratch::new();
    let marker = s.path().join("MARKER");
    let out = run(
        &s,
        &[
            "--seeder",
            "ensurepip",
            "--scm-ignore-files",
            "git,evil",
            "--plugin",
            plugin("evil-pth-scm").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-pth-scm", "marker", &marker),
            "env",
        ],
    );
    assert!(!marker.exists(), "the planted .pth ran on the host");
    // The hook sees an empty scratch directory: its write into lib/ fails.
    assert_contained(&s, &out, "evil-pth-scm", "create-ignore-file");
}

#[test]
fn startup_code_from_a_post_setup_hook_is_not_run_by_upgrade_deps() {
    for name in ["evil-pth-post", "evil-sitecustomize"] {
        let s = Scratch::new();
        wheels(&s, false);
        let marker = s.path().join("MARKER");
        let out = run(
            &s,
            &[
                "--upgrade-deps",
                "--plugin",
                plugin(name).to_str().unwrap(),
                "--plugin-opt",
                &opt(name, "marker", &marker),
                "env",
            ],
        );
        assert_ok(&out, name);
        assert!(!marker.exists(), "{name}: planted code ran on the host");
        // The hook did run (after --upgrade-deps): what it wrote is in the env,
        // which is the user's to run from now on.
        let site = s.path().join("env/lib/python3.12/site-packages");
        let planted = if name == "evil-pth-post" {
            "zz_evil.pth"
        } else {
            "sitecustomize.py"
        };
        assert!(site.join(planted).is_file(), "{name} did not run");
    }
}

#[test]
fn a_hook_cannot_write_through_pips_hard_links_into_the_cache() {
    let s = Scratch::new();
    let marker = s.path().join("MARKER");
    let out = run(
        &s,
        &[
            "--link-mode",
            "hardlink",
            "--plugin",
            plugin("evil-cache-poison").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-cache-poison", "marker", &marker),
            "env",
        ],
    );
    assert_contained(&s, &out, "evil-cache-poison", "not permitted");
    // A later env placed from the same cache runs a clean pip.
    assert_ok(&run(&s, &["--link-mode", "hardlink", "env2"]), "env2");
    let pip = Command::new(s.path().join("env2/bin/python"))
        .args(["-m", "pip", "--version"])
        .output()
        .unwrap();
    assert_ok(&pip, "pip --version");
    assert!(!marker.exists(), "code planted in the cache ran");
}

// ---------------------------------------------------------------------------
// Class 2: links planted by a hook must not be followed by later host steps.

#[test]
fn links_planted_by_an_scm_hook_are_not_followed_by_ensurepip() {
    for name in ["evil-link-lib", "evil-link-site"] {
        let s = Scratch::new();
        let outside = s.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let out = run(
            &s,
            &[
                "--seeder",
                "ensurepip",
                "--scm-ignore-files",
                "git,evil",
                "--plugin",
                plugin(name).to_str().unwrap(),
                "--plugin-opt",
                &opt(name, "outside", &outside),
                "env",
            ],
        );
        assert_eq!(
            files_under(&outside),
            Vec::<PathBuf>::new(),
            "{name}: pip was written outside the env"
        );
        assert_contained(&s, &out, name, "create-ignore-file");
    }
}

#[test]
fn a_link_planted_by_a_post_setup_hook_is_not_followed_by_upgrade_deps() {
    let s = Scratch::new();
    // A newer pip than 3.12's own, so that --upgrade-deps really installs.
    wheels(&s, true);
    let outside = s.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("__main__.py"), "precious\n").unwrap();
    let out = run(
        &s,
        &[
            "--upgrade-deps",
            "--plugin",
            plugin("evil-link-post").to_str().unwrap(),
            "--plugin-opt",
            &opt("evil-link-post", "outside", &outside),
            "env",
        ],
    );
    assert_ok(&out, "evil-link-post");
    assert_eq!(
        files_under(&outside),
        vec![outside.join("__main__.py")],
        "pip wrote through the planted link"
    );
    assert_eq!(
        std::fs::read_to_string(outside.join("__main__.py")).unwrap(),
        "precious\n"
    );
}

// ---------------------------------------------------------------------------
// Class 3: the deadline holds inside host calls.

#[test]
fn a_guest_blocked_in_a_host_call_is_stopped_at_its_deadline() {
    for (name, extra) in [
        ("evil-sleep", None),
        ("evil-poll", Some("evil-poll.mode=poll")),
        ("evil-poll", Some("evil-poll.mode=block")),
    ] {
        let s = Scratch::new();
        let p = plugin(name);
        let mut args = vec![
            "--without-pip",
            "--plugin-time",
            "1",
            "--plugin",
            p.to_str().unwrap(),
        ];
        if let Some(o) = extra {
            args.extend(["--plugin-opt", o]);
        }
        args.push("env");
        let mut child = command(&s, &args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().unwrap() {
                break Some(st);
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            status.is_some(),
            "{name} {extra:?}: still running after 30 s with --plugin-time 1"
        );
        let out = child.wait_with_output().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{name}: took {:?}",
            started.elapsed()
        );
        assert_contained(&s, &out, name, "time limit of 1.0 s");
    }
}

// ---------------------------------------------------------------------------
// Class 4: memory is bounded as a whole.

/// Runs `cmd` to its end, sampling its peak resident size (VmHWM) every
/// few milliseconds; returns the output and the largest peak seen.
fn run_measured(mut cmd: Command) -> (Output, u64) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .map(|pipe| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    })
    .collect();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0);
            peak = peak.max(hwm << 10);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut outputs = readers.into_iter().map(|r| r.join().unwrap());
    let out = Output {
        status,
        stdout: outputs.next().unwrap(),
        stderr: outputs.next().unwrap(),
    };
    (out, peak)
}

#[test]
fn memory_tables_and_instances_count_together() {
    for (name, cause) in [
        ("evil-multi-memory", "memory limit of 256 MiB"),
        ("evil-many-instances", "memory limit of 256 MiB"),
        ("evil-table-grow", "table elements"),
        ("evil-many-tables", "table elements"),
    ] {
        let s = Scratch::new();
        let component = wat_fixture(&s, name);
        let (out, peak) = run_measured(command(
            &s,
            &[
                "--without-pip",
                "--plugin",
                component.to_str().unwrap(),
                "env",
            ],
        ));
        assert_contained(&s, &out, name, cause);
        // The component asked for 1.6 to 4 GB; the limit is 256 MiB in all.
        assert!(
            peak < 600 << 20,
            "{name}: the host reached {} MiB",
            peak >> 20
        );
    }
}

/// A component that instantiates a tiny core module `copies` times, and whose
/// core module declares `memories` memories and `tables` tables.
fn swarm(copies: usize, memories: usize, tables: usize) -> String {
    let mut wat = String::from("(component\n  (core module $tiny\n");
    for i in 0..memories {
        wat.push_str(&format!("    (memory $m{i} 1)\n"));
    }
    for i in 0..tables {
        wat.push_str(&format!("    (table $t{i} 1 funcref)\n"));
    }
    wat.push_str("    (func (export \"f\")))\n");
    for i in 0..copies {
        wat.push_str(&format!("  (core instance $i{i} (instantiate $tiny))\n"));
    }
    wat.push_str(
        "  (func $ps (canon lift (core func $i0 \"f\")))\n  (instance $exp (export \"post-setup\" (func $ps)))\n  (export \"venv:plugin/post-setup@0.1.0\" (instance $exp))\n)\n",
    );
    wat
}

#[test]
fn instance_memory_and_table_counts_are_bounded() {
    for (name, text, cause) in [
        // 900 instances (the parser allows 1,000).
        (
            "evil-instance-swarm",
            swarm(900, 0, 0),
            "instance count too high",
        ),
        (
            "evil-memory-swarm",
            swarm(1, 40, 0),
            "memory count too high",
        ),
        // Under the 100 tables a module may declare, over the 64 we allow.
        ("evil-table-swarm", swarm(1, 0, 90), "table count too high"),
    ] {
        let s = Scratch::new();
        let component = assemble(&s, name, &text);
        let out = bare(&s, &component, &[]);
        assert_contained(&s, &out, name, cause);
    }
}

// ---------------------------------------------------------------------------
// Class 5: every byte a plugin makes the host print or keep is bounded.

#[test]
fn log_and_progress_floods_stop_at_the_output_limit() {
    for name in ["evil-log-flood", "evil-progress-flood"] {
        let s = Scratch::new();
        let out = bare(&s, &plugin(name), &[]);
        assert!(
            out.stderr.len() < 2 << 20,
            "{name}: {} bytes reached the terminal",
            out.stderr.len()
        );
        assert_contained(&s, &out, name, "output limit of 1024 KiB");
    }
}

#[test]
fn returned_strings_are_bounded() {
    let s = Scratch::new();
    let out = bare(&s, &plugin("evil-big-error"), &[]);
    assert!(out.stderr.len() < 4096, "{} bytes", out.stderr.len());
    assert_contained(&s, &out, "evil-big-error", "more bytes)");

    for name in ["evil-scm-many", "evil-scm-long"] {
        let s = Scratch::new();
        let out = bare(&s, &plugin(name), &["--scm-ignore-files", "git,nosuch"]);
        assert!(
            out.stderr.len() < 4096,
            "{name}: {} bytes",
            out.stderr.len()
        );
        assert_contained(&s, &out, name, "invalid SCM list");
    }
}

#[test]
fn terminal_control_sequences_are_shown_not_obeyed() {
    let s = Scratch::new();
    let out = bare(&s, &plugin("evil-escapes"), &[]);
    assert!(!out.status.success());
    let err = &out.stderr;
    for (byte, what) in [(0x1b, "ESC"), (0x07, "BEL"), (b'\r', "CR")] {
        assert!(!err.contains(&byte), "a raw {what} reached the terminal");
    }
    let text = stderr(&out);
    assert!(
        text.contains("\\x1b[2J"),
        "escapes are shown visibly:\n{text}"
    );
    // Every line the plugin caused is marked as its own, but the last (ours).
    let lines: Vec<&str> = text.lines().collect();
    for line in &lines[..lines.len() - 1] {
        assert!(line.starts_with("[evil-escapes] "), "unprefixed: {line:?}");
    }
}

// ---------------------------------------------------------------------------
// Class 6: caches are used only when they are ours alone and intact.

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

// ---------------------------------------------------------------------------
// Class 8: rollback at any depth, bounded writes, signals, limits in range.

#[test]
fn a_very_deep_tree_is_rolled_back() {
    let s = Scratch::new();
    let out = bare(
        &s,
        &plugin("evil-deep-tree"),
        &["--plugin-entries", "200000", "--plugin-time", "300"],
    );
    assert_contained(&s, &out, "evil-deep-tree", "100000-level");
}

#[test]
fn writes_are_bounded_in_bytes_and_entries() {
    for (name, cause) in [
        ("evil-fill", "write limit of 16 MiB"),
        ("evil-many-files", "limit of 500 new files"),
        ("evil-deep-tree", "limit of 500 new files"),
    ] {
        let s = Scratch::new();
        let out = bare(
            &s,
            &plugin(name),
            &["--plugin-write", "16", "--plugin-entries", "500"],
        );
        assert_contained(&s, &out, name, cause);
    }
}

/// Starts a creation whose plugin hangs, waits until the hook runs, sends
/// `signal`, and returns the output.
fn interrupted(s: &Scratch, signal: rustix::process::Signal, plugin_name: &str) -> Output {
    let child = command(
        s,
        &[
            "--without-pip",
            "--plugin-time",
            "60",
            "--plugin",
            plugin(plugin_name).to_str().unwrap(),
            "env",
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // The hook runs once the staged tree has its scripts.
    let started = Instant::now();
    loop {
        let staged = std::fs::read_dir(s.path())
            .unwrap()
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().contains("venv-staging"));
        if staged.is_some_and(|e| e.path().join("bin/activate").exists()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the hook never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn signals_during_a_hook_roll_the_environment_back() {
    use rustix::process::Signal;
    for (signal, code, name, plugin_name) in [
        (Signal::INT, 130, "SIGINT", "evil-loop"),
        (Signal::TERM, 143, "SIGTERM", "evil-sleep"),
        (Signal::HUP, 129, "SIGHUP", "evil-poll"),
    ] {
        let s = Scratch::new();
        let started = Instant::now();
        let out = interrupted(&s, signal, plugin_name);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{name}: too slow"
        );
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("interrupted by {name}")),
            "{}",
            stderr(&out)
        );
        assert!(!s.path().join("env").exists(), "{name}: env left");
        assert_eq!(staging_dirs(s.path()), 0, "{name}: staging dir left");
    }
}

#[test]
fn a_killed_creators_staging_directory_is_reclaimed_by_the_next_creation() {
    let s = Scratch::new();
    let out = interrupted(&s, rustix::process::Signal::KILL, "evil-loop");
    assert!(!out.status.success());
    assert_eq!(
        names_containing(s.path(), ".env.venv-staging-").len(),
        1,
        "SIGKILL leaves the staging dir"
    );
    // A live creator's staging directory (locked, its process alive) is left alone.
    let mut alive = command(
        &s,
        &[
            "--without-pip",
            "--plugin-time",
            "60",
            "--plugin",
            plugin("evil-loop").to_str().unwrap(),
            "busy",
        ],
    )
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let started = Instant::now();
    while names_containing(s.path(), ".busy.venv-staging-").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "busy never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_ok(&run(&s, &["--without-pip", "env"]), "next creation");
    assert_eq!(
        names_containing(s.path(), ".env.venv-staging-").len(),
        0,
        "the dead creator's dir was not reclaimed"
    );
    assert_eq!(
        names_containing(s.path(), ".busy.venv-staging-").len(),
        1,
        "the live creator's dir was removed"
    );
    let _ = alive.kill();
    let _ = alive.wait();
}

#[test]
fn limits_out_of_range_are_refused_with_one_line() {
    for (flag, value) in [
        ("--plugin-time", "1e300"),
        ("--plugin-time", "0"),
        ("--plugin-time", "inf"),
        ("--plugin-time", "NaN"),
        ("--plugin-time", "-1"),
        ("--plugin-memory", "0"),
        ("--plugin-memory", "1e30"),
        ("--plugin-output", "inf"),
        ("--plugin-entries", "-5"),
    ] {
        let s = Scratch::new();
        let out = run(
            &s,
            &[
                "--without-pip",
                &format!("{flag}={value}"),
                "--plugin",
                plugin("hg-ignore").to_str().unwrap(),
                "env",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{flag} {value}: {}",
            stderr(&out)
        );
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{flag} {value}: {err}");
        assert!(err.contains("is invalid"), "{flag} {value}: {err}");
        assert!(!s.path().join("env").exists());
    }
}

// ---------------------------------------------------------------------------
// Class 7: a policy no user can step around.

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

/// Opens `fifo` for reading once without blocking, so a writer waiting for
/// a reader moves on.
fn release_fifo(fifo: &Path) {
    use std::os::unix::fs::OpenOptionsExt;
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(fifo);
    std::thread::sleep(Duration::from_millis(50));
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

// ---------------------------------------------------------------------------
// Class 9: the hooks of venv:plugin@0.2.0. An activator adds regular files
// to bin and nothing else; a seeder reaches only the wheels it was granted,
// writes nothing itself, and what it installs never runs during creation;
// every budget holds for what the host installs on its behalf.

#[test]
fn an_activator_only_adds_new_regular_files_to_bin() {
    let evil = plugin("evil-activator");
    for (mode, cause) in [
        ("replace", "bin already has an entry of that name"),
        ("link", "not a regular file"),
        ("dir", "not a regular file"),
        ("escape", "denied"),
    ] {
        let s = Scratch::new();
        let opt = format!("evil-activator.mode={mode}");
        let out = bare(&s, &evil, &["--plugin-opt", &opt]);
        assert_contained(&s, &out, "evil-activator", cause);
        assert_stderr_has(&out, "create-activators");
        assert!(
            files_under(s.path())
                .iter()
                .all(|f| !f.to_string_lossy().contains("zz_evil")),
            "{mode}: a file escaped the scratch directory"
        );
    }
}

#[test]
fn a_seeder_reaches_only_the_wheels_it_was_granted() {
    let evil = plugin("evil-seeder");
    let setup = |s: &Scratch| {
        let grant = s.path().join("granted");
        std::fs::create_dir_all(&grant).unwrap();
        let outside = write_wheel(&s.path().join("outside"), "VALUE = 1\n");
        std::os::unix::fs::symlink(&outside, grant.join("hello_venv-1.0-py3-none-any.whl"))
            .unwrap();
        let inside = wheel(
            &grant,
            "inside_pkg",
            "1.0",
            &[("inside_pkg/__init__.py", "")],
            None,
        );
        (
            format!("evil-seeder=read:{}", grant.display()),
            outside,
            inside,
        )
    };
    for (mode, cause) in [
        ("outside", "not in a directory granted"),
        ("through", "install-wheel through a link denied"),
        ("write", "denied"),
        ("twice", "nothing may be placed"),
    ] {
        let s = Scratch::new();
        let (grant, outside, inside) = setup(&s);
        let mode_opt = format!("evil-seeder.mode={mode}");
        let wheel = if mode == "twice" { inside } else { outside };
        let path_opt = format!("evil-seeder.path={}", wheel.display());
        let name_opt = "evil-seeder.name=hello_venv-1.0-py3-none-any.whl".to_owned();
        let extra = [
            "--plugin-grant",
            &grant,
            "--plugin-opt",
            &mode_opt,
            "--plugin-opt",
            &path_opt,
            "--plugin-opt",
            &name_opt,
        ];
        let out = bare(&s, &evil, &extra);
        assert_contained(&s, &out, "evil-seeder", cause);
        assert_stderr_has(&out, "failed in seed");
    }
}

#[test]
fn seeded_wheels_never_run_during_creation() {
    // A wheel whose .pth would create a marker when any Python of the env
    // starts, seeded into a creation that runs pip afterwards (--upgrade-deps).
    let s = Scratch::new();
    wheels(&s, false);
    let marker = s.path().join("pth-ran");
    let house = s.path().join("house");
    wheel(
        &house,
        "pthpkg",
        "1.0",
        &[(
            "zz_pthpkg.pth",
            &format!(
                "import pathlib; pathlib.Path({:?}).touch()\n",
                marker.display()
            ),
        )],
        None,
    );
    let grant = format!("seed-wheels=read:{}", house.display());
    let seeder = plugin("seed-wheels");
    let out = run(
        &s,
        &[
            "--upgrade-deps",
            "--plugin",
            seeder.to_str().unwrap(),
            "--plugin-grant",
            &grant,
            "env",
        ],
    );
    assert_ok(&out, "seeding with --upgrade-deps");
    assert!(site_packages(&s.path().join("env"))
        .join("zz_pthpkg.pth")
        .is_file());
    assert!(
        !marker.exists(),
        "a seeded .pth ran on the host during creation"
    );
}

#[test]
fn a_seeded_wheel_cannot_replace_the_envs_own_files() {
    let seeder = plugin("seed-wheels");
    /// A wheel that tries to overwrite `bin/python3`, and how it is refused.
    struct Hostile {
        files: Vec<(&'static str, &'static str)>,
        entry_points: Option<&'static str>,
        cause: &'static str,
    }
    let cases = [
        // A console script named like the env's own interpreter link.
        Hostile {
            files: vec![("evilpkg/__init__.py", "def main(): pass\n")],
            entry_points: Some("[console_scripts]\npython3 = evilpkg:main\n"),
            cause: "would replace the environment's own `bin/python3`",
        },
        // A member whose path climbs out of site-packages.
        Hostile {
            files: vec![("../../../bin/python3", "#!/bin/sh\n")],
            entry_points: None,
            cause: "unsafe path",
        },
    ];
    for case in cases {
        let s = Scratch::new();
        let house = s.path().join("house");
        wheel(&house, "evilpkg", "1.0", &case.files, case.entry_points);
        let grant = format!("seed-wheels=read:{}", house.display());
        let out = bare(&s, &seeder, &["--plugin-grant", &grant]);
        assert_contained(&s, &out, "seed-wheels", case.cause);
    }
}

#[test]
fn what_a_seeder_installs_counts_against_its_write_budget() {
    let seeder = plugin("seed-wheels");
    let big = "x".repeat(3 << 20);
    for (flag, value, cause) in [
        ("--plugin-write", "1", "write limit of 1 MiB"),
        ("--plugin-entries", "2", "limit of 2 new files"),
    ] {
        let s = Scratch::new();
        let house = s.path().join("house");
        wheel(
            &house,
            "bigpkg",
            "1.0",
            &[("bigpkg/__init__.py", &big)],
            None,
        );
        let grant = format!("seed-wheels=read:{}", house.display());
        let out = bare(&s, &seeder, &["--plugin-grant", &grant, flag, value]);
        assert_contained(&s, &out, "seed-wheels", cause);
    }
}

#[test]
fn run_in_env_runs_nothing_without_its_grant() {
    // With the grant it is full trust (README, "Security"): a granted program
    // runs with the user's rights. Without it, nothing runs at all.
    let s = Scratch::new();
    let marker = s.path().join("ran");
    let argv = format!("run-command.argv=touch {}", marker.display());
    let rc = plugin("run-command");
    let out = bare(&s, &rc, &["--plugin-opt", &argv]);
    assert_contained(&s, &out, "run-command", "run-in-env denied");
    assert!(!marker.exists());
    let out = bare(
        &s,
        &rc,
        &[
            "--plugin-opt",
            &argv,
            "--plugin-grant",
            "run-command=run-in-env",
        ],
    );
    assert_ok(&out, "granted run-in-env");
    assert!(marker.exists());
}
