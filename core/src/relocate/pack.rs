//! `--pack`: an environment as a deterministic archive that unpacks, with
//! plain `tar`, into a working environment at any path.
//!
//! What goes in is the environment as [`super::plan`] would make it
//! relocatable (the environment on disk is not changed): activation scripts
//! and launchers that find the environment from where they are, pip's hook,
//! `relocatable = true`. Entries are sorted, every entry has owner 0/0 and
//! the same modification time, hard links are stored as files, so the same
//! environment packs to the same bytes. Byte-code files record their
//! source's modification time; where it matches, it is set to the archive's
//! time too, so they stay valid after unpacking.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::walk::{self, Kind};
use super::{plan_walked, walk_env, Edit, Env, Mode};
use crate::error::VenvError;

/// 1980-01-01T00:00:00Z: the time every entry gets (tar warns about 1970).
pub const ARCHIVE_MTIME: u64 = 315_532_800;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Zstd,
    Gzip,
}

impl Compression {
    /// From the archive's name: `.tar.zst`/`.tzst`, or `.tar.gz`/`.tgz`.
    pub fn from_path(path: &Path) -> Option<Compression> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name.ends_with(".tar.zst") || name.ends_with(".tzst") {
            Some(Compression::Zstd)
        } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Compression::Gzip)
        } else {
            None
        }
    }
}

/// What was written, and what the destination must provide.
#[derive(Debug, Clone)]
pub struct Packed {
    pub output: PathBuf,
    pub entries: usize,
    pub bytes: u64,
    /// Files written differently from the environment on disk.
    pub rewritten: usize,
    /// What cannot travel inside the archive, one line each.
    pub needs: Vec<String>,
}

/// Packs the environment at `env_path` into `output`.
pub fn pack(env_path: &Path, output: &Path, compression: Compression) -> Result<Packed, VenvError> {
    let env = Env::open(env_path)?;
    let output = crate::paths::absolute(output);
    let fail = |reason: String| VenvError::Pack {
        path: output.clone(),
        reason,
    };
    let out_dir = output
        .parent()
        .ok_or_else(|| fail("it has no parent directory".to_owned()))?;
    let out_dir_real = std::fs::canonicalize(out_dir).map_err(|e| fail(e.to_string()))?;
    if out_dir_real.starts_with(&env.canonical) {
        return Err(fail("it is inside the environment being packed".to_owned()));
    }
    let walked = walk_env(&env)?;
    let plan = plan_walked(&env, &walked, Mode::Relocatable)?;

    // Every entry, in order: the tree as it is, with the plan's edits, plus
    // the files the plan adds.
    enum Item<'a> {
        Dir(u32),
        File { mode: u32, new: Option<&'a [u8]> },
        Link(PathBuf),
    }
    let mut items: BTreeMap<PathBuf, Item> = BTreeMap::new();
    let mut needs = Vec::new();
    for (rel, entry) in &walked.entries {
        let item = match entry.kind {
            Kind::Dir => Item::Dir(entry.mode),
            Kind::File => Item::File {
                mode: entry.mode,
                new: None,
            },
            Kind::Symlink => Item::Link(entry.link.clone().unwrap_or_default()),
            Kind::Other => {
                needs.push(format!(
                    "{}: not a file, directory or link; left out",
                    rel.display()
                ));
                continue;
            }
        };
        items.insert(rel.clone(), item);
    }
    for change in &plan.changes {
        let item = match &change.edit {
            Edit::Write { bytes, mode } => Item::File {
                mode: *mode,
                new: Some(bytes.as_slice()),
            },
            Edit::Relink { target } => Item::Link(target.clone()),
        };
        items.insert(change.path.clone(), item);
    }

    if let Some(home) = Some(&env.cfg.home).filter(|h| h.is_absolute()) {
        needs.push(format!(
            "Python {} at {} (pyvenv.cfg's home): the same base interpreter at the same path",
            env.cfg.version,
            home.display()
        ));
    }
    if env.cfg.include_system_site_packages {
        needs.push(
            "the base interpreter's site-packages (include-system-site-packages = true)".to_owned(),
        );
    }
    for (rel, item) in &items {
        if let Item::Link(target) = item {
            if target.is_absolute() {
                needs.push(format!("{} -> {}", rel.display(), target.display()));
            }
        }
    }
    needs.extend(plan.notes.iter().cloned());

    let tmp = tempfile::Builder::new()
        .prefix(".venv-pack-")
        .tempfile_in(out_dir)
        .map_err(|e| fail(e.to_string()))?;
    let file = tmp.reopen().map_err(|e| fail(e.to_string()))?;
    let io_fail = |e: std::io::Error| fail(e.to_string());
    let mut entries = 0;
    let mut write_entries = |sink: &mut dyn Write| -> Result<(), VenvError> {
        let mut tar = tar::Builder::new(sink);
        for (rel, item) in &items {
            // ustar headers with owner 0/0 and no owner names; names that do
            // not fit get a GNU long-name entry (GNU tar, bsdtar and busybox
            // read it).
            let mut header = tar::Header::new_ustar();
            header.set_uid(0);
            header.set_gid(0);
            header.set_mtime(ARCHIVE_MTIME);
            match item {
                Item::Dir(mode) => {
                    header.set_entry_type(tar::EntryType::Directory);
                    header.set_mode(*mode);
                    header.set_size(0);
                    tar.append_data(&mut header, rel, std::io::empty())
                }
                Item::Link(target) => {
                    header.set_entry_type(tar::EntryType::Symlink);
                    header.set_mode(0o777);
                    header.set_size(0);
                    tar.append_link(&mut header, rel, target)
                }
                Item::File { mode, new } => {
                    let data = match new {
                        Some(bytes) => bytes.to_vec(),
                        None => {
                            let mut data = env.read(rel)?;
                            normalise_pyc(rel, &mut data, &walked);
                            data
                        }
                    };
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(*mode);
                    header.set_size(data.len() as u64);
                    tar.append_data(&mut header, rel, data.as_slice())
                }
            }
            .map_err(io_fail)?;
            entries += 1;
        }
        tar.into_inner().map_err(io_fail)?;
        Ok(())
    };
    let out = std::io::BufWriter::new(file);
    match compression {
        Compression::Zstd => {
            let mut enc = zstd::stream::Encoder::new(out, 3).map_err(io_fail)?;
            write_entries(&mut enc)?;
            enc.finish().map_err(io_fail)?.flush().map_err(io_fail)?;
        }
        Compression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(out, flate2::Compression::default());
            write_entries(&mut enc)?;
            enc.finish().map_err(io_fail)?.flush().map_err(io_fail)?;
        }
    }
    tmp.as_file().sync_all().map_err(io_fail)?;
    let bytes = tmp.as_file().metadata().map_err(io_fail)?.len();
    crate::os::set_path_mode(tmp.path(), 0o666 & !crate::os::umask()).map_err(io_fail)?;
    tmp.persist(&output)
        .map_err(|e| fail(e.error.to_string()))?;
    Ok(Packed {
        output,
        entries,
        bytes,
        rewritten: plan.changes.len(),
        needs,
    })
}

/// A timestamp-based byte-code file whose recorded source time matches its
/// source gets the archive's time instead, as its source will have.
fn normalise_pyc(rel: &Path, data: &mut [u8], walked: &walk::Walked) {
    let is_pyc = rel.extension().is_some_and(|e| e == "pyc");
    let cache_dir = rel.parent();
    if !is_pyc
        || data.len() < 16
        || cache_dir.and_then(Path::file_name) != Some("__pycache__".as_ref())
    {
        return;
    }
    let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let Some(stem) = name.split('.').next() else {
        return;
    };
    let Some(source) = cache_dir
        .and_then(Path::parent)
        .map(|d| d.join(format!("{stem}.py")))
    else {
        return;
    };
    let Some(src) = walked.entries.get(&source) else {
        return;
    };
    let word = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
    if word(4) == 0 && word(8) == src.mtime as u32 && word(12) == src.size as u32 {
        data[8..12].copy_from_slice(&(ARCHIVE_MTIME as u32).to_le_bytes());
    }
}
