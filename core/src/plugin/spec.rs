//! What the host is asked to run: a plugin's bytes (read once, so the bytes
//! a policy pins are the bytes that are compiled), its options and grants
//! (after policy), and which hooks the loaded component turned out to export.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// The largest plugin file accepted (a componentize-py plugin is ~20 MB).
pub const MAX_PLUGIN_BYTES: u64 = 256 << 20;

/// One plugin to run, as resolved from flags, user config and policy.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    pub path: PathBuf,
    /// The name used in messages and in `--plugin-opt NAME.key=value`: the file stem.
    pub name: String,
    pub options: Vec<(String, String)>,
    pub grants: Grants,
    /// The component, as read once from `path`.
    pub bytes: Arc<Vec<u8>>,
    /// sha256 of `bytes`, lower-case hex.
    pub sha256: String,
}

impl PluginSpec {
    /// Reads the plugin at `path`, once. Any kind of file is accepted (a
    /// pipe too); what was read is what will be checked and compiled.
    pub fn read(path: &Path) -> std::io::Result<PluginSpec> {
        let file = std::fs::File::open(path)?;
        let mut bytes = Vec::new();
        file.take(MAX_PLUGIN_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_PLUGIN_BYTES {
            return Err(std::io::Error::other(format!(
                "it is larger than {} MiB",
                MAX_PLUGIN_BYTES >> 20
            )));
        }
        Ok(PluginSpec::from_bytes(path.to_path_buf(), bytes))
    }

    /// A plugin from bytes already in memory; `path` names it in messages.
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> PluginSpec {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sha256 = hex::encode(Sha256::digest(&bytes));
        PluginSpec {
            path,
            name,
            options: Vec::new(),
            grants: Grants::default(),
            bytes: Arc::new(bytes),
            sha256,
        }
    }
}

/// Capabilities beyond the environment directory; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// May call `host.run-python` (the env's own interpreter, no shell).
    /// Also decides when its post-setup hook runs: before every step that
    /// runs the environment's Python; plugins without it run after them.
    pub run_python: bool,
    /// May call `runner.run-in-env` (any program, as if the env were
    /// activated, no shell). Full trust, like `run_python`, and decides the
    /// same ordering.
    pub run_in_env: bool,
    /// Extra directories preopened read-only at their own absolute paths.
    pub read_dirs: Vec<PathBuf>,
}

impl Grants {
    /// A grant that runs programs with the user's rights: the plugin's
    /// post-setup hook runs at CPython's point rather than last.
    pub fn runs_programs(&self) -> bool {
        self.run_python || self.run_in_env
    }

    /// The grants as written on a command line, for messages and `--inspect-plugin`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.run_python {
            out.push("run-python".to_owned());
        }
        if self.run_in_env {
            out.push("run-in-env".to_owned());
        }
        for dir in &self.read_dirs {
            out.push(format!("read:{}", dir.display()));
        }
        out
    }
}

/// Which hooks a component exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    pub post_setup: bool,
    pub scm_ignore: bool,
    /// 0.2.0 and later.
    pub activator: bool,
    /// 0.2.0 and later.
    pub seeder: bool,
}

impl Hooks {
    pub fn any(&self) -> bool {
        self.post_setup || self.scm_ignore || self.activator || self.seeder
    }

    /// The hook interfaces' names, in the contract's order.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.post_setup, "post-setup"),
            (self.scm_ignore, "scm-ignore"),
            (self.activator, "activator"),
            (self.seeder, "seeder"),
        ]
        .into_iter()
        .filter(|(has, _)| *has)
        .map(|(_, name)| name)
        .collect()
    }
}

/// Which post-setup hooks to run now: those of plugins holding a grant that
/// runs programs (`run-python`, `run-in-env`: CPython's point, before
/// `--upgrade-deps`) or the others (last, after every step that runs the
/// environment's Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    RunsPrograms,
    Sandboxed,
}
