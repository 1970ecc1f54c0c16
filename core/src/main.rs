//! The `venv` binary: parses the command line, applies the plugin policy,
//! finds the interpreter, and runs the library's builder for each ENV_DIR,
//! showing its events on the terminal.

mod cli;
mod shell;
mod terminal;

use std::process::ExitCode;
use std::sync::Arc;

use venv::plugin::{HostOptions, PluginHost, PluginSpec, PluginSteps};
use venv::policy::{self, Policy, UserConfig};
use venv::report::{Event, SharedReporter};
use venv::{DefaultSteps, EnvBuilder, PythonRequest, Steps, VenvError};

use cli::Cli;
use terminal::{Look, Terminal};

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(cli::UsageError::Print(help)) => help.exit(),
        Err(cli::UsageError::Line { message, color }) => {
            let look = Look::new(false, false, color);
            eprintln!("{}", look.error_line(&message));
            return ExitCode::from(2);
        }
    };
    let look = Look::new(cli.verbose > 0, cli.quiet, cli.color);
    // Signals stop a creation in order (rolled back) instead of killing it mid-way.
    if let Err(e) = venv::interrupt::install() {
        eprintln!("venv: warning: cannot handle signals ({e}); an interrupted creation may leave a staging directory");
    }
    let result = if cli.existing_env_command() {
        existing_envs(&cli, look)
    } else {
        run(&cli, look).map(|()| ExitCode::SUCCESS)
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}", look.error_line(&err.to_string()));
            match err {
                VenvError::Interrupted { signal } => ExitCode::from((128 + signal) as u8),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// The commands that print something from the command-line definition
/// alone and exit.
fn print_and_exit(cli: &Cli) -> Option<Result<(), VenvError>> {
    use std::io::Write;
    let write = |bytes: &[u8]| {
        let _ = std::io::stdout().write_all(bytes);
        Ok(())
    };
    if let Some(shell) = cli.generate_shell_completion {
        return Some(write(&cli::completion_script(shell)));
    }
    if cli.generate_man {
        return Some(match cli::man_page() {
            Ok(page) => write(&page),
            Err(e) => Err(VenvError::CacheCommand {
                what: "write the manual page",
                reason: e.to_string(),
            }),
        });
    }
    None
}

/// `--cache-info` and `--cache-clean`.
fn cache_command(cli: &Cli, cache: &venv::Cache) -> Result<(), VenvError> {
    let summary = if cli.cache_clean {
        cache.clean().map_err(|e| VenvError::CacheCommand {
            what: "clean the cache",
            reason: e.to_string(),
        })?
    } else {
        cache.summary()
    };
    print!("{}", describe_cache(summary, cli.cache_clean));
    Ok(())
}

/// `--cache-info` and `--cache-clean` output.
fn describe_cache(summary: Option<venv::cli_support::Summary>, cleaned: bool) -> String {
    let Some(summary) = summary else {
        return "cache: disabled (--no-cache)\n".to_owned();
    };
    let size = |u: venv::cli_support::Usage| {
        format!(
            "{} files, {:.1} MiB",
            u.files,
            u.bytes as f64 / (1 << 20) as f64
        )
    };
    if cleaned {
        return format!(
            "cache: {}: removed {}\n",
            summary.root.display(),
            size(summary.total())
        );
    }
    let mut out = format!("cache: {}\n", summary.root.display());
    for (kind, usage) in &summary.kinds {
        out.push_str(&format!("  {}: {}\n", kind.dir_name(), size(*usage)));
    }
    if !summary.stale.is_empty() {
        out.push_str(&format!(
            "  stale: {} in {} temporary entr{} left by interrupted runs (the next creation removes them; so does --cache-clean)\n",
            size(summary.stale_usage),
            summary.stale.len(),
            if summary.stale.len() == 1 { "y" } else { "ies" },
        ));
        for path in &summary.stale {
            out.push_str(&format!("    {}\n", path.display()));
        }
    }
    out.push_str(&format!("  total: {}\n", size(summary.total())));
    out
}

/// A line on stdout; a closed pipe (`venv --check ... | head`) is not an
/// error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// `--check`, `--repair [--dry-run] [--relocatable]` and `--pack`: results
/// on stdout, notes as warnings on stderr.
fn existing_envs(cli: &Cli, look: Look) -> Result<ExitCode, VenvError> {
    use venv::relocate::{self, pack, Env, Mode};
    let mut status = ExitCode::SUCCESS;
    let warn = |text: &str| {
        if !look.quiet {
            eprintln!("{}", look.warning_line(text));
        }
    };
    let command = if cli.pack {
        "--pack"
    } else if cli.check {
        "--check"
    } else {
        "--repair"
    };
    let dirs = cli.env_dirs();
    if cli.dirs.is_empty() && std::fs::symlink_metadata(&dirs[0]).is_err() {
        return Err(VenvError::NoDefaultEnv {
            command,
            dir: dirs[0].clone(),
        });
    }
    if cli.pack {
        let [dir] = dirs.as_slice() else {
            return Err(VenvError::InvalidFlag {
                flag: "--pack",
                value: format!("{} directories", dirs.len()),
                expected: "one ENV_DIR (and -o FILE)",
            });
        };
        let output = cli.output.clone().unwrap_or_else(|| default_archive(dir));
        let compression = pack::Compression::from_path(&output).ok_or(VenvError::InvalidFlag {
            flag: "--output",
            value: output.display().to_string(),
            expected: "a file name ending in .tar.zst or .tar.gz",
        })?;
        let started = std::time::Instant::now();
        let packed = pack::pack(dir, &output, compression)?;
        if look.quiet {
            return Ok(status);
        }
        say!(
            "{}: {} entries, {:.1} MiB ({} files made relocatable) in {:.2} s",
            packed.output.display(),
            packed.entries,
            packed.bytes as f64 / (1 << 20) as f64,
            packed.rewritten,
            started.elapsed().as_secs_f64()
        );
        say!(
            "unpack with: mkdir DIR && tar -xf {} -C DIR",
            packed.output.display()
        );
        if !packed.needs.is_empty() {
            say!("what does not travel in the archive (the destination must provide it):");
            for need in &packed.needs {
                say!("  {need}");
            }
        }
        return Ok(status);
    }
    for dir in &dirs {
        if cli.check {
            let verdict = relocate::check(dir)?;
            say!("{}", verdict.line);
            for file in &verdict.outside {
                say!("  {file}");
            }
            if !verdict.consistent {
                status = ExitCode::FAILURE;
            }
            continue;
        }
        let env = Env::open(dir)?;
        let mode = if cli.relocatable {
            Mode::Relocatable
        } else {
            Mode::Here
        };
        let plan = relocate::plan(&env, mode)?;
        for note in &plan.notes {
            warn(&format!("{}: {note}", env.root.display()));
        }
        let verb = if cli.dry_run {
            "would rewrite"
        } else {
            "rewrote"
        };
        if !cli.dry_run {
            relocate::apply(&env, &plan)?;
        }
        if cli.dry_run || look.verbose {
            for change in &plan.changes {
                let what = match &change.edit {
                    relocate::Edit::Write { .. } => verb.to_owned(),
                    relocate::Edit::Relink { target } => {
                        format!("{verb} link (-> {})", target.display())
                    }
                };
                say!("{what} {} ({})", change.path.display(), change.reason);
            }
        }
        let from = match plan.old_paths.as_slice() {
            [] => String::new(),
            paths => format!(" (it named {})", paths.join(", ")),
        };
        let done = if plan.is_empty() {
            "nothing to change".to_owned()
        } else if cli.dry_run {
            format!("{} file(s) would change", plan.changes.len())
        } else {
            format!("{} file(s) changed", plan.changes.len())
        };
        say!("{}: {done}{from}", env.root.display());
    }
    Ok(status)
}

/// `--pack` without `-o`: `NAME.tar.zst` in the current directory, NAME
/// being the environment's directory name without leading dots (`.venv`
/// packs to `venv.tar.zst`, not to a hidden file).
fn default_archive(dir: &std::path::Path) -> std::path::PathBuf {
    let name = std::path::absolute(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map(|n| n.to_string_lossy().trim_start_matches('.').to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "env".to_owned());
    std::path::PathBuf::from(format!("{name}.tar.zst"))
}

fn run(cli: &Cli, look: Look) -> Result<(), VenvError> {
    if let Some(result) = print_and_exit(cli) {
        return result;
    }
    let reporter: SharedReporter = Arc::new(Terminal::new(look));
    let config = UserConfig::load(&*reporter)?;
    let settings = cli.settings(&config)?;
    if cli.cache_info || cli.cache_clean {
        return cache_command(cli, &cli.cache(&settings));
    }
    if let Some(path) = &cli.inspect_plugin {
        return inspect(path, &cli.cache(&settings), &reporter);
    }
    if cli.show_config {
        return show_config(cli, &config, &settings, &reporter);
    }
    let policy = Policy::load()?;
    let requested = cli.requested_plugins()?;
    let resolved = policy::resolve(&policy, &config, &requested);
    if cli.show_policy {
        print!(
            "{}",
            policy::describe(&policy, &config, resolved.as_ref().ok())
        );
        return resolved.map(|_| ()).map_err(VenvError::from);
    }
    let resolved = resolved?;
    let options = cli.options(&settings);
    // Checked again by EnvBuilder::validate; here so that it is reported before
    // any interpreter lookup, as CPython reports it before doing anything.
    if options.upgrade && options.clear {
        return Err(VenvError::UpgradeWithClear);
    }
    let cache = cli.cache(&settings).with_reporter(reporter.clone());
    let request = PythonRequest::parse(settings.python.value.as_deref());
    // --upgrade without -p: each environment keeps its own base.
    if options.upgrade && cli.python.is_none() {
        let mut steps = steps_for(resolved, &cache, &reporter)?;
        for dir in &cli.env_dirs() {
            let env_dir = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
            let interpreter = match venv::cli_support::upgrade_base(&env_dir, &cache)? {
                Some(base) => {
                    reporter.report(Event::UpgradeBase {
                        env: env_dir.clone(),
                        version: base.info.version_string(),
                        path: base.path.clone(),
                    });
                    base
                }
                None => chosen_interpreter(&request, &cache, &reporter)?,
            };
            EnvBuilder::new(options.clone(), interpreter)
                .with_cache(cache.clone())
                .with_reporter(reporter.clone())
                .create_with(dir, steps.as_mut())?;
        }
        return Ok(());
    }
    let interpreter = chosen_interpreter(&request, &cache, &reporter)?;
    let mut steps = steps_for(resolved, &cache, &reporter)?;
    let builder = EnvBuilder::new(options, interpreter)
        .with_cache(cache)
        .with_reporter(reporter);
    let shell = shell::Shell::from_env();
    for dir in &cli.env_dirs() {
        builder.create_with(dir, steps.as_mut())?;
        // How to activate it, for the shell the user logs in with: on
        // stderr, so that stdout stays what CPython's venv prints (nothing).
        // An upgraded environment is one the user already has.
        if !look.quiet && !cli.upgrade {
            eprintln!("{}", shell::activation_hint(shell, dir));
        }
    }
    Ok(())
}

/// CPython's steps, wrapped by the plugin host when plugins apply.
fn steps_for(
    resolved: policy::Resolved,
    cache: &venv::Cache,
    reporter: &SharedReporter,
) -> Result<Box<dyn Steps>, VenvError> {
    if resolved.specs.is_empty() {
        return Ok(Box::new(DefaultSteps));
    }
    let host = PluginHost::load(
        resolved.specs,
        HostOptions {
            limits: resolved.limits,
            cache: cache.clone(),
            reporter: reporter.clone(),
            pass_env: resolved.pass_env.clone(),
        },
    )?;
    Ok(Box::new(PluginSteps::new(host)))
}

/// The interpreter `request` (from -p, VENV_PYTHON, the user config, or
/// python3 on PATH) finds.
fn chosen_interpreter(
    request: &PythonRequest,
    cache: &venv::Cache,
    reporter: &SharedReporter,
) -> Result<venv::Interpreter, VenvError> {
    let interpreter = venv::find_interpreter(request, cache)?;
    reporter.report(Event::InterpreterChosen {
        version: interpreter.info.version_string(),
        path: interpreter.path.clone(),
    });
    Ok(interpreter)
}

/// `venv --inspect-plugin FILE`: prints the report; a plugin this venv
/// would refuse is reported, then the refusal is the error.
fn inspect(
    path: &std::path::Path,
    cache: &venv::Cache,
    reporter: &SharedReporter,
) -> Result<(), VenvError> {
    let spec = PluginSpec::read(path).map_err(|e| {
        VenvError::from(venv::error::PolicyError::PluginUnreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    })?;
    let found = venv::cli_support::inspect::inspect(&spec, cache, reporter)?;
    print!("{}", found.render());
    match found.contract {
        Ok(_) => Ok(()),
        Err(failure) => Err(VenvError::Plugin(venv::error::PluginError {
            plugin: spec.name.clone(),
            path: Some(spec.path.clone()),
            hook: None,
            failure,
        })),
    }
}

/// `venv --show-config`: each default, where it came from, and the
/// interpreter the python one finds (its failure is the command's error,
/// after everything else is shown).
fn show_config(
    cli: &Cli,
    config: &UserConfig,
    settings: &policy::Defaults,
    reporter: &SharedReporter,
) -> Result<(), VenvError> {
    let cache = cli.cache(settings).with_reporter(reporter.clone());
    let request = PythonRequest::parse(settings.python.value.as_deref());
    let found = venv::find_interpreter(&request, &cache);
    let python = match &found {
        Ok(interpreter) => format!(
            "Python {} at {}",
            interpreter.info.display_version(),
            interpreter.path.display()
        ),
        Err(_) => "nothing (see the error below)".to_owned(),
    };
    print!(
        "{}",
        policy::describe_defaults(config, settings, cache.root(), &python)
    );
    found.map(|_| ())
}
