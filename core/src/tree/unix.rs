//! The POSIX walk: one descriptor at a time through `openat`/`unlinkat`.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags};

/// One directory on the way down.
struct Frame {
    /// Its name in its parent.
    name: OsString,
    /// (device, inode), to recognise it again through `..`.
    id: (u64, u64),
    /// Subdirectories still to remove.
    pending: Vec<OsString>,
}

/// Removes `name` inside `parent` and everything below it. A missing
/// `name` is not an error. A symbolic link or file at `name` is unlinked.
pub(crate) fn remove_tree(parent: impl AsFd, name: &OsStr) -> io::Result<()> {
    let parent = parent.as_fd();
    let root = match open_dir(parent, name) {
        Ok(fd) => fd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        // Not a directory (or a link to one): unlink it.
        Err(e) if is_not_a_dir(&e) => {
            return ignore_missing(rfs::unlinkat(parent, name, AtFlags::empty()));
        }
        Err(e) => return Err(e),
    };
    let mut cur = root;
    let mut stack = vec![enter(&cur, name.to_os_string())?];
    loop {
        let frame = stack.last_mut().expect("a frame while walking");
        if let Some(sub) = frame.pending.pop() {
            match open_dir(&cur, &sub) {
                Ok(child) => {
                    let frame = enter(&child, sub)?;
                    cur = child;
                    stack.push(frame);
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                // It was replaced by a file or link since it was listed.
                Err(e) if is_not_a_dir(&e) => {
                    ignore_missing(rfs::unlinkat(&cur, &sub, AtFlags::empty()))?
                }
                Err(e) => return Err(e),
            }
            continue;
        }
        // `cur` is empty: climb to its parent and remove it there.
        let done = stack.pop().expect("the frame just looked at");
        match stack.last() {
            None => {
                drop(cur);
                return ignore_missing(rfs::unlinkat(parent, &done.name, AtFlags::REMOVEDIR));
            }
            Some(up_frame) => {
                let up = open_dir(&cur, OsStr::new(".."))?;
                if identity(&up)? != up_frame.id {
                    return Err(io::Error::other(
                        "the directory tree moved while it was being removed",
                    ));
                }
                cur = up;
                ignore_missing(rfs::unlinkat(&cur, &done.name, AtFlags::REMOVEDIR))?;
            }
        }
    }
}

/// Reads `dir` once: unlinks everything but subdirectories, which it returns.
fn enter(dir: &OwnedFd, name: OsString) -> io::Result<Frame> {
    let id = identity(dir)?;
    let mut pending = Vec::new();
    let entries = rfs::Dir::read_from(dir)?;
    for entry in entries {
        let entry = entry?;
        let entry_name = entry.file_name().to_bytes();
        if entry_name == b"." || entry_name == b".." {
            continue;
        }
        let entry_name = OsStr::from_bytes(entry_name).to_os_string();
        let is_dir = match entry.file_type() {
            FileType::Directory => true,
            FileType::Unknown => match rfs::statat(dir, &entry_name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => FileType::from_raw_mode(st.st_mode) == FileType::Directory,
                Err(rustix::io::Errno::NOENT) => continue,
                Err(e) => return Err(e.into()),
            },
            _ => false,
        };
        if is_dir {
            pending.push(entry_name);
        } else {
            ignore_missing(rfs::unlinkat(dir, &entry_name, AtFlags::empty()))?;
        }
    }
    Ok(Frame { name, id, pending })
}

fn open_dir(parent: impl AsFd, name: &OsStr) -> io::Result<OwnedFd> {
    Ok(rfs::openat(
        parent,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn identity(fd: &OwnedFd) -> io::Result<(u64, u64)> {
    let st = rfs::fstat(fd)?;
    // `st_dev` is an i32 on macOS, a u64 on Linux: only equality matters.
    #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
    Ok((st.st_dev as u64, u64::from(st.st_ino)))
}

fn is_not_a_dir(e: &io::Error) -> bool {
    matches!(
        rustix::io::Errno::from_io_error(e),
        Some(rustix::io::Errno::NOTDIR | rustix::io::Errno::LOOP)
    )
}

fn ignore_missing(result: rustix::io::Result<()>) -> io::Result<()> {
    match result {
        Err(rustix::io::Errno::NOENT) => Ok(()),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_a_tree_deeper_than_any_descriptor_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let top = rfs::open(
            tmp.path(),
            OFlags::RDONLY | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .unwrap();
        rfs::mkdirat(&top, "deep", Mode::from_raw_mode(0o755)).unwrap();
        let mut cur = open_dir(&top, OsStr::new("deep")).unwrap();
        for i in 0..5_000 {
            rfs::mkdirat(&cur, "d", Mode::from_raw_mode(0o755)).unwrap();
            if i % 100 == 0 {
                let f = rfs::openat(
                    &cur,
                    "f",
                    OFlags::CREATE | OFlags::WRONLY,
                    Mode::from_raw_mode(0o644),
                )
                .unwrap();
                drop(f);
                rfs::symlinkat("/etc", &cur, "link").unwrap();
            }
            cur = open_dir(&cur, OsStr::new("d")).unwrap();
        }
        drop(cur);
        remove_tree(&top, OsStr::new("deep")).unwrap();
        assert!(!tmp.path().join("deep").exists());
        // The link's target is untouched.
        assert!(std::path::Path::new("/etc/passwd").exists());
    }

    #[test]
    fn a_link_to_a_directory_is_unlinked_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("target")).unwrap();
        std::fs::write(tmp.path().join("target/keep"), b"x").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("target"), tmp.path().join("link")).unwrap();
        let top = rfs::open(
            tmp.path(),
            OFlags::RDONLY | OFlags::DIRECTORY,
            Mode::empty(),
        )
        .unwrap();
        remove_tree(&top, OsStr::new("link")).unwrap();
        assert!(tmp.path().join("target/keep").exists());
        assert!(!tmp.path().join("link").exists());
        remove_tree(&top, OsStr::new("missing")).unwrap();
    }
}
