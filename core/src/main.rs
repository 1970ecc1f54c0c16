use std::process::ExitCode;

use clap::Parser;
use venv::cli::Cli;
use venv::plugin::{steps::PluginSteps, PluginHost};
use venv::policy::{self, Policy, UserConfig};
use venv::{DefaultSteps, EnvBuilder, PythonRequest, Steps, VenvError};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("venv: error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), VenvError> {
    let policy = Policy::load().map_err(VenvError::Usage)?;
    let config = UserConfig::load().map_err(VenvError::Usage)?;
    let requested = cli.requested_plugins().map_err(VenvError::Usage)?;
    let resolved = policy::resolve(&policy, &config, &requested);
    if cli.show_policy {
        print!(
            "{}",
            policy::describe(&policy, &config, resolved.as_ref().ok())
        );
        return resolved.map(|_| ()).map_err(VenvError::Usage);
    }
    let resolved = resolved.map_err(VenvError::Usage)?;
    let options = cli.options();
    // Checked again by EnvBuilder::validate; here so that it is reported before
    // any interpreter lookup, as CPython reports it before doing anything.
    if options.upgrade && options.clear {
        return Err(VenvError::UpgradeWithClear);
    }
    let cache = cli.cache();
    let request = PythonRequest::parse(cli.python.as_deref());
    let interpreter = venv::interpreter::find_interpreter(&request, &cache)?;
    if options.verbose {
        eprintln!(
            "venv: using Python {} at {}",
            interpreter.info.version_string(),
            interpreter.path.display()
        );
    }
    let mut steps: Box<dyn Steps> = if resolved.specs.is_empty() {
        Box::new(DefaultSteps)
    } else {
        let host = PluginHost::load(
            &resolved.specs,
            resolved.limits,
            cache.root(),
            options.verbose,
        )
        .map_err(|e| VenvError::Plugin(venv::error::one_line(&format!("{e:#}"))))?;
        Box::new(PluginSteps { host })
    };
    let builder = EnvBuilder::new(options, interpreter).with_cache(cache);
    for dir in &cli.dirs {
        builder.create_with(dir, steps.as_mut())?;
    }
    Ok(())
}
