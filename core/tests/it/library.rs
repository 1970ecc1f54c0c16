//! The library API: a Rust caller overrides steps the way a Python subclass
//! of `venv.EnvBuilder` does, and sees CPython's context fields.

use std::path::Path;

use crate::common::*;
use venv::{
    find_interpreter, Cache, Context, DefaultSteps, EnvBuilder, Options, Prompt, PythonRequest,
    Steps,
};

struct Recording {
    calls: Vec<String>,
}

impl Steps for Recording {
    fn create_configuration(
        &mut self,
        ctx: &Context,
        system_site_packages: bool,
    ) -> anyhow::Result<()> {
        self.calls.push(format!(
            "create_configuration(system_site={system_site_packages})"
        ));
        DefaultSteps.create_configuration(ctx, system_site_packages)
    }
    fn setup_scripts(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.calls.push("setup_scripts".into());
        DefaultSteps.setup_scripts(ctx)?;
        // Like overriding install_scripts: one more script of our own.
        ctx.fs.write_file(
            &ctx.layout.bin.join("hello"),
            b"#!/bin/sh\necho hello\n",
            Some(0o755),
        )
    }
    fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
        self.calls.push("post_setup".into());
        let fields = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            ctx.env_dir.display(),
            ctx.env_name,
            ctx.prompt,
            ctx.bin_name,
            ctx.env_exe.display(),
            ctx.inc_path.display(),
            ctx.lib_path.display(),
            ctx.executable.display()
        );
        ctx.fs
            .write_file(Path::new("context.txt"), fields.as_bytes(), None)
    }
}

#[test]
fn overridden_steps_run_in_cpythons_order_with_cpythons_context() {
    let s = Scratch::new();
    let python = cpython(12);
    let interp = find_interpreter(
        &PythonRequest::Path(python.clone()),
        &Cache::new(Some(s.cache())),
    )
    .unwrap();
    let options = Options {
        symlinks: true,
        system_site_packages: true,
        prompt: Prompt::Text("pr".into()),
        ..Options::default()
    };
    let builder = EnvBuilder::new(options, interp);
    let mut steps = Recording { calls: Vec::new() };
    let env = builder
        .create_with(&s.path().join("env"), &mut steps)
        .unwrap();
    assert_eq!(
        steps.calls,
        [
            "create_configuration(system_site=false)",
            "setup_scripts",
            "post_setup",
            "create_configuration(system_site=true)"
        ]
    );
    let ctx = std::fs::read_to_string(env.join("context.txt")).unwrap();
    let expected = format!(
        "{env}\nenv\npr\nbin\n{env}/bin/python3.12\n{env}/include/python3.12\n{env}/lib/python3.12/site-packages\n{}\n",
        python.display(),
        env = env.display()
    );
    assert_eq!(ctx, expected);
    let out = std::process::Command::new(env.join("bin/hello"))
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "hello\n");
    assert!(std::fs::read_to_string(env.join("pyvenv.cfg"))
        .unwrap()
        .contains("include-system-site-packages = true"));
}

struct FailingPostSetup;
impl Steps for FailingPostSetup {
    fn post_setup(&mut self, _ctx: &Context) -> anyhow::Result<()> {
        anyhow::bail!("policy says no")
    }
}

#[test]
fn a_failing_override_rolls_the_environment_back() {
    let s = Scratch::new();
    let interp = find_interpreter(
        &PythonRequest::Path(cpython(12)),
        &Cache::new(Some(s.cache())),
    )
    .unwrap();
    let builder = EnvBuilder::new(Options::default(), interp);
    let err = builder
        .create_with(&s.path().join("env"), &mut FailingPostSetup)
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("post-setup") && msg.contains("policy says no"),
        "{msg}"
    );
    assert!(!s.path().join("env").exists());
}

#[test]
fn every_env_dir_on_the_command_line_gets_an_environment() {
    let s = Scratch::new();
    let py = cpython(11);
    assert_ok(
        &s.venv(&[
            "--without-pip",
            "-p",
            py.to_str().unwrap(),
            "one",
            "two",
            "nested/three",
        ]),
        "three dirs",
    );
    for dir in ["one", "two", "nested/three"] {
        let prefix = python_says(
            &s.path().join(dir).join("bin/python"),
            "import sys; print(sys.prefix)",
        );
        assert_eq!(prefix.trim(), s.path().join(dir).to_str().unwrap());
    }
}

#[test]
fn a_library_caller_receives_events_instead_of_terminal_output() {
    use std::sync::{Arc, Mutex};
    use venv::report::Event;
    let s = Scratch::new();
    let interp = find_interpreter(
        &PythonRequest::Path(cpython(12)),
        &Cache::new(Some(s.cache())),
    )
    .unwrap();
    let events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let sink = events.clone();
    let builder = EnvBuilder::new(Options::cli_defaults(), interp)
        .with_cache(Cache::new(Some(s.cache())))
        .with_reporter(Arc::new(move |e: Event| sink.lock().unwrap().push(e)));
    builder.create(&s.path().join("env")).unwrap();
    let events = events.lock().unwrap();
    let steps: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::StepFinished { step, .. } => Some(step.name()),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            "ensure_directories",
            "create_configuration",
            "setup_python",
            "setup_pip",
            "setup_scripts",
            "post_setup",
            "finish"
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::FilesPlaced { count, .. } if *count > 500)),
        "pip's placement is reported: {events:?}"
    );
}

#[test]
fn plugins_wrap_a_rust_override() {
    use venv::plugin::{HostOptions, Limits, PluginHost, PluginSpec, PluginSteps};
    let s = Scratch::new();
    let interp = find_interpreter(
        &PythonRequest::Path(cpython(12)),
        &Cache::new(Some(s.cache())),
    )
    .unwrap();
    let spec = PluginSpec::read(&plugin("hg-ignore")).unwrap();
    let host = PluginHost::load(
        vec![spec],
        HostOptions {
            limits: Limits::default(),
            cache: Cache::new(Some(s.cache())),
            reporter: venv::report::silent(),
            pass_env: Default::default(),
        },
    )
    .unwrap();
    let mut steps = PluginSteps {
        host,
        inner: Recording { calls: Vec::new() },
    };
    let options = Options {
        symlinks: true,
        scm_ignore_files: Some(vec!["git".into(), "hg".into()]),
        ..Options::default()
    };
    let env = EnvBuilder::new(options, interp)
        .with_cache(Cache::new(Some(s.cache())))
        .create_with(&s.path().join("env"), &mut steps)
        .unwrap();
    // The Rust override ran, and so did the plugin's hook and the built-in git one.
    assert!(steps.inner.calls.contains(&"post_setup".to_owned()));
    assert!(env.join("context.txt").is_file());
    assert!(env.join(".hgignore").is_file());
    assert!(env.join(".gitignore").is_file());
}

/// A hook's failure reaches a library caller as the typed error it is, not
/// as step text: `VenvError::Plugin` with the plugin, the hook and the cause.
#[test]
fn a_failing_hook_is_a_typed_plugin_error_for_a_library_caller() {
    use venv::error::{Hook, PluginFailure};
    use venv::plugin::{HostOptions, Limits, PluginHost, PluginSpec, PluginSteps};
    use venv::VenvError;
    let s = Scratch::new();
    let cache = Cache::new(Some(s.cache()));
    let interp = find_interpreter(&PythonRequest::Path(cpython(12)), &cache).unwrap();
    let host = PluginHost::load(
        vec![PluginSpec::read(&plugin("evil-error")).unwrap()],
        HostOptions {
            limits: Limits::default(),
            cache: cache.clone(),
            reporter: venv::report::silent(),
            pass_env: Default::default(),
        },
    )
    .unwrap();
    let env = s.path().join("env");
    let err = EnvBuilder::new(Options::default(), interp)
        .with_cache(cache)
        .create_with(&env, &mut PluginSteps::new(host))
        .unwrap_err();
    match &err {
        VenvError::Plugin(e) => {
            assert_eq!(e.plugin, "evil-error");
            assert_eq!(e.hook, Some(Hook::PostSetup));
            assert!(matches!(e.failure, PluginFailure::Returned(_)), "{e:?}");
        }
        other => panic!("expected VenvError::Plugin, got {other:?}"),
    }
    assert!(!env.exists(), "the failed creation was rolled back");
}

/// A limit that runs out is typed too: the failure names the limit.
#[test]
fn a_hook_over_its_time_limit_is_a_typed_limit_failure() {
    use std::time::Duration;
    use venv::error::PluginFailure;
    use venv::plugin::{HostOptions, Limits, PluginHost, PluginSpec, PluginSteps};
    use venv::VenvError;
    let s = Scratch::new();
    let cache = Cache::new(Some(s.cache()));
    let interp = find_interpreter(&PythonRequest::Path(cpython(12)), &cache).unwrap();
    let host = PluginHost::load(
        vec![PluginSpec::read(&plugin("evil-loop")).unwrap()],
        HostOptions {
            limits: Limits {
                time: Duration::from_millis(500),
                ..Limits::default()
            },
            cache: cache.clone(),
            reporter: venv::report::silent(),
            pass_env: Default::default(),
        },
    )
    .unwrap();
    let err = EnvBuilder::new(Options::default(), interp)
        .with_cache(cache)
        .create_with(&s.path().join("env"), &mut PluginSteps::new(host))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            VenvError::Plugin(e) if matches!(e.failure, PluginFailure::TimeLimit { .. })
        ),
        "{err:?}"
    );
}
