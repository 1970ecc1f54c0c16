//! Putting pip into the environment.
//!
//! The native route (default) installs the very wheels the base's ensurepip
//! bundles, the way pip installs them, without running pip: each wheel is
//! unpacked and byte-compiled once per interpreter into the cache
//! ([`entry`]), then placed into each env by hard link, clone, copy or
//! symlink, with console scripts and a RECORD written per env ([`install`]).
//! The ensurepip route ([`ensurepip`]) is CPython's, kept as the fallback.

pub mod ensurepip;
pub mod entry;
pub mod install;
pub mod wheel;

use crate::builder::{Context, EnvBuilder};

pub use ensurepip::{run_env_python, upgrade_dependencies};

/// How files of a cached wheel get into an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LinkMode {
    /// Clone (copy-on-write) where the filesystem can, else hard link; copy across filesystems.
    #[default]
    Auto,
    Hardlink,
    Copy,
    Clone,
    Symlink,
}

/// Which route installs pip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Seeder {
    /// Native when the base bundles wheels, else ensurepip.
    #[default]
    Auto,
    Native,
    Ensurepip,
}

/// CPython's `_setup_pip`, by the route the options choose.
pub fn setup_pip(builder: &EnvBuilder, ctx: &Context) -> anyhow::Result<()> {
    let info = &ctx.interpreter.info;
    let native_possible = !info.bundled_wheels.is_empty();
    match builder.options.seeder {
        Seeder::Ensurepip => ensurepip::run_ensurepip(builder, ctx),
        Seeder::Native if !native_possible => anyhow::bail!(
            "{} bundles no wheels for ensurepip, so pip cannot be seeded natively; use --seeder ensurepip",
            ctx.interpreter.path.display()
        ),
        Seeder::Auto if !native_possible => ensurepip::run_ensurepip(builder, ctx),
        Seeder::Auto | Seeder::Native => {
            let mut entries = Vec::new();
            for wheel in &info.bundled_wheels {
                match entry::ensure(&builder.cache, wheel, &ctx.interpreter, builder.options.verbose) {
                    Ok(e) => entries.push(e),
                    // A wheel we cannot lay out like pip would (e.g. with a .data dir): let pip do it.
                    Err(err) if builder.options.seeder == Seeder::Auto && err.is::<wheel::Unsupported>() => {
                        if builder.options.verbose {
                            eprintln!("venv: {err:#}; using ensurepip");
                        }
                        return ensurepip::run_ensurepip(builder, ctx);
                    }
                    Err(err) => return Err(err),
                }
            }
            install::install(ctx, &entries, builder.options.link_mode, builder.options.verbose)
        }
    }
}
