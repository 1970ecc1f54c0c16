//! What the binary shows a person, and what it shows a pipe: shell
//! completions loaded in real shells, the man page rendered by `man`,
//! progress bars and colour in a pseudo-terminal (and neither on a pipe),
//! `-q`, and the cache commands.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

fn generated(args: &[&str]) -> String {
    let out = Command::new(venv_bin()).args(args).output().unwrap();
    assert_ok(&out, &format!("venv {args:?}"));
    stdout(&out)
}

#[test]
fn bash_completion_completes_flags_and_values() {
    let s = Scratch::new();
    let script = s.path().join("venv.bash");
    std::fs::write(&script, generated(&["--generate-shell-completion", "bash"])).unwrap();
    let bash = which("bash").expect("bash is missing");
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "source {script}\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_venv venv '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script = script.display(),
            words = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            cword = words.len() - 1,
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = Command::new(&bash).args(["-c", &program]).output().unwrap();
        assert_ok(&out, line);
        stdout(&out)
    };
    assert_eq!(complete("venv --pro").trim(), "--prompt");
    let modes = complete("venv --link-mode ");
    for mode in ["auto", "hardlink", "clone", "copy", "symlink"] {
        assert!(modes.lines().any(|l| l == mode), "{mode} missing: {modes}");
    }
}

#[test]
fn fish_completion_completes_flags_with_descriptions() {
    let s = Scratch::new();
    let text = fish_completions(&s, &["venv --upgrade-", "venv --seeder "]);
    assert!(
        text.lines().any(|l| l.starts_with("--upgrade-deps\t")),
        "{text}"
    );
    for seeder in ["auto", "native", "ensurepip"] {
        assert!(text.lines().any(|l| l.starts_with(seeder)), "{text}");
    }
}

#[test]
fn every_shell_gets_a_completion_script() {
    for (shell, marker) in [
        ("zsh", "#compdef venv"),
        ("elvish", "edit:completion:arg-completer"),
        ("powershell", "Register-ArgumentCompleter"),
        ("nushell", "export extern venv"),
    ] {
        let text = generated(&["--generate-shell-completion", shell]);
        assert!(text.contains(marker), "{shell}: {text}");
    }
}

#[test]
fn man_renders_the_manual_page() {
    let s = Scratch::new();
    let page = s.path().join("venv.1");
    std::fs::write(&page, generated(&["--generate-man"])).unwrap();
    let man = which("man").expect("man is missing (apt install man-db)");
    let out = Command::new(man)
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    assert_ok(&out, "man -l");
    let text = stdout(&out);
    for needle in [
        "NAME",
        "SYNOPSIS",
        "--system-site-packages",
        "--upgrade-deps",
        // The defaults and where they come from.
        "[default: .venv]",
        "--show-config",
        "--no-relocatable",
        "VENV_PYTHON",
        "VENV_LINK_MODE",
        "config.toml",
        "Activate.ps1",
        ">=3.11",
    ] {
        assert!(text.contains(needle), "man page lacks {needle}:\n{text}");
    }
}

#[test]
fn completions_offer_the_new_flags() {
    let s = Scratch::new();
    let script = s.path().join("venv.bash");
    std::fs::write(&script, generated(&["--generate-shell-completion", "bash"])).unwrap();
    let bash = which("bash").expect("bash is missing");
    let program = format!(
        "source {}\nCOMP_WORDS=(venv --show-c)\nCOMP_CWORD=1\nCOMP_LINE='venv --show-c'\nCOMP_POINT=${{#COMP_LINE}}\n_venv venv --show-c venv\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display()
    );
    let out = Command::new(&bash).args(["-c", &program]).output().unwrap();
    assert_ok(&out, "bash completion");
    assert_eq!(stdout(&out).trim(), "--show-config");
    let text = fish_completions(&s, &["venv --no-rel", "venv --link-mode "]);
    assert!(
        text.lines().any(|l| l.starts_with("--no-relocatable")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("clone")), "{text}");
    // The flags' descriptions say where their defaults come from.
    let zsh = generated(&["--generate-shell-completion", "zsh"]);
    assert!(
        zsh.contains("VENV_LINK_MODE"),
        "zsh completion descriptions"
    );
}

/// Runs `venv ARGS` in a pseudo-terminal and returns everything it wrote.
fn in_terminal(s: &Scratch, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(venv_bin());
    cmd.args(args)
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut session = expectrl::Session::spawn(cmd).expect("a pseudo-terminal");
    session.set_expect_timeout(Some(Duration::from_secs(300)));
    let found = session.expect(expectrl::Eof).expect("the program ends");
    // What came before the end, and the end's own match: everything written.
    let mut all = found.before().to_vec();
    for m in found.matches() {
        all.extend_from_slice(m);
    }
    String::from_utf8_lossy(&all).into_owned()
}

#[test]
fn a_terminal_sees_progress_and_colour_a_pipe_sees_neither() {
    let py = cpython(12);
    let py = py.to_str().unwrap();
    // The first creation with an empty cache byte-compiles pip: progress.
    let s = Scratch::new();
    let shown = in_terminal(&s, &["-p", py, "env"], &[]);
    assert!(
        shown.contains("byte-compiling pip for Python 3.12"),
        "no progress on a terminal:\n{shown}"
    );
    assert!(shown.contains("files"), "{shown}");
    // An error on a terminal is coloured.
    let shown = in_terminal(&s, &["-p", "/nonexistent/python", "env2"], &[]);
    assert!(shown.contains("\x1b[1;31merror:\x1b[0m"), "{shown:?}");
    // NO_COLOR and --color never turn colour off; --color always turns it on for a pipe.
    let plain = in_terminal(
        &s,
        &["-p", "/nonexistent/python", "env2"],
        &[("NO_COLOR", "1")],
    );
    assert!(
        !plain.contains('\x1b') && plain.contains("error:"),
        "{plain:?}"
    );
    let plain = in_terminal(
        &s,
        &["--color", "never", "-p", "/nonexistent/python", "env2"],
        &[],
    );
    assert!(!plain.contains('\x1b'), "{plain:?}");

    // The same on a pipe: plain lines only.
    let s = Scratch::new();
    let out = s.venv(&["-p", py, "env"]);
    assert_ok(&out, "cold creation on a pipe");
    // A pipe sees nothing on success but the line that says how to activate it.
    let err = stderr(&out);
    assert!(
        err.lines().count() == 1 && err.starts_with("Activate with: ") && !err.contains('\x1b'),
        "{err:?}"
    );
    let out = s.venv(&["-p", "/nonexistent/python", "env2"]);
    assert!(!out.stderr.contains(&0x1b) && stderr(&out).starts_with("venv: error: "));
    let out = s.venv(&["--color", "always", "-p", "/nonexistent/python", "env2"]);
    assert!(
        stderr(&out).starts_with("venv: \x1b[1;31merror:"),
        "{:?}",
        stderr(&out)
    );
}

#[test]
fn quiet_shows_only_errors() {
    let s = Scratch::new();
    let py = cpython(12);
    let pc = plugin("pip-conf");
    let args = [
        "--without-pip",
        "-p",
        py.to_str().unwrap(),
        "--plugin",
        pc.to_str().unwrap(),
        "--plugin-opt",
        "pip-conf.index-url=https://pypi.example/simple",
    ];
    let loud = s.venv(&[&args[..], &["env1"]].concat());
    assert_ok(&loud, "default");
    assert!(stderr(&loud).contains("[pip-conf]"), "{}", stderr(&loud));
    let quiet = s.venv(&[&args[..], &["-q", "env2"]].concat());
    assert_ok(&quiet, "-q");
    assert_eq!(stderr(&quiet), "");
    let failed = s.venv(&["-q", "-p", "/nonexistent/python", "env3"]);
    assert!(stderr(&failed).starts_with("venv: error: "));
}

fn cache_info(s: &Scratch) -> String {
    let out = s.venv(&["--cache-info"]);
    assert_ok(&out, "--cache-info");
    stdout(&out)
}

#[test]
fn the_cache_is_tagged_shown_and_cleaned_while_creations_run() {
    let s = Scratch::new();
    let py = cpython(12);
    let py = py.to_str().unwrap();
    assert_ok(&s.venv(&["-p", py, "env1"]), "fill the cache");
    let tag = std::fs::read_to_string(s.cache().join("CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    let info = cache_info(&s);
    assert!(
        info.contains(&format!("cache: {}", s.cache().display())),
        "{info}"
    );
    let seed = info
        .lines()
        .find(|l| l.trim_start().starts_with("seed:"))
        .unwrap();
    assert!(!seed.contains(" 0 files"), "{info}");

    // A creation in progress holds the cache: cleaning waits for it.
    let mut busy = Command::new(venv_bin())
        .args(["--without-pip", "-p", py, "--plugin-time", "3", "--plugin"])
        .arg(plugin("evil-loop"))
        .arg("busy")
        .current_dir(s.path())
        .env("VENV_CACHE_DIR", s.cache())
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
    let cleaned = s.venv(&["--cache-clean"]);
    let busy_done = busy.wait().unwrap();
    assert_ok(&cleaned, "--cache-clean");
    assert!(!busy_done.success(), "evil-loop ends at its time limit");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "the clean did not wait for the running creation"
    );
    assert!(stdout(&cleaned).contains("removed"), "{}", stdout(&cleaned));
    assert!(cache_info(&s).contains("total: 0 files"));
    // Environments made before still work: their files are hard links or copies.
    let python = s.path().join("env1/bin/python");
    assert_eq!(
        python_says(&python, "import pip; print(pip.__name__)").trim(),
        "pip"
    );
    // And the next creation rebuilds what it needs.
    assert_ok(&s.venv(&["-p", py, "env2"]), "after the clean");
    assert!(Path::new(&s.path().join("env2/bin/pip")).is_file());
}

/// What fish completes for each of `lines`, our generated completion loaded.
fn fish_completions(s: &Scratch, lines: &[&str]) -> String {
    let script = s.path().join("venv.fish");
    std::fs::write(&script, generated(&["--generate-shell-completion", "fish"])).unwrap();
    let fish = which("fish").expect("fish is missing: run tools/install-shells.sh");
    let mut program = format!("source {}", script.display());
    for line in lines {
        program.push_str(&format!("; complete -C '{line}'"));
    }
    let out = Command::new(fish)
        .args(["--no-config", "-c", &program])
        .output()
        .unwrap();
    assert_ok(&out, "fish complete -C");
    stdout(&out)
}
