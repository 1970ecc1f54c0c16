//! The default implementation of each step, as CPython's `EnvBuilder` does it on POSIX.

use std::path::{Path, PathBuf};

use super::{Context, EnvBuilder};
use crate::envfs::Entry;
use crate::scripts::{replace_variables, SCRIPT_MODE, TEMPLATES};

/// The interpreter files are made executable for everyone, as CPython's `chmod(0o755)`.
const EXE_MODE: u32 = 0o755;

/// Creates the env dir's skeleton: include, site-packages, the `lib64 -> lib`
/// link (64-bit POSIX but macOS), and bin. Existing symlinked dirs are refused.
pub fn ensure_directories(_builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let info = &ctx.interpreter.info;
    ctx.fs.ensure_dir(ctx.rel(&ctx.inc_path))?;
    ctx.fs.ensure_dir(ctx.rel(&ctx.lib_path))?;
    if info.is_64bit && info.os_name == "posix" && info.platform != "darwin" {
        // CPython only adds it when nothing named lib64 exists (bpo-21643).
        if ctx.fs.entry(Path::new("lib64"))? == Entry::Missing {
            ctx.fs.symlink(Path::new("lib"), Path::new("lib64"))?;
        }
    }
    ctx.fs.ensure_dir(ctx.rel(&ctx.bin_path))?;
    Ok(())
}

/// `.gitignore` that makes git ignore the whole environment (CPython 3.13).
pub fn create_git_ignore_file(_builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let text = "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n";
    ctx.fs
        .write_file(Path::new(".gitignore"), text.as_bytes(), None)
}

pub fn create_configuration(builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let text = crate::config::render(&builder.options, ctx, ctx.system_site_packages.get());
    ctx.fs
        .write_file(ctx.rel(&ctx.cfg_path), text.as_bytes(), None)
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
pub fn setup_python(builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let symlinks = builder.options.symlinks;
    let env_exe = ctx.rel(&ctx.env_exe).to_path_buf();
    place(ctx, symlinks, &ctx.executable, &env_exe, true)?;
    for name in interpreter_names(ctx) {
        let rel: PathBuf = ctx.rel(&ctx.bin_path).join(&name);
        // CPython leaves an existing name alone; a dangling link we replace
        // instead of (as CPython would) copying through it.
        let present = match ctx.fs.entry(&rel)? {
            Entry::Missing => false,
            Entry::Symlink => !is_dangling(ctx, &rel)?,
            Entry::File | Entry::Dir => true,
        };
        if !present {
            place(ctx, symlinks, Path::new(&ctx.python_exe), &rel, false)?;
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

/// Makes `rel` a link to `target`, or a copy of the base interpreter.
fn place(
    ctx: &Context,
    symlinks: bool,
    target: &Path,
    rel: &Path,
    is_main: bool,
) -> anyhow::Result<()> {
    if symlinks {
        match ctx.fs.entry(rel)? {
            Entry::Missing => return ctx.fs.symlink(target, rel),
            Entry::Symlink => {
                // Re-point a link left by an older base (`--upgrade` after the base moved).
                if is_main && ctx.fs.read_link(rel)? != target {
                    ctx.fs.remove(rel)?;
                    return ctx.fs.symlink(target, rel);
                }
                if !is_main {
                    ctx.fs.remove(rel)?;
                    return ctx.fs.symlink(target, rel);
                }
                return Ok(());
            }
            // CPython's symlink attempt fails on an existing file and it copies instead.
            Entry::File => {}
            Entry::Dir => anyhow::bail!("{} is a directory", ctx.env_dir.join(rel).display()),
        }
    }
    ctx.fs.copy_in(&ctx.executable, rel, EXE_MODE)
}

/// Writes the activation scripts into bin.
pub fn setup_scripts(_builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let bin = ctx.rel(&ctx.bin_path).to_path_buf();
    for template in TEMPLATES {
        let text = replace_variables(template.text, ctx, template.shell);
        ctx.fs.write_file(
            &bin.join(template.file_name),
            text.as_bytes(),
            Some(SCRIPT_MODE),
        )?;
    }
    Ok(())
}
