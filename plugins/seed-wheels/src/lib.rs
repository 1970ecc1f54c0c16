//! seed-wheels: installs local wheels into every new environment, offline,
//! through the host (which writes them as pip would: files, byte-code,
//! launchers, INSTALLER, RECORD; `pip list` shows them and `pip uninstall`
//! removes them). The example of the seeder hook. It installs every `*.whl`
//! in the directories it is granted to read, or only those named in the
//! option `packages` (comma or space separated distribution names):
//!
//!     venv --plugin seed-wheels.wasm --plugin-grant seed-wheels=read:./wheelhouse ENV_DIR

use venv_plugin::{bail, install_wheel, progress, Context, Result};

/// A distribution name as wheel file names spell it (PEP 427: `-` and `.` become `_`).
fn normalise(name: &str) -> String {
    name.to_ascii_lowercase().replace(['-', '.'], "_")
}

#[venv_plugin::seeder]
fn seed(ctx: &Context) -> Result {
    if ctx.read_dirs.is_empty() {
        bail!("seed-wheels needs a wheel directory: --plugin-grant seed-wheels=read:DIR");
    }
    let wanted: Option<Vec<String>> = ctx.option("packages").map(|list| {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(normalise)
            .collect()
    });
    let mut wheels = Vec::new();
    for dir in &ctx.read_dirs {
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let dist = normalise(name.split('-').next().unwrap_or(""));
            if name.ends_with(".whl") && wanted.as_ref().is_none_or(|w| w.contains(&dist)) {
                wheels.push((dist, format!("{dir}/{name}")));
            }
        }
    }
    wheels.sort();
    for want in wanted.iter().flatten() {
        if !wheels.iter().any(|(dist, _)| dist == want) {
            bail!("no wheel for {want} in {}", ctx.read_dirs.join(", "));
        }
    }
    for (_, wheel) in &wheels {
        let got = install_wheel(wheel)?;
        progress(format!(
            "installed {} {} ({} files)",
            got.name, got.version, got.files
        ));
    }
    Ok(())
}
