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
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::walk::{self, Kind};
use super::{plan_walked, walk_env, Edit, Env, Mode};
use crate::error::VenvError;

/// 1980-01-01T00:00:00Z: the time every entry gets (tar warns about 1970).
pub const ARCHIVE_MTIME: u64 = 315_532_800;

/// How the archive is compressed (by its name's ending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `.tar.zst`.
    Zstd,
    /// `.tar.gz`.
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
    /// The archive written.
    pub output: PathBuf,
    /// How many entries it holds.
    pub entries: usize,
    /// Its size.
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
    needs.extend(plan.outside.iter().cloned());
    needs.extend(plan.notes.iter().cloned());

    // Named and locked as crate::temp says: a pack killed midway leaves a
    // file the next pack into this directory removes.
    crate::temp::reclaim(out_dir, PACK_TMP);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{PACK_TMP}{}-", std::process::id()))
        .tempfile_in(out_dir)
        .map_err(|e| fail(e.to_string()))?;
    let _lock = crate::temp::lock_file(tmp.as_file());
    let file = tmp.reopen().map_err(|e| fail(e.to_string()))?;
    let io_fail = |e: std::io::Error| fail(e.to_string());
    let mut entries = 0;
    let mut sparse_notes = Vec::new();
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
                        .map_err(io_fail)?;
                }
                Item::Link(target) => {
                    header.set_entry_type(tar::EntryType::Symlink);
                    header.set_mode(0o777);
                    header.set_size(0);
                    tar.append_link(&mut header, rel, target).map_err(io_fail)?;
                }
                Item::File {
                    mode,
                    new: Some(bytes),
                } => {
                    header.set_entry_type(tar::EntryType::Regular);
                    header.set_mode(*mode);
                    header.set_size(bytes.len() as u64);
                    tar.append_data(&mut header, rel, *bytes).map_err(io_fail)?;
                }
                Item::File { mode, new: None } => {
                    let size = walked.size(rel);
                    let note = append_file(&mut tar, &env, &walked, rel, *mode, size)?;
                    sparse_notes.extend(note);
                }
            }
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
    needs.extend(sparse_notes);
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

/// The prefix of an archive being written, beside the output.
const PACK_TMP: &str = ".venv-pack-";

/// One file of the environment as it is on disk, streamed (never held in
/// memory whole): as a GNU sparse entry when it has holes, so that they
/// stay holes after `tar -x`. Returns why a sparse file went in whole.
fn append_file(
    tar: &mut tar::Builder<&mut dyn Write>,
    env: &Env,
    walked: &walk::Walked,
    rel: &Path,
    mode: u32,
    size: u64,
) -> Result<Option<String>, VenvError> {
    let read_fail = |e: std::io::Error| env.read_error(rel, e);
    let mut file = env.dir().open(rel).map_err(read_fail)?.into_std();
    // The first bytes, where a byte-code file records its source's time.
    let mut head = vec![0u8; size.min(16) as usize];
    file.read_exact(&mut head).map_err(read_fail)?;
    normalise_pyc(rel, &mut head, walked);
    let regions = crate::os::data_regions(&file, size);
    let mut note = None;
    let mut header;
    let (body, expected): (Box<dyn Read>, u64) = match regions {
        // A file the file system stores in fewer blocks than its size
        // (compression) but without holes goes in as a plain file.
        Ok(Some(mut regions)) if regions != [(0, size)] => {
            // A file ending in a hole ends its map with an empty region
            // at its size, as GNU tar writes it.
            if regions.last().is_none_or(|&(o, n)| o + n < size) {
                regions.push((size, 0));
            }
            header = sparse_header(&regions, size);
            let stored: u64 = regions.iter().map(|r| r.1).sum();
            let ext = extension_blocks(&regions);
            let expected = ext.len() as u64 + stored;
            (
                Box::new(std::io::Cursor::new(ext).chain(Regions::new(file, head, regions))),
                expected,
            )
        }
        other => {
            if let Err(why) = other {
                note = Some(format!(
                    "{}: has holes but is stored whole ({why}); it unpacks {} MiB larger on disk",
                    rel.display(),
                    size >> 20
                ));
            }
            use std::io::{Seek, SeekFrom};
            file.seek(SeekFrom::Start(head.len() as u64))
                .map_err(read_fail)?;
            header = tar::Header::new_ustar();
            header.set_entry_type(tar::EntryType::Regular);
            header.set_size(size);
            (Box::new(std::io::Cursor::new(head).chain(file)), size)
        }
    };
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(ARCHIVE_MTIME);
    header.set_mode(mode);
    let mut counted = Counted { inner: body, n: 0 };
    tar.append_data(&mut header, rel, &mut counted)
        .map_err(|e| env.read_error(rel, e))?;
    if counted.n != expected {
        return Err(env.read_error(rel, "it changed size while it was being packed; pack again"));
    }
    Ok(note)
}

/// Counts what is read through it.
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

/// The data regions of a sparse file, one after the other (the first
/// bytes already read and adjusted in `head`).
struct Regions {
    file: std::fs::File,
    head: Vec<u8>,
    regions: std::vec::IntoIter<(u64, u64)>,
    /// Offset and bytes left of the region being read.
    current: Option<(u64, u64)>,
}

impl Regions {
    fn new(file: std::fs::File, head: Vec<u8>, regions: Vec<(u64, u64)>) -> Regions {
        Regions {
            file,
            head,
            regions: regions.into_iter(),
            current: None,
        }
    }
}

impl Read for Regions {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::{Seek, SeekFrom};
        loop {
            let (offset, left) = match self.current {
                Some((_, 0)) | None => match self.regions.next() {
                    Some(region) => {
                        self.current = Some(region);
                        continue;
                    }
                    None => return Ok(0),
                },
                Some(c) => c,
            };
            let want = (buf.len() as u64).min(left) as usize;
            let n = if (offset as usize) < self.head.len() {
                // Inside the first bytes: from the adjusted copy.
                let from = offset as usize;
                let n = want.min(self.head.len() - from);
                buf[..n].copy_from_slice(&self.head[from..from + n]);
                n
            } else {
                self.file.seek(SeekFrom::Start(offset))?;
                self.file.read(&mut buf[..want])?
            };
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the file shrank while it was being packed",
                ));
            }
            self.current = Some((offset + n as u64, left - n as u64));
            return Ok(n);
        }
    }
}

/// A GNU sparse header (`S`) for a file of `size` bytes whose data is in
/// `regions` (offset, length): the first four in the header itself.
fn sparse_header(regions: &[(u64, u64)], size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::GNUSparse);
    let stored: u64 = regions.iter().map(|r| r.1).sum();
    header.set_size(stored);
    let gnu = header.as_gnu_mut().expect("a GNU header");
    for (slot, &(offset, len)) in gnu.sparse.iter_mut().zip(regions) {
        numeric(&mut slot.offset, offset);
        numeric(&mut slot.numbytes, len);
    }
    gnu.isextended[0] = u8::from(regions.len() > gnu.sparse.len());
    numeric(&mut gnu.realsize, size);
    header
}

/// The extension blocks for the regions that do not fit in the header,
/// 21 per 512-byte block.
fn extension_blocks(regions: &[(u64, u64)]) -> Vec<u8> {
    let rest = regions.get(4..).unwrap_or(&[]);
    let mut out = Vec::new();
    let chunks: Vec<&[(u64, u64)]> = rest.chunks(21).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut block = [0u8; 512];
        for (j, &(offset, len)) in chunk.iter().enumerate() {
            numeric(&mut block[j * 24..j * 24 + 12], offset);
            numeric(&mut block[j * 24 + 12..j * 24 + 24], len);
        }
        block[504] = u8::from(i + 1 < chunks.len());
        out.extend_from_slice(&block);
    }
    out
}

/// A tar numeric field: octal with a NUL, or base-256 where octal does not fit.
fn numeric(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let octal = format!("{value:0digits$o}");
    if octal.len() <= digits {
        field[..digits].copy_from_slice(octal.as_bytes());
        field[digits] = 0;
    } else {
        field.fill(0);
        field[0] = 0x80;
        let bytes = value.to_be_bytes();
        let n = bytes.len().min(field.len() - 1);
        let len = field.len();
        field[len - n..].copy_from_slice(&bytes[bytes.len() - n..]);
    }
}

/// A timestamp-based byte-code file whose recorded source time matches its
/// source gets the archive's time instead, as its source will have.
fn normalise_pyc(rel: &Path, data: &mut [u8], walked: &walk::Walked) {
    // Only the first 16 bytes are looked at (and given).
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
