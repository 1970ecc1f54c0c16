//! both-hooks: a tiny plugin of the full-plugin world (both hooks), used by
//! the host's tests. Its scm-ignore hook serves "bzr" (`<env-dir>/.bzrignore`);
//! its post-setup hook writes every context field it was given to
//! `<env-dir>/both-hooks.txt`, one `key: value` per line, so a test can check
//! what the host passed.

wit_bindgen::generate!({
    path: "../../wit",
    world: "full-plugin",
});

use exports::venv::plugin::{post_setup, scm_ignore};
use venv::plugin::types::Context;

struct BothHooks;

fn write(path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}

impl scm_ignore::Guest for BothHooks {
    fn supported_scms() -> Vec<String> {
        vec!["bzr".to_string()]
    }

    fn create_ignore_file(scm: String, ctx: Context) -> Result<(), String> {
        if scm != "bzr" {
            return Err(format!(
                "both-hooks only writes ignore files for bzr, not {scm:?}"
            ));
        }
        write(
            &format!("{}/.bzrignore", ctx.env_dir),
            "# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n",
        )
    }
}

impl post_setup::Guest for BothHooks {
    fn post_setup(ctx: Context) -> Result<(), String> {
        let v = &ctx.python_version;
        let b = &ctx.builder;
        let mut out = String::new();
        let mut line = |key: &str, value: &str| {
            out.push_str(key);
            out.push_str(": ");
            out.push_str(value);
            out.push('\n');
        };
        line("env-dir", &ctx.env_dir);
        line("env-name", &ctx.env_name);
        line("prompt", &ctx.prompt);
        line("executable", &ctx.executable);
        line("python-dir", &ctx.python_dir);
        line("python-exe", &ctx.python_exe);
        line("inc-path", &ctx.inc_path);
        line("lib-path", &ctx.lib_path);
        line("bin-path", &ctx.bin_path);
        line("bin-name", &ctx.bin_name);
        line("env-exe", &ctx.env_exe);
        line("env-exec-cmd", &ctx.env_exec_cmd);
        line("cfg-path", &ctx.cfg_path);
        line(
            "python-version",
            &format!("{}.{}.{}", v.major, v.minor, v.micro),
        );
        line("system-site-packages", &b.system_site_packages.to_string());
        line("clear", &b.clear.to_string());
        line("symlinks", &b.symlinks.to_string());
        line("upgrade", &b.upgrade.to_string());
        line("with-pip", &b.with_pip.to_string());
        line("upgrade-deps", &b.upgrade_deps.to_string());
        line("builder-prompt", b.prompt.as_deref().unwrap_or("<none>"));
        for (key, value) in &ctx.options {
            line("option", &format!("{key}={value}"));
        }
        write(&format!("{}/both-hooks.txt", ctx.env_dir), &out)
    }
}

export!(BothHooks);
