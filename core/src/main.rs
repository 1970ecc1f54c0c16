use std::process::ExitCode;

use clap::Parser;
use venv::cli::Cli;
use venv::{EnvBuilder, PythonRequest, VenvError};

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
    let builder = EnvBuilder::new(options, interpreter).with_cache(cache);
    for dir in &cli.dirs {
        builder.create(dir)?;
    }
    Ok(())
}
