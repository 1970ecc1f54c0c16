//! What the host is asked to run: a plugin's component (opened once, read
//! at most once, so the bytes a policy pins are the bytes that are
//! compiled), its options and grants (after policy), and which hooks the
//! loaded component turned out to export.
//!
//! A regular file is opened, not read: on a warm run with nothing pinned,
//! its compiled code is found by the BLAKE3 remembered for its change stamp
//! (device, inode, size, modification and change times, see
//! `os::change_stamp`), and its bytes (12 MB for a JavaScript
//! plugin) are never read. They are read, through the descriptor opened
//! first, when a pin is checked or the code must be compiled; a file whose
//! stamp moved by then is refused rather than guessed at. A pipe is read
//! whole when it is opened.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::grant::{Grant, GrantError, ReadDir};
use crate::cache::{self, Cache, EntryType, Kind};

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
    content: Arc<Content>,
}

/// The component behind a spec, shared by its clones.
#[derive(Debug)]
struct Content {
    /// The regular file opened (none for bytes read whole: a pipe, or given).
    file: Option<std::fs::File>,
    /// Its change stamp when opened.
    stamp: Option<[u64; 7]>,
    /// The bytes, once read (let go again by [`PluginSpec::release_bytes`]).
    bytes: Mutex<Option<Arc<Vec<u8>>>>,
    blake3: OnceLock<String>,
    sha256: OnceLock<String>,
}

impl PluginSpec {
    /// Opens the plugin at `path`. Opening never blocks: a regular file is
    /// kept open (read when its bytes are needed), a pipe is read until its
    /// writer closes it, each wait bounded; devices and sockets are refused
    /// (see `os::read_bounded`).
    pub fn read(path: &Path) -> std::io::Result<PluginSpec> {
        let content = match crate::os::open_bounded(path, MAX_PLUGIN_BYTES)? {
            crate::os::Opened::Regular(file) => {
                let meta = file.metadata()?;
                if meta.len() > MAX_PLUGIN_BYTES {
                    return Err(too_big());
                }
                Content {
                    stamp: crate::os::change_stamp(&meta),
                    file: Some(file),
                    bytes: Mutex::new(None),
                    blake3: OnceLock::new(),
                    sha256: OnceLock::new(),
                }
            }
            crate::os::Opened::Read(bytes) => Content::of(bytes),
        };
        Ok(PluginSpec::with_content(path.to_path_buf(), content))
    }

    /// A plugin from bytes already in memory; `path` names it in messages.
    pub fn from_bytes(path: PathBuf, bytes: Vec<u8>) -> PluginSpec {
        PluginSpec::with_content(path, Content::of(bytes))
    }

    fn with_content(path: PathBuf, content: Content) -> PluginSpec {
        PluginSpec {
            name: name_of(&path),
            path,
            options: Vec::new(),
            grants: Grants::default(),
            content: Arc::new(content),
        }
    }

    /// The component's bytes, read now if they were not yet (through the
    /// descriptor opened first; refused if the file changed since).
    pub fn bytes(&self) -> std::io::Result<Arc<Vec<u8>>> {
        let mut slot = self.content.bytes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bytes) = &*slot {
            return Ok(bytes.clone());
        }
        let Some(file) = &self.content.file else {
            return Err(std::io::Error::other(
                "the plugin's bytes were already let go",
            ));
        };
        let bytes = Arc::new(read_all(file)?);
        let now = crate::os::change_stamp(&file.metadata()?);
        if now != self.content.stamp {
            return Err(std::io::Error::other(
                "it changed while it was being read; run again",
            ));
        }
        *slot = Some(bytes.clone());
        Ok(bytes)
    }

    /// Lets go of the component's bytes (its code is loaded); they are read
    /// again from the open file if asked for.
    pub fn release_bytes(&mut self) {
        if self.content.file.is_some() {
            *self.content.bytes.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    /// sha256 of the component's bytes, lower-case hex (what a policy pins):
    /// reads them if need be.
    pub fn sha256(&self) -> std::io::Result<&str> {
        if let Some(digest) = self.content.sha256.get() {
            return Ok(digest);
        }
        let bytes = self.bytes()?;
        Ok(self
            .content
            .sha256
            .get_or_init(|| hex::encode(Sha256::digest(bytes.as_slice()))))
    }

    /// BLAKE3 of the component's bytes (hex), what its compiled code is
    /// named by. Remembered in `cache` for the file's change stamp, so a
    /// warm run reads nothing; computed from the bytes when they are read
    /// anyway or nothing is remembered.
    pub fn blake3(&self, cache: &Cache) -> std::io::Result<&str> {
        if let Some(digest) = self.content.blake3.get() {
            return Ok(digest);
        }
        let memo = self.memo(cache);
        let already_read = self
            .content
            .bytes
            .lock()
            .map(|b| b.is_some())
            .unwrap_or(false);
        if let (Some((dir, rel)), false) = (&memo, already_read) {
            if cache::is_trusted(dir, rel, EntryType::File) {
                if let Ok(text) = std::fs::read_to_string(dir.join(rel)) {
                    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Ok(self.content.blake3.get_or_init(|| text));
                    }
                }
            }
        }
        let bytes = self.bytes()?;
        let digest = blake3::hash(&bytes).to_hex().to_string();
        if let Some((dir, rel)) = memo {
            let _ = cache::write_atomically(&dir.join(rel), digest.as_bytes());
        }
        Ok(self.content.blake3.get_or_init(|| digest))
    }

    /// Where the BLAKE3 of this file is remembered: `<cache>/plugins/sources/`,
    /// named by its path and change stamp.
    fn memo(&self, cache: &Cache) -> Option<(PathBuf, PathBuf)> {
        let stamp = self.content.stamp?;
        self.content.file.as_ref()?;
        let dir = cache.dir(Kind::Plugins)?;
        let mut key = blake3::Hasher::new();
        key.update(self.path.as_os_str().as_encoded_bytes());
        for n in stamp {
            key.update(&n.to_le_bytes());
        }
        let name = key.finalize().to_hex();
        Some((dir, Path::new("sources").join(&name.as_str()[..32])))
    }

    /// The component's size in bytes.
    pub fn size(&self) -> u64 {
        match &self.content.file {
            Some(file) => file.metadata().map_or(0, |m| m.len()),
            None => self.bytes().map_or(0, |b| b.len() as u64),
        }
    }
}

impl Content {
    fn of(bytes: Vec<u8>) -> Content {
        Content {
            file: None,
            stamp: None,
            bytes: Mutex::new(Some(Arc::new(bytes))),
            blake3: OnceLock::new(),
            sha256: OnceLock::new(),
        }
    }
}

fn too_big() -> std::io::Error {
    std::io::Error::other(format!("it is larger than {} MiB", MAX_PLUGIN_BYTES >> 20))
}

/// All of `file` from its start, at most [`MAX_PLUGIN_BYTES`].
fn read_all(file: &std::fs::File) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek};
    let mut file = file;
    file.seek(std::io::SeekFrom::Start(0))?;
    let len = file.metadata()?.len();
    let mut bytes = Vec::with_capacity(len.min(MAX_PLUGIN_BYTES) as usize);
    file.take(MAX_PLUGIN_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_PLUGIN_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
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
