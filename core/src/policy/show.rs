//! `venv --show-policy`: the policy in force, where it came from, and what
//! it makes of the other flags given; `venv --show-config`: the defaults in
//! force and where each came from.

use std::path::Path;

use super::{Allow, Defaults, Policy, Resolved, Setting, UserConfig, SYSTEM_POLICY};
use crate::envpython::PassEnv;

/// `venv --show-config`: one line per setting, named as the user config
/// names it, with its value and its source; `python` also says what it
/// finds (`found`), and `cache-dir` where the cache is (`cache`, `None`
/// when it is off).
pub fn describe_defaults(
    config: &UserConfig,
    defaults: &Defaults,
    cache: Option<&Path>,
    found: &str,
) -> String {
    let mut out = match &config.source {
        Some(path) => format!("user config: {}\n", path.display()),
        None => format!(
            "user config: none ({})\n",
            UserConfig::default_path()
                .map_or_else(|| "no HOME".to_owned(), |p| p.display().to_string())
        ),
    };
    let line = |out: &mut String, key: &str, value: String, source: &super::Source| {
        out.push_str(&format!("{key} = {value} ({source})\n"));
    };
    fn or<T>(setting: &Setting<Option<T>>, shown: impl Fn(&T) -> String, none: &str) -> String {
        setting
            .value
            .as_ref()
            .map_or_else(|| none.to_owned(), shown)
    }
    let d = defaults;
    out.push_str(&format!(
        "python = {} ({}), which finds {found}\n",
        or(&d.python, |p| format!("{p:?}"), "python3 on PATH"),
        d.python.source
    ));
    line(
        &mut out,
        "prompt",
        or(
            &d.prompt,
            |p| match p.as_str() {
                "." => "\".\" (the current directory's name)".to_owned(),
                p => format!("{p:?}"),
            },
            "the environment directory's name",
        ),
        &d.prompt.source,
    );
    line(
        &mut out,
        "link-mode",
        format!("{:?}", d.link_mode.value.name()),
        &d.link_mode.source,
    );
    line(
        &mut out,
        "seeder",
        format!("{:?}", d.seeder.value.name()),
        &d.seeder.source,
    );
    line(
        &mut out,
        "scm-ignore-files",
        or(
            &d.scm_ignore_files,
            |list| format!("{list:?}"),
            "git for Python 3.13+, none before",
        ),
        &d.scm_ignore_files.source,
    );
    let cache = match cache {
        Some(root) => format!("{:?}", root.display().to_string()),
        None => "none (nothing is read or kept)".to_owned(),
    };
    line(&mut out, "cache-dir", cache, &d.cache_dir.source);
    line(
        &mut out,
        "relocatable",
        d.relocatable.value.to_string(),
        &d.relocatable.source,
    );
    out
}

/// `venv --show-policy`: the policy in force, where it came from, and the result.
pub fn describe(policy: &Policy, config: &UserConfig, resolved: Option<&Resolved>) -> String {
    let mut out = String::new();
    if policy.layers.is_empty() {
        out.push_str(&format!(
            "policy: none (create {SYSTEM_POLICY}, or set VENV_POLICY to add one)\n"
        ));
    }
    for layer in &policy.layers {
        out.push_str(&format!(
            "policy: {} (from {})\n",
            layer.path.display(),
            layer.origin
        ));
    }
    let allow = match policy.allow() {
        Allow::Any => "any".to_owned(),
        Allow::Pinned => format!(
            "pinned only ({} digests)",
            policy
                .layers
                .iter()
                .filter(|l| l.file.plugins.allow == Allow::Pinned)
                .map(|l| l.file.plugins.pinned.len())
                .min()
                .unwrap_or(0)
        ),
        Allow::None => "none".to_owned(),
    };
    out.push_str(&format!("  user plugins allowed: {allow}\n"));
    for layer in &policy.layers {
        for r in &layer.file.plugins.required {
            let opts: Vec<String> = r.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let path = layer.resolve(&r.path).unwrap_or_else(|_| r.path.clone());
            out.push_str(&format!(
                "  required plugin: {} sha256={} options=[{}] grants=[{}]\n",
                path.display(),
                r.sha256.as_deref().unwrap_or("(none)"),
                opts.join(", "),
                r.grants
                    .iter()
                    .map(|g| g.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let cap = |v: Option<f64>, unit: &str| {
        v.map_or_else(|| "no cap".to_owned(), |v| format!("{v} {unit}"))
    };
    out.push_str(&format!(
        "  limit caps: memory {}, time {}, output {}, writes {}, new entries {}\n",
        cap(policy.cap(|l| l.memory_mib), "MiB"),
        cap(policy.cap(|l| l.time_seconds), "s"),
        cap(policy.cap(|l| l.output_kib), "KiB"),
        cap(policy.cap(|l| l.write_mib), "MiB"),
        cap(policy.cap(|l| l.write_entries), ""),
    ));
    let lists: Vec<String> = policy
        .layers
        .iter()
        .filter_map(|l| l.file.grants.allow.as_ref())
        .map(|list| {
            let list: Vec<String> = list.iter().map(|g| g.to_string()).collect();
            format!("[{}]", list.join(", "))
        })
        .collect();
    let pass = match policy.pass_env() {
        PassEnv::All => "all of the user's".to_owned(),
        PassEnv::Only(names) => format!("only [{}]", names.join(", ")),
    };
    out.push_str(&format!(
        "  environment of programs run for plugins: {pass}\n"
    ));
    if lists.is_empty() {
        out.push_str("  grants allowed to user plugins: any\n");
    } else {
        out.push_str(&format!(
            "  grants allowed to user plugins: {}\n",
            lists.join(" and ")
        ));
    }
    match &config.source {
        Some(path) => out.push_str(&format!(
            "user config: {} ({} plugins)\n",
            path.display(),
            config.file.plugins.len()
        )),
        None => out.push_str(&format!(
            "user config: none ({})\n",
            UserConfig::default_path()
                .map_or_else(|| "no HOME".to_owned(), |p| p.display().to_string())
        )),
    }
    if let Some(r) = resolved {
        out.push_str(&format!(
            "in force: memory {} MiB, time {:.1} s, output {} KiB, writes {} MiB, {} new entries per plugin call\n",
            r.limits.memory_bytes >> 20,
            r.limits.time.as_secs_f64(),
            r.limits.output_bytes >> 10,
            r.limits.write_bytes >> 20,
            r.limits.write_entries
        ));
        for s in &r.specs {
            out.push_str(&format!("  plugin `{}`: {}\n", s.name, s.path.display()));
        }
    }
    out
}
