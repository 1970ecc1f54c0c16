//! Environments that move. An environment made by this tool, CPython's
//! `venv`, virtualenv or uv names its own path in a few places: the
//! activation scripts, the `#!` lines of the launchers in `bin/` (pip's and
//! every console script pip installed, each listed with its hash in a
//! `RECORD`), `command =` in pyvenv.cfg, and now and then a link or a `.pth`
//! file. After `mv`, `cp -a` or `rsync` those still name the old place.
//!
//! [`plan`] reads an environment and lists what has to change for it to be
//! consistent with where it is now ([`Mode::Here`]), or to name no path at
//! all ([`Mode::Relocatable`], what `--relocatable` creates and what
//! [`pack`] writes); [`apply`] makes the changes through [`EnvDir`], one
//! atomic replacement per file, never writing through a link.
//!
//! - `env.rs`: [`Env::open`];
//! - `walk.rs`: the tree, read once;
//! - `discover.rs`: the paths it was made or last repaired at;
//! - `rewrite.rs`: replacing those mentions in text;
//! - `planner.rs`: what changes, file kind by file kind;
//! - `pack.rs`: `--pack`.
//!
//! [`EnvDir`]: crate::envfs::EnvDir

mod discover;
mod env;
pub mod pack;
mod planner;
mod rewrite;
mod walk;

use std::path::{Path, PathBuf};

use crate::error::VenvError;
pub use env::Env;
use planner::Planner;
use walk::Walked;

/// What the environment should be consistent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Its current path (a relocatable environment stays relocatable).
    Here,
    /// No path at all: it works wherever it is put.
    Relocatable,
}

/// One change to one entry of the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// New contents for a file (created if missing), with this mode.
    Write {
        /// The whole new contents.
        bytes: Vec<u8>,
        /// Its permission bits.
        mode: u32,
    },
    /// The symlink re-pointed.
    Relink {
        /// The new target.
        target: PathBuf,
    },
}

/// Why a file changes, for `--dry-run` and `-v`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// An activation script written anew for the new place.
    ActivationScript,
    /// A shell the environment had no script for.
    ActivationScriptAdded,
    /// A launcher re-headed to run the interpreter where it is now.
    Launcher,
    /// Other text in `bin/`.
    NamesThePath,
    /// `command =` in pyvenv.cfg.
    ConfigCommand,
    /// `relocatable = true` in pyvenv.cfg.
    ConfigRelocatable,
    /// A `.pth` file.
    PathConfiguration,
    /// The hook that makes pip write relocatable launchers.
    PipHook,
    /// A link that pointed into the old place.
    Link,
    /// `RECORD` rows of the files rewritten.
    RecordHashes,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::ActivationScript => "activation script",
            Reason::ActivationScriptAdded => "activation script, added",
            Reason::Launcher => "launcher",
            Reason::NamesThePath => "names the path",
            Reason::ConfigCommand => "command names the path",
            Reason::ConfigRelocatable => "relocatable = true, no command",
            Reason::PathConfiguration => "path configuration names the path",
            Reason::PipHook => "makes pip write relocatable launchers",
            Reason::Link => "link into the environment",
            Reason::RecordHashes => "hashes of rewritten launchers",
        })
    }
}

/// One entry to change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative to the environment.
    pub path: PathBuf,
    /// What changes.
    pub edit: Edit,
    /// Why.
    pub reason: Reason,
}

/// Everything that has to change, and what cannot be helped.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The environment's path as given (absolute).
    pub env: PathBuf,
    /// Paths the environment names that are not its own: where it was made
    /// or last repaired.
    pub old_paths: Vec<String>,
    /// Whether the environment is (or becomes) relocatable.
    pub relocatable: bool,
    /// Every change, in the order they are applied.
    pub changes: Vec<Change>,
    /// What names an absolute path and is left alone (a `.pth` pointing at
    /// a project, a text file that cannot be made relocatable).
    pub notes: Vec<String>,
    /// Files that make the environment depend on paths outside it (an
    /// editable install, a `.pth` naming a directory elsewhere), one line
    /// each: they work only where those paths exist.
    pub outside: Vec<String>,
}

impl Plan {
    /// Nothing to change: the environment is consistent with where it is.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The change for `rel`, if any.
    pub fn change(&self, rel: &Path) -> Option<&Change> {
        self.changes.iter().find(|c| c.path == rel)
    }
}

/// Lists what has to change for `env` to be consistent with `mode`.
pub fn plan(env: &Env, mode: Mode) -> Result<Plan, VenvError> {
    plan_walked(env, &walk_env(env)?, mode)
}

/// The tree of `env`, read once.
pub(crate) fn walk_env(env: &Env) -> Result<Walked, VenvError> {
    walk::walk(env.dir()).map_err(|e| VenvError::Relocate {
        what: "read",
        env: env.root.clone(),
        reason: e.to_string(),
    })
}

/// [`plan`] on a tree already walked (`--pack` walks once).
pub(crate) fn plan_walked(env: &Env, walked: &Walked, mode: Mode) -> Result<Plan, VenvError> {
    let relocatable = mode == Mode::Relocatable || env.cfg.relocatable;
    let own = env.own_paths();
    let old_paths = discover::old_paths(env, walked, &own)?;
    // The roots whose mentions are rewritten: the old ones, and in a
    // relocatable environment our own too.
    let mut roots: Vec<String> = old_paths.clone();
    if relocatable {
        roots.extend(own.iter().cloned());
    }
    // Longest first, so that /a/env-2 is tried before /a/env.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let mut planner = Planner {
        env,
        walked,
        new_root: env.root.to_string_lossy().into_owned(),
        relocatable,
        plan: Plan {
            env: env.root.clone(),
            old_paths,
            relocatable,
            changes: Vec::new(),
            notes: Vec::new(),
            outside: Vec::new(),
        },
        roots,
    };
    planner.outside(&own)?;
    if planner.roots.is_empty() && !relocatable {
        return Ok(planner.plan);
    }
    planner.bin()?;
    planner.cfg();
    planner.site_packages()?;
    planner.links();
    planner.records(&own)?;
    let mut plan = planner.plan;
    plan.changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

/// Makes the changes of `plan`, one atomic replacement per file.
pub fn apply(env: &Env, plan: &Plan) -> Result<(), VenvError> {
    for change in &plan.changes {
        let result = match &change.edit {
            Edit::Write { bytes, mode } => env.fs.write_file(&change.path, bytes, Some(*mode)),
            Edit::Relink { target } => env.fs.replace_symlink(target, &change.path),
        };
        result.map_err(|e| VenvError::Relocate {
            what: "repair",
            env: env.root.clone(),
            reason: format!("{}: {e:#}", change.path.display()),
        })?;
    }
    Ok(())
}

/// Whether an environment is consistent with where it is, in one line,
/// and the files that tie it to paths outside it.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// Whether the environment is consistent with its location.
    pub consistent: bool,
    /// The one line `--check` prints.
    pub line: String,
    /// Files that tie it to paths outside it (editable installs, `.pth` files).
    pub outside: Vec<String>,
}

/// `--check`: does anything in the environment name a path it is not at?
pub fn check(path: &Path) -> Result<Verdict, VenvError> {
    let env = Env::open(path)?;
    let plan = plan(&env, Mode::Here)?;
    let root = env.root.display();
    let kind = if plan.relocatable {
        "relocatable"
    } else {
        "consistent with its location"
    };
    // What the environment lacks is no inconsistency: a shell it has no
    // script for (uv writes no activate.csh into a relocatable
    // environment), our pip hook in one made relocatable by another tool.
    let wrong: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| !matches!(c.reason, Reason::ActivationScriptAdded | Reason::PipHook))
        .collect();
    let outside = plan.outside.clone();
    let Some(first) = wrong.first() else {
        let line = match outside.len() {
            0 => format!("{root}: {kind}"),
            n => format!(
                "{root}: {kind}, but {n} file(s) name paths outside it, which must exist wherever it goes:"
            ),
        };
        return Ok(Verdict {
            consistent: true,
            line,
            outside,
        });
    };
    let files = wrong.len();
    let first = first.path.display();
    let repair = shell_word(&env.root.to_string_lossy());
    let line = match plan.old_paths.first() {
        Some(old) => format!(
            "{root}: moved from {old}: {files} file(s) name the old path (first: {first}); run `venv --repair {repair}`"
        ),
        None => format!(
            "{root}: not relocatable: {files} file(s) name its path (first: {first}); run `venv --repair {repair}`"
        ),
    };
    Ok(Verdict {
        consistent: false,
        line,
        outside,
    })
}

/// `word` quoted for a POSIX shell where it needs to be.
fn shell_word(word: &str) -> String {
    shlex::try_quote(word).map_or_else(|_| word.to_owned(), |q| q.into_owned())
}
