//! Defaults for every creation, and where each came from. Precedence, from
//! strongest: a command-line flag (applied by the binary with
//! [`Setting::given`]), an environment variable, the user config, venv's
//! own default. None of them can widen the policy, which is about plugins
//! only; these settings are the user's.

use std::ffi::OsString;
use std::path::PathBuf;

use super::user::Placed;
use super::UserConfig;
use crate::context::{LinkMode, Seeder};
use crate::error::PolicyError;

/// The base interpreter, as `-p` takes it.
const VENV_PYTHON: &str = "VENV_PYTHON";
/// The prompt, as `--prompt` takes it.
const VENV_PROMPT: &str = "VENV_PROMPT";
/// `--link-mode`.
const VENV_LINK_MODE: &str = "VENV_LINK_MODE";
/// `--seeder`.
const VENV_SEEDER: &str = "VENV_SEEDER";
/// `--scm-ignore-files` (comma-separated; `none` for none).
const VENV_SCM_IGNORE_FILES: &str = "VENV_SCM_IGNORE_FILES";
/// `--cache-dir`.
const VENV_CACHE_DIR: &str = "VENV_CACHE_DIR";
/// `--relocatable` (`1`, `true`, `yes`, `on`) or not (`0`, `false`, `no`, `off`).
const VENV_RELOCATABLE: &str = "VENV_RELOCATABLE";

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The user config, at this line.
    Config { path: PathBuf, line: usize },
    /// venv's own default.
    BuiltIn,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "from {flag}"),
            Source::Env(var) => write!(f, "from {var}"),
            Source::Config { path, line } => write!(f, "from {}:{line}", path.display()),
            Source::BuiltIn => f.write_str("built-in"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    fn built_in(value: T) -> Setting<T> {
        Setting {
            value,
            source: Source::BuiltIn,
        }
    }

    /// A value given by `flag` on the command line, if it was given,
    /// replaces what came from anywhere else.
    pub fn given(&mut self, value: Option<T>, flag: &'static str) {
        if let Some(value) = value {
            *self = Setting {
                value,
                source: Source::Flag(flag),
            };
        }
    }

    /// `value` from the user config at `path` replaces the built-in one.
    fn configured<U>(
        &mut self,
        placed: Option<&Placed<U>>,
        path: &Option<PathBuf>,
        map: impl Fn(&U) -> T,
    ) {
        if let Some(placed) = placed {
            *self = Setting {
                value: map(&placed.value),
                source: Source::Config {
                    path: path.clone().unwrap_or_default(),
                    line: placed.line,
                },
            };
        }
    }

    fn in_env(&mut self, value: Option<T>, variable: &'static str) {
        if let Some(value) = value {
            *self = Setting {
                value,
                source: Source::Env(variable),
            };
        }
    }
}

/// The defaults in force, each with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// The base interpreter request (`-p`'s forms); `None`: `python3` on PATH.
    pub python: Setting<Option<String>>,
    /// `--prompt`'s forms; `None`: the environment directory's name.
    pub prompt: Setting<Option<String>>,
    pub link_mode: Setting<LinkMode>,
    pub seeder: Setting<Seeder>,
    /// `None`: the base interpreter's own (git from 3.13, none before).
    pub scm_ignore_files: Setting<Option<Vec<String>>>,
    /// `None`: `$XDG_CACHE_HOME/venv`, else `~/.cache/venv`.
    pub cache_dir: Setting<Option<PathBuf>>,
    pub relocatable: Setting<bool>,
}

impl Defaults {
    /// The process's environment over `config` over the built-in defaults.
    pub fn load(config: &UserConfig) -> Result<Defaults, PolicyError> {
        Defaults::from_sources(config, &|name| std::env::var_os(name))
    }

    /// As [`Defaults::load`], with the environment variables `env` gives.
    pub fn from_sources(
        config: &UserConfig,
        env: &dyn Fn(&str) -> Option<OsString>,
    ) -> Result<Defaults, PolicyError> {
        let file = &config.file.defaults;
        let path = &config.source;
        let mut d = Defaults {
            python: Setting::built_in(None),
            prompt: Setting::built_in(None),
            link_mode: Setting::built_in(LinkMode::Auto),
            seeder: Setting::built_in(Seeder::Auto),
            scm_ignore_files: Setting::built_in(None),
            cache_dir: Setting::built_in(None),
            relocatable: Setting::built_in(false),
        };
        d.python
            .configured(file.python.as_ref(), path, |v| Some(v.clone()));
        d.prompt
            .configured(file.prompt.as_ref(), path, |v| Some(v.clone()));
        d.link_mode
            .configured(file.link_mode.as_ref(), path, |v| *v);
        d.seeder.configured(file.seeder.as_ref(), path, |v| *v);
        d.scm_ignore_files
            .configured(file.scm_ignore_files.as_ref(), path, |v| Some(v.clone()));
        d.cache_dir
            .configured(file.cache_dir.as_ref(), path, |v| Some(config.resolve(v)));
        d.relocatable
            .configured(file.relocatable.as_ref(), path, |v| *v);

        let text = |variable: &'static str| -> Result<Option<String>, PolicyError> {
            match env(variable).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(value) => {
                    value
                        .into_string()
                        .map(Some)
                        .map_err(|value| PolicyError::BadEnvValue {
                            variable,
                            value: value.to_string_lossy().into_owned(),
                            problem: "it is not UTF-8".to_owned(),
                        })
                }
            }
        };
        let named = |variable: &'static str,
                     names: &[&str],
                     value: Option<String>|
         -> Result<Option<String>, PolicyError> {
            match value {
                Some(v) if !names.contains(&v.as_str()) => Err(PolicyError::BadEnvValue {
                    variable,
                    value: v,
                    problem: format!("expected one of {}", names.join(", ")),
                }),
                other => Ok(other),
            }
        };
        d.python.in_env(text(VENV_PYTHON)?.map(Some), VENV_PYTHON);
        d.prompt.in_env(text(VENV_PROMPT)?.map(Some), VENV_PROMPT);
        let mode = named(VENV_LINK_MODE, LinkMode::NAMES, text(VENV_LINK_MODE)?)?;
        d.link_mode.in_env(
            mode.as_deref().and_then(LinkMode::from_name),
            VENV_LINK_MODE,
        );
        let seeder = named(VENV_SEEDER, Seeder::NAMES, text(VENV_SEEDER)?)?;
        d.seeder
            .in_env(seeder.as_deref().and_then(Seeder::from_name), VENV_SEEDER);
        let scms = text(VENV_SCM_IGNORE_FILES)?.map(|list| {
            if list.trim() == "none" {
                Vec::new()
            } else {
                list.split(',')
                    .map(|s| s.trim().to_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
        });
        d.scm_ignore_files
            .in_env(scms.map(Some), VENV_SCM_IGNORE_FILES);
        d.cache_dir.in_env(
            env(VENV_CACHE_DIR)
                .filter(|v| !v.is_empty())
                .map(|v| Some(PathBuf::from(v))),
            VENV_CACHE_DIR,
        );
        let relocatable = match text(VENV_RELOCATABLE)? {
            None => None,
            Some(v) => Some(match v.to_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    return Err(PolicyError::BadEnvValue {
                        variable: VENV_RELOCATABLE,
                        value: v,
                        problem: "expected 1, true, yes, on or 0, false, no, off".to_owned(),
                    })
                }
            }),
        };
        d.relocatable.in_env(relocatable, VENV_RELOCATABLE);
        Ok(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::UserConfigFile;

    fn config(text: &str) -> UserConfig {
        UserConfig {
            source: Some(PathBuf::from("/home/u/.config/venv/config.toml")),
            file: UserConfigFile::parse(text).unwrap(),
        }
    }

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_environment_beats_the_config_which_beats_the_built_in() {
        let cfg = config(
            "python = \"3.11\"\nlink-mode = \"copy\"\ncache-dir = \"~/c\"\nrelocatable = true\n",
        );
        let d = Defaults::from_sources(
            &cfg,
            &vars(&[
                ("VENV_PYTHON", "3.12"),
                ("VENV_SEEDER", "native"),
                ("VENV_RELOCATABLE", ""),
            ]),
        )
        .unwrap();
        assert_eq!(d.python.value.as_deref(), Some("3.12"));
        assert_eq!(d.python.source, Source::Env(VENV_PYTHON));
        assert_eq!(d.link_mode.value, LinkMode::Copy);
        assert_eq!(
            d.link_mode.source.to_string(),
            "from /home/u/.config/venv/config.toml:2"
        );
        assert_eq!(d.seeder.value, Seeder::Native);
        // An empty variable is no variable.
        assert_eq!(
            (d.relocatable.value, d.relocatable.source.clone()),
            (
                true,
                Source::Config {
                    path: cfg.source.clone().unwrap(),
                    line: 4
                }
            )
        );
        assert!(d.cache_dir.value.unwrap().is_absolute());
        assert_eq!(d.prompt, Setting::built_in(None));
        let mut d = Defaults::from_sources(&cfg, &vars(&[])).unwrap();
        d.python.given(Some(Some("3.13".to_owned())), "-p");
        assert_eq!(d.python.source.to_string(), "from -p");
        d.link_mode.given(None, "--link-mode");
        assert_eq!(d.link_mode.value, LinkMode::Copy);
    }

    #[test]
    fn a_bad_variable_is_named_with_what_it_takes() {
        let cfg = UserConfig::default();
        let err = Defaults::from_sources(&cfg, &vars(&[("VENV_LINK_MODE", "fast")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "VENV_LINK_MODE=\"fast\": expected one of auto, hardlink, clone, copy, symlink; fix or unset VENV_LINK_MODE"
        );
        let err =
            Defaults::from_sources(&cfg, &vars(&[("VENV_RELOCATABLE", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("VENV_RELOCATABLE"), "{err}");
        let d = Defaults::from_sources(&cfg, &vars(&[("VENV_SCM_IGNORE_FILES", "none")])).unwrap();
        assert_eq!(d.scm_ignore_files.value, Some(vec![]));
        let d =
            Defaults::from_sources(&cfg, &vars(&[("VENV_SCM_IGNORE_FILES", "Git, hg")])).unwrap();
        assert_eq!(
            d.scm_ignore_files.value,
            Some(vec!["git".to_owned(), "hg".to_owned()])
        );
    }
}
