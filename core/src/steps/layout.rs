//! The steps that lay out the environment's tree, as CPython's `EnvBuilder`
//! does on POSIX: directories, the git ignore file, the interpreter links.

use std::path::Path;

use crate::context::Context;
use crate::envfs::EntryKind;

/// The interpreter files are made executable for everyone, as CPython's `chmod(0o755)`.
const EXE_MODE: u32 = 0o755;

/// Creates the env dir's skeleton: include, site-packages, the `lib64 -> lib`
/// link (64-bit POSIX but macOS), and bin. Existing symlinked dirs are refused.
pub fn ensure_directories(ctx: &Context) -> anyhow::Result<()> {
    let info = &ctx.interpreter.info;
    ctx.fs.ensure_dir(&ctx.layout.include)?;
    ctx.fs.ensure_dir(&ctx.layout.site_packages)?;
    if info.is_64bit && info.os_name == "posix" && info.platform != "darwin" {
        // CPython only adds it when nothing named lib64 exists (bpo-21643).
        if ctx.fs.entry(Path::new("lib64"))? == EntryKind::Missing {
            ctx.fs.symlink(Path::new("lib"), Path::new("lib64"))?;
        }
    }
    ctx.fs.ensure_dir(&ctx.layout.bin)?;
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
pub fn create_git_ignore_file(ctx: &Context) -> anyhow::Result<()> {
    let text = "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n";
    ctx.fs
        .write_file(Path::new(".gitignore"), text.as_bytes(), None)
}

/// The names CPython adds next to the interpreter: `python`, `python3`, and
/// from 3.9 on `python3.X`, each a relative link to (or copy of) the interpreter.
pub fn interpreter_names(ctx: &Context) -> Vec<String> {
    let mut names = vec!["python".to_owned(), "python3".to_owned()];
    if ctx.interpreter.info.at_least(9) {
        names.push(format!("python3.{}", ctx.interpreter.info.minor()));
    }
    names
}

/// Links (or copies, with `--copies`) the base interpreter into bin.
pub fn setup_python(ctx: &Context) -> anyhow::Result<()> {
    let how = if ctx.options.symlinks {
        Placement::Link
    } else {
        Placement::Copy
    };
    place_interpreter(ctx, how, Role::Main, &ctx.executable, &ctx.layout.env_exe)?;
    for name in interpreter_names(ctx) {
        let rel = ctx.layout.bin.join(&name);
        // CPython leaves an existing name alone; a dangling link we replace
        // instead of (as CPython would) copying through it.
        let present = match ctx.fs.entry(&rel)? {
            EntryKind::Missing => false,
            EntryKind::Symlink => !is_dangling(ctx, &rel)?,
            EntryKind::File | EntryKind::Dir => true,
        };
        if !present {
            place_interpreter(ctx, how, Role::Alias, Path::new(&ctx.python_exe), &rel)?;
        }
    }
    Ok(())
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

/// `--symlinks` or `--copies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    Link,
    Copy,
}

/// The interpreter itself (linked to the base) or one of its other names
/// (linked to the interpreter, relatively).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Main,
    Alias,
}

/// Makes `rel` a link to `target`, or a copy of the base interpreter.
fn place_interpreter(
    ctx: &Context,
    how: Placement,
    role: Role,
    target: &Path,
    rel: &Path,
) -> anyhow::Result<()> {
    if how == Placement::Link {
        match ctx.fs.entry(rel)? {
            EntryKind::Missing => return ctx.fs.symlink(target, rel),
            EntryKind::Symlink => {
                // Re-point a link left by an older base (`--upgrade` after the base moved).
                if role == Role::Main && ctx.fs.read_link(rel)? != target {
                    ctx.fs.remove(rel)?;
                    return ctx.fs.symlink(target, rel);
                }
                if role == Role::Alias {
                    ctx.fs.remove(rel)?;
                    return ctx.fs.symlink(target, rel);
                }
                return Ok(());
            }
            // CPython's symlink attempt fails on an existing file and it copies instead.
            EntryKind::File => {}
            EntryKind::Dir => anyhow::bail!("{} is a directory", ctx.env_dir.join(rel).display()),
        }
    }
    ctx.fs.copy_in(&ctx.executable, rel, EXE_MODE)
}
