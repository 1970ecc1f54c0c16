//! CPython's own route to pip: the env's interpreter runs
//! `ensurepip --upgrade --default-pip`. Used when the base has no bundled
//! wheels we can read, or when asked for with `--seeder ensurepip`.

use crate::context::Context;
use crate::envpython;
use crate::report::{Event, Task};

/// CPython's `_setup_pip`.
pub(crate) fn run_ensurepip(ctx: &Context) -> anyhow::Result<()> {
    ctx.ensure_published()?;
    // 3.8 and 3.9 ran ensurepip isolated (-I); 3.10+ clean the env vars instead (gh-98251).
    let args: &[&str] = if ctx.interpreter.info.at_least(10) {
        &["-m", "ensurepip", "--upgrade", "--default-pip"]
    } else {
        &["-Im", "ensurepip", "--upgrade", "--default-pip"]
    };
    if ctx.options.no_compile {
        // ensurepip drops every PIP_* variable and pip's configuration, and
        // has no flag of its own: its pip always compiles.
        ctx.report(crate::report::Event::Warning {
            message: "--no-compile: ensurepip byte-compiles pip whatever it is asked (it ignores pip's settings); the environment gets byte-code".to_owned(),
        });
    }
    envpython::run_checked(ctx, args, &mut |_| {})
}

/// The packages `--upgrade-deps` upgrades: CPython's `CORE_VENV_DEPS`.
pub(crate) fn core_deps(ctx: &Context) -> &'static [&'static str] {
    if ctx.interpreter.info.at_least(12) {
        &["pip"]
    } else {
        &["pip", "setuptools"]
    }
}

/// CPython's `upgrade_dependencies`: `pip install --upgrade` from the package
/// index, with pip's own output reported as it runs.
pub(crate) fn upgrade_dependencies(ctx: &Context) -> anyhow::Result<()> {
    ctx.ensure_published()?;
    let mut args = vec!["-m", "pip", "install", "--upgrade"];
    args.extend_from_slice(core_deps(ctx));
    // pip's own progress bars are not lines: a progress event shows that it runs.
    ctx.report(Event::ProgressStarted {
        task: Task::UpgradeDeps,
        total: None,
    });
    let result = envpython::run_checked(ctx, &args, &mut |line| {
        ctx.report(Event::ChildOutput {
            line: line.to_owned(),
        })
    });
    ctx.report(Event::ProgressFinished {
        task: Task::UpgradeDeps,
    });
    result
}
