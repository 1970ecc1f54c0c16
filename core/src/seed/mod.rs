//! Putting pip into the environment.
//!
//! The native route (default) installs the very wheels the base's ensurepip
//! bundles, the way pip installs them, without running pip: each wheel is
//! unpacked and byte-compiled once per interpreter into the cache
//! ([`entry`]), then placed into each env by hard link, clone, copy or
//! symlink, with console scripts and a RECORD written per env ([`install`]).
//! The ensurepip route ([`ensurepip`]) is CPython's, kept as the fallback.

pub(crate) mod ensurepip;
pub(crate) mod entry;
pub(crate) mod install;
pub(crate) mod wheel;

use crate::context::{Context, Seeder};
use crate::report::Event;

pub(crate) use ensurepip::upgrade_dependencies;

/// CPython's `_setup_pip`, by the route the options choose.
pub(crate) fn setup_pip(ctx: &Context) -> anyhow::Result<()> {
    let info = &ctx.interpreter.info;
    // pip's Windows launchers are .exe trampolines (distlib's) that pip
    // builds itself: there, pip installs pip (ensurepip, as CPython does).
    let native_possible = !info.bundled_wheels.is_empty() && !info.is_windows();
    let seeder = ctx.options.seeder;
    match seeder {
        Seeder::Ensurepip => ensurepip::run_ensurepip(ctx),
        Seeder::Native if info.is_windows() => anyhow::bail!(
            "native seeding writes POSIX launchers; on Windows pip's .exe launchers come from ensurepip: use --seeder ensurepip (the default there)"
        ),
        Seeder::Native if !native_possible => anyhow::bail!(
            "{} bundles no wheels for ensurepip, so pip cannot be seeded natively; use --seeder ensurepip",
            ctx.interpreter.path.display()
        ),
        Seeder::Auto if !native_possible => ensurepip::run_ensurepip(ctx),
        Seeder::Auto | Seeder::Native => {
            let mut entries = Vec::new();
            for wheel in &info.bundled_wheels {
                match entry::ensure(
                    &ctx.cache,
                    wheel,
                    &ctx.interpreter,
                    &ctx.reporter,
                    bytecode(ctx),
                ) {
                    Ok(e) => entries.push(e),
                    // A wheel we cannot lay out like pip would (e.g. with a .data dir): let pip do it.
                    Err(err) if seeder == Seeder::Auto && err.is::<wheel::Unsupported>() => {
                        ctx.report(Event::SeedFallback {
                            reason: format!("{err:#}"),
                        });
                        return ensurepip::run_ensurepip(ctx);
                    }
                    Err(err) => return Err(err),
                }
            }
            install::install(ctx, &entries)?;
            copy_env_wheels(ctx)
        }
    }
}

/// Whether pip's files come with byte-code (ensurepip's way) or without
/// (`--no-compile`).
pub(crate) fn bytecode(ctx: &Context) -> entry::Bytecode {
    if ctx.options.no_compile {
        entry::Bytecode::Sources
    } else {
        entry::Bytecode::Compiled
    }
}

/// What Debian's PyPy ensurepip also does: copy the system's wheels into
/// `ENV/share/python-wheels`, where Debian's pip looks for its debundled
/// dependencies.
fn copy_env_wheels(ctx: &Context) -> anyhow::Result<()> {
    let mode = 0o666 & !crate::os::umask();
    for wheel in &ctx.plan.wheel_copies {
        let rel = std::path::Path::new(&wheel.path);
        if let Some(parent) = rel.parent() {
            ctx.fs.ensure_dir(parent)?;
        }
        if let crate::plan::Source::Copy(from) = &wheel.source {
            ctx.fs.copy_in(from, rel, mode)?;
            ctx.report(Event::Copied {
                path: wheel.path.clone(),
                from: from.clone(),
                bytes: std::fs::metadata(from).map(|m| m.len()).unwrap_or(0),
            });
        }
    }
    Ok(())
}
