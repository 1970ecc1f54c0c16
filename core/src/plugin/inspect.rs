//! `venv --inspect-plugin FILE`: what a plugin is before anyone runs it:
//! the contract version it was built for, its hooks, its imports (with the
//! functions it takes from each), the grants it would need, its sha256 as a
//! policy pins it, and the state of its compiled code in the cache. Nothing
//! of the plugin runs; it is compiled (and cached) if it was not.

use std::time::{Duration, Instant};

use super::compile_cache::{self, CacheState};
use super::contract::{self, Classified, Version};
use super::spec::{Hooks, PluginSpec};
use super::{diagnose, sandbox};
use crate::cache::Cache;
use crate::error::{PluginError, PluginFailure};
use crate::report::{CodeOrigin, SharedReporter};

/// What inspecting one plugin found.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The plugin, as read.
    pub spec: PluginSpec,
    /// The version it speaks, or why this host would refuse it.
    pub contract: Result<Version, PluginFailure>,
    /// The hooks it exports.
    pub hooks: Hooks,
    /// Each import with the functions taken from it.
    pub imports: Vec<(String, Vec<String>)>,
    /// The grants its imports call for, with what each is for.
    pub grants: Vec<(String, &'static str)>,
    /// The compiled-code cache before this inspection.
    pub cache_before: CacheState,
    /// How the code was obtained now, and how long that took.
    pub origin: CodeOrigin,
    /// How long that took.
    pub elapsed: Duration,
}

/// Inspects `spec` (read once already), compiling it into `cache` if needed.
pub fn inspect(
    spec: &PluginSpec,
    cache: &Cache,
    reporter: &SharedReporter,
) -> Result<Inspection, PluginError> {
    let fail = |failure| PluginError {
        plugin: spec.name.clone(),
        path: Some(spec.path.clone()),
        hook: None,
        failure,
    };
    let engine = sandbox::engine().map_err(|e| fail(PluginFailure::Host(e.to_string())))?;
    let cache_before = compile_cache::state(&engine, spec, cache);
    let started = Instant::now();
    let (component, origin) = compile_cache::load_component(&engine, spec, cache, reporter)
        .map_err(|e| fail(PluginFailure::NotAComponent(diagnose::root_cause(&e))))?;
    let elapsed = started.elapsed();
    let (contract, hooks) = match contract::classify(&engine, &component) {
        Classified::Speaks { hooks, .. } if !hooks.any() => (
            Err(PluginFailure::NoHooks {
                spoken: Version::spoken(),
            }),
            hooks,
        ),
        Classified::Speaks { version, hooks } => (Ok(version), hooks),
        Classified::UnknownVersion { found } => (
            Err(PluginFailure::UnknownContract {
                found: format!("{}@{found}", contract::PACKAGE),
                spoken: Version::spoken(),
            }),
            Hooks::default(),
        ),
        Classified::MixedVersions => (Err(PluginFailure::MixedContracts), Hooks::default()),
    };
    let imports = contract::imports(&engine, &component);
    let grants = needed_grants(&imports);
    Ok(Inspection {
        spec: spec.clone(),
        contract,
        hooks,
        imports,
        grants,
        cache_before,
        origin,
        elapsed,
    })
}

/// The grants the functions a plugin imports call for.
fn needed_grants(imports: &[(String, Vec<String>)]) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let takes = |interface: &str, func: &str| {
        imports.iter().any(|(name, funcs)| {
            name.starts_with(&format!("{}/{interface}@", contract::PACKAGE))
                && funcs.iter().any(|f| f == func)
        })
    };
    if takes("runner", "run-python") || takes("host", "run-python") {
        out.push((
            "run-python".to_owned(),
            "to run the environment's Python (full trust); without it the call returns an error",
        ));
    }
    if takes("runner", "run-in-env") {
        out.push((
            "run-in-env".to_owned(),
            "to run programs in the environment (full trust); without it the call returns an error",
        ));
    }
    if takes("wheels", "install-wheel") {
        out.push((
            "read:DIR".to_owned(),
            "the directory holding the wheels it installs",
        ));
    }
    out
}

impl Inspection {
    /// The report `venv --inspect-plugin` prints.
    pub fn render(&self) -> String {
        let s = &self.spec;
        let mut out = format!(
            "plugin: {} ({}, {} bytes)\n",
            s.name,
            s.path.display(),
            s.size()
        );
        match &self.contract {
            Ok(v) => out.push_str(&format!("contract: {}@{}\n", contract::PACKAGE, v.as_str())),
            Err(e) => out.push_str(&format!("contract: refused: {e}\n")),
        }
        let hooks = self.hooks.names();
        out.push_str(&format!(
            "hooks: {}\n",
            if hooks.is_empty() {
                "none".to_owned()
            } else {
                hooks.join(", ")
            }
        ));
        out.push_str("imports (with the functions taken from venv's):\n");
        for (name, funcs) in &self.imports {
            if funcs.is_empty() || !name.starts_with(contract::PACKAGE) {
                out.push_str(&format!("  {name}\n"));
            } else {
                out.push_str(&format!("  {name}: {}\n", funcs.join(", ")));
            }
        }
        if self.grants.is_empty() {
            out.push_str("grants it would need: none\n");
        } else {
            out.push_str("grants it would need:\n");
            for (grant, why) in &self.grants {
                out.push_str(&format!("  --plugin-grant {}={grant}   ({why})\n", s.name));
            }
        }
        out.push_str(&format!(
            "sha256: {}\n",
            s.sha256().unwrap_or("(unreadable)")
        ));
        out.push_str(&format!(
            "  policy: pinned = [\"{}\"]   or   [[plugins.required]] path = \"{}\", sha256 = \"{}\"\n",
            s.sha256().unwrap_or("(unreadable)"),
            s.path.display(),
            s.sha256().unwrap_or("(unreadable)")
        ));
        let ms = self.elapsed.as_secs_f64() * 1e3;
        let cache = match (&self.cache_before, self.origin) {
            (CacheState::Disabled, _) => format!("cache disabled; compiled in {ms:.1} ms"),
            (CacheState::Cached { path }, CodeOrigin::Cached) => {
                format!("cached at {} (loaded in {ms:.1} ms)", path.display())
            }
            (CacheState::Missing { path }, _) => format!(
                "not cached; compiled in {ms:.1} ms and stored at {}",
                path.display()
            ),
            (CacheState::Untrusted { path }, _) | (CacheState::Cached { path }, _) => format!(
                "entry at {} not usable (not the user's alone, or not intact); recompiled in {ms:.1} ms",
                path.display()
            ),
        };
        out.push_str(&format!("compiled code: {cache}\n"));
        out
    }
}
