//! The command line: CPython's `python -m venv` usage line, plus `-p/--python`,
//! cache control, plugins and verbosity. Part of the binary, not the library.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{ArgAction, CommandFactory, Parser, ValueEnum};

use venv::error::{PolicyError, VenvError};
use venv::plugin::Grant;
use venv::policy::{Defaults, LimitSettings, PluginOption, Requested, UserConfig};
use venv::{Cache, LinkMode, Options, Prompt, Seeder};

mod flags;

/// The environment `venv` creates (and `--check`, `--repair`, `--pack`
/// work on) when no ENV_DIR is given.
pub const DEFAULT_ENV_DIR: &str = ".venv";

/// `--link-mode`: the library's own names ([`LinkMode::NAMES`]), `auto`
/// explained in `--help`.
fn link_mode_parser() -> impl clap::builder::TypedValueParser<Value = LinkMode> {
    let values = LinkMode::NAMES.iter().map(|&name| {
        let value = PossibleValue::new(name);
        match name {
            "auto" => value.help(
                "Clone (copy-on-write) where the filesystem can, else hard link; copy across filesystems",
            ),
            _ => value,
        }
    });
    PossibleValuesParser::new(values)
        .map(|name| LinkMode::from_name(&name).expect("clap only passes a possible value"))
}

/// `--seeder`: the library's own names ([`Seeder::NAMES`]).
fn seeder_parser() -> impl clap::builder::TypedValueParser<Value = Seeder> {
    let values = Seeder::NAMES.iter().map(|&name| {
        let value = PossibleValue::new(name);
        match name {
            "auto" => value.help("Native when the base bundles wheels, else ensurepip"),
            _ => value,
        }
    });
    PossibleValuesParser::new(values)
        .map(|name| Seeder::from_name(&name).expect("clap only passes a possible value"))
}

/// What `-h` ends with: where the rest is.
const SHORT_AFTER_HELP: &str = "\
Every other flag (pip seeding, cache, plugins, --relocatable, --check,
--repair, --pack) and where defaults come from: `venv --help`, or `man venv`
(the page is `venv --generate-man`).";

/// What `--help` (and the manual page) ends with.
const LONG_AFTER_HELP: &str = "\
Without ENV_DIR, venv creates ./.venv (and --check, --repair, --pack work on it). After a \
creation it prints, on stderr, the command that activates the environment in your shell \
($SHELL): source .venv/bin/activate (bash, zsh), . .venv/bin/activate (sh, dash), the \
activate.fish, activate.csh, activate.nu (overlay use) or Activate.ps1 script; -q leaves it out.

Defaults: each of python, prompt, link-mode, seeder, scm-ignore-files, cache-dir and \
relocatable comes from its flag, else its environment variable (VENV_PYTHON, VENV_PROMPT, \
VENV_LINK_MODE, VENV_SEEDER, VENV_SCM_IGNORE_FILES, VENV_CACHE_DIR, VENV_RELOCATABLE), else \
the user config ($XDG_CONFIG_HOME/venv/config.toml, else ~/.config/venv/config.toml, with \
keys of those names: python = \"3.12\"), else venv's own default. venv --show-config prints \
each value and where it came from. A key the user config does not know is a warning; a \
value that is wrong is an error naming the file, line and key.

Version requests (-p, VENV_PYTHON, python =): 3.12 is the first 3.12 in PATH order (pyenv \
shims resolved), then pyenv's versions; PEP 440 specifiers (>=3.11, >=3.10,<3.13, ~=3.11, \
!=3.12.*) take the newest match found and say which; cpython3.12, pypy3.9, pypy>=3.9 take \
only that implementation; 3.13t takes only a free-threaded build, and a version without t \
never takes one.";

#[derive(Debug, Parser)]
#[command(
    name = "venv",
    version,
    about = "Creates virtual Python environments in one or more target directories.",
    long_about = "Creates virtual Python environments in one or more target directories, \
                  identical to what `pythonX.Y -m venv` creates with the same base interpreter.",
    after_help = SHORT_AFTER_HELP,
    after_long_help = LONG_AFTER_HELP
)]
pub struct Cli {
    /// A directory to create the environment in [default: .venv].
    #[arg(value_name = "ENV_DIR", num_args = 1..)]
    pub dirs: Vec<PathBuf>,

    /// The base interpreter: a path, a command or a version (3.12, >=3.11)
    ///
    /// The base interpreter: a path, a command on PATH (python3.12), a
    /// version (3, 3.12, 3.12.1, 3.13t for a free-threaded build) or PEP 440
    /// specifiers (>=3.11, >=3.10,<3.13, ~=3.11, !=3.12.*: the newest match),
    /// optionally after an implementation (cpython3.12, pypy3.9, pypy>=3.9),
    /// looked up on PATH, in its order with pyenv's shims resolved, and in
    /// pyenv's versions [default: python3 on PATH; env: VENV_PYTHON; config: python].
    #[arg(short = 'p', long = "python", value_name = "PYTHON")]
    pub python: Option<String>,

    /// Give the environment access to the system site-packages
    ///
    /// Give the virtual environment access to the system site-packages dir.
    #[arg(long)]
    pub system_site_packages: bool,

    /// Use symlinks rather than copies (the default on POSIX)
    ///
    /// Try to use symlinks rather than copies (the default on POSIX).
    #[arg(long)]
    pub symlinks: bool,

    /// Use copies rather than symlinks
    ///
    /// Try to use copies rather than symlinks.
    #[arg(long)]
    pub copies: bool,

    /// Give the interpreter only ASCII names (no `𝜋thon` for Python 3.14).
    #[arg(long, hide_short_help = true)]
    pub ascii_only: bool,

    /// Empty the environment directory first, if it exists
    ///
    /// Delete the contents of the environment directory if it already exists, before environment creation.
    #[arg(long)]
    pub clear: bool,

    /// Upgrade the environment to this Python, upgraded in place
    ///
    /// Upgrade the environment directory to use this version of Python, assuming Python has been upgraded in-place.
    #[arg(long)]
    pub upgrade: bool,

    /// Do not install pip (installed by default)
    ///
    /// Skip installing or upgrading pip in the virtual environment (pip is bootstrapped by default).
    #[arg(long)]
    pub without_pip: bool,

    /// A prompt prefix (`.`: this directory's name)
    ///
    /// An alternative prompt prefix for this environment (`.` = the current
    /// directory's name) [default: the environment's directory name; env:
    /// VENV_PROMPT; config: prompt].
    #[arg(long, value_name = "PROMPT")]
    pub prompt: Option<String>,

    /// Upgrade pip to the newest on the package index
    ///
    /// Upgrade core dependencies (pip, and setuptools before 3.12) to the latest version on the package index.
    #[arg(long)]
    pub upgrade_deps: bool,

    /// Write no SCM ignore file (.gitignore)
    ///
    /// Skip adding SCM ignore files to the environment directory.
    #[arg(long)]
    pub without_scm_ignore_files: bool,

    /// SCM ignore files to write, comma-separated [default: git for Python
    /// 3.13+, none before; env: VENV_SCM_IGNORE_FILES (`none` for none); config:
    /// scm-ignore-files].
    #[arg(
        hide_short_help = true,
        long,
        value_name = "SCM,...",
        value_delimiter = ','
    )]
    pub scm_ignore_files: Option<Vec<String>>,

    /// How pip's files get from the cache into the environment [default:
    /// auto; env: VENV_LINK_MODE; config: link-mode].
    #[arg(hide_short_help = true, long, value_parser = link_mode_parser())]
    pub link_mode: Option<LinkMode>,

    /// How pip is installed: natively from the base's bundled wheels, or by
    /// running ensurepip [default: auto; env: VENV_SEEDER; config: seeder].
    #[arg(hide_short_help = true, long, value_parser = seeder_parser())]
    pub seeder: Option<Seeder>,

    /// Install pip without byte-code: Python writes it on first import, as
    /// after `uv venv --seed` (CPython's ensurepip compiles it).
    #[arg(hide_short_help = true, long)]
    pub no_compile: bool,

    /// A WebAssembly plugin (component) to run; repeatable, run in the order given.
    #[arg(hide_short_help = true, long = "plugin", value_name = "PATH")]
    pub plugins: Vec<PathBuf>,

    /// An option for a plugin, passed in its context: NAME.key=value (NAME is the file stem).
    #[arg(
        hide_short_help = true,
        long = "plugin-opt",
        value_name = "NAME.KEY=VALUE"
    )]
    pub plugin_opts: Vec<String>,

    /// A capability for a plugin: NAME=run-python, NAME=run-in-env (both full trust) or NAME=read:DIR (a directory preopened read-only).
    #[arg(
        hide_short_help = true,
        long = "plugin-grant",
        value_name = "NAME=GRANT"
    )]
    pub plugin_grants: Vec<String>,

    /// Memory limit for each plugin call, all its memories together, in MiB [default: 256, or the policy's cap].
    #[arg(hide_short_help = true, long, value_name = "MIB")]
    pub plugin_memory: Option<f64>,

    /// Time limit for each plugin call, in seconds [default: 10, or the policy's cap].
    #[arg(hide_short_help = true, long, value_name = "SECONDS")]
    pub plugin_time: Option<f64>,

    /// Output limit for each plugin call (stdout, stderr, log, progress and returned text together), in KiB [default: 1024, or the policy's cap].
    #[arg(hide_short_help = true, long, value_name = "KIB")]
    pub plugin_output: Option<f64>,

    /// Bytes a plugin call may write into files, in MiB [default: 256, or the policy's cap].
    #[arg(hide_short_help = true, long, value_name = "MIB")]
    pub plugin_write: Option<f64>,

    /// New files, directories and links a plugin call may create [default: 10000, or the policy's cap].
    #[arg(hide_short_help = true, long, value_name = "N")]
    pub plugin_entries: Option<f64>,

    /// Make an environment that keeps working after it is moved or copied:
    /// activation scripts and launchers (also those pip installs later) find
    /// it from their own location. With --repair: convert an existing one
    /// [default: no; env: VENV_RELOCATABLE; config: relocatable (both for
    /// new environments only)].
    #[arg(long, hide_short_help = true)]
    pub relocatable: bool,

    /// Make an environment that is not relocatable, whatever VENV_RELOCATABLE
    /// or the user config say.
    #[arg(long, hide_short_help = true, conflicts_with = "relocatable")]
    pub no_relocatable: bool,

    /// Make each existing ENV_DIR (made by venv, python -m venv, virtualenv
    /// or uv, then moved or copied) work where it is now: activation
    /// scripts, launchers in bin and their RECORD hashes, pyvenv.cfg.
    #[arg(long, hide_short_help = true)]
    pub repair: bool,

    /// With --repair: list what would change, change nothing.
    #[arg(hide_short_help = true, long, requires = "repair")]
    pub dry_run: bool,

    /// Say in one line whether each ENV_DIR is consistent with its location;
    /// exit status 0 if all are, 1 if not.
    #[arg(long, hide_short_help = true)]
    pub check: bool,

    /// Write ENV_DIR to a deterministic archive (relocatable on the way;
    /// the environment itself is not changed) that plain `tar -xf` unpacks
    /// into a working environment at any path.
    #[arg(long, hide_short_help = true)]
    pub pack: bool,

    /// With --pack: the archive, ending in .tar.zst (default) or .tar.gz
    /// [default: ENV_NAME.tar.zst in the current directory].
    #[arg(
        hide_short_help = true,
        short = 'o',
        long = "output",
        value_name = "FILE",
        requires = "pack"
    )]
    pub output: Option<PathBuf>,

    /// Print the defaults in force (python, prompt, link-mode, seeder,
    /// scm-ignore-files, cache-dir, relocatable), where each came from (a
    /// flag, its VENV_* variable, the user config's line, or built-in) and
    /// the interpreter the python one finds; then exit.
    #[arg(long, hide_short_help = true)]
    pub show_config: bool,

    /// Print the plugin policy in force, where it came from, the user config, and the
    /// limits and plugins that would apply with the other flags given; then exit.
    #[arg(long, hide_short_help = true)]
    pub show_policy: bool,

    /// Print what a plugin is (contract version, hooks, imports, the grants it would
    /// need, its sha256 for a policy, its compiled-code cache state); then exit. A
    /// flag, not a subcommand, so that `venv NAME` always creates an env called NAME.
    #[arg(hide_short_help = true, long, value_name = "FILE")]
    pub inspect_plugin: Option<PathBuf>,

    /// Cache directory for interpreter facts, unpacked wheels and compiled
    /// plugins [default: $XDG_CACHE_HOME/venv, else ~/.cache/venv; env:
    /// VENV_CACHE_DIR; config: cache-dir].
    #[arg(hide_short_help = true, long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Do not read or write the cache.
    #[arg(long, hide_short_help = true)]
    pub no_cache: bool,

    /// Report each step and its duration on stderr.
    #[arg(hide_short_help = true, short, long, action = ArgAction::Count)]
    pub verbose: u8,

    /// Show nothing but errors: no plugin messages, pip output or warnings.
    #[arg(hide_short_help = true, short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to colour `error:` and `warning:` and draw progress bars on stderr
    /// (auto: on a terminal, unless NO_COLOR is set).
    #[arg(hide_short_help = true, long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Print the completion script for SHELL to stdout, then exit.
    #[arg(hide_short_help = true, long, value_enum, value_name = "SHELL")]
    pub generate_shell_completion: Option<ShellArg>,

    /// Print the manual page (roff) to stdout, then exit.
    #[arg(long, hide_short_help = true)]
    pub generate_man: bool,

    /// Print where the cache is and what each kind of entry occupies, then exit.
    #[arg(long, hide_short_help = true)]
    pub cache_info: bool,

    /// Empty the cache (waiting for running creations to finish with it), then exit.
    #[arg(long, hide_short_help = true)]
    pub cache_clean: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}

/// `--generate-shell-completion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
    Nushell,
}

/// The command line's definition: the derived one plus the conflicts.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for (arg, with) in flags::conflicts() {
        cmd = cmd.mut_arg(arg, |a| a.conflicts_with_all(with));
    }
    cmd
}

/// Parses the process's arguments; a usage error comes back as one line
/// (clap's first paragraph, folded) and the exit status 2, help and
/// `--version` as the text to print and status 0.
pub fn parse() -> Result<Cli, UsageError> {
    use clap::error::ErrorKind;
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = color_in(&args);
    let result = command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    result.map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => UsageError::Print(e),
        kind => {
            let text = e.render().to_string();
            let first: Vec<&str> = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let problem = first.join(" ");
            let problem = problem.strip_prefix("error: ").unwrap_or(&problem);
            let hint = match kind {
                ErrorKind::ArgumentConflict => "drop one of them (see `venv --help`)",
                _ => "see `venv --help`",
            };
            UsageError::Line {
                message: format!("{problem}; {hint}"),
                color,
            }
        }
    })
}

/// Why the command line was not parsed.
pub enum UsageError {
    /// `--help`, `--version`: clap prints them and exits 0.
    Print(clap::Error),
    /// A usage error, one line, with the `--color` the line asked for.
    Line { message: String, color: ColorArg },
}

/// `--color WHEN` as given on a command line that may not parse.
fn color_in(args: &[std::ffi::OsString]) -> ColorArg {
    let mut color = ColorArg::Auto;
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => args.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        color = match value.as_deref() {
            Some("never") => ColorArg::Never,
            Some("always") => ColorArg::Always,
            Some("auto") => ColorArg::Auto,
            _ => color,
        };
    }
    color
}

impl Cli {
    /// The defaults in force (the environment over the user config over
    /// venv's own), with the flags given on top.
    pub fn settings(&self, config: &UserConfig) -> Result<Defaults, VenvError> {
        let mut d = Defaults::load(config)?;
        d.python.given(self.python.clone().map(Some), "-p");
        d.prompt.given(self.prompt.clone().map(Some), "--prompt");
        d.link_mode.given(self.link_mode, "--link-mode");
        d.seeder.given(self.seeder, "--seeder");
        if self.without_scm_ignore_files {
            d.scm_ignore_files
                .given(Some(Some(Vec::new())), "--without-scm-ignore-files");
        }
        let scms = self.scm_ignore_files.as_ref().map(|v| {
            v.iter()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        });
        d.scm_ignore_files
            .given(scms.map(Some), "--scm-ignore-files");
        d.cache_dir.given(
            self.cache_dir
                .clone()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Some),
            "--cache-dir",
        );
        if self.no_cache {
            d.cache_dir.given(Some(None), "--no-cache");
        }
        d.relocatable
            .given(self.relocatable.then_some(true), "--relocatable");
        d.relocatable
            .given(self.no_relocatable.then_some(false), "--no-relocatable");
        Ok(d)
    }

    /// The builder's options from the flags and the `settings` in force.
    pub fn options(&self, settings: &Defaults) -> Options {
        Options {
            system_site_packages: self.system_site_packages,
            clear: self.clear,
            // CPython's default: links on POSIX, copies on Windows.
            symlinks: if cfg!(windows) {
                self.symlinks
            } else {
                !self.copies
            },
            ascii_only: self.ascii_only,
            upgrade: self.upgrade,
            with_pip: !self.without_pip,
            prompt: Prompt::from_arg(settings.prompt.value.as_deref()),
            upgrade_deps: self.upgrade_deps,
            scm_ignore_files: settings.scm_ignore_files.value.clone(),
            link_mode: settings.link_mode.value,
            seeder: settings.seeder.value,
            relocatable: settings.relocatable.value,
            no_compile: self.no_compile,
            program: Some(
                std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| "venv".to_owned()),
            ),
        }
    }

    /// The ENV_DIRs given, or `.venv` when there are none (the name uv
    /// and PEP 832 use).
    pub fn env_dirs(&self) -> Vec<PathBuf> {
        if self.dirs.is_empty() {
            vec![PathBuf::from(DEFAULT_ENV_DIR)]
        } else {
            self.dirs.clone()
        }
    }

    /// `--repair`, `--check` or `--pack`: work on existing environments.
    pub fn existing_env_command(&self) -> bool {
        self.repair || self.check || self.pack
    }

    /// The cache the `settings` name, or none with `--no-cache`.
    pub fn cache(&self, settings: &Defaults) -> Cache {
        if self.no_cache {
            Cache::disabled()
        } else {
            Cache::new(settings.cache_dir.value.clone())
        }
    }

    /// The `--plugin*` flags, before policy and user config are applied.
    pub fn requested_plugins(&self) -> Result<Requested, VenvError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let mut req = Requested {
            plugins: self.plugins.iter().map(|p| cwd.join(p)).collect(),
            ..Default::default()
        };
        for opt in &self.plugin_opts {
            let parsed = opt
                .split_once('=')
                .and_then(|(t, v)| t.split_once('.').map(|(n, k)| (n, k, v)));
            let (name, key, value) = parsed.ok_or_else(|| VenvError::InvalidFlag {
                flag: "--plugin-opt",
                value: opt.clone(),
                expected: "NAME.key=value",
            })?;
            req.options.push(PluginOption {
                plugin: name.to_owned(),
                key: key.to_owned(),
                value: value.to_owned(),
            });
        }
        for grant in &self.plugin_grants {
            let (name, what) = grant
                .split_once('=')
                .ok_or_else(|| VenvError::InvalidFlag {
                    flag: "--plugin-grant",
                    value: grant.clone(),
                    expected: "NAME=run-python, NAME=run-in-env or NAME=read:DIR",
                })?;
            let grant =
                Grant::parse(what, |dir| cwd.join(dir)).map_err(|_| PolicyError::UnknownGrant {
                    owner: format!("plugin `{name}`"),
                    grant: what.to_owned(),
                })?;
            req.grants.push((name.to_owned(), grant));
        }
        req.limits = LimitSettings {
            memory_mib: self.plugin_memory,
            time_seconds: self.plugin_time,
            output_kib: self.plugin_output,
            write_mib: self.plugin_write,
            write_entries: self.plugin_entries,
        };
        Ok(req)
    }
}

/// `--generate-shell-completion SHELL`: the script, from the clap definition.
pub fn completion_script(shell: ShellArg) -> Vec<u8> {
    use clap_complete::Shell;
    let mut cmd = command();
    let mut out = Vec::new();
    let name = "venv";
    match shell {
        ShellArg::Bash => clap_complete::generate(Shell::Bash, &mut cmd, name, &mut out),
        ShellArg::Zsh => clap_complete::generate(Shell::Zsh, &mut cmd, name, &mut out),
        ShellArg::Fish => clap_complete::generate(Shell::Fish, &mut cmd, name, &mut out),
        ShellArg::Elvish => clap_complete::generate(Shell::Elvish, &mut cmd, name, &mut out),
        ShellArg::Powershell => {
            clap_complete::generate(Shell::PowerShell, &mut cmd, name, &mut out)
        }
        ShellArg::Nushell => {
            clap_complete::generate(clap_complete_nushell::Nushell, &mut cmd, name, &mut out)
        }
    }
    out
}

/// `--generate-man`: the manual page, from the clap definition.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command()).render(&mut out)?;
    Ok(out)
}
