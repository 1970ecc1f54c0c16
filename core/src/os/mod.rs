//! What differs between the operating systems this crate builds for, in one
//! place: permission bits, ownership, locks, renames, links, clones. Linux
//! and macOS share the POSIX side (rustix); Windows gets the nearest
//! equivalent, or an `Unsupported` error that callers treat as "not here".

use std::io;
use std::path::Path;

use cap_std::fs::Dir;

mod bounded;
pub(crate) use bounded::{open_bounded, read_bounded, Opened};

/// The process umask, read without changing it (Linux reports it in /proc;
/// elsewhere the usual 022 is assumed).
pub(crate) fn umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_owned()))
            })
            .and_then(|v| u32::from_str_radix(&v, 8).ok())
            .unwrap_or(0o022)
    })
}

/// Sets exact permission bits (Windows has none to set).
pub(crate) fn set_mode(file: &std::fs::File, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (file, mode);
        Ok(())
    }
}

/// [`set_mode`] by path.
pub(crate) fn set_path_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// The permission bits (Windows: 0o755 for anything, as Python reports).
pub(crate) fn mode(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0o755
    }
}

/// Whether a file found on PATH can be run.
pub(crate) fn is_executable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        meta.is_file() && mode(meta) & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Owned by this user and writable by no one else (Windows: the file
/// system's ACLs decide; a per-user profile directory is assumed private).
pub(crate) fn is_private(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.uid() == rustix::process::geteuid().as_raw() && meta.mode() & 0o022 == 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// How many hard links a file has (1 where the platform cannot tell).
pub(crate) fn link_count(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Why [`is_private`] said no.
pub(crate) fn not_private_reason(path: &Path, meta: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.uid() != rustix::process::geteuid().as_raw() {
            return format!("{} is owned by uid {}", path.display(), meta.uid());
        }
    }
    format!(
        "{} is writable by others (mode {:o})",
        path.display(),
        mode(meta)
    )
}

/// Sticky (mode 1777 style shared directories).
pub(crate) fn is_sticky(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o1000 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// `mkdir` with mode 0700 (`recursive` for `-p`).
pub(crate) fn create_private_dir(dir: &Path, recursive: bool) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(recursive);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// The numbers that change when a file is replaced or modified: device,
/// inode, size and modification time (Windows: size and times only).
/// What changes whenever a file's contents do, and cannot be set back by
/// its owner: [`file_identity`] plus the inode's change time, which the
/// kernel sets to "now" on every write, `chmod`, `utime` or rename. `None`
/// where the platform has no such time (Windows).
pub(crate) fn change_stamp(meta: &std::fs::Metadata) -> Option<[u64; 7]> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let [dev, ino, size, mtime, mtime_ns] = file_identity(meta);
        Some([
            dev,
            ino,
            size,
            mtime,
            mtime_ns,
            meta.ctime() as u64,
            meta.ctime_nsec() as u64,
        ])
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

pub(crate) fn file_identity(meta: &std::fs::Metadata) -> [u64; 5] {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        [
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime() as u64,
            meta.mtime_nsec() as u64,
        ]
    }
    #[cfg(not(unix))]
    {
        let nanos = |t: io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64)
        };
        [
            0,
            nanos(meta.created()),
            meta.len(),
            nanos(meta.modified()),
            0,
        ]
    }
}

/// A lock held while it lives.
#[cfg(unix)]
pub(crate) type Lock = std::os::fd::OwnedFd;
#[cfg(not(unix))]
pub(crate) type Lock = ();

/// An exclusive, non-blocking lock on `dir` (a descriptor of its own, which
/// holds the lock until dropped), or `None` if another process holds it.
/// (cap-std's handles are `O_PATH`, which `flock` refuses.) Windows: no
/// lock; a directory in use cannot be removed there anyway.
pub(crate) fn lock_dir(dir: &Dir) -> Option<Lock> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, Mode, OFlags};
        let fd = rustix::fs::openat(
            dir,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive).ok()?;
        Some(fd)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Some(())
    }
}

/// A lock on the file at `path` (created 0600 if missing), shared or
/// exclusive, waiting for it; held until dropped. `None` when the file
/// cannot be opened or locked. Windows: no lock (as [`lock_dir`]).
pub(crate) fn lock_file(path: &Path, exclusive: bool) -> Option<Lock> {
    #[cfg(unix)]
    {
        use rustix::fs::{FlockOperation, Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::CREATE | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .ok()?;
        let op = if exclusive {
            FlockOperation::LockExclusive
        } else {
            FlockOperation::LockShared
        };
        rustix::fs::flock(&fd, op).ok()?;
        Some(fd)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, exclusive);
        Some(())
    }
}

/// An exclusive, non-blocking lock on an open file (its own descriptor,
/// held until dropped), or `None` if another process holds it.
pub(crate) fn lock_open_file(file: &std::fs::File) -> Option<Lock> {
    #[cfg(unix)]
    {
        use rustix::fs::FlockOperation;
        let fd = file.try_clone().ok()?;
        rustix::fs::flock(&fd, FlockOperation::NonBlockingLockExclusive).ok()?;
        Some(fd.into())
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Some(())
    }
}

/// Owned by this user (Windows: assumed).
pub(crate) fn is_owned(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.uid() == rustix::process::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Where the data of a file with holes is: `Ok(None)` when it has none
/// (every byte allocated), else its data regions as (offset, length), in
/// order; `Err(why)` when it has holes that cannot be mapped here.
pub(crate) fn data_regions(
    file: &std::fs::File,
    size: u64,
) -> Result<Option<Vec<(u64, u64)>>, String> {
    #[cfg(not(unix))]
    {
        // No allocation count to tell a file with holes.
        let _ = (file, size);
        return Ok(None);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata().map_err(|e| e.to_string())?;
        if meta.blocks().saturating_mul(512) >= size {
            return Ok(None);
        }
    }
    #[cfg(any(target_os = "linux", target_os = "macos"))]
    {
        use rustix::fs::{seek, SeekFrom};
        let mut regions = Vec::new();
        let mut at = 0u64;
        while at < size {
            let start = match seek(file, SeekFrom::Data(at)) {
                Ok(start) => start,
                // No data after `at`: the rest is a hole.
                Err(rustix::io::Errno::NXIO) => break,
                Err(e) => return Err(format!("the file system does not report holes: {e}")),
            };
            if start >= size {
                break;
            }
            let end = seek(file, SeekFrom::Hole(start))
                .map_err(|e| format!("the file system does not report holes: {e}"))?
                .min(size);
            regions.push((start, end - start));
            at = end;
        }
        Ok(Some(regions))
    }
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "macos"))))]
    {
        let _ = (file, size);
        Err("holes are not read on this system".to_owned())
    }
}

/// (device, inode): the same pair for every hard link of a file. `None`
/// where the platform does not say (Windows), so no two files are known
/// to be one.
pub(crate) fn inode(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Whether a process with this id exists (anyone's). Windows: assumed
/// alive, so another creator's staging directory is never reclaimed there.
pub(crate) fn process_exists(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Some(pid) = rustix::process::Pid::from_raw(pid as i32) else {
            return false;
        };
        // EPERM means it exists but is someone else's.
        !matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        )
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// How [`rename_at`] treats the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rename {
    /// Fail if it exists.
    NoReplace,
    /// Swap the two atomically; `Unsupported` where the system cannot.
    Exchange,
}

/// Renames `from` to `to` inside `parent`.
pub(crate) fn rename_at(parent: &Dir, from: &Path, to: &Path, how: Rename) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags};
        let flags = match how {
            Rename::NoReplace => RenameFlags::NOREPLACE,
            Rename::Exchange => RenameFlags::EXCHANGE,
        };
        renameat_with(parent, from, parent, to, flags).map_err(|e| {
            if e == rustix::io::Errno::INVAL {
                io::Error::new(
                    io::ErrorKind::Unsupported,
                    "RENAME_EXCHANGE is not supported here",
                )
            } else {
                io::Error::from(e)
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        match how {
            Rename::Exchange => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "no atomic exchange of directories here",
            )),
            Rename::NoReplace => {
                if parent.symlink_metadata(to).is_ok() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
                parent.rename(from, parent, to)
            }
        }
    }
}

/// True for "it exists" (or "it is not empty", which a rename over a
/// directory reports).
pub(crate) fn is_already_exists(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::AlreadyExists {
        return true;
    }
    #[cfg(unix)]
    {
        let code = e.raw_os_error();
        code == Some(rustix::io::Errno::EXIST.raw_os_error())
            || code == Some(rustix::io::Errno::NOTEMPTY.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// True when a link or rename failed because the two paths are on
/// different file systems.
pub(crate) fn is_cross_device(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::XDEV.raw_os_error())
    }
    #[cfg(windows)]
    {
        // ERROR_NOT_SAME_DEVICE
        e.raw_os_error() == Some(17)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = e;
        false
    }
}

/// Makes `to` a copy-on-write clone of `from` (Linux `FICLONE`); elsewhere
/// `Unsupported`, and the caller hard-links or copies instead.
pub(crate) fn clone_file(to: &std::fs::File, from: &std::fs::File) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        rustix::fs::ioctl_ficlone(to, from).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (to, from);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "cloning files is not supported here",
        ))
    }
}

/// The symbolic link `rel -> target` inside `dir`; the target is stored
/// as given and never followed. Windows needs the right to create links
/// (developer mode or elevation); without it this fails and the caller
/// copies instead, as CPython does.
pub(crate) fn symlink_in(dir: &Dir, target: &Path, rel: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        dir.symlink_contents(target, rel)
    }
    #[cfg(windows)]
    {
        dir.symlink_file(target, rel)
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (dir, target, rel);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}
