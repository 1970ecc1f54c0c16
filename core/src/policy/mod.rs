//! Organisation policy and user configuration for plugins.
//!
//! Precedence, from strongest: the policy, then command-line flags, then the
//! user config (`$XDG_CONFIG_HOME/venv/config.toml`, else
//! `~/.config/venv/config.toml`). Flags and user config can only narrow the
//! policy: a user plugin the policy does not allow, a grant it does not
//! allow, or a limit above its cap is an error, never silently widened.
//!
//! The policy is the system-wide file (`/etc/venv/policy.toml`) when it
//! exists, narrowed further by `$VENV_POLICY` when that is set: a user's
//! environment can add a policy, never remove the system's (every rule of
//! both holds; see `Policy`). Paths in a policy file are resolved against
//! the file's own directory, never the user's working directory or home.
//!
//! Required plugins always run (after the user's, so their settings win),
//! and a required plugin whose sha256 does not match stops every creation.
//! Each plugin file is read once: the bytes whose digest is checked are the
//! bytes that are compiled.
//!
//! - `schema`: the files as written (serde), grants parsed on the way in;
//! - this module: loading the layers and the rules that combine them;
//! - `resolve`: flags + config + policy → the plugins to run;
//! - `limits`: the limits in force, capped;
//! - `show`: `--show-policy`.

mod defaults;
mod limits;
mod resolve;
mod schema;
mod show;
mod user;

use std::path::{Path, PathBuf};

use crate::envpython::PassEnv;
use crate::error::PolicyError;
use crate::paths::absolute;
use crate::plugin::Grant;
use crate::report::{Event, Reporter};

pub use defaults::{Defaults, Setting, Source};
pub use resolve::{resolve, PluginOption, Requested, Resolved};
pub use schema::{
    Allow, GrantRules, LimitSettings, PassEnvSetting, PluginEntry, PluginRules, PolicyFile,
    RunRules, WrittenGrant,
};
pub use show::{describe, describe_defaults};
pub use user::{ConfigDefaults, ConfigProblem, IgnoredKey, Placed, UserConfigFile};

pub const SYSTEM_POLICY: &str = "/etc/venv/policy.toml";

/// The largest policy or config file read.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// One policy file in force and where it came from.
#[derive(Debug, Clone)]
pub struct PolicyLayer {
    pub path: PathBuf,
    /// "system-wide default" or "VENV_POLICY".
    pub origin: &'static str,
    pub file: PolicyFile,
}

impl PolicyLayer {
    /// A path written in this file: relative to the file's directory; `~`
    /// is refused (it would name each user's own home).
    fn resolve(&self, written: &Path) -> Result<PathBuf, PolicyError> {
        if written.starts_with("~") {
            return Err(PolicyError::HomeInPolicy {
                policy: self.path.clone(),
                path: written.to_path_buf(),
            });
        }
        let dir = self.path.parent().unwrap_or(Path::new("/"));
        Ok(absolute(&dir.join(written)))
    }

    /// A grant written in this file, its `read:` directory resolved against
    /// the file's directory and to what it would open.
    fn resolve_grant(&self, written: &Grant) -> Result<Grant, PolicyError> {
        Ok(match written {
            Grant::Read(dir) => Grant::Read(self.resolve(dir)?).canonical(),
            other => other.clone(),
        })
    }
}

/// The policy in force: every layer's rules hold at once.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub layers: Vec<PolicyLayer>,
}

/// The user's config and where it came from.
#[derive(Debug, Clone, Default)]
pub struct UserConfig {
    pub source: Option<PathBuf>,
    pub file: UserConfigFile,
}

/// The text of the file at `path` (the `what` of messages), read without
/// blocking on a pipe and at most [`MAX_FILE_BYTES`].
fn read_text(path: &Path, what: &'static str) -> Result<String, PolicyError> {
    let unreadable = |reason: String| PolicyError::Unreadable {
        what,
        path: path.to_path_buf(),
        reason,
    };
    let text =
        crate::os::read_bounded(path, MAX_FILE_BYTES).map_err(|e| unreadable(e.to_string()))?;
    String::from_utf8(text).map_err(|_| unreadable("it is not UTF-8".to_owned()))
}

fn read_toml<T: for<'de> serde::Deserialize<'de>>(
    path: &Path,
    what: &'static str,
) -> Result<T, PolicyError> {
    let text = read_text(path, what)?;
    parse_toml(&text).map_err(|reason| PolicyError::Invalid {
        what,
        path: path.to_path_buf(),
        reason,
    })
}

/// Parses a policy or config text; the error is one line.
pub fn parse_toml<T: for<'de> serde::Deserialize<'de>>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| crate::error::one_line(&e.to_string()))
}

impl Policy {
    /// The system-wide file if present, then `$VENV_POLICY` (which must exist when set).
    pub fn load() -> Result<Policy, PolicyError> {
        Policy::load_from(
            Path::new(SYSTEM_POLICY),
            std::env::var_os("VENV_POLICY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        )
    }

    /// [`Policy::load`] with the system file at `system`.
    pub fn load_from(system: &Path, extra: Option<PathBuf>) -> Result<Policy, PolicyError> {
        let mut layers = Vec::new();
        if system.exists() {
            layers.push(PolicyLayer {
                path: system.to_path_buf(),
                origin: "system-wide default",
                file: read_toml(system, "policy file")?,
            });
        }
        if let Some(path) = extra {
            let path = absolute(&path);
            let same = layers
                .iter()
                .any(|l| std::fs::canonicalize(&l.path).ok() == std::fs::canonicalize(&path).ok());
            if !same {
                layers.push(PolicyLayer {
                    file: read_toml(&path, "policy file")?,
                    path,
                    origin: "VENV_POLICY",
                });
            }
        }
        for layer in &layers {
            if let Some(r) = layer
                .file
                .plugins
                .required
                .iter()
                .find(|r| r.sha256.is_none())
            {
                return Err(PolicyError::Invalid {
                    what: "policy file",
                    path: layer.path.clone(),
                    reason: format!(
                        "required plugin {} has no sha256 (pin it: venv --inspect-plugin shows the line)",
                        r.path.display()
                    ),
                });
            }
        }
        Ok(Policy { layers })
    }

    /// The policy's name in messages: its file(s).
    fn name(&self) -> String {
        if self.layers.is_empty() {
            return "(none)".to_owned();
        }
        self.layers
            .iter()
            .map(|l| l.path.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The strictest `allow` of all layers.
    pub fn allow(&self) -> Allow {
        self.layers
            .iter()
            .map(|l| l.file.plugins.allow)
            .max()
            .unwrap_or_default()
    }

    /// True when every layer that pins digests pins `digest`.
    fn pins(&self, digest: &str) -> bool {
        self.layers
            .iter()
            .filter(|l| l.file.plugins.allow == Allow::Pinned)
            .all(|l| {
                l.file
                    .plugins
                    .pinned
                    .iter()
                    .any(|d| d.trim().eq_ignore_ascii_case(digest))
            })
    }

    /// True when every layer with a grant list allows `grant` (whose
    /// `read:` directory is what the user's grant opened).
    fn allows_grant(&self, grant: &Grant) -> Result<bool, PolicyError> {
        for layer in &self.layers {
            if let Some(allowed) = &layer.file.grants.allow {
                let mut any = false;
                for a in allowed {
                    any |= grant.within(&layer.resolve_grant(&a.0)?);
                }
                if !any {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The environment variables every layer passes to programs run for plugins.
    pub fn pass_env(&self) -> PassEnv {
        self.layers
            .iter()
            .map(|layer| match &layer.file.run.pass_env {
                None | Some(PassEnvSetting::All) => PassEnv::All,
                Some(PassEnvSetting::Names(names)) => PassEnv::Only(names.clone()),
            })
            .fold(PassEnv::All, |pass, this| pass.narrow(&this))
    }

    /// The lowest cap of all layers for one limit.
    fn cap(&self, pick: impl Fn(&LimitSettings) -> Option<f64>) -> Option<f64> {
        self.layers
            .iter()
            .filter_map(|l| pick(&l.file.limits))
            .reduce(f64::min)
    }
}

impl UserConfig {
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("venv").join("config.toml"))
    }

    /// The user's config file, if there is one. Keys this venv does not
    /// know are reported to `reporter` (a warning each) and ignored; a
    /// value that is wrong is an error naming the file, line and key.
    pub fn load(reporter: &dyn Reporter) -> Result<UserConfig, PolicyError> {
        let Some(path) = Self::default_path().filter(|p| p.exists()) else {
            return Ok(UserConfig::default());
        };
        let config = UserConfig::read(&path)?;
        for key in &config.file.ignored {
            reporter.report(Event::ConfigKeyIgnored {
                path: path.clone(),
                line: key.line,
                key: key.key.clone(),
                known: key.known,
            });
        }
        Ok(config)
    }

    /// The user config at `path`.
    pub fn read(path: &Path) -> Result<UserConfig, PolicyError> {
        let what = "user config";
        let text = read_text(path, what)?;
        let file = UserConfigFile::parse(&text).map_err(|problem| match problem {
            ConfigProblem::Syntax(reason) => PolicyError::Invalid {
                what,
                path: path.to_path_buf(),
                reason,
            },
            ConfigProblem::Value { line, key, problem } => PolicyError::BadConfigValue {
                path: path.to_path_buf(),
                line,
                key,
                problem,
            },
        })?;
        Ok(UserConfig {
            file,
            source: Some(path.to_path_buf()),
        })
    }

    /// A path written in the user config: `~` is the user's home, a
    /// relative path is relative to the config file's directory.
    fn resolve(&self, written: &Path) -> PathBuf {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let path = match (written.strip_prefix("~"), home) {
            (Ok(rest), Some(home)) => home.join(rest),
            _ => written.to_path_buf(),
        };
        let dir = self
            .source
            .as_ref()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")));
        absolute(&dir.join(path))
    }
}

/// A plugin's name: its file stem (as `PluginSpec` names it).
fn name_of(path: &Path) -> String {
    crate::plugin::spec::name_of(path)
}
