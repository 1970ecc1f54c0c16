//! What the host is asked to run: a plugin's bytes (read once, so the bytes
//! a policy pins are the bytes that are compiled), its options and grants
//! (after policy), and which hooks the loaded component turned out to export.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::grant::{Grant, GrantError, ReadDir};

/// The largest plugin file accepted (a componentize-py plugin is ~20 MB).
pub const MAX_PLUGIN_BYTES: u64 = 256 << 20;

/// One plugin to run, as resolved from flags, user config and policy.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    /// Where it was read from (for messages).
    pub path: PathBuf,
    /// The name used in messages and in `--plugin-opt NAME.key=value`: the file stem.
    pub name: String,
    /// Its options (`--plugin-opt NAME.key=value`, config, policy), in its context.
    pub options: Vec<(String, String)>,
    /// What it may reach besides its sandbox.
    pub grants: Grants,
    /// The component, as read once from `path`.
    pub bytes: Arc<Vec<u8>>,
    /// BLAKE3 of `bytes` (hex): what the compiled-code cache is keyed by.
    pub blake3: String,
    /// sha256 of `bytes` (hex), computed when first asked for: only a
    /// policy's pins and `--inspect-plugin` need it.
    sha256: Arc<std::sync::OnceLock<String>>,
    /// The bytes were let go ([`PluginSpec::release_bytes`]).
    released: bool,
}

impl PluginSpec {
    /// Reads the plugin at `path`, once. Any kind of file is accepted (a
    /// pipe too); what was read is what will be checked and compiled.
    /// Opening never blocks: a pipe is read until its writer closes it, each
    /// wait bounded; devices and sockets are refused (see `os::read_bounded`).
    pub fn read(path: &Path) -> std::io::Result<PluginSpec> {
        let bytes = crate::os::read_bounded(path, MAX_PLUGIN_BYTES)?;
        Ok(PluginSpec::from_bytes(path.to_path_buf(), bytes))
    }

    /// A plugin from bytes already in memory; `path` names it in messages.
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> PluginSpec {
        let name = name_of(&path);
        let blake3 = blake3::hash(&bytes).to_hex().to_string();
        PluginSpec {
            path,
            name,
            options: Vec::new(),
            grants: Grants::default(),
            bytes: Arc::new(bytes),
            blake3,
            sha256: Arc::default(),
            released: false,
        }
    }

    /// Lets go of the component's bytes (its code is loaded): `bytes` is
    /// empty from then on. A sha256 asked for before stays known; one
    /// first asked for after is that of the bytes (an empty string), so ask
    /// before (the policy does, when it checks a pin).
    pub fn release_bytes(&mut self) {
        self.bytes = Arc::new(Vec::new());
        self.released = true;
    }

    /// sha256 of the component's bytes, lower-case hex (what a policy pins).
    pub fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| {
            if self.released {
                String::new()
            } else {
                hex::encode(Sha256::digest(self.bytes.as_slice()))
            }
        })
    }
}

/// The name a plugin goes by in messages and `--plugin-opt NAME.key=value`:
/// its file's stem.
pub fn name_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
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
    /// Extra directories preopened read-only at their own canonical paths,
    /// each opened once (see [`super::grant`]).
    pub read_dirs: Vec<ReadDir>,
}

impl Grants {
    /// The grants `list` asks for, with each `read:` directory opened.
    pub fn from_list(list: &[Grant]) -> Result<Grants, GrantError> {
        let mut grants = Grants::default();
        for grant in list {
            match grant {
                Grant::RunPython => grants.run_python = true,
                Grant::RunInEnv => grants.run_in_env = true,
                Grant::Read(dir) => {
                    let opened = ReadDir::open(dir)?;
                    if !grants.read_dirs.contains(&opened) {
                        grants.read_dirs.push(opened);
                    }
                }
            }
        }
        Ok(grants)
    }

    /// A grant that runs programs with the user's rights: the plugin's
    /// post-setup hook runs at CPython's point rather than last.
    pub fn runs_programs(&self) -> bool {
        self.run_python || self.run_in_env
    }

    /// The grants held, `read:` directories by what they opened.
    pub fn list(&self) -> Vec<Grant> {
        let mut out = Vec::new();
        if self.run_python {
            out.push(Grant::RunPython);
        }
        if self.run_in_env {
            out.push(Grant::RunInEnv);
        }
        out.extend(self.read_dirs.iter().map(|d| Grant::Read(d.path.clone())));
        out
    }

    /// The grants as written on a command line, for messages and `--inspect-plugin`.
    pub fn describe(&self) -> Vec<String> {
        self.list().iter().map(Grant::to_string).collect()
    }
}

/// Which hooks a component exports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hooks {
    /// `post-setup`.
    pub post_setup: bool,
    /// `scm-ignore`.
    pub scm_ignore: bool,
    /// 0.2.0 and later.
    pub activator: bool,
    /// 0.2.0 and later.
    pub seeder: bool,
}

impl Hooks {
    /// Whether it exports any hook at all.
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
    /// Plugins granted `run-python` or `run-in-env`.
    RunsPrograms,
    /// All others.
    Sandboxed,
}
