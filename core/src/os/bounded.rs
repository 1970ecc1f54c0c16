//! Reading a file named by a path that anyone may have replaced by a pipe
//! or a device: never blocking for good, never reading past a bound.

use std::io;
use std::path::Path;

/// Whether `fd` is the null device (the one `/dev/null` names).
#[cfg(unix)]
fn is_dev_null(fd: &impl std::os::fd::AsFd) -> bool {
    let (Ok(this), Ok(null)) = (rustix::fs::fstat(fd), rustix::fs::stat("/dev/null")) else {
        return false;
    };
    this.st_rdev == null.st_rdev
}

/// How long [`read_bounded`] waits for a pipe to deliver more.
#[cfg(unix)]
pub(crate) const PIPE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A file opened by [`open_bounded`].
pub(crate) enum Opened {
    /// A regular file, open for reading (not read yet).
    Regular(std::fs::File),
    /// What a pipe sent until its writer closed it (or `/dev/null`'s nothing).
    #[cfg_attr(not(unix), allow(dead_code))]
    Read(Vec<u8>),
}

/// Opens `path` without ever blocking for good: a regular file is opened;
/// a pipe (FIFO) is read, through the descriptor opened, until its writer
/// closes it, each wait for data bounded by [`PIPE_WAIT`] (opening one with
/// no writer does not wait), at most `max` bytes; anything else (a device,
/// a socket, a directory) is refused.
pub(crate) fn open_bounded(path: &Path, max: u64) -> io::Result<Opened> {
    #[cfg(unix)]
    {
        use rustix::fs::{fcntl_setfl, fstat, open, FileType, Mode, OFlags};
        let fd = open(
            path,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        match FileType::from_raw_mode(fstat(&fd)?.st_mode) {
            FileType::RegularFile => {
                fcntl_setfl(&fd, OFlags::empty())?;
                Ok(Opened::Regular(std::fs::File::from(fd)))
            }
            FileType::Fifo => read_pipe(std::fs::File::from(fd), max).map(Opened::Read),
            FileType::Directory => Err(io::Error::other("it is a directory")),
            // /dev/null reads as empty; no other device is read.
            FileType::CharacterDevice if is_dev_null(&fd) => Ok(Opened::Read(Vec::new())),
            _ => Err(io::Error::other(
                "it is neither a regular file nor a pipe (a device or a socket)",
            )),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = max;
        let file = std::fs::File::open(path)?;
        if !file.metadata()?.is_file() {
            return Err(io::Error::other("it is not a regular file"));
        }
        Ok(Opened::Regular(file))
    }
}

/// A pipe's bytes until its writer closes it, each wait bounded.
#[cfg(unix)]
fn read_pipe(mut file: std::fs::File, max: u64) -> io::Result<Vec<u8>> {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use std::io::Read;
    let wait = Timespec {
        tv_sec: PIPE_WAIT.as_secs() as _,
        tv_nsec: 0,
    };
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let mut fds = [PollFd::new(&file, PollFlags::IN)];
        if poll(&mut fds, Some(&wait))? == 0 {
            return Err(io::Error::other(format!(
                "it is a pipe that sent nothing for {} s",
                PIPE_WAIT.as_secs()
            )));
        }
        match file.read(&mut buf) {
            Ok(0) => return Ok(bytes),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
        if bytes.len() as u64 > max {
            return Err(too_big(max));
        }
    }
}

fn too_big(max: u64) -> io::Error {
    io::Error::other(format!("it is larger than {} KiB", max >> 10))
}

/// Reads at most `max` bytes from `path` as [`open_bounded`] opens it.
/// More than `max` bytes is an error.
pub(crate) fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    match open_bounded(path, max)? {
        Opened::Read(bytes) => Ok(bytes),
        Opened::Regular(file) => {
            let mut bytes = Vec::new();
            file.take(max + 1).read_to_end(&mut bytes)?;
            if bytes.len() as u64 > max {
                return Err(too_big(max));
            }
            Ok(bytes)
        }
    }
}
