//! `pyvenv.cfg`: the keys, order and values CPython's `create_configuration`
//! writes for the base interpreter's version.

use std::path::{Path, PathBuf};

use crate::cache::Cache;
use crate::context::{default_scm_ignore_files, Context};
use crate::error::VenvError;
use crate::interpreter::Interpreter;
use crate::pyrepr::repr_str;

/// Everything `pyvenv.cfg` says.
#[derive(Debug, Clone)]
pub struct PyvenvCfg {
    /// The base interpreter's directory.
    pub home: PathBuf,
    pub include_system_site_packages: bool,
    /// `X.Y.Z` of the base.
    pub version: String,
    pub prompt: Option<String>,
    /// 3.11+: the real base executable and the command that made the env.
    pub executable: Option<PathBuf>,
    pub command: Option<String>,
    /// Keys an implementation adds (GraalPy's `venvlauncher_command`).
    pub extra: Vec<(String, String)>,
    /// `relocatable = true`: made with `--relocatable` (or packed), so
    /// nothing in it names its own path.
    pub relocatable: bool,
}

/// `--upgrade` without `-p`: the base interpreter `env_dir`'s pyvenv.cfg
/// names (`executable`, else `pythonX.Y`, `python3`, `python` in `home`),
/// refused when it is now another minor version. `None` when `env_dir` has
/// no pyvenv.cfg: it is created anew, as CPython would, with the default.
pub fn upgrade_base(env_dir: &Path, cache: &Cache) -> Result<Option<Interpreter>, VenvError> {
    let file = env_dir.join("pyvenv.cfg");
    if !std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let Some(cfg) = std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| PyvenvCfg::parse(&t).ok())
    else {
        return Ok(None);
    };
    let mut parts = cfg.version.split('.');
    let (major, minor) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut candidates: Vec<PathBuf> = cfg.executable.iter().cloned().collect();
    for name in [
        format!("python{major}.{minor}"),
        format!("python{major}"),
        "python".to_owned(),
    ] {
        candidates.push(cfg.home.join(name));
    }
    let was = format!("{major}.{minor}");
    for candidate in candidates {
        if !candidate.is_file() {
            continue;
        }
        let Ok(interp) = Interpreter::load(&candidate, cache) else {
            continue;
        };
        let (m, n, _) = interp.info.version;
        if format!("{m}.{n}") != was {
            return Err(VenvError::UpgradeChangesMinor {
                env: env_dir.to_path_buf(),
                was,
                path: candidate,
                now: interp.info.version_string(),
            });
        }
        return Ok(Some(interp));
    }
    crate::interrupt::check()?;
    Err(VenvError::UpgradeBaseGone {
        env: env_dir.to_path_buf(),
        version: cfg.version,
        home: cfg.home,
    })
}

impl PyvenvCfg {
    /// Reads `pyvenv.cfg` text the way CPython's `site` module does: each
    /// line with a `=` is a key (stripped, lower-cased) and a value
    /// (stripped); other lines are ignored. Later keys win.
    pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim().to_lowercase();
            let value = value.trim().to_owned();
            match pairs.iter_mut().find(|(k, _)| *k == key) {
                Some(pair) => pair.1 = value,
                None => pairs.push((key, value)),
            }
        }
        pairs
    }

    /// The configuration in `text`; `home` and `version` are required.
    pub fn parse(text: &str) -> Result<PyvenvCfg, String> {
        let pairs = Self::parse_pairs(text);
        let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
        let home = get("home").ok_or("no `home` key")?;
        let version = get("version")
            .or_else(|| get("version_info"))
            .ok_or("no `version` key")?;
        let include_system_site_packages = match get("include-system-site-packages").as_deref() {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(other) => {
                return Err(format!(
                    "include-system-site-packages is `{other}`, not true or false"
                ))
            }
        };
        Ok(PyvenvCfg {
            home: PathBuf::from(home),
            include_system_site_packages,
            version,
            prompt: get("prompt").map(|p| crate::pyrepr::unrepr_str(&p)),
            executable: get("executable").map(PathBuf::from),
            command: get("command"),
            extra: Vec::new(),
            relocatable: get("relocatable").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        })
    }

    /// The file's text, keys in CPython's order.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let value = |text: &str| single_line(text);
        out.push_str(&format!(
            "home = {}\n",
            value(&self.home.display().to_string())
        ));
        out.push_str(&format!(
            "include-system-site-packages = {}\n",
            self.include_system_site_packages
        ));
        out.push_str(&format!("version = {}\n", self.version));
        if let Some(prompt) = &self.prompt {
            out.push_str(&format!("prompt = {}\n", repr_str(prompt)));
        }
        if let Some(executable) = &self.executable {
            out.push_str(&format!(
                "executable = {}\n",
                value(&executable.display().to_string())
            ));
        }
        if let Some(command) = &self.command {
            out.push_str(&format!("command = {}\n", value(command)));
        }
        for (key, value) in &self.extra {
            out.push_str(&format!("{} = {}\n", single_line(key), single_line(value)));
        }
        if self.relocatable {
            out.push_str("relocatable = true\n");
        }
        out
    }

    /// What CPython writes for `ctx`. `system_site_packages` is passed
    /// separately because CPython writes the file twice: with `false` until
    /// pip is installed, then with the real value (bpo-24875).
    pub fn for_env(ctx: &Context, system_site_packages: bool) -> PyvenvCfg {
        let info = &ctx.interpreter.info;
        let newer = info.at_least(11);
        PyvenvCfg {
            home: ctx.python_dir.clone(),
            include_system_site_packages: system_site_packages,
            version: info.version_string(),
            prompt: ctx.cfg_prompt.clone(),
            executable: newer.then(|| info.real_executable.clone()),
            extra: ctx.plan.cfg_extra.clone(),
            // `command` names the environment's path, which a relocatable
            // environment must not.
            command: (newer && !ctx.options.relocatable)
                .then(|| command_line(ctx, system_site_packages)),
            relocatable: ctx.options.relocatable,
        }
    }
}

/// CPython's `create_configuration` step.
pub(crate) fn create_configuration(
    ctx: &Context,
    system_site_packages: bool,
) -> anyhow::Result<()> {
    let text = PyvenvCfg::for_env(ctx, system_site_packages).render();
    ctx.fs.write_file(&ctx.layout.cfg, text.as_bytes(), None)
}

/// Whether `c` ends a line for one of pyvenv.cfg's readers: Python's text
/// files (`\n`, `\r`) or `str.splitlines` (which also splits at
/// `\x0b`, `\x0c`, `\x1c`-`\x1e`, U+0085, U+2028 and U+2029).
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// `text` with every line break written as an escape, so a value can never
/// start a line (a key) of its own.
fn single_line(text: &str) -> String {
    if !text.contains(is_line_break) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            c if is_line_break(c) && (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
            c if is_line_break(c) => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// The command that recreates this environment: the program, the base
/// interpreter, then the flags in the order CPython lists them.
fn command_line(ctx: &Context, system_site_packages: bool) -> String {
    let opts = &ctx.options;
    let info = &ctx.interpreter.info;
    let program = opts.program.clone().unwrap_or_else(|| "venv".to_owned());
    let mut args = vec![
        program,
        "--python".to_owned(),
        info.executable.display().to_string(),
    ];
    // Each platform names the flag that departs from its default.
    let nt = info.is_windows();
    if nt && opts.symlinks {
        args.push("--symlinks".into());
    }
    if !nt && !opts.symlinks {
        args.push("--copies".into());
    }
    if !opts.with_pip {
        args.push("--without-pip".into());
    }
    if system_site_packages {
        args.push("--system-site-packages".into());
    }
    if opts.clear {
        args.push("--clear".into());
    }
    if opts.upgrade {
        args.push("--upgrade".into());
    }
    if opts.upgrade_deps {
        args.push("--upgrade-deps".into());
    }
    if let Some(prompt) = opts.prompt.as_arg() {
        args.push(format!("--prompt=\"{prompt}\""));
    }
    let default_scm = default_scm_ignore_files(info);
    if ctx.scm_ignore_files.is_empty() {
        if !default_scm.is_empty() {
            args.push("--without-scm-ignore-files".into());
        }
    } else if ctx.scm_ignore_files != default_scm {
        args.push(format!(
            "--scm-ignore-files={}",
            ctx.scm_ignore_files.join(",")
        ));
    }
    args.push(ctx.env_dir.display().to_string());
    args.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_rendered_parses_back() {
        let cfg = PyvenvCfg {
            home: PathBuf::from("/usr/bin"),
            include_system_site_packages: true,
            version: "3.12.1".into(),
            prompt: Some("it's \"q\"\n".into()),
            executable: Some(PathBuf::from("/usr/bin/python3.12")),
            command: Some("venv --prompt=x /tmp/e".into()),
            extra: Vec::new(),
            relocatable: true,
        };
        let back = PyvenvCfg::parse(&cfg.render()).unwrap();
        assert_eq!(back.home, cfg.home);
        assert!(back.include_system_site_packages);
        assert_eq!(back.prompt, cfg.prompt);
        assert_eq!(back.command, cfg.command);
        assert!(back.relocatable);
        assert!(PyvenvCfg::parse("version = 3.8.0\n").is_err());
        assert_eq!(
            PyvenvCfg::parse_pairs(" Home = /x \n\njunk\nhome=/y\n"),
            [("home".to_owned(), "/y".to_owned())]
        );
    }
}
