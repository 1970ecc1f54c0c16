//! The Rust counterpart of the `ExtendedEnvBuilder` example in CPython's venv
//! docs: after the standard steps, install extra packages into the new
//! environment with its own pip, reporting progress as it goes.
//!
//!     cargo run --example extended_builder -- ENV_DIR [PACKAGE ...] [--python 3.12]
//!
//! Packages may be names (from the package index) or paths to local wheels.

use std::path::PathBuf;

use venv::{
    envpython, find_interpreter, Cache, Context, EnvBuilder, Options, PythonRequest, Steps,
};

/// The docs' `progress(text, context)` callback, here (stream, line).
type Progress = Box<dyn FnMut(&str, &str)>;

/// Overrides `post_setup` only; every other step stays CPython's.
struct ExtendedSteps {
    packages: Vec<String>,
    progress: Progress,
}

impl Steps for ExtendedSteps {
    fn post_setup(&mut self, ctx: &Context) -> anyhow::Result<()> {
        if self.packages.is_empty() {
            return Ok(());
        }
        ctx.ensure_published()?;
        let mut args = vec!["-m", "pip", "install", "--disable-pip-version-check"];
        args.extend(self.packages.iter().map(String::as_str));
        let progress = &mut self.progress;
        envpython::run_checked(ctx, &args, &mut |line| progress("pip", line))
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut env_dir = None;
    let mut python = None;
    let mut packages = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--python" | "-p" => python = args.next(),
            _ if env_dir.is_none() => env_dir = Some(PathBuf::from(arg)),
            _ => packages.push(arg),
        }
    }
    let env_dir = env_dir.ok_or_else(|| {
        anyhow::anyhow!("usage: extended_builder ENV_DIR [PACKAGE ...] [--python PY]")
    })?;
    let interpreter =
        find_interpreter(&PythonRequest::parse(python.as_deref()), &Cache::new(None))?;
    let builder = EnvBuilder::new(Options::cli_defaults(), interpreter);
    let mut steps = ExtendedSteps {
        packages,
        progress: Box::new(|stream, line| eprintln!("[{stream}] {line}")),
    };
    let env = builder.create_with(&env_dir, &mut steps)?;
    println!("created {}", env.display());
    Ok(())
}
