//! Removing a directory tree at any depth, without following links.
//!
//! A recursive removal holds one descriptor (and one stack frame) per level,
//! so a tree a hundred thousand levels deep, which a plugin can build in a
//! few seconds, exhausts either before it is gone. This walk holds one
//! directory open at a time: it reads each directory once, unlinks its
//! files and links, remembers its subdirectories by name, and climbs back
//! through `..`, checking each time that `..` is the directory it came from
//! (device and inode), so a tree moved during the walk makes it stop with an
//! error rather than remove something else.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::remove_tree;

/// Windows: cap-std's recursive removal, which deletes a link (or
/// junction) rather than what it points to.
#[cfg(not(unix))]
pub(crate) fn remove_tree(
    parent: &cap_std::fs::Dir,
    name: &std::ffi::OsStr,
) -> std::io::Result<()> {
    match parent.symlink_metadata(name) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => parent.remove_dir_all(name),
        Ok(_) => parent.remove_file(name),
    }
}
