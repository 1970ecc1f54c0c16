//! Issue 17, class 7: programs run for a plugin (`run-in-env`,
//! `run-python`) never outlive the call: the program starts in a process
//! group of its own, which is killed when it ends or at the deadline, and
//! a daemon that left the group (double fork, `setsid`) is re-parented to
//! venv and killed too. Output is read in bounded chunks, so a program
//! printing gigabytes without a newline costs bounded memory.

use super::*;

/// The processes (pids) whose command line holds `token`.
fn with_token(token: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(token))
        })
        .collect()
}

/// A script that starts a background job and a double-forked daemon (each
/// a Python sleeping for five minutes, named by a token), then `then`.
fn leaving_processes(s: &Scratch, token: &str, then: &str) -> PathBuf {
    let script = s.path().join("leave.sh");
    std::fs::write(
        &script,
        format!(
            "/usr/bin/python3 -c 'import time; time.sleep(300)' {token}-background &\n\
             /usr/bin/python3 -c '\n\
import os, sys, time\n\
if os.fork(): sys.exit(0)\n\
os.setsid()\n\
if os.fork(): sys.exit(0)\n\
time.sleep(300)\n' {token}-daemon\n\
             sleep 0.5\n{then}\n"
        ),
    )
    .unwrap();
    script
}

fn run_script(s: &Scratch, script: &Path, extra: &[&str]) -> Output {
    let rc = plugin("run-command");
    let argv = format!("run-command.argv=sh {}", script.display());
    let mut args = vec![
        "--without-pip",
        "--plugin",
        rc.to_str().unwrap(),
        "--plugin-grant",
        "run-command=run-in-env",
        "--plugin-opt",
        &argv,
    ];
    args.extend(extra);
    args.push("env");
    run(s, &args)
}

fn assert_all_gone(token: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !with_token(token).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left = with_token(token);
    for pid in &left {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    assert!(left.is_empty(), "processes outlived venv: {left:?}");
}

#[test]
fn what_a_program_started_dies_when_it_ends() {
    let s = Scratch::new();
    let token = format!("venv-test-{}-ends", std::process::id());
    let script = leaving_processes(&s, &token, "exit 0");
    let out = run_script(&s, &script, &[]);
    assert_ok(&out, "a program that leaves processes behind");
    assert_all_gone(&token);
}

#[test]
fn what_a_program_started_dies_at_the_deadline() {
    let s = Scratch::new();
    let token = format!("venv-test-{}-deadline", std::process::id());
    let script = leaving_processes(&s, &token, "sleep 300");
    let started = Instant::now();
    let out = run_script(&s, &script, &["--plugin-time", "2"]);
    assert_contained(&s, &out, "run-command", "time limit of 2.0 s");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_all_gone(&token);
}

#[test]
fn a_gigabyte_without_a_newline_costs_bounded_memory() {
    let s = Scratch::new();
    let script = s.path().join("flood.sh");
    std::fs::write(
        &script,
        "/usr/bin/python3 -c 'import sys\nfor _ in range(1024): sys.stdout.write(\"x\" * (1 << 20))'\n",
    )
    .unwrap();
    let rc = plugin("run-command");
    let argv = format!("run-command.argv=sh {}", script.display());
    let args = [
        "--without-pip",
        "--plugin-output",
        "64",
        "--plugin",
        rc.to_str().unwrap(),
        "--plugin-grant",
        "run-command=run-in-env",
        "--plugin-opt",
        &argv,
        "env",
    ];
    let (out, peak) = run_measured(command(&s, &args));
    assert!(
        peak < 150 << 20,
        "venv held {} MiB for one line",
        peak >> 20
    );
    // The line reached the terminal cut short, within the output limit.
    assert!(
        stderr(&out).len() < 200 << 10,
        "{} bytes of stderr",
        stderr(&out).len()
    );
}
