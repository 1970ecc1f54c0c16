//! The steps that lay out the environment's tree, executing the
//! [`crate::plan`] of it: directories, the git ignore file, the interpreter
//! links or copies.

use std::path::Path;

use crate::context::Context;
use crate::envfs::EntryKind;
use crate::plan::{Entry, Source};
use crate::report::Event;

/// The interpreter files are made executable for everyone, as CPython's `chmod(0o755)`.
const EXE_MODE: u32 = 0o755;

/// Creates the env dir's skeleton from the plan: include, site-packages
/// (and 3.15's platlib), the `lib64 -> lib` link, and bin. Existing
/// symlinked dirs are refused.
pub(crate) fn ensure_directories(ctx: &Context) -> anyhow::Result<()> {
    let plan = &ctx.plan;
    let last = plan.dirs.len().saturating_sub(1);
    for (i, dir) in plan.dirs.iter().enumerate() {
        // CPython makes the link after the library dirs, before bin.
        if i == last && plan.lib64_link {
            // Only when nothing named lib64 exists (bpo-21643).
            if ctx.fs.entry(Path::new("lib64"))? == EntryKind::Missing {
                ctx.fs.symlink(Path::new("lib"), Path::new("lib64"))?;
            }
        }
        ctx.fs.ensure_dir(Path::new(dir))?;
    }
    if ctx.options.relocatable {
        write_pip_hook(ctx)?;
    }
    Ok(())
}

/// A relocatable env gets the hook that makes pip write relocatable
/// launchers, before anything installs pip (ensurepip runs pip too).
fn write_pip_hook(ctx: &Context) -> anyhow::Result<()> {
    use crate::launcher::{PIP_HOOK_MODULE, PIP_HOOK_PTH, PIP_HOOK_PTH_TEXT, PIP_HOOK_TEXT};
    let site = &ctx.layout.site_packages;
    ctx.fs
        .write_file(&site.join(PIP_HOOK_MODULE), PIP_HOOK_TEXT.as_bytes(), None)?;
    ctx.fs
        .write_file(&site.join(PIP_HOOK_PTH), PIP_HOOK_PTH_TEXT.as_bytes(), None)
}

/// `.gitignore` that makes git ignore the whole environment (CPython 3.13).
pub(crate) fn create_git_ignore_file(ctx: &Context) -> anyhow::Result<()> {
    let text = "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n";
    ctx.fs
        .write_file(Path::new(".gitignore"), text.as_bytes(), None)
}

/// Links (or copies, with `--copies`) the base interpreter into bin, as the
/// plan says; on Windows, links that cannot be made are undone and the
/// plan's copies made instead.
pub(crate) fn setup_python(ctx: &Context) -> anyhow::Result<()> {
    let plan = &ctx.plan;
    let mut made: Vec<&Entry> = Vec::new();
    for entry in &plan.executables {
        let rel = Path::new(&entry.path);
        if entry.alias {
            // CPython leaves an existing name alone; a dangling link we replace
            // instead of (as CPython would) copying through it.
            let present = match ctx.fs.entry(rel)? {
                EntryKind::Missing => false,
                EntryKind::Symlink => !is_dangling(ctx, rel)?,
                EntryKind::File | EntryKind::Dir => true,
            };
            if present {
                continue;
            }
        }
        match place(ctx, entry) {
            Ok(()) => made.push(entry),
            Err(err) if !plan.fallback_copies.is_empty() => {
                ctx.report(Event::LinkFallback {
                    reason: format!("cannot link {}: {err:#}", entry.path),
                });
                for done in made {
                    ctx.fs.remove(Path::new(&done.path))?;
                }
                for copy in &plan.fallback_copies {
                    place(ctx, copy)?;
                }
                break;
            }
            Err(err) => return Err(err),
        }
    }
    for entry in &plan.library_copies {
        if ctx.fs.entry(Path::new(&entry.path))? == EntryKind::Missing {
            place(ctx, entry)?;
        }
    }
    Ok(())
}

/// Makes one planned file: a link (re-pointed if it names another target),
/// or a copy (reported, with its size).
pub(crate) fn place(ctx: &Context, entry: &Entry) -> anyhow::Result<()> {
    let rel = Path::new(&entry.path);
    match &entry.source {
        Source::Link(target) => place_link(ctx, rel, target, !entry.alias),
        Source::RelLink(name) => place_link(ctx, rel, Path::new(name), false),
        Source::Copy(from) => {
            ctx.fs.copy_in(from, rel, EXE_MODE)?;
            let bytes = std::fs::metadata(from).map(|m| m.len()).unwrap_or(0);
            ctx.report(Event::Copied {
                path: entry.path.clone(),
                from: from.clone(),
                bytes,
            });
            Ok(())
        }
    }
}

/// The link `rel -> target`. An existing link is replaced; an existing file
/// makes CPython's symlink attempt fail and it copies the base instead.
fn place_link(ctx: &Context, rel: &Path, target: &Path, main: bool) -> anyhow::Result<()> {
    match ctx.fs.entry(rel)? {
        EntryKind::Missing => ctx.fs.symlink(target, rel),
        EntryKind::Symlink => {
            // Re-point a link left by an older base (`--upgrade` after the base moved).
            if !main || ctx.fs.read_link(rel)? != target {
                ctx.fs.remove(rel)?;
                return ctx.fs.symlink(target, rel);
            }
            Ok(())
        }
        // POSIX: CPython's symlink attempt fails on an existing file and it copies instead.
        EntryKind::File if main && !ctx.interpreter.info.is_windows() => {
            ctx.fs.copy_in(&ctx.executable, rel, EXE_MODE)
        }
        // Windows: the failed link sends CPython to its copies (the plan's fallback).
        EntryKind::File if main => {
            anyhow::bail!("{} exists", ctx.env_dir.join(rel).display())
        }
        EntryKind::File => {
            ctx.fs.remove(rel)?;
            ctx.fs.symlink(target, rel)
        }
        EntryKind::Dir => anyhow::bail!("{} is a directory", ctx.env_dir.join(rel).display()),
    }
}

/// True when the symlink at `rel` points at nothing. An absolute target (the
/// base interpreter) is checked on the host; a relative one inside the env.
fn is_dangling(ctx: &Context, rel: &Path) -> anyhow::Result<bool> {
    let target = ctx.fs.read_link(rel)?;
    if target.is_absolute() {
        return Ok(std::fs::metadata(&target).is_err());
    }
    let inside = rel.parent().unwrap_or(Path::new("")).join(&target);
    Ok(match ctx.fs.cap_dir().metadata(&inside) {
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    })
}
