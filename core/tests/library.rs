//! The library API: a Rust caller overrides steps the way a Python subclass
//! of `venv.EnvBuilder` does, and sees CPython's context fields.

mod common;

use std::path::Path;

use common::*;
use venv::builder::{Context, EnvBuilder, Options, Steps};
use venv::interpreter::{cache::Cache, find_interpreter, PythonRequest};

struct Recording {
    calls: Vec<String>,
}

impl Steps for Recording {
    fn create_configuration(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        self.calls.push(format!(
            "create_configuration(system_site={})",
            ctx.system_site_packages.get()
        ));
        venv::builder::steps::create_configuration(builder, ctx)
    }
    fn setup_scripts(&mut self, builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
        self.calls.push("setup_scripts".into());
        venv::builder::steps::setup_scripts(builder, ctx)?;
        // Like overriding install_scripts: one more script of our own.
        ctx.fs.write_file(
            &ctx.rel(&ctx.bin_path).join("hello"),
            b"#!/bin/sh\necho hello\n",
            Some(0o755),
        )
    }
    fn post_setup(&mut self, _builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
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
        prompt: Some("pr".into()),
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
    fn post_setup(&mut self, _b: &EnvBuilder, _ctx: &Context) -> anyhow::Result<()> {
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
        msg.contains("post_setup") && msg.contains("policy says no"),
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
