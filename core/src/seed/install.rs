//! Placing cached wheels into one environment, as pip's wheel installer
//! would leave them: the files, the console scripts (with this env's
//! interpreter in the shebang) and a RECORD listing every file it installed.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use super::entry::{record_hash, Entry};
use super::LinkMode;
use crate::builder::Context;

/// What the first file taught us about this cache/env pair, so we stop trying what fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Clone,
    Hardlink,
    Copy,
    Symlink,
}

pub fn install(ctx: &Context, entries: &[Entry], mode: LinkMode, verbose: bool) -> anyhow::Result<()> {
    let site_rel = ctx.rel(&ctx.lib_path).to_path_buf();
    ctx.fs.ensure_dir(&site_rel)?;
    let site = ctx.fs.cap_dir().open_dir(&site_rel)?;
    let bin = ctx.fs.cap_dir().open_dir(ctx.rel(&ctx.bin_path))?;
    let mut method = match mode {
        LinkMode::Auto | LinkMode::Clone => Method::Clone,
        LinkMode::Hardlink => Method::Hardlink,
        LinkMode::Copy => Method::Copy,
        LinkMode::Symlink => Method::Symlink,
    };
    let started = std::time::Instant::now();
    let mut placed = 0usize;
    for entry in entries {
        let cache = Dir::open_ambient_dir(&entry.root, ambient_authority())
            .map_err(|e| anyhow::anyhow!("cannot open cache entry {}: {e}", entry.root.display()))?;
        for dir in &entry.meta.dirs {
            match site.create_dir(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_dir(&site, dir) => {}
                Err(e) => anyhow::bail!("cannot create {}: {e}", ctx.lib_path.join(dir).display()),
            }
        }
        // Group by directory so each source and destination directory is opened once.
        let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in entry.meta.files.iter().chain(&entry.meta.compiled) {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            by_dir.entry(dir).or_default().push(name);
        }
        for (dir, names) in by_dir {
            let (src, dst) = if dir.is_empty() {
                (cache.try_clone()?, site.try_clone()?)
            } else {
                (cache.open_dir(dir)?, site.open_dir(dir)?)
            };
            for name in names {
                method = place(&src, &dst, name, method, mode, &entry.root.join(dir), verbose)?;
                placed += 1;
            }
        }
    }
    if verbose {
        eprintln!("venv: placed {placed} files by {method:?} in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    }
    for entry in entries {
        write_scripts_and_record(ctx, &site, &bin, entry)?;
    }
    Ok(())
}

fn is_real_dir(dir: &Dir, rel: &str) -> bool {
    dir.symlink_metadata(rel).is_ok_and(|m| m.is_dir())
}

/// Places one file, returning the method to use for the next one.
fn place(src: &Dir, dst: &Dir, name: &str, method: Method, mode: LinkMode, src_dir: &Path, verbose: bool) -> anyhow::Result<Method> {
    // pip overwrites what is there; we replace it (never write through a link).
    match dst.symlink_metadata(name) {
        Ok(m) if m.is_dir() => anyhow::bail!("{name} is a directory in the environment"),
        Ok(_) => dst.remove_file(name)?,
        Err(_) => {}
    }
    match method {
        Method::Hardlink => match src.hard_link(name, dst, name) {
            Ok(()) => Ok(Method::Hardlink),
            Err(e) if is_cross_device(&e) && mode == LinkMode::Auto || mode == LinkMode::Hardlink && is_cross_device(&e) => {
                if verbose {
                    eprintln!("venv: cache and environment are on different filesystems; copying instead of hard-linking");
                }
                copy(src, dst, name)?;
                Ok(Method::Copy)
            }
            Err(e) => Err(e.into()),
        },
        Method::Clone => match clone(src, dst, name) {
            Ok(()) => Ok(Method::Clone),
            Err(e) => {
                let _ = dst.remove_file(name);
                let next = if mode == LinkMode::Auto && !is_cross_device(&e) { Method::Hardlink } else { Method::Copy };
                if verbose {
                    eprintln!("venv: cannot clone files here ({e}); using {next:?}");
                }
                place(src, dst, name, next, mode, src_dir, verbose)
            }
        },
        Method::Copy => {
            copy(src, dst, name)?;
            Ok(Method::Copy)
        }
        Method::Symlink => {
            dst.symlink_contents(src_dir.join(name), name)?;
            Ok(Method::Symlink)
        }
    }
}

fn is_cross_device(e: &io::Error) -> bool {
    e.raw_os_error() == Some(rustix::io::Errno::XDEV.raw_os_error())
}

/// Copies contents, mode and modification time (byte-code files check the source's mtime).
fn copy(src: &Dir, dst: &Dir, name: &str) -> io::Result<()> {
    let mut from = src.open(name)?.into_std();
    let meta = from.metadata()?;
    let mut to = dst.create(name)?.into_std();
    io::copy(&mut from, &mut to)?;
    finish(&to, &meta)
}

fn clone(src: &Dir, dst: &Dir, name: &str) -> io::Result<()> {
    let from = src.open(name)?.into_std();
    let meta = from.metadata()?;
    let to = dst.create(name)?.into_std();
    rustix::fs::ioctl_ficlone(&to, &from)?;
    finish(&to, &meta)
}

fn finish(to: &std::fs::File, meta: &std::fs::Metadata) -> io::Result<()> {
    to.set_permissions(meta.permissions())?;
    to.set_times(std::fs::FileTimes::new().set_modified(meta.modified()?))
}

/// pip's launcher for a console script: the shebang names this env's
/// interpreter (through /bin/sh when the path has a space or is too long for
/// the kernel's shebang limit), then the import and call of the entry point.
pub fn script_text(python: &Path, spec: &str) -> String {
    let exe = python.to_string_lossy();
    let shebang = if !exe.contains(' ') && exe.len() + 3 <= 127 {
        format!("#!{exe}\n")
    } else {
        let quoted = if exe.contains(' ') { format!("\"{exe}\"") } else { exe.to_string() };
        format!("#!/bin/sh\n'''exec' {quoted} \"$0\" \"$@\"\n' '''\n")
    };
    let (module, func) = spec.split_once(':').map(|(m, f)| (m.trim(), f.trim())).unwrap_or((spec, "main"));
    let import_name = func.split('.').next().unwrap_or(func);
    format!(
        "{shebang}# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module} import {import_name}\n\
         if __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit({func}())\n"
    )
}

fn write_scripts_and_record(ctx: &Context, site: &Dir, bin: &Dir, entry: &Entry) -> anyhow::Result<()> {
    let meta = &entry.meta;
    // pip's scripts are created with the default mode plus r-x for everyone.
    let script_mode = (0o666 & !crate::envfs::umask()) | 0o555;
    let bin_from_site = relative_path(&ctx.lib_path, &ctx.bin_path);
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (name, spec) in &meta.scripts {
        let text = script_text(&ctx.env_exec_cmd, spec);
        ctx.fs.write_file(&ctx.rel(&ctx.bin_path).join(name), text.as_bytes(), Some(script_mode))?;
        rows.push((format!("{}/{name}", bin_from_site), record_hash(text.as_bytes()), text.len().to_string()));
    }
    let _ = bin;
    for f in &meta.files {
        rows.push((f.path.clone(), f.hash.clone(), f.size.to_string()));
    }
    for f in &meta.compiled {
        rows.push((f.path.clone(), String::new(), String::new()));
    }
    let record_path = format!("{}/RECORD", meta.dist_info);
    rows.push((record_path.clone(), String::new(), String::new()));
    rows.sort();
    let mut text = String::new();
    for (path, hash, size) in rows {
        text.push_str(&format!("{},{hash},{size}\r\n", csv_field(&path)));
    }
    let rel = ctx.rel(&ctx.lib_path).join(&record_path);
    let _ = site;
    ctx.fs.write_file(&rel, text.as_bytes(), None)
}

/// Python's csv quoting for a field: quote when it holds a comma, quote or newline.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `os.path.relpath(to, from)` for two absolute, normalised paths.
fn relative_path(from: &Path, to: &Path) -> String {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out.to_string_lossy().into_owned()
}
