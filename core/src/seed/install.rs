//! Placing cached wheels into one environment, as pip's wheel installer
//! would leave them: the files, the console scripts (with this env's
//! interpreter in the shebang) and a RECORD listing every file it installed.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use super::entry::SeedEntry;
use crate::context::{Context, LinkMode};
use crate::envfs::EntryKind;
use crate::launcher::{self, Interp};
use crate::record;
use crate::report::{Event, PlaceMethod as Method};

/// [`install`] for wheels that are not the base interpreter's own (a
/// seeder's): refused before anything is placed when any file, console
/// script or metadata directory of theirs is already in the environment
/// (pip, its launchers, the interpreters), or belongs to two of them.
pub(crate) fn install_new(ctx: &Context, entries: &[SeedEntry]) -> anyhow::Result<()> {
    let mut seen = std::collections::HashSet::new();
    for entry in entries {
        let meta = &entry.meta;
        let site = &ctx.layout.site_packages;
        let files = meta
            .files
            .iter()
            .chain(&meta.compiled)
            .map(|f| site.join(&f.path));
        let scripts = meta
            .scripts
            .iter()
            .map(|(name, _)| ctx.layout.bin.join(name));
        for rel in files.chain(scripts).chain([site.join(&meta.dist_info)]) {
            if !seen.insert(rel.clone()) || ctx.fs.entry(&rel)? != EntryKind::Missing {
                anyhow::bail!(
                    "{} {}: {} is already in the environment; a seeded wheel may only add files",
                    meta.name,
                    meta.version,
                    ctx.env_dir.join(&rel).display()
                );
            }
        }
    }
    install(ctx, entries)
}

/// Places the cached `entries` into the env's site-packages by the link mode
/// of the options, then writes each one's launchers and RECORD.
pub(crate) fn install(ctx: &Context, entries: &[SeedEntry]) -> anyhow::Result<()> {
    let mode = ctx.options.link_mode;
    let site_rel = &ctx.layout.site_packages;
    ctx.fs.ensure_dir(site_rel)?;
    let site = ctx.fs.cap_dir().open_dir(site_rel)?;
    let first = match mode {
        LinkMode::Auto | LinkMode::Clone => Method::Clone,
        LinkMode::Hardlink => Method::Hardlink,
        LinkMode::Copy => Method::Copy,
        LinkMode::Symlink => Method::Symlink,
    };
    let started = std::time::Instant::now();
    let mut placed = 0usize;
    let mut used = first;
    for entry in entries {
        let cache = Dir::open_ambient_dir(&entry.root, ambient_authority()).map_err(|e| {
            anyhow::anyhow!("cannot open cache entry {}: {e}", entry.root.display())
        })?;
        // Directories level by level (parents before children), then the files,
        // each phase spread over a few threads: on most filesystems the cost is
        // per-syscall latency, which parallelises well.
        let mut levels: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for dir in &entry.meta.dirs {
            levels
                .entry(dir.matches('/').count())
                .or_default()
                .push(dir);
        }
        let lib_path = &ctx.lib_path;
        for dirs in levels.values() {
            parallel(dirs, |dir| match site.create_dir(dir) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && is_real_dir(&site, dir) => {
                    Ok(())
                }
                Err(e) => Err(anyhow::anyhow!(
                    "cannot create {}: {e}",
                    lib_path.join(dir).display()
                )),
            })?;
        }
        let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for f in entry.meta.files.iter().chain(&entry.meta.compiled) {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            by_dir.entry(dir).or_default().push(name);
        }
        let groups: Vec<(&str, Vec<&str>)> = by_dir.into_iter().collect();
        // Learn on the first file what works here (clone? same filesystem?), then go wide.
        let (dir0, names0) = &groups[0];
        let placer0 = Placer::open(&cache, &site, dir0, &entry.root, mode)?;
        used = placer0.place(names0[0], first, &mut |reason| {
            ctx.report(Event::PlaceFallback { reason })
        })?;
        let method = used;
        parallel(&groups, |(dir, names)| {
            let placer = Placer::open(&cache, &site, dir, &entry.root, mode)?;
            let skip = usize::from(dir == dir0);
            for name in &names[skip..] {
                placer.place(name, method, &mut |_| {})?;
            }
            Ok(())
        })?;
        placed += groups.iter().map(|(_, n)| n.len()).sum::<usize>();
    }
    ctx.report(Event::FilesPlaced {
        count: placed,
        method: used,
        elapsed: started.elapsed(),
    });
    for entry in entries {
        write_scripts_and_record(ctx, entry)?;
    }
    Ok(())
}

/// Runs `work` on every item using up to four threads; the first error wins.
fn parallel<T: Sync>(
    items: &[T],
    work: impl Fn(&T) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
        .min(items.len());
    if threads <= 1 {
        return items.iter().try_for_each(work);
    }
    let next = AtomicUsize::new(0);
    let error = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() || error.lock().map(|e| e.is_some()).unwrap_or(true) {
                    break;
                }
                if let Err(e) = work(&items[i]) {
                    if let Ok(mut slot) = error.lock() {
                        slot.get_or_insert(e);
                    }
                }
            });
        }
    });
    match error.into_inner().ok().flatten() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn is_real_dir(dir: &Dir, rel: &str) -> bool {
    dir.symlink_metadata(rel).is_ok_and(|m| m.is_dir())
}

/// One directory of a cache entry and its counterpart in the env.
struct Placer {
    src: Dir,
    dst: Dir,
    /// `src` as a path, for symlink targets.
    src_dir: PathBuf,
    mode: LinkMode,
}

impl Placer {
    fn open(cache: &Dir, site: &Dir, dir: &str, root: &Path, mode: LinkMode) -> io::Result<Placer> {
        let (src, dst) = if dir.is_empty() {
            (cache.try_clone()?, site.try_clone()?)
        } else {
            (cache.open_dir(dir)?, site.open_dir(dir)?)
        };
        Ok(Placer {
            src,
            dst,
            src_dir: root.join(dir),
            mode,
        })
    }

    /// Places one file, returning the method to use for the next one (a
    /// fallback is explained to `fallback`). Whatever already sits at the
    /// destination is replaced (pip overwrites; we never write through a link).
    fn place(
        &self,
        name: &str,
        method: Method,
        fallback: &mut dyn FnMut(String),
    ) -> anyhow::Result<Method> {
        let (src, dst) = (&self.src, &self.dst);
        match place_once(src, dst, &self.src_dir, name, method) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if dst.symlink_metadata(name)?.is_dir() {
                    anyhow::bail!("{name} is a directory in the environment");
                }
                dst.remove_file(name)?;
                self.place(name, method, fallback)
            }
            Err(e)
                if method == Method::Hardlink
                    && is_cross_device(&e)
                    && self.mode != LinkMode::Copy =>
            {
                fallback(
                    "cache and environment are on different filesystems; copying instead of hard-linking"
                        .to_owned(),
                );
                self.place(name, Method::Copy, fallback)
            }
            Err(e) if method == Method::Clone => {
                let _ = dst.remove_file(name);
                let next = if self.mode == LinkMode::Auto && !is_cross_device(&e) {
                    Method::Hardlink
                } else {
                    Method::Copy
                };
                fallback(format!("cannot clone files here ({e}); using {next:?}"));
                self.place(name, next, fallback)
            }
            Err(e) => Err(e.into()),
            Ok(()) => Ok(method),
        }
    }
}

fn place_once(src: &Dir, dst: &Dir, src_dir: &Path, name: &str, method: Method) -> io::Result<()> {
    match method {
        Method::Hardlink => src.hard_link(name, dst, name),
        Method::Clone => clone(src, dst, name),
        Method::Copy => copy(src, dst, name),
        Method::Symlink => crate::os::symlink_in(dst, &src_dir.join(name), Path::new(name)),
    }
}

fn is_cross_device(e: &io::Error) -> bool {
    crate::os::is_cross_device(e)
}

/// Copies contents, mode and modification time (byte-code files check the source's mtime).
fn copy(src: &Dir, dst: &Dir, name: &str) -> io::Result<()> {
    let mut from = src.open(name)?.into_std();
    let meta = from.metadata()?;
    let mut to = dst
        .open_with(
            name,
            cap_std::fs::OpenOptions::new().write(true).create_new(true),
        )?
        .into_std();
    io::copy(&mut from, &mut to)?;
    finish(&to, &meta)
}

fn clone(src: &Dir, dst: &Dir, name: &str) -> io::Result<()> {
    let from = src.open(name)?.into_std();
    let meta = from.metadata()?;
    let to = dst
        .open_with(
            name,
            cap_std::fs::OpenOptions::new().write(true).create_new(true),
        )?
        .into_std();
    crate::os::clone_file(&to, &from)?;
    finish(&to, &meta)
}

fn finish(to: &std::fs::File, meta: &std::fs::Metadata) -> io::Result<()> {
    to.set_permissions(meta.permissions())?;
    to.set_times(std::fs::FileTimes::new().set_modified(meta.modified()?))
}

fn write_scripts_and_record(ctx: &Context, entry: &SeedEntry) -> anyhow::Result<()> {
    let meta = &entry.meta;
    // pip's scripts are created with the default mode plus r-x for everyone.
    let script_mode = (0o666 & !crate::os::umask()) | 0o555;
    let bin_from_site = crate::paths::relative(&ctx.lib_path, &ctx.bin_path)
        .to_string_lossy()
        .into_owned();
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (name, spec) in &meta.scripts {
        let text = launcher::script_text(launcher_interp(ctx), &meta.script_template, spec);
        ctx.fs.write_file(
            &ctx.layout.bin.join(name),
            text.as_bytes(),
            Some(script_mode),
        )?;
        rows.push((
            format!("{}/{name}", bin_from_site),
            record::hash(text.as_bytes()),
            text.len().to_string(),
        ));
    }
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
        text.push_str(&record::format_row(&path, &hash, &size));
        text.push_str("\r\n");
    }
    let rel = ctx.layout.site_packages.join(&record_path);
    ctx.fs.write_file(&rel, text.as_bytes(), None)
}

/// What this env's launchers run: its interpreter by path, or, in a
/// relocatable env, the one beside the launcher.
pub(crate) fn launcher_interp(ctx: &Context) -> Interp<'_> {
    launcher::interp_for(&ctx.env_exec_cmd, ctx.options.relocatable)
}
