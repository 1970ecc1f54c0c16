//! evil-symlink-escape (adversarial test plugin): tries to leave the
//! environment directory through symlinks and `..`:
//!   1. create `<env-dir>/escape -> /etc` and read `<env-dir>/escape/passwd`;
//!   2. the same with a relative link, `<env-dir>/escape-rel -> ../../../etc`
//!      (enough `..` to reach `/`);
//!   3. list `<env-dir>/../..`.
//! The sandbox must deny every step: the hook then fails with
//! "... denied: <error>" for each. If any step gets through, it returns Ok(()).
//!
//! Symlinks are made with the raw WASI 0.2 call `symlink-at` (the `wasip2`
//! crate), because std's `std::os::wasi::fs::symlink_path` is unstable.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;
use wasip2::filesystem::preopens::get_directories;

struct EvilSymlinkEscape;

/// Creates `<env-dir>/<name> -> <target>` through the env dir's preopen.
fn symlink(env_dir: &str, target: &str, name: &str) -> Result<(), String> {
    let dirs = get_directories();
    let (dir, _) = dirs
        .iter()
        .find(|(_, path)| path.trim_end_matches('/') == env_dir)
        .ok_or_else(|| format!("no preopened directory for {env_dir}"))?;
    dir.symlink_at(target, name)
        .map_err(|e| e.name().to_string())
}

/// Follows `<env-dir>/<name>/passwd`; Ok(()) means the escape worked.
fn escape_through(env_dir: &str, target: &str, name: &str) -> Result<(), String> {
    symlink(env_dir, target, name)
        .map_err(|e| format!("creating symlink {env_dir}/{name} -> {target} denied: {e}"))?;
    let path = format!("{env_dir}/{name}/passwd");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {path} denied: {e}"))?;
    host::log(
        Level::Error,
        &format!("read {} bytes of {path}", text.len()),
    );
    Ok(())
}

impl Guest for EvilSymlinkEscape {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let env_dir = ctx.env_dir.trim_end_matches('/');
        let depth = env_dir.split('/').filter(|c| !c.is_empty()).count();
        let relative = format!("{}etc", "../".repeat(depth));

        let mut denied = Vec::new();
        for (target, name) in [("/etc", "escape"), (relative.as_str(), "escape-rel")] {
            match escape_through(env_dir, target, name) {
                Ok(()) => return Ok(()),
                Err(e) => denied.push(e),
            }
        }

        let grandparent = format!("{env_dir}/../..");
        match std::fs::read_dir(&grandparent) {
            Ok(entries) => {
                let names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                host::log(Level::Error, &format!("listed {grandparent}: {names:?}"));
                return Ok(());
            }
            Err(e) => denied.push(format!("listing {grandparent} denied: {e}")),
        }
        Err(denied.join("; "))
    }
}

export!(EvilSymlinkEscape);
