//! `venv --show-policy`: the policy in force, where it came from, and what
//! it makes of the other flags given.

use super::{Allow, Policy, Resolved, UserConfig, SYSTEM_POLICY};
use crate::envpython::PassEnv;

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
