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
//! both holds; see [`Policy`]). Paths in a policy file are resolved against
//! the file's own directory, never the user's working directory or home.
//!
//! Required plugins always run (after the user's, so their settings win),
//! and a required plugin whose sha256 does not match stops every creation.
//! Each plugin file is read once: the bytes whose digest is checked are the
//! bytes that are compiled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::envpython::PassEnv;
use crate::error::PolicyError;
use crate::paths::absolute;
use crate::plugin::limits::{self, Range};
use crate::plugin::{Grants, Limits, PluginSpec};

pub const SYSTEM_POLICY: &str = "/etc/venv/policy.toml";

/// Which user plugins the policy lets run, from least to most strict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Allow {
    #[default]
    Any,
    /// Only plugins whose sha256 is listed in `pinned`.
    Pinned,
    None,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitSettings {
    pub memory_mib: Option<f64>,
    pub time_seconds: Option<f64>,
    pub output_kib: Option<f64>,
    pub write_mib: Option<f64>,
    pub write_entries: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RequiredPlugin {
    pub path: PathBuf,
    pub sha256: String,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub grants: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginRules {
    #[serde(default)]
    pub allow: Allow,
    #[serde(default)]
    pub pinned: Vec<String>,
    #[serde(default)]
    pub required: Vec<RequiredPlugin>,
}

/// `[run]`: what programs run for plugins (`run-python`, `run-in-env`) see.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RunRules {
    /// The user's environment variables passed to them: `"all"` (the
    /// default) or a list of names. Layers narrow: only names every layer
    /// passes get through.
    pub pass_env: Option<PassEnvSetting>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PassEnvSetting {
    Keyword(String),
    Names(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrantRules {
    /// Grants user plugins may ask for (`run-python`, `read:DIR`); absent = no restriction.
    pub allow: Option<Vec<String>>,
}

/// One policy file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PolicyFile {
    #[serde(default)]
    pub plugins: PluginRules,
    /// Caps: the most any plugin call may get.
    #[serde(default)]
    pub limits: LimitSettings,
    #[serde(default)]
    pub grants: GrantRules,
    #[serde(default)]
    pub run: RunRules,
}

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
}

/// The policy in force: every layer's rules hold at once.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub layers: Vec<PolicyLayer>,
}

/// A plugin the user configured (config file or flags).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UserPlugin {
    pub path: PathBuf,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub grants: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct UserConfigFile {
    #[serde(default)]
    pub plugins: Vec<UserPlugin>,
    #[serde(default)]
    pub limits: LimitSettings,
}

#[derive(Debug, Clone, Default)]
pub struct UserConfig {
    pub source: Option<PathBuf>,
    pub file: UserConfigFile,
}

fn read_toml<T: for<'de> Deserialize<'de>>(
    path: &Path,
    what: &'static str,
) -> Result<T, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Unreadable {
        what,
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    parse_toml(&text).map_err(|reason| PolicyError::Invalid {
        what,
        path: path.to_path_buf(),
        reason,
    })
}

/// Parses a policy or config text; the error is one line.
pub fn parse_toml<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
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

    /// True when every layer with a grant list allows `grant`.
    fn allows_grant(&self, grant: &str) -> Result<bool, PolicyError> {
        for layer in &self.layers {
            if let Some(allowed) = &layer.file.grants.allow {
                if !grant_allowed(layer, grant, allowed)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The environment variables every layer passes to programs run for plugins.
    pub fn pass_env(&self) -> Result<PassEnv, PolicyError> {
        let mut pass = PassEnv::All;
        for layer in &self.layers {
            let this = match &layer.file.run.pass_env {
                None => PassEnv::All,
                Some(PassEnvSetting::Keyword(k)) if k == "all" => PassEnv::All,
                Some(PassEnvSetting::Keyword(k)) => {
                    return Err(PolicyError::Invalid {
                        what: "policy file",
                        path: layer.path.clone(),
                        reason: format!(
                            "[run] pass-env = {k:?}: expected \"all\" or a list of variable names"
                        ),
                    })
                }
                Some(PassEnvSetting::Names(names)) => PassEnv::Only(names.clone()),
            };
            pass = pass.narrow(&this);
        }
        Ok(pass)
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

    pub fn load() -> Result<UserConfig, PolicyError> {
        match Self::default_path().filter(|p| p.exists()) {
            Some(path) => Ok(UserConfig {
                file: read_toml(&path, "user config")?,
                source: Some(path),
            }),
            None => Ok(UserConfig::default()),
        }
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

/// What the command line asks for, before policy.
#[derive(Debug, Clone, Default)]
pub struct Requested {
    /// Absolute paths.
    pub plugins: Vec<PathBuf>,
    /// `--plugin-opt NAME.key=value`, for any plugin (flag, config or required).
    pub options: Vec<(String, String, String)>,
    /// `--plugin-grant NAME=GRANT`, for a user plugin.
    pub grants: Vec<(String, String)>,
    pub limits: LimitSettings,
}

/// The plugins to run and their limits, after policy.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub specs: Vec<PluginSpec>,
    pub limits: Limits,
    /// What programs run for plugins see of the user's environment.
    pub pass_env: PassEnv,
}

pub fn sha256_file(path: &Path) -> Result<String, PolicyError> {
    let bytes = std::fs::read(path).map_err(|e| PolicyError::PluginUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

fn read_plugin(path: &Path) -> Result<PluginSpec, PolicyError> {
    PluginSpec::read(path).map_err(|e| PolicyError::PluginUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Grants as written, with `read:` directories made absolute by `resolve`.
fn parse_grants(
    list: &[String],
    owner: &str,
    resolve: &dyn Fn(&Path) -> Result<PathBuf, PolicyError>,
) -> Result<Grants, PolicyError> {
    let mut grants = Grants::default();
    for g in list {
        if g == "run-python" {
            grants.run_python = true;
        } else if g == "run-in-env" {
            grants.run_in_env = true;
        } else if let Some(dir) = g.strip_prefix("read:") {
            let dir = resolve(Path::new(dir))?;
            if !dir.is_dir() {
                return Err(PolicyError::GrantNotADirectory {
                    owner: owner.to_owned(),
                    grant: g.clone(),
                    dir,
                });
            }
            grants.read_dirs.push(dir);
        } else {
            return Err(PolicyError::UnknownGrant {
                owner: owner.to_owned(),
                grant: g.clone(),
            });
        }
    }
    Ok(grants)
}

/// Is `grant` (its `read:` path already absolute) within `allowed`, as
/// written in `layer`? `read:DIR` is allowed under an allowed directory.
fn grant_allowed(
    layer: &PolicyLayer,
    grant: &str,
    allowed: &[String],
) -> Result<bool, PolicyError> {
    for a in allowed {
        if a == grant {
            return Ok(true);
        }
        if let (Some(root), Some(dir)) = (a.strip_prefix("read:"), grant.strip_prefix("read:")) {
            if absolute(Path::new(dir)).starts_with(layer.resolve(Path::new(root))?) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

fn name_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Applies the policy to the user's config and flags.
pub fn resolve(
    policy: &Policy,
    config: &UserConfig,
    flags: &Requested,
) -> Result<Resolved, PolicyError> {
    let required = required_plugins(policy)?;
    let required_names: Vec<String> = required.iter().map(|(_, _, path)| name_of(path)).collect();
    let mut user = user_plugins(config, flags);
    let known = user
        .iter()
        .map(|u| name_of(&u.path))
        .chain(required_names.iter().cloned())
        .collect::<Vec<_>>()
        .join(", ");
    let required_opts = apply_flags(policy, flags, &mut user, &required_names, &known)?;

    let mut specs = Vec::new();
    for p in &user {
        specs.push(user_spec(policy, p)?);
    }
    // Required plugins run last so that what they set wins; the user cannot
    // remove them, override their options, or shadow them with a same-named plugin.
    for (layer, r, path) in &required {
        let spec = required_spec(policy, layer, r, path, &mut specs, &required_opts)?;
        specs.push(spec);
    }
    Ok(Resolved {
        specs,
        limits: resolve_limits(policy, config, flags)?,
        pass_env: policy.pass_env()?,
    })
}

/// Every layer's required plugins with their resolved paths; a name
/// required twice must be the same file.
fn required_plugins(
    policy: &Policy,
) -> Result<Vec<(&PolicyLayer, &RequiredPlugin, PathBuf)>, PolicyError> {
    let mut out: Vec<(&PolicyLayer, &RequiredPlugin, PathBuf)> = Vec::new();
    for layer in &policy.layers {
        for r in &layer.file.plugins.required {
            let path = layer.resolve(&r.path)?;
            match out.iter().find(|(_, _, p)| name_of(p) == name_of(&path)) {
                Some((_, _, earlier)) if *earlier != path => {
                    return Err(PolicyError::RequiredPathFixed {
                        name: name_of(&path),
                        policy: policy.name(),
                        path: earlier.clone(),
                    });
                }
                Some(_) => {}
                None => out.push((layer, r, path)),
            }
        }
    }
    Ok(out)
}

/// User plugins: config first, then flags; options for the same plugin merge.
fn user_plugins(config: &UserConfig, flags: &Requested) -> Vec<UserPlugin> {
    let mut user: Vec<UserPlugin> = Vec::new();
    let from_config = config.file.plugins.iter().map(|p| UserPlugin {
        path: config.resolve(&p.path),
        ..p.clone()
    });
    let from_flags = flags.plugins.iter().map(|p| UserPlugin {
        path: absolute(p),
        ..UserPlugin::default()
    });
    for p in from_config.chain(from_flags) {
        match user.iter_mut().find(|u| u.path == p.path) {
            Some(existing) => {
                existing.options.extend(p.options);
                existing.grants.extend(p.grants);
            }
            None => user.push(p),
        }
    }
    user
}

/// Applies `--plugin-opt` and `--plugin-grant` to the user plugins; returns
/// the options given for required plugins.
fn apply_flags(
    policy: &Policy,
    flags: &Requested,
    user: &mut [UserPlugin],
    required_names: &[String],
    known: &str,
) -> Result<Vec<(String, String, String)>, PolicyError> {
    let mut for_required = Vec::new();
    for (name, key, value) in &flags.options {
        if let Some(u) = user.iter_mut().find(|u| &name_of(&u.path) == name) {
            u.options.insert(key.clone(), value.clone());
        } else if required_names.contains(name) {
            for_required.push((name.clone(), key.clone(), value.clone()));
        } else {
            return Err(PolicyError::UnknownPlugin {
                flag: format!("--plugin-opt {name}.{key}"),
                name: name.clone(),
                known: known.to_owned(),
            });
        }
    }
    for (name, grant) in &flags.grants {
        match user.iter_mut().find(|u| &name_of(&u.path) == name) {
            Some(u) => u.grants.push(grant.clone()),
            None if required_names.contains(name) => {
                return Err(PolicyError::RequiredGrantsFixed {
                    flag: format!("--plugin-grant {name}={grant}"),
                    name: name.clone(),
                    policy: policy.name(),
                });
            }
            None => {
                return Err(PolicyError::UnknownPlugin {
                    flag: format!("--plugin-grant {name}={grant}"),
                    name: name.clone(),
                    known: known.to_owned(),
                })
            }
        }
    }
    Ok(for_required)
}

/// A user plugin, read once and checked against `allow`, `pinned` and the grant rules.
fn user_spec(policy: &Policy, p: &UserPlugin) -> Result<PluginSpec, PolicyError> {
    let name = name_of(&p.path);
    match policy.allow() {
        Allow::Any => {}
        Allow::None => {
            return Err(PolicyError::NoUserPlugins {
                name,
                policy: policy.name(),
            });
        }
        Allow::Pinned => {}
    }
    let owner = format!("plugin `{name}`");
    let grants = parse_grants(&p.grants, &owner, &|d| Ok(absolute(d)))?;
    for g in &p.grants {
        let g = match g.strip_prefix("read:") {
            Some(dir) => format!("read:{}", absolute(Path::new(dir)).display()),
            None => g.clone(),
        };
        if !policy.allows_grant(&g)? {
            return Err(PolicyError::GrantNotAllowed {
                name,
                grant: g,
                policy: policy.name(),
            });
        }
    }
    let mut spec = read_plugin(&p.path)?;
    if policy.allow() == Allow::Pinned && !policy.pins(&spec.sha256) {
        return Err(PolicyError::NotPinned {
            name,
            digest: spec.sha256,
            policy: policy.name(),
        });
    }
    spec.options = p.options.clone().into_iter().collect();
    spec.grants = grants;
    Ok(spec)
}

/// A required plugin, read once and checked against its pinned digest; a
/// same-named user plugin is folded into it if it changes nothing.
fn required_spec(
    policy: &Policy,
    layer: &PolicyLayer,
    r: &RequiredPlugin,
    path: &Path,
    specs: &mut Vec<PluginSpec>,
    flag_options: &[(String, String, String)],
) -> Result<PluginSpec, PolicyError> {
    let name = name_of(path);
    let pname = policy.name();
    let mut spec = read_plugin(path).map_err(|e| PolicyError::RequiredUnavailable {
        name: name.clone(),
        policy: pname.clone(),
        source: Box::new(e),
    })?;
    if !spec.sha256.eq_ignore_ascii_case(r.sha256.trim()) {
        return Err(PolicyError::DigestMismatch {
            name,
            path: path.to_path_buf(),
            policy: pname,
            actual: spec.sha256,
            pinned: r.sha256.trim().to_owned(),
        });
    }
    let fixed = |key: &String, value: &String| PolicyError::RequiredOptionFixed {
        name: name.clone(),
        policy: pname.clone(),
        key: key.clone(),
        value: value.clone(),
    };
    if let Some(i) = specs.iter().position(|s| s.name == name) {
        let user_spec = specs.remove(i);
        for (k, v) in &user_spec.options {
            if let Some(pv) = r.options.get(k).filter(|pv| *pv != v) {
                return Err(fixed(k, pv));
            }
        }
        if user_spec.path != path {
            return Err(PolicyError::RequiredPathFixed {
                name,
                policy: pname,
                path: path.to_path_buf(),
            });
        }
    }
    let mut options = r.options.clone();
    for (_, key, value) in flag_options.iter().filter(|(n, _, _)| *n == name) {
        match r.options.get(key) {
            Some(pv) if pv != value => return Err(fixed(key, pv)),
            _ => {
                options.insert(key.clone(), value.clone());
            }
        }
    }
    spec.options = options.into_iter().collect();
    spec.grants = parse_grants(&r.grants, &format!("required plugin `{name}`"), &|d| {
        layer.resolve(d)
    })?;
    Ok(spec)
}

/// Defaults, then user config, then flags; each in its range and capped by
/// the policy. An explicit request above a cap is an error; a default above
/// it is lowered.
fn resolve_limits(
    policy: &Policy,
    config: &UserConfig,
    flags: &Requested,
) -> Result<Limits, PolicyError> {
    let defaults = Limits::default();
    let pname = policy.name();
    let (f, c) = (&flags.limits, &config.file.limits);
    let pick = |get: &dyn Fn(&LimitSettings) -> Option<f64>, default: f64, range: &Range| {
        let (value, from) = match (get(f), get(c)) {
            (Some(v), _) => (v, Some("the command line")),
            (None, Some(v)) => (v, Some("the user config")),
            (None, None) => (default, None),
        };
        let invalid = |value: f64, from: &'static str, reason: String| PolicyError::InvalidLimit {
            what: range.what,
            value: limits::show_number(value),
            from,
            reason,
        };
        range
            .check(value)
            .map_err(|reason| invalid(value, from.unwrap_or("the defaults"), reason))?;
        let cap = policy.cap(|l| get(l));
        if let Some(cap) = cap {
            range
                .check(cap)
                .map_err(|reason| invalid(cap, "the policy", reason))?;
        }
        match (cap, from) {
            (Some(cap), Some(from)) if value > cap => Err(PolicyError::LimitOverCap {
                what: range.what,
                value,
                unit: range.unit,
                from,
                policy: pname.clone(),
                cap,
            }),
            (Some(cap), None) => Ok(value.min(cap)),
            _ => Ok(value),
        }
    };
    let memory = pick(
        &|l| l.memory_mib,
        (defaults.memory_bytes >> 20) as f64,
        &limits::MEMORY_MIB,
    )?;
    let time = pick(
        &|l| l.time_seconds,
        defaults.time.as_secs_f64(),
        &limits::TIME_SECONDS,
    )?;
    let output = pick(
        &|l| l.output_kib,
        (defaults.output_bytes >> 10) as f64,
        &limits::OUTPUT_KIB,
    )?;
    let write = pick(
        &|l| l.write_mib,
        (defaults.write_bytes >> 20) as f64,
        &limits::WRITE_MIB,
    )?;
    let entries = pick(
        &|l| l.write_entries,
        defaults.write_entries as f64,
        &limits::WRITE_ENTRIES,
    )?;
    Ok(Limits {
        memory_bytes: (memory * (1 << 20) as f64) as usize,
        time: Duration::from_secs_f64(time),
        output_bytes: (output * 1024.0) as usize,
        write_bytes: (write * (1 << 20) as f64) as u64,
        write_entries: entries as u64,
    })
}

/// `venv --show-policy`: the policy in force, where it came from, and the result.
pub fn describe(policy: &Policy, config: &UserConfig, resolved: Option<&Resolved>) -> String {
    let mut out = String::new();
    if policy.layers.is_empty() {
        out.push_str(&format!(
            "policy: none (create {SYSTEM_POLICY}, or set VENV_POLICY to add one)\n"
        ));
    }
    for layer in &policy.layers {
        out.push_str(&format!(
            "policy: {} (from {})\n",
            layer.path.display(),
            layer.origin
        ));
    }
    let allow = match policy.allow() {
        Allow::Any => "any".to_owned(),
        Allow::Pinned => format!(
            "pinned only ({} digests)",
            policy
                .layers
                .iter()
                .filter(|l| l.file.plugins.allow == Allow::Pinned)
                .map(|l| l.file.plugins.pinned.len())
                .min()
                .unwrap_or(0)
        ),
        Allow::None => "none".to_owned(),
    };
    out.push_str(&format!("  user plugins allowed: {allow}\n"));
    for layer in &policy.layers {
        for r in &layer.file.plugins.required {
            let opts: Vec<String> = r.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let path = layer.resolve(&r.path).unwrap_or_else(|_| r.path.clone());
            out.push_str(&format!(
                "  required plugin: {} sha256={} options=[{}] grants=[{}]\n",
                path.display(),
                r.sha256,
                opts.join(", "),
                r.grants.join(", ")
            ));
        }
    }
    let cap = |v: Option<f64>, unit: &str| {
        v.map_or_else(|| "no cap".to_owned(), |v| format!("{v} {unit}"))
    };
    out.push_str(&format!(
        "  limit caps: memory {}, time {}, output {}, writes {}, new entries {}\n",
        cap(policy.cap(|l| l.memory_mib), "MiB"),
        cap(policy.cap(|l| l.time_seconds), "s"),
        cap(policy.cap(|l| l.output_kib), "KiB"),
        cap(policy.cap(|l| l.write_mib), "MiB"),
        cap(policy.cap(|l| l.write_entries), ""),
    ));
    let lists: Vec<String> = policy
        .layers
        .iter()
        .filter_map(|l| l.file.grants.allow.as_ref())
        .map(|list| format!("[{}]", list.join(", ")))
        .collect();
    let pass = match policy.pass_env() {
        Ok(PassEnv::All) => "all of the user's".to_owned(),
        Ok(PassEnv::Only(names)) => format!("only [{}]", names.join(", ")),
        Err(e) => format!("invalid ({e})"),
    };
    out.push_str(&format!(
        "  environment of programs run for plugins: {pass}\n"
    ));
    if lists.is_empty() {
        out.push_str("  grants allowed to user plugins: any\n");
    } else {
        out.push_str(&format!(
            "  grants allowed to user plugins: {}\n",
            lists.join(" and ")
        ));
    }
    match &config.source {
        Some(path) => out.push_str(&format!(
            "user config: {} ({} plugins)\n",
            path.display(),
            config.file.plugins.len()
        )),
        None => out.push_str(&format!(
            "user config: none ({})\n",
            UserConfig::default_path()
                .map_or_else(|| "no HOME".to_owned(), |p| p.display().to_string())
        )),
    }
    if let Some(r) = resolved {
        out.push_str(&format!(
            "in force: memory {} MiB, time {:.1} s, output {} KiB, writes {} MiB, {} new entries per plugin call\n",
            r.limits.memory_bytes >> 20,
            r.limits.time.as_secs_f64(),
            r.limits.output_bytes >> 10,
            r.limits.write_bytes >> 20,
            r.limits.write_entries
        ));
        for s in &r.specs {
            out.push_str(&format!("  plugin `{}`: {}\n", s.name, s.path.display()));
        }
    }
    out
}
