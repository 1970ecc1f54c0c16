//! Class 3: the deadline holds inside host calls.

use super::*;

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
