//! What a hook run against a scratch directory may leave, and how it gets
//! into the environment. SCM and activator hooks never see the environment:
//! they write into an empty scratch directory, and afterwards the host copies
//! in what the closed list of their kind allows, and nothing else:
//!
//! | hook | may create | where | never |
//! |---|---|---|---|
//! | `create-ignore-file` for SCM `s` | one regular file named `.{s}ignore` | the env's top level, over a regular file of that name | anything else (`pip.conf`, `pyvenv.cfg`, a link, a directory) |
//! | `create-activators` | regular files named `activate.EXT`, `activate_NAME.EXT` or `activate-NAME` | `bin/`, never over an existing entry | any other name (`pyvenv.cfg`, `pybuilddir.txt`, `python*._pth`, launchers), a link, a directory |
//!
//! Those names are read by no program the host runs: Python looks beside
//! its executable for `pyvenv.cfg`, `pybuilddir.txt` and `._pth` files, and
//! pip reads `pip.conf` at the env's top, none of which either hook kind can
//! create. Files are copied by streaming (a sparse file is charged at its
//! apparent size while the hook writes it, see `metered_fs`, and never read
//! into memory here).

use std::path::Path;

use super::boundary;
use crate::context::Context;
use crate::envfs::EntryKind;
use crate::error::{Hook, PluginFailure};

/// Which hook's scratch directory is copied in.
#[derive(Clone, Copy, Debug)]
pub(super) enum Imported<'a> {
    /// The ignore file for this SCM, into the env's top level.
    IgnoreFile { scm: &'a str },
    /// Activation scripts, into `bin`.
    Activators,
}

impl Imported<'_> {
    fn hook(self) -> Hook {
        match self {
            Imported::IgnoreFile { .. } => Hook::CreateIgnoreFile,
            Imported::Activators => Hook::CreateActivators,
        }
    }

    /// Whether the closed list of this hook kind holds `name`.
    fn allows(self, name: &str) -> bool {
        match self {
            Imported::IgnoreFile { scm } => name == format!(".{scm}ignore"),
            Imported::Activators => is_activator_name(name),
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Imported::IgnoreFile { .. } => {
                "an SCM hook may only write its SCM's ignore file, `.<scm>ignore`, at the top of the environment"
            }
            Imported::Activators => {
                "an activator hook may only add activation scripts to bin (activate.EXT, activate_NAME.EXT, activate-NAME)"
            }
        }
    }
}

/// `activate.xsh`, `activate_this.py`, `activate-elvish`: an activation
/// script's name. Not `activate` itself (the built-in), nothing with a path
/// separator, and no name Python reads beside its executable.
pub(super) fn is_activator_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("activate") else {
        return false;
    };
    let mut chars = rest.chars();
    let sep_ok = matches!(chars.next(), Some('.' | '_' | '-'));
    let tail = chars.as_str();
    sep_ok
        && !tail.is_empty()
        && tail.len() <= 64
        && tail
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+'))
        && ![".pth", "._pth", ".cfg"].iter().any(|s| name.ends_with(s))
}

/// Copies what a hook wrote into its scratch directory into the env, by the
/// closed list of `what`: regular files at the top level only.
pub(super) fn import_top_files(
    scratch: &Path,
    ctx: &Context,
    what: Imported<'_>,
) -> Result<(), PluginFailure> {
    let hook = what.hook();
    let dest = match what {
        Imported::IgnoreFile { .. } => Path::new(""),
        Imported::Activators => ctx.layout.bin.as_path(),
    };
    let refuse = |what: String, rule| PluginFailure::Refused { what, hook, rule };
    let io = |e: std::io::Error| PluginFailure::Host(e.to_string());
    let mut entries: Vec<_> = std::fs::read_dir(scratch)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    // Everything is checked before anything is copied.
    for entry in &entries {
        let name = entry.file_name();
        let shown = boundary::sanitize(&name.to_string_lossy());
        let meta = entry.metadata().map_err(io)?;
        if !meta.file_type().is_file() {
            return Err(refuse(
                format!("`{shown}`, which is not a regular file"),
                what.rule(),
            ));
        }
        if !name.to_str().is_some_and(|n| what.allows(n)) {
            return Err(refuse(format!("`{shown}`"), what.rule()));
        }
        let in_env = ctx.fs.entry(&dest.join(&name)).map_err(io)?;
        match what {
            Imported::IgnoreFile { .. }
                if !matches!(in_env, EntryKind::Missing | EntryKind::File) =>
            {
                return Err(refuse(
                    format!("`{shown}`"),
                    "the environment has a directory or link of that name",
                ));
            }
            Imported::Activators if in_env != EntryKind::Missing => {
                return Err(refuse(
                    format!("`{shown}`"),
                    "bin already has an entry of that name; an activator may only add files",
                ));
            }
            _ => {}
        }
    }
    for entry in entries {
        let mut file = std::fs::File::open(entry.path()).map_err(io)?;
        ctx.fs
            .write_from(&dest.join(entry.file_name()), &mut file, None)
            .map_err(|e| PluginFailure::Host(super::diagnose::root_cause(&e)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activator_names_are_a_closed_list() {
        for ok in [
            "activate.xsh",
            "activate_this.py",
            "activate-elvish",
            "activate.ps1",
        ] {
            assert!(is_activator_name(ok), "{ok}");
        }
        for bad in [
            "activate",
            "pyvenv.cfg",
            "pybuilddir.txt",
            "python3.12._pth",
            "activate._pth",
            "activate.x._pth",
            "activate.pth",
            "activate.cfg",
            "activatex",
            "activate.",
            "activate./x",
            "pip",
            "python3",
            "Activate.ps1",
        ] {
            assert!(!is_activator_name(bad), "{bad}");
        }
        assert!(Imported::IgnoreFile { scm: "hg" }.allows(".hgignore"));
        for bad in [
            "pip.conf",
            ".gitignore",
            "hgignore",
            ".hgignore.bak",
            "pyvenv.cfg",
        ] {
            assert!(!Imported::IgnoreFile { scm: "hg" }.allows(bad), "{bad}");
        }
    }
}
