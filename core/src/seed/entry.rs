//! A cache entry: one wheel unpacked and byte-compiled for one interpreter
//! version, with the facts every env needs to write its RECORD (hashes and
//! sizes) so that placing it into an env reads no file contents.
//!
//! Layout: `<cache>/seed/<name>-<version>-<sha256[..16]>-<python>/`, holding
//! `site-packages/` and `entry.json`. An entry is built in a temporary sibling
//! and renamed into place whole, so concurrent creators either see a complete
//! entry or none; the loser of a race discards its copy and uses the winner's.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::wheel;
use crate::cache::{self, create_private_dir, write_atomically, Cache, EntryType, Kind};
use crate::interpreter::{BundledWheel, Interpreter};
use crate::process::ChildCommand;
use crate::report::{Event, SharedReporter, Task};

const FORMAT: u32 = 2;
const COMPILE_SCRIPT: &str = include_str!("compile.py");
const TEMPLATE_SCRIPT: &str = include_str!("template.py");

/// One file of the entry, as its RECORD row needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct FileInfo {
    /// Relative to site-packages, `/`-separated.
    pub path: String,
    /// `sha256=<urlsafe base64, no padding>`, as in RECORD.
    pub hash: String,
    pub size: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EntryMeta {
    pub format: u32,
    pub name: String,
    pub version: String,
    pub dist_info: String,
    /// Directories to create, parents first, relative to site-packages.
    pub dirs: Vec<String>,
    /// The wheel's files plus INSTALLER and REQUESTED (RECORD rows with hashes).
    pub files: Vec<FileInfo>,
    /// Byte-code files (RECORD rows without hashes, as pip writes them).
    pub compiled: Vec<FileInfo>,
    /// Console scripts to write into bin: (name, `module:function`).
    pub scripts: Vec<(String, String)>,
    /// The text after the `#!` lines of each launcher, with distlib's
    /// `%(module)s`, `%(import_name)s`, `%(func)s`: the template of the pip
    /// that installs this wheel under ensurepip (see [`installer_template`]).
    pub script_template: String,
}

/// What building an entry for a plugin's wheel may cost. pip's own wheels
/// are built with [`Bounds::default`] (no deadline, nothing charged).
#[derive(Clone, Copy, Default)]
pub(crate) struct Bounds<'a> {
    /// The byte-compiling interpreters are killed when it passes, and the
    /// half-built entry removed.
    pub deadline: Option<Instant>,
    /// Charged with (bytes, entries) before anything is unpacked: what the
    /// wheel declares, plus its sources' size again for the byte-code; and,
    /// after compiling, with what the byte-code came to beyond that. An error
    /// stops the build and leaves nothing in the cache. A cached entry is
    /// charged what it holds.
    pub charge: Option<&'a (dyn Fn(u64, u64) -> Result<(), String> + Sync)>,
}

impl Bounds<'_> {
    fn charge(&self, bytes: u64, entries: u64) -> anyhow::Result<()> {
        match self.charge {
            Some(charge) => charge(bytes, entries).map_err(anyhow::Error::msg),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SeedEntry {
    /// The entry's `site-packages` directory.
    pub root: PathBuf,
    pub meta: EntryMeta,
}

/// The cache entry for `wheel` under `interp`, building it if needed. With the
/// cache disabled (or not trusted), the entry is built in a directory private
/// to this process.
pub(crate) fn ensure(
    cache: &Cache,
    wheel: &BundledWheel,
    interp: &Interpreter,
    reporter: &SharedReporter,
    bytecode: Bytecode,
) -> anyhow::Result<SeedEntry> {
    let root = seed_root(cache)?;
    let digest = wheel_digest(&root, &wheel.path)?;
    ensure_digested(
        cache,
        wheel,
        &digest,
        interp,
        reporter,
        bytecode,
        Bounds::default(),
    )
}

/// Whether an entry comes with byte-code (ensurepip's way) or without it
/// (`--no-compile`: Python writes it on first import).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bytecode {
    Compiled,
    Sources,
}

/// The seed entries' directory: the cache's, or a private one.
fn seed_root(cache: &Cache) -> std::io::Result<PathBuf> {
    match cache.dir(Kind::Seed) {
        Some(dir) => Ok(dir),
        None => cache.private_dir(Kind::Seed),
    }
}

/// [`ensure`] for a wheel whose sha256 (`digest`, hex) is known: the entry
/// is named by it, so the same wheel is unpacked and compiled once.
pub(crate) fn ensure_digested(
    cache: &Cache,
    wheel: &BundledWheel,
    digest: &str,
    interp: &Interpreter,
    reporter: &SharedReporter,
    bytecode: Bytecode,
    bounds: Bounds<'_>,
) -> anyhow::Result<SeedEntry> {
    let root = seed_root(cache)?;
    let v = &interp.info.version;
    // The byte-code differs per implementation (cache tag) and release.
    let tag = match interp.info.cache_tag.as_str() {
        "" => "cpython",
        t => t,
    };
    // The format is in the name: an entry another venv version wrote
    // (another format) is never in the way of this one's.
    let name = format!(
        "{}-{}-{}-{tag}-{}.{}.{}-f{FORMAT}",
        wheel.name,
        wheel.version,
        &digest[..16],
        v.0,
        v.1,
        v.2
    );
    // Without byte-code: a compiled entry serves as well (its byte-code is
    // left out), else one of sources alone is built (nothing compiled).
    if bytecode == Bytecode::Sources {
        if let Some(entry) = load(&root, &name) {
            return charged(entry.without_bytecode(), bounds);
        }
    }
    let name = match bytecode {
        Bytecode::Compiled => name,
        Bytecode::Sources => format!("{name}-sources"),
    };
    let dir = root.join(&name);
    if let Some(entry) = load(&root, &name) {
        return charged(entry, bounds);
    }
    let started = std::time::Instant::now();
    create_private_dir(&root)?;
    // Named after this process and locked while it builds, so that the tree
    // of a creator that was killed is reclaimed by the next run; removed when
    // dropped, so a build that fails, is refused or is stopped at its
    // deadline leaves nothing behind.
    let tmp = crate::temp::TempDir::new_in(&root, ".tmp-")?;
    let meta = build(&root, tmp.path(), wheel, interp, reporter, bytecode, bounds)?;
    std::fs::write(tmp.path().join("entry.json"), serde_json::to_vec(&meta)?)?;
    let tmp_path = tmp.keep();
    if let Err(err) = std::fs::rename(&tmp_path, &dir) {
        // Another creator won the race: its entry is as good as ours. An
        // entry of ours that does not load (damaged, half removed) is
        // replaced; one that is not ours is left alone.
        let replaced = load(&root, &name).is_none()
            && cache::is_trusted(&root, Path::new(&name), EntryType::Dir)
            && replace_entry(&root, &name, &tmp_path).is_ok();
        let _ = std::fs::remove_dir_all(&tmp_path);
        if !replaced && load(&root, &name).is_none() {
            anyhow::bail!("cannot store cache entry {}: {err}", dir.display());
        }
    }
    reporter.report(Event::SeedEntryBuilt {
        package: wheel.name.clone(),
        python: interp.info.version_string(),
        elapsed: started.elapsed(),
    });
    load(&root, &name).ok_or_else(|| anyhow::anyhow!("cache entry {} vanished", dir.display()))
}

/// Removes the entry `name` under `root` (without following links) and
/// renames `built` into its place.
fn replace_entry(root: &Path, name: &str, built: &Path) -> std::io::Result<()> {
    let dir = cap_std::fs::Dir::open_ambient_dir(root, cap_std::ambient_authority())?;
    crate::tree::remove_tree(&dir, std::ffi::OsStr::new(name))?;
    std::fs::rename(built, root.join(name))
}

/// A cached entry, charged what placing it will write.
fn charged(entry: SeedEntry, bounds: Bounds<'_>) -> anyhow::Result<SeedEntry> {
    let meta = &entry.meta;
    let bytes = meta
        .files
        .iter()
        .chain(&meta.compiled)
        .map(|f| f.size)
        .sum();
    bounds.charge(bytes, entry_count(meta))?;
    Ok(entry)
}

impl SeedEntry {
    /// The same entry without its byte-code (and the `__pycache__`
    /// directories that only held it).
    fn without_bytecode(mut self) -> SeedEntry {
        self.meta.compiled.clear();
        self.meta
            .dirs
            .retain(|d| !d.split('/').any(|part| part == "__pycache__"));
        self
    }
}

/// The entry `name` under `root`, if complete, current and trusted (the
/// entry, its tree and its metadata are ours alone).
fn load(root: &Path, name: &str) -> Option<SeedEntry> {
    let rel = Path::new(name);
    let trusted = cache::is_trusted(root, rel, EntryType::Dir)
        && cache::is_trusted(root, &rel.join("site-packages"), EntryType::Dir)
        && cache::is_trusted(root, &rel.join("entry.json"), EntryType::File);
    if !trusted {
        return None;
    }
    let dir = root.join(name);
    let meta: EntryMeta =
        serde_json::from_slice(&std::fs::read(dir.join("entry.json")).ok()?).ok()?;
    (meta.format == FORMAT).then(|| SeedEntry {
        root: dir.join("site-packages"),
        meta,
    })
}

/// sha256 of the wheel file, remembered per (path, identity) so a warm run hashes nothing.
fn wheel_digest(root: &Path, wheel: &Path) -> anyhow::Result<String> {
    let m = std::fs::metadata(wheel)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", wheel.display()))?;
    let mut key = Sha256::new();
    key.update(wheel.as_os_str().as_encoded_bytes());
    for n in cache::file_identity(&m) {
        key.update(n.to_le_bytes());
    }
    let memo_rel = Path::new("digests").join(hex::encode(&key.finalize()[..16]));
    let memo = root.join(&memo_rel);
    if cache::is_trusted(root, &memo_rel, EntryType::File) {
        if let Ok(text) = std::fs::read_to_string(&memo) {
            if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Ok(text);
            }
        }
    }
    let mut hasher = Sha256::new();
    let mut file = std::fs::File::open(wheel)?;
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let digest = hex::encode(hasher.finalize());
    let _ = write_atomically(&memo, digest.as_bytes());
    Ok(digest)
}

/// Unpacks the wheel `zip` (its table of contents read as `manifest`) into
/// `site` with the files pip adds (INSTALLER, REQUESTED); returns what was
/// unpacked and every file's RECORD facts.
fn unpack_marked<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: wheel::Manifest,
    what: &str,
    site: &Path,
    umask: u32,
) -> anyhow::Result<(String, Vec<FileInfo>)> {
    let unpacked = wheel::unpack(zip, manifest, what, site, umask)?;
    let mut files: Vec<FileInfo> = unpacked
        .files
        .into_iter()
        .map(|f| FileInfo {
            path: f.path,
            hash: f.hash,
            size: f.size,
        })
        .collect();
    // pip marks what it installed and that the user asked for it (ensurepip names the package).
    for (name, bytes) in [("INSTALLER", &b"pip\n"[..]), ("REQUESTED", &b""[..])] {
        let path = format!("{}/{name}", unpacked.dist_info);
        std::fs::write(site.join(&path), bytes)?;
        files.push(FileInfo {
            path,
            hash: crate::record::hash(bytes),
            size: bytes.len() as u64,
        });
    }
    Ok((unpacked.dist_info, files))
}

/// Unpacks and compiles into `dir/site-packages`, returning the entry's facts.
fn build(
    root: &Path,
    dir: &Path,
    wheel: &BundledWheel,
    interp: &Interpreter,
    reporter: &SharedReporter,
    bytecode: Bytecode,
    bounds: Bounds<'_>,
) -> anyhow::Result<EntryMeta> {
    let site = dir.join("site-packages");
    std::fs::create_dir(&site)?;
    let umask = crate::os::umask();
    // Charged from the wheel's table of contents, before anything is
    // written: its files, INSTALLER and REQUESTED, one byte-code file per
    // source (estimated at the source's size) and its scripts.
    let what = wheel.path.display().to_string();
    let mut zip = wheel::open(&wheel.path)?;
    let manifest = wheel::manifest(&mut zip, &what)?;
    let mut charged_compiled = 0;
    if bounds.charge.is_some() {
        let sources = match bytecode {
            Bytecode::Compiled => {
                charged_compiled = manifest.source_size();
                manifest
                    .files
                    .iter()
                    .filter(|f| f.name.ends_with(".py"))
                    .count() as u64
            }
            Bytecode::Sources => 0,
        };
        let entries =
            manifest.files.len() as u64 + 2 + sources + manifest.console_scripts.len() as u64;
        bounds.charge(manifest.total_size() + charged_compiled, entries)?;
    }
    let task = Task::CompileSeed {
        package: wheel.name.clone(),
        python: interp.info.version_string(),
    };
    // The launchers' template (when there are launchers) is read by the
    // base interpreter while the wheel is unpacked and compiled.
    let (major, minor, _) = interp.info.version;
    let scripts = wheel::scripts_to_generate(&manifest.console_scripts, major, minor);
    let (work, script_template) = std::thread::scope(|scope| {
        let template = scope.spawn(|| match scripts.is_empty() {
            true => Ok(String::new()),
            false => installer_template(root, interp, wheel),
        });
        let work = (|| {
            let (dist_info, files) = unpack_marked(&mut zip, manifest, &what, &site, umask)?;
            let sources: Vec<&String> = match bytecode {
                Bytecode::Compiled => files
                    .iter()
                    .map(|f| &f.path)
                    .filter(|p| p.ends_with(".py"))
                    .collect(),
                Bytecode::Sources => Vec::new(),
            };
            let compiled = compile(interp, &site, &sources, reporter, &task, bounds.deadline)?;
            anyhow::Ok((dist_info, files, compiled))
        })();
        let template = template
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading pip's launcher template panicked")));
        (work, template)
    });
    let (dist_info, files, compiled) = work?;
    let script_template = script_template?;
    let compiled = compiled
        .iter()
        .map(|p| file_info(&site, p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let compiled_bytes: u64 = compiled.iter().map(|f| f.size).sum();
    bounds.charge(compiled_bytes.saturating_sub(charged_compiled), 0)?;
    let mut dirs: Vec<String> = files
        .iter()
        .chain(&compiled)
        .flat_map(|f| {
            let parts: Vec<&str> = f.path.split('/').collect();
            (1..parts.len())
                .map(move |n| parts[..n].join("/"))
                .collect::<Vec<_>>()
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    Ok(EntryMeta {
        format: FORMAT,
        name: wheel.name.clone(),
        version: wheel.version.clone(),
        dist_info,
        dirs,
        files,
        compiled,
        scripts,
        script_template,
    })
}

/// The launcher template of the pip that installs `seeded` when ensurepip
/// seeds it: the base's own bundled pip (which is `seeded` when pip is being
/// seeded); asked of that pip by importing it from its wheel with the base
/// interpreter (pip 26 has a template of its own, older pips distlib's).
/// Only ever the base's pip: a wheel a plugin chose, even one named pip, is
/// never imported. Without any pip to ask, distlib's. The answer is kept
/// under `root` (`templates/`), named by the pip wheel's digest and the
/// interpreter, so each pip is asked once.
fn installer_template(
    root: &Path,
    interp: &Interpreter,
    seeded: &BundledWheel,
) -> anyhow::Result<String> {
    let _ = seeded;
    let pip = interp.info.bundled_wheels.iter().find(|w| w.name == "pip");
    let Some(pip) = pip else {
        return Ok(crate::launcher::DISTLIB_TEMPLATE.to_owned());
    };
    let v = &interp.info.version;
    let memo_rel = Path::new("templates").join(format!(
        "{}-{}.{}.{}",
        &wheel_digest(root, &pip.path)?[..16],
        v.0,
        v.1,
        v.2
    ));
    if cache::is_trusted(root, &memo_rel, EntryType::File) {
        if let Ok(text) = std::fs::read_to_string(root.join(&memo_rel)) {
            if text.contains("%(func)s") {
                return Ok(text);
            }
        }
    }
    // Isolated (-I): only the pip wheel the script puts on sys.path is
    // importable besides the standard library.
    let mut answer = None;
    let finished = ChildCommand::new(&interp.path)
        .args(["-I", "-c", TEMPLATE_SCRIPT])
        .arg(&pip.path)
        .env_remove("__PYVENV_LAUNCHER__")
        .cwd(root)
        .run(&mut |line| {
            if answer.is_none() && line.starts_with('"') {
                answer = serde_json::from_str::<String>(line).ok();
            }
            ControlFlow::Continue(())
        })
        .map_err(|e| anyhow::anyhow!("cannot read pip's launcher template: {e}"))?;
    let text = answer.unwrap_or_default();
    if !finished.status.success() || !text.contains("%(func)s") {
        // Not a pip we can read: ensurepip (pip itself) writes the launchers.
        return Err(wheel::Unsupported(format!(
            "cannot read the launcher template of {}: {}",
            pip.path.display(),
            finished.tail.join(" | ")
        ))
        .into());
    }
    let _ = write_atomically(&root.join(&memo_rel), text.as_bytes());
    Ok(text)
}

fn file_info(site: &Path, rel: &str) -> anyhow::Result<FileInfo> {
    let bytes = std::fs::read(site.join(rel))?;
    Ok(FileInfo {
        path: rel.to_owned(),
        hash: crate::record::hash(&bytes),
        size: bytes.len() as u64,
    })
}

/// The files, byte-code files and scripts an entry places.
fn entry_count(meta: &EntryMeta) -> u64 {
    (meta.files.len() + meta.compiled.len() + meta.scripts.len()) as u64
}

/// Byte-compiles `sources` with the base interpreter as pip would, returning
/// the byte-code files created (relative to `site`). The files are shared
/// out over one interpreter per core (this is most of the first creation's
/// time), and each file done is reported as progress.
fn compile(
    interp: &Interpreter,
    site: &Path,
    sources: &[&String],
    reporter: &SharedReporter,
    task: &Task,
    deadline: Option<Instant>,
) -> anyhow::Result<Vec<String>> {
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
        .min(sources.len().div_ceil(50).max(1));
    // Largest first, each to the least loaded share: compile time follows
    // source size, so the workers finish together (a round robin left one
    // idle for a tenth of the time).
    let mut by_size: Vec<(u64, &String)> = sources
        .iter()
        .map(|s| (std::fs::metadata(site.join(s)).map_or(0, |m| m.len()), *s))
        .collect();
    by_size.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut shares: Vec<(u64, String)> = vec![(0, String::new()); workers];
    for (size, s) in by_size {
        let lightest = shares
            .iter_mut()
            .min_by_key(|(load, _)| *load)
            .expect("at least one worker");
        lightest.0 += size;
        lightest
            .1
            .push_str(&format!("{}\n", site.join(s).display()));
    }
    reporter.report(Event::ProgressStarted {
        task: task.clone(),
        total: Some(sources.len() as u64),
    });
    let done = AtomicU64::new(0);
    let prefix = format!("{}/", site.display());
    let results: Vec<anyhow::Result<Vec<String>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|(_, share)| {
                let (done, prefix) = (&done, &prefix);
                scope.spawn(move || -> anyhow::Result<Vec<String>> {
                    // Isolated (-I: no script or working directory on
                    // sys.path, no PYTHON* variables, no user site) and
                    // without site (-S), from outside the wheel's tree: no
                    // module of the wheel can be imported while it is
                    // compiled, whatever it is named.
                    let command = ChildCommand::new(&interp.path)
                        .args(["-I", "-S", "-c", COMPILE_SCRIPT])
                        .env_remove("__PYVENV_LAUNCHER__")
                        .cwd(site.parent().and_then(Path::parent).unwrap_or(site))
                        .stdin(share.into_bytes())
                        .deadline(deadline);
                    let mut compiled = Vec::new();
                    let finished = command
                        .run(&mut |line| {
                            if let Some(rel) = line.strip_prefix(prefix.as_str()) {
                                compiled.push(rel.to_owned());
                                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                                reporter.report(Event::ProgressAdvanced {
                                    task: task.clone(),
                                    done: n,
                                });
                            }
                            ControlFlow::Continue(())
                        })
                        .map_err(|e| anyhow::anyhow!("byte-compiling failed: {e}"))?;
                    if !finished.status.success() {
                        anyhow::bail!(
                            "byte-compiling failed: {}",
                            crate::error::one_line(&finished.tail.join("\n"))
                        );
                    }
                    Ok(compiled)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a byte-compiling worker panicked")))
            })
            .collect()
    });
    reporter.report(Event::ProgressFinished { task: task.clone() });
    let mut compiled = Vec::new();
    for r in results {
        compiled.extend(r?);
    }
    compiled.sort();
    Ok(compiled)
}
