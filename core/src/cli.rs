//! The command line: CPython's `python -m venv` usage line, plus `-p/--python`,
//! cache control and verbosity.

use std::path::PathBuf;

use clap::{ArgAction, Parser};

use crate::builder::Options;
use crate::seed::{LinkMode, Seeder};

#[derive(Debug, Parser)]
#[command(
    name = "venv",
    version,
    about = "Creates virtual Python environments in one or more target directories.",
    long_about = "Creates virtual Python environments in one or more target directories, \
                  identical to what `pythonX.Y -m venv` creates with the same base interpreter.",
    after_help = "Once an environment has been created, activate it by sourcing the activate script in its bin \
                  directory (activate, activate.fish, activate.csh, activate.nu, Activate.ps1)."
)]
pub struct Cli {
    /// A directory to create the environment in.
    #[arg(value_name = "ENV_DIR", required_unless_present = "show_policy", num_args = 1..)]
    pub dirs: Vec<PathBuf>,

    /// The base interpreter: a path, a command on PATH (python3.12) or a
    /// version (3.12, 3.12.1) looked up on PATH and in pyenv. Default: python3 on PATH.
    #[arg(short = 'p', long = "python", value_name = "PYTHON")]
    pub python: Option<String>,

    /// Give the virtual environment access to the system site-packages dir.
    #[arg(long)]
    pub system_site_packages: bool,

    /// Try to use symlinks rather than copies (the default on POSIX).
    #[arg(long, overrides_with = "copies")]
    pub symlinks: bool,

    /// Try to use copies rather than symlinks.
    #[arg(long, overrides_with = "symlinks")]
    pub copies: bool,

    /// Delete the contents of the environment directory if it already exists, before environment creation.
    #[arg(long)]
    pub clear: bool,

    /// Upgrade the environment directory to use this version of Python, assuming Python has been upgraded in-place.
    #[arg(long)]
    pub upgrade: bool,

    /// Skip installing or upgrading pip in the virtual environment (pip is bootstrapped by default).
    #[arg(long)]
    pub without_pip: bool,

    /// An alternative prompt prefix for this environment (`.` = the current directory's name).
    #[arg(long, value_name = "PROMPT")]
    pub prompt: Option<String>,

    /// Upgrade core dependencies (pip, and setuptools before 3.12) to the latest version on the package index.
    #[arg(long)]
    pub upgrade_deps: bool,

    /// Skip adding SCM ignore files to the environment directory.
    #[arg(long, conflicts_with = "scm_ignore_files")]
    pub without_scm_ignore_files: bool,

    /// SCM ignore files to write, comma-separated (default: git for Python 3.13+, none before).
    #[arg(long, value_name = "SCM,...", value_delimiter = ',')]
    pub scm_ignore_files: Option<Vec<String>>,

    /// How pip's files get from the cache into the environment.
    #[arg(long, value_enum, default_value_t = LinkMode::Auto)]
    pub link_mode: LinkMode,

    /// How pip is installed: natively from the base's bundled wheels, or by running ensurepip.
    #[arg(long, value_enum, default_value_t = Seeder::Auto)]
    pub seeder: Seeder,

    /// A WebAssembly plugin (component) to run; repeatable, run in the order given.
    #[arg(long = "plugin", value_name = "PATH")]
    pub plugins: Vec<PathBuf>,

    /// An option for a plugin, passed in its context: NAME.key=value (NAME is the file stem).
    #[arg(long = "plugin-opt", value_name = "NAME.KEY=VALUE")]
    pub plugin_opts: Vec<String>,

    /// A capability for a plugin: NAME=run-python or NAME=read:DIR (a directory preopened read-only).
    #[arg(long = "plugin-grant", value_name = "NAME=GRANT")]
    pub plugin_grants: Vec<String>,

    /// Memory limit for each plugin call, in MiB [default: 256, or the policy's cap].
    #[arg(long, value_name = "MIB")]
    pub plugin_memory: Option<usize>,

    /// Time limit for each plugin call, in seconds [default: 10, or the policy's cap].
    #[arg(long, value_name = "SECONDS")]
    pub plugin_time: Option<f64>,

    /// Output limit (stdout and stderr each) for each plugin call, in KiB [default: 1024, or the policy's cap].
    #[arg(long, value_name = "KIB")]
    pub plugin_output: Option<usize>,

    /// Print the plugin policy in force, where it came from, the user config, and the
    /// limits and plugins that would apply with the other flags given; then exit.
    #[arg(long)]
    pub show_policy: bool,

    /// Cache directory for interpreter facts and unpacked wheels [default: $VENV_CACHE_DIR, $XDG_CACHE_HOME/venv, ~/.cache/venv].
    #[arg(long, value_name = "DIR", env = "VENV_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Do not read or write the cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Report each step and its duration on stderr.
    #[arg(short, long, action = ArgAction::Count)]
    pub verbose: u8,
}

impl Cli {
    pub fn options(&self) -> Options {
        let scm_ignore_files = if self.without_scm_ignore_files {
            Some(Vec::new())
        } else {
            self.scm_ignore_files.as_ref().map(|v| {
                v.iter()
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
        };
        Options {
            system_site_packages: self.system_site_packages,
            clear: self.clear,
            symlinks: !self.copies,
            upgrade: self.upgrade,
            with_pip: !self.without_pip,
            prompt: self.prompt.clone(),
            upgrade_deps: self.upgrade_deps,
            scm_ignore_files,
            link_mode: self.link_mode,
            seeder: self.seeder,
            verbose: self.verbose > 0,
        }
    }

    pub fn cache(&self) -> crate::interpreter::cache::Cache {
        if self.no_cache {
            crate::interpreter::cache::Cache::disabled()
        } else {
            crate::interpreter::cache::Cache::new(
                self.cache_dir.clone().filter(|p| !p.as_os_str().is_empty()),
            )
        }
    }
}

impl Cli {
    /// The `--plugin*` flags, before policy and user config are applied.
    pub fn requested_plugins(&self) -> Result<crate::policy::Requested, String> {
        let mut req = crate::policy::Requested {
            plugins: self
                .plugins
                .iter()
                .map(|p| crate::paths::absolute(p))
                .collect(),
            ..Default::default()
        };
        for opt in &self.plugin_opts {
            let parsed = opt
                .split_once('=')
                .and_then(|(t, v)| t.split_once('.').map(|(n, k)| (n, k, v)));
            let (name, key, value) =
                parsed.ok_or_else(|| format!("--plugin-opt {opt}: expected NAME.key=value"))?;
            req.options
                .push((name.to_owned(), key.to_owned(), value.to_owned()));
        }
        for grant in &self.plugin_grants {
            let (name, what) = grant.split_once('=').ok_or_else(|| {
                format!("--plugin-grant {grant}: expected NAME=run-python or NAME=read:DIR")
            })?;
            req.grants.push((name.to_owned(), what.to_owned()));
        }
        req.limits = crate::policy::LimitSettings {
            memory_mib: self.plugin_memory,
            time_seconds: self.plugin_time,
            output_kib: self.plugin_output,
        };
        Ok(req)
    }
}
