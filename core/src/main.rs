use std::process::ExitCode;

use clap::Parser;
use venv::cli::Cli;
use venv::plugin::{steps::PluginSteps, PluginHost};
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
    let options = cli.options();
    if options.upgrade && options.clear {
        return Err(VenvError::UpgradeWithClear);
    }
    let cache = cli.cache();
    let request = PythonRequest::parse(cli.python.as_deref());
    let interpreter = venv::interpreter::find_interpreter(&request, &cache)?;
    if options.verbose {
        eprintln!("venv: using Python {} at {}", interpreter.info.version_string(), interpreter.path.display());
    }
    let specs = cli.plugin_specs().map_err(VenvError::Usage)?;
    let mut steps: Box<dyn Steps> = if specs.is_empty() {
        Box::new(DefaultSteps)
    } else {
        let host = PluginHost::load(&specs, cli.plugin_limits(), cache.root(), options.verbose)
            .map_err(|e| VenvError::Plugin(venv::error::one_line(&format!("{e:#}"))))?;
        Box::new(PluginSteps { host })
    };
    let builder = EnvBuilder::new(options, interpreter).with_cache(cache);
    for dir in &cli.dirs {
        builder.create_with(dir, steps.as_mut())?;
    }
    Ok(())
}
