//! Flags + user config + policy → the plugins to run, each read once and
//! checked, with its options and grants (their directories opened once).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::limits::resolve_limits;
use super::{name_of, Allow, LimitSettings, PluginEntry, Policy, PolicyLayer, UserConfig};
use crate::envpython::PassEnv;
use crate::error::PolicyError;
use crate::paths::absolute;
use crate::plugin::{Grant, GrantError, Grants, Limits, PluginSpec};

/// What the command line asks for, before policy.
#[derive(Debug, Clone, Default)]
pub struct Requested {
    /// Absolute paths.
    pub plugins: Vec<PathBuf>,
    /// `--plugin-opt NAME.key=value`, for any plugin (flag, config or required).
    pub options: Vec<PluginOption>,
    /// `--plugin-grant NAME=GRANT`, for a user plugin (`read:` paths absolute).
    pub grants: Vec<(String, Grant)>,
    pub limits: LimitSettings,
}

/// `--plugin-opt NAME.key=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginOption {
    pub plugin: String,
    pub key: String,
    pub value: String,
}

/// The plugins to run and their limits, after policy.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub specs: Vec<PluginSpec>,
    pub limits: Limits,
    /// What programs run for plugins see of the user's environment.
    pub pass_env: PassEnv,
}

/// A user plugin as configured (config file or flags), before it is read.
#[derive(Debug, Clone, Default)]
struct UserPlugin {
    path: PathBuf,
    options: BTreeMap<String, String>,
    /// `read:` paths absolute.
    grants: Vec<Grant>,
}

/// A required plugin of one policy layer, its path resolved.
struct Required<'a> {
    layer: &'a PolicyLayer,
    entry: &'a PluginEntry,
    path: PathBuf,
}

fn read_plugin(path: &Path) -> Result<PluginSpec, PolicyError> {
    PluginSpec::read(path).map_err(|e| PolicyError::PluginUnreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// A plugin's sha256, which reads its bytes (the bytes then compiled).
fn digest(spec: &PluginSpec) -> Result<&str, PolicyError> {
    spec.sha256().map_err(|e| PolicyError::PluginUnreadable {
        path: spec.path.clone(),
        reason: e.to_string(),
    })
}

/// Opens the `read:` directories of `list` (see [`Grants::from_list`]).
fn open_grants(list: &[Grant], owner: &str) -> Result<Grants, PolicyError> {
    Grants::from_list(list).map_err(|e| match e {
        GrantError::Unknown(grant) => PolicyError::UnknownGrant {
            owner: owner.to_owned(),
            grant,
        },
        GrantError::Unreadable { dir, reason } => PolicyError::GrantNotADirectory {
            owner: owner.to_owned(),
            grant: format!("read:{}", dir.display()),
            dir,
            reason,
        },
    })
}

/// Applies the policy to the user's config and flags.
pub fn resolve(
    policy: &Policy,
    config: &UserConfig,
    flags: &Requested,
) -> Result<Resolved, PolicyError> {
    let required = required_plugins(policy)?;
    let required_names: Vec<String> = required.iter().map(|r| name_of(&r.path)).collect();
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
    for r in &required {
        let spec = required_spec(policy, r, &mut specs, &required_opts)?;
        specs.push(spec);
    }
    Ok(Resolved {
        specs,
        limits: resolve_limits(policy, config, flags)?,
        pass_env: policy.pass_env(),
    })
}

/// Every layer's required plugins with their resolved paths; a name
/// required twice must be the same file.
fn required_plugins(policy: &Policy) -> Result<Vec<Required<'_>>, PolicyError> {
    let mut out: Vec<Required<'_>> = Vec::new();
    for layer in &policy.layers {
        for entry in &layer.file.plugins.required {
            let path = layer.resolve(&entry.path)?;
            match out.iter().find(|r| name_of(&r.path) == name_of(&path)) {
                Some(earlier) if earlier.path != path => {
                    return Err(PolicyError::RequiredPathFixed {
                        name: name_of(&path),
                        policy: policy.name(),
                        path: earlier.path.clone(),
                    });
                }
                Some(_) => {}
                None => out.push(Required { layer, entry, path }),
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
        options: p.options.clone(),
        grants: p
            .grants
            .iter()
            .map(|g| match &g.0 {
                Grant::Read(dir) => Grant::Read(config.resolve(dir)),
                other => other.clone(),
            })
            .collect(),
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
) -> Result<Vec<PluginOption>, PolicyError> {
    let mut for_required = Vec::new();
    for opt in &flags.options {
        let name = &opt.plugin;
        if let Some(u) = user.iter_mut().find(|u| &name_of(&u.path) == name) {
            u.options.insert(opt.key.clone(), opt.value.clone());
        } else if required_names.contains(name) {
            for_required.push(opt.clone());
        } else {
            return Err(PolicyError::UnknownPlugin {
                flag: format!("--plugin-opt {name}.{}", opt.key),
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

/// A user plugin, read once and checked against `allow`, `pinned` and the
/// grant rules. Its `read:` grants are judged by what they open.
fn user_spec(policy: &Policy, p: &UserPlugin) -> Result<PluginSpec, PolicyError> {
    let name = name_of(&p.path);
    if policy.allow() == Allow::None {
        return Err(PolicyError::NoUserPlugins {
            name,
            policy: policy.name(),
        });
    }
    let grants = open_grants(&p.grants, &format!("plugin `{name}`"))?;
    for grant in grants.list() {
        if !policy.allows_grant(&grant)? {
            return Err(PolicyError::GrantNotAllowed {
                name,
                grant: grant.to_string(),
                policy: policy.name(),
            });
        }
    }
    let mut spec = read_plugin(&p.path)?;
    if policy.allow() == Allow::Pinned && !policy.pins(digest(&spec)?) {
        return Err(PolicyError::NotPinned {
            name,
            digest: digest(&spec)?.to_owned(),
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
    r: &Required<'_>,
    specs: &mut Vec<PluginSpec>,
    flag_options: &[PluginOption],
) -> Result<PluginSpec, PolicyError> {
    let (path, entry) = (&r.path, r.entry);
    let name = name_of(path);
    let pname = policy.name();
    let pinned = entry.sha256.as_deref().unwrap_or_default().trim();
    let mut spec = read_plugin(path).map_err(|e| PolicyError::RequiredUnavailable {
        name: name.clone(),
        policy: pname.clone(),
        source: Box::new(e),
    })?;
    let actual = digest(&spec).map_err(|e| PolicyError::RequiredUnavailable {
        name: name.clone(),
        policy: pname.clone(),
        source: Box::new(e),
    })?;
    if !actual.eq_ignore_ascii_case(pinned) {
        return Err(PolicyError::DigestMismatch {
            name,
            path: path.clone(),
            policy: pname,
            actual: actual.to_owned(),
            pinned: pinned.to_owned(),
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
            if let Some(pv) = entry.options.get(k).filter(|pv| *pv != v) {
                return Err(fixed(k, pv));
            }
        }
        if user_spec.path != *path {
            return Err(PolicyError::RequiredPathFixed {
                name,
                policy: pname,
                path: path.clone(),
            });
        }
    }
    let mut options = entry.options.clone();
    for opt in flag_options.iter().filter(|o| o.plugin == name) {
        match entry.options.get(&opt.key) {
            Some(pv) if *pv != opt.value => return Err(fixed(&opt.key, pv)),
            _ => {
                options.insert(opt.key.clone(), opt.value.clone());
            }
        }
    }
    spec.options = options.into_iter().collect();
    let list = entry
        .grants
        .iter()
        .map(|g| r.layer.resolve_grant(&g.0))
        .collect::<Result<Vec<_>, _>>()?;
    spec.grants = open_grants(&list, &format!("required plugin `{name}`"))?;
    Ok(spec)
}
