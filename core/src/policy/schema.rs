//! The policy file as written: the TOML schema, strict (an unknown key is
//! an error: a policy is an organisation's rule), with grants parsed on the
//! way in (their `read:` paths still as written; each file resolves them
//! against its own directory, see `resolve`). The user config shares its
//! plugin entries and limits but is read by `user`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::plugin::Grant;

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

/// `[limits]`: caps in a policy, requests in the user config.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitSettings {
    pub memory_mib: Option<f64>,
    pub time_seconds: Option<f64>,
    pub output_kib: Option<f64>,
    pub write_mib: Option<f64>,
    pub write_entries: Option<f64>,
}

/// A grant as written in a file: `run-python`, `run-in-env` or `read:DIR`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct WrittenGrant(pub Grant);

impl TryFrom<String> for WrittenGrant {
    type Error = String;
    fn try_from(text: String) -> Result<WrittenGrant, String> {
        Grant::parse(&text, std::path::Path::to_path_buf)
            .map(WrittenGrant)
            .map_err(|e| e.to_string())
    }
}

impl std::fmt::Display for WrittenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One plugin entry: a policy's required plugin (with its `sha256` pin) or
/// one of the user config's plugins (which has none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginEntry {
    pub path: PathBuf,
    /// Required in a policy's `required`; not allowed in the user config.
    pub sha256: Option<String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub grants: Vec<WrittenGrant>,
}

/// `[plugins]` of a policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PluginRules {
    #[serde(default)]
    pub allow: Allow,
    #[serde(default)]
    pub pinned: Vec<String>,
    #[serde(default)]
    pub required: Vec<PluginEntry>,
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

/// `pass-env = "all"` or `pass-env = ["NAME", ...]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawPassEnv")]
pub enum PassEnvSetting {
    All,
    Names(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPassEnv {
    Keyword(String),
    Names(Vec<String>),
}

impl TryFrom<RawPassEnv> for PassEnvSetting {
    type Error = String;
    fn try_from(raw: RawPassEnv) -> Result<PassEnvSetting, String> {
        match raw {
            RawPassEnv::Keyword(k) if k == "all" => Ok(PassEnvSetting::All),
            RawPassEnv::Keyword(k) => Err(format!(
                "[run] pass-env = {k:?}: expected \"all\" or a list of variable names"
            )),
            RawPassEnv::Names(names) => Ok(PassEnvSetting::Names(names)),
        }
    }
}

/// `[grants]` of a policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct GrantRules {
    /// Grants user plugins may ask for (`run-python`, `read:DIR`); absent = no restriction.
    pub allow: Option<Vec<WrittenGrant>>,
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
