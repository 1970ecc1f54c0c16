//! Organisation policy and user configuration for plugins.
//!
//! Precedence, from strongest: the policy file (`$VENV_POLICY`, else
//! `/etc/venv/policy.toml`), then command-line flags, then the user config
//! (`$XDG_CONFIG_HOME/venv/config.toml`, else `~/.config/venv/config.toml`).
//! Flags and user config can only narrow the policy: a user plugin the policy
//! does not allow, a grant it does not allow, or a limit above its cap is an
//! error, never silently widened. Required plugins always run (after the
//! user's, so their settings win), and a required plugin whose sha256 does
//! not match the policy stops every creation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::plugin::{Grants, Limits, PluginSpec};

pub const SYSTEM_POLICY: &str = "/etc/venv/policy.toml";

/// Which user plugins the policy lets run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Allow {
    #[default]
    Any,
    /// Only plugins whose sha256 is listed in `pinned`.
    Pinned,
    None,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitSettings {
    pub memory_mib: Option<usize>,
    pub time_seconds: Option<f64>,
    pub output_kib: Option<usize>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrantRules {
    /// Grants user plugins may ask for (`run-python`, `read:DIR`); absent = no restriction.
    pub allow: Option<Vec<String>>,
}

/// The policy file's contents.
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
}

/// The policy in force and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub source: Option<(PathBuf, &'static str)>,
    pub file: PolicyFile,
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

fn read_toml<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        format!(
            "the {what} {} is invalid: {}; fix it",
            path.display(),
            crate::error::one_line(&e.to_string())
        )
    })
}

impl Policy {
    /// `$VENV_POLICY` (which must exist when set), else the system-wide file if present.
    pub fn load() -> Result<Policy, String> {
        let (path, origin) = match std::env::var_os("VENV_POLICY").filter(|v| !v.is_empty()) {
            Some(p) => (PathBuf::from(p), "VENV_POLICY"),
            None if Path::new(SYSTEM_POLICY).exists() => {
                (PathBuf::from(SYSTEM_POLICY), "system-wide default")
            }
            None => return Ok(Policy::default()),
        };
        let file = read_toml(&path, "policy file")?;
        Ok(Policy {
            source: Some((path, origin)),
            file,
        })
    }

    fn name(&self) -> String {
        self.source
            .as_ref()
            .map_or_else(|| "(none)".to_owned(), |(p, _)| p.display().to_string())
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

    pub fn load() -> Result<UserConfig, String> {
        match Self::default_path().filter(|p| p.exists()) {
            Some(path) => Ok(UserConfig {
                file: read_toml(&path, "user config")?,
                source: Some(path),
            }),
            None => Ok(UserConfig::default()),
        }
    }
}

/// What the command line asks for, before policy.
#[derive(Debug, Clone, Default)]
pub struct Requested {
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
}

pub fn sha256_file(path: &Path) -> Result<String, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read plugin {}: {e}", path.display()))?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

fn parse_grants(list: &[String], owner: &str) -> Result<Grants, String> {
    let mut grants = Grants::default();
    for g in list {
        if g == "run-python" {
            grants.run_python = true;
        } else if let Some(dir) = g.strip_prefix("read:") {
            let dir = crate::paths::absolute(Path::new(dir));
            if !dir.is_dir() {
                return Err(format!(
                    "{owner}: grant `{g}`: {} is not a directory",
                    dir.display()
                ));
            }
            grants.read_dirs.push(dir);
        } else {
            return Err(format!(
                "{owner}: unknown grant `{g}` (run-python or read:DIR)"
            ));
        }
    }
    Ok(grants)
}

/// Is `grant` within what the policy allows? `read:DIR` is allowed under an allowed dir.
fn grant_allowed(grant: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        a == grant
            || match (a.strip_prefix("read:"), grant.strip_prefix("read:")) {
                (Some(root), Some(dir)) => crate::paths::absolute(Path::new(dir))
                    .starts_with(crate::paths::absolute(Path::new(root))),
                _ => false,
            }
    })
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
) -> Result<Resolved, String> {
    let pname = policy.name();
    let rules = &policy.file.plugins;

    // User plugins: config first, then flags; options for the same plugin merge (flags win).
    let mut user: Vec<UserPlugin> = Vec::new();
    let from_flags: Vec<UserPlugin> = flags
        .plugins
        .iter()
        .map(|p| UserPlugin {
            path: p.clone(),
            ..UserPlugin::default()
        })
        .collect();
    for p in config.file.plugins.iter().chain(&from_flags) {
        let path = crate::paths::absolute(&expand_home(&p.path));
        match user.iter_mut().find(|u| u.path == path) {
            Some(existing) => {
                existing.options.extend(p.options.clone());
                existing.grants.extend(p.grants.clone());
            }
            None => user.push(UserPlugin {
                path,
                options: p.options.clone(),
                grants: p.grants.clone(),
            }),
        }
    }

    let required_names: Vec<String> = rules.required.iter().map(|r| name_of(&r.path)).collect();
    let known = user
        .iter()
        .map(|u| name_of(&u.path))
        .chain(required_names.iter().cloned())
        .collect::<Vec<_>>()
        .join(", ");
    let mut flag_opts_for_required: Vec<(String, String, String)> = Vec::new();
    for (name, key, value) in &flags.options {
        if let Some(u) = user.iter_mut().find(|u| &name_of(&u.path) == name) {
            u.options.insert(key.clone(), value.clone());
        } else if required_names.contains(name) {
            flag_opts_for_required.push((name.clone(), key.clone(), value.clone()));
        } else {
            return Err(format!(
                "--plugin-opt {name}.{key}: no plugin named `{name}` (plugins: {known})"
            ));
        }
    }
    for (name, grant) in &flags.grants {
        match user.iter_mut().find(|u| &name_of(&u.path) == name) {
            Some(u) => u.grants.push(grant.clone()),
            None if required_names.contains(name) => {
                return Err(format!("--plugin-grant {name}={grant}: `{name}` is required by the policy {pname}, which sets its grants"));
            }
            None => {
                return Err(format!(
                    "--plugin-grant {name}={grant}: no plugin named `{name}` (plugins: {known})"
                ))
            }
        }
    }

    let mut specs = Vec::new();
    for p in &user {
        let name = name_of(&p.path);
        match rules.allow {
            Allow::Any => {}
            Allow::None => {
                return Err(format!(
                    "plugin `{name}` refused: the policy {pname} allows no user plugins"
                ));
            }
            Allow::Pinned => {
                let digest = sha256_file(&p.path)?;
                if !rules.pinned.iter().any(|d| d.eq_ignore_ascii_case(&digest)) {
                    return Err(format!(
                        "plugin `{name}` (sha256 {digest}) is not pinned by the policy {pname}; ask for it to be pinned"
                    ));
                }
            }
        }
        if let Some(allowed) = &policy.file.grants.allow {
            if let Some(g) = p.grants.iter().find(|g| !grant_allowed(g, allowed)) {
                return Err(format!(
                    "plugin `{name}`: grant `{g}` is not allowed by the policy {pname}"
                ));
            }
        }
        let mut spec = PluginSpec::new(p.path.clone());
        spec.options = p.options.clone().into_iter().collect();
        spec.grants = parse_grants(&p.grants, &format!("plugin `{name}`"))?;
        specs.push(spec);
    }

    // Required plugins run last so that what they set wins; the user cannot
    // remove them, override their options, or shadow them with a same-named plugin.
    for r in &rules.required {
        let path = crate::paths::absolute(&expand_home(&r.path));
        let name = name_of(&path);
        let digest = sha256_file(&path)
            .map_err(|e| format!("required plugin `{name}` from the policy {pname}: {e}"))?;
        if !digest.eq_ignore_ascii_case(r.sha256.trim()) {
            return Err(format!(
                "required plugin `{name}` ({}) does not match the policy {pname}: sha256 is {digest}, the policy pins {}; \
                 restore the plugin or update the policy",
                path.display(),
                r.sha256.trim()
            ));
        }
        if let Some(i) = specs.iter().position(|s| s.name == name) {
            let user_spec = specs.remove(i);
            for (k, v) in &user_spec.options {
                if r.options.get(k).is_some_and(|pv| pv != v) {
                    return Err(format!(
                        "plugin `{name}` is required by the policy {pname} with {k}={}; it cannot be overridden",
                        r.options[k]
                    ));
                }
            }
            if user_spec.path != path {
                return Err(format!("plugin `{name}` is required by the policy {pname} from {}; a different file of that name cannot be added", path.display()));
            }
        }
        let mut options = r.options.clone();
        for (_, key, value) in flag_opts_for_required.iter().filter(|(n, _, _)| *n == name) {
            match r.options.get(key) {
                Some(pv) if pv != value => {
                    return Err(format!("plugin `{name}` is required by the policy {pname} with {key}={pv}; it cannot be overridden"));
                }
                _ => {
                    options.insert(key.clone(), value.clone());
                }
            }
        }
        let mut spec = PluginSpec::new(path);
        spec.options = options.into_iter().collect();
        spec.grants = parse_grants(&r.grants, &format!("required plugin `{name}`"))?;
        specs.push(spec);
    }

    Ok(Resolved {
        specs,
        limits: resolve_limits(policy, config, flags)?,
    })
}

fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

/// Defaults, then user config, then flags; each capped by the policy. An
/// explicit request above a cap is an error; a default above it is lowered.
fn resolve_limits(
    policy: &Policy,
    config: &UserConfig,
    flags: &Requested,
) -> Result<Limits, String> {
    let defaults = Limits::default();
    let caps = &policy.file.limits;
    let pname = policy.name();
    let pick = |flag: Option<f64>,
                conf: Option<f64>,
                default: f64,
                cap: Option<f64>,
                what: &str,
                unit: &str| {
        let (value, explicit) = match (flag, conf) {
            (Some(v), _) => (v, Some("the command line")),
            (None, Some(v)) => (v, Some("the user config")),
            (None, None) => (default, None),
        };
        match (cap, explicit) {
            (Some(c), Some(from)) if value > c => Err(format!(
                "{what} {value} {unit} from {from} exceeds the policy {pname}'s cap of {c} {unit}"
            )),
            (Some(c), None) => Ok(value.min(c)),
            _ => Ok(value),
        }
    };
    let (f, c) = (&flags.limits, &config.file.limits);
    let mem = pick(
        f.memory_mib.map(|v| v as f64),
        c.memory_mib.map(|v| v as f64),
        (defaults.memory_bytes >> 20) as f64,
        caps.memory_mib.map(|v| v as f64),
        "plugin memory",
        "MiB",
    )?;
    let time = pick(
        f.time_seconds,
        c.time_seconds,
        defaults.time.as_secs_f64(),
        caps.time_seconds,
        "plugin time",
        "s",
    )?;
    let out = pick(
        f.output_kib.map(|v| v as f64),
        c.output_kib.map(|v| v as f64),
        (defaults.output_bytes >> 10) as f64,
        caps.output_kib.map(|v| v as f64),
        "plugin output",
        "KiB",
    )?;
    Ok(Limits {
        memory_bytes: (mem as usize) << 20,
        time: Duration::from_secs_f64(time.max(0.01)),
        output_bytes: (out as usize) << 10,
    })
}

/// `venv --show-policy`: the policy in force, where it came from, and the result.
pub fn describe(policy: &Policy, config: &UserConfig, resolved: Option<&Resolved>) -> String {
    let mut out = String::new();
    match &policy.source {
        Some((path, origin)) => {
            out.push_str(&format!("policy: {} (from {origin})\n", path.display()))
        }
        None => out.push_str(&format!(
            "policy: none (set VENV_POLICY or create {SYSTEM_POLICY})\n"
        )),
    }
    let rules = &policy.file.plugins;
    let allow = match rules.allow {
        Allow::Any => "any".to_owned(),
        Allow::Pinned => format!("pinned only ({} digests)", rules.pinned.len()),
        Allow::None => "none".to_owned(),
    };
    out.push_str(&format!("  user plugins allowed: {allow}\n"));
    for r in &rules.required {
        let opts: Vec<String> = r.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&format!(
            "  required plugin: {} sha256={} options=[{}] grants=[{}]\n",
            r.path.display(),
            r.sha256,
            opts.join(", "),
            r.grants.join(", ")
        ));
    }
    let caps = &policy.file.limits;
    let cap = |v: Option<String>| v.unwrap_or_else(|| "no cap".to_owned());
    out.push_str(&format!(
        "  limit caps: memory {}, time {}, output {}\n",
        cap(caps.memory_mib.map(|v| format!("{v} MiB"))),
        cap(caps.time_seconds.map(|v| format!("{v} s"))),
        cap(caps.output_kib.map(|v| format!("{v} KiB")))
    ));
    match &policy.file.grants.allow {
        Some(list) => out.push_str(&format!(
            "  grants allowed to user plugins: [{}]\n",
            list.join(", ")
        )),
        None => out.push_str("  grants allowed to user plugins: any\n"),
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
            "in force: memory {} MiB, time {:.1} s, output {} KiB per plugin call\n",
            r.limits.memory_bytes >> 20,
            r.limits.time.as_secs_f64(),
            r.limits.output_bytes >> 10
        ));
        for s in &r.specs {
            out.push_str(&format!("  plugin `{}`: {}\n", s.name, s.path.display()));
        }
    }
    out
}
