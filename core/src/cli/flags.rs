//! Which flags mean nothing together: the groups (creation, plugins,
//! print-and-exit, existing environments) and the pairs refused, as one
//! table clap checks before anything runs.

/// Flags that only mean something when an environment is created.
const CREATION: &[&str] = &[
    "python",
    "system_site_packages",
    "symlinks",
    "copies",
    "ascii_only",
    "clear",
    "upgrade",
    "without_pip",
    "prompt",
    "upgrade_deps",
    "without_scm_ignore_files",
    "scm_ignore_files",
    "link_mode",
    "seeder",
    "no_relocatable",
    "no_compile",
];

/// The creation flags `--show-config` shows the effect of.
const SHOWN: &[&str] = &[
    "python",
    "prompt",
    "link_mode",
    "seeder",
    "scm_ignore_files",
    "without_scm_ignore_files",
    "no_relocatable",
    "relocatable",
];

/// The plugin flags (they also shape what `--show-policy` shows).
const PLUGINS: &[&str] = &[
    "plugins",
    "plugin_opts",
    "plugin_grants",
    "plugin_memory",
    "plugin_time",
    "plugin_output",
    "plugin_write",
    "plugin_entries",
];

/// Flags that print something and exit, creating nothing.
const PRINTS: &[&str] = &[
    "show_config",
    "show_policy",
    "inspect_plugin",
    "generate_shell_completion",
    "generate_man",
    "cache_info",
    "cache_clean",
];

/// Flags that work on existing environments.
const EXISTING: &[&str] = &["repair", "check", "pack"];

/// Every pair of flags that cannot mean anything together (clap checks a
/// conflict both ways, so each pair is listed once).
pub(super) fn conflicts() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut rules: Vec<(&'static str, Vec<&'static str>)> = vec![
        ("symlinks", vec!["copies"]),
        ("without_scm_ignore_files", vec!["scm_ignore_files"]),
        // pip is what --upgrade-deps upgrades and what --seeder and
        // --link-mode put in.
        (
            "without_pip",
            vec!["upgrade_deps", "seeder", "link_mode", "no_compile"],
        ),
        ("relocatable", vec!["check", "pack"]),
    ];
    for (i, &existing) in EXISTING.iter().enumerate() {
        let mut with: Vec<&str> = EXISTING[i + 1..].to_vec();
        with.extend(CREATION.iter().chain(PLUGINS).chain(PRINTS));
        rules.push((existing, with));
    }
    for (i, &print) in PRINTS.iter().enumerate() {
        let mut with: Vec<&str> = PRINTS[i + 1..].to_vec();
        with.push("dirs");
        // --show-config shows what the defaults and these flags make.
        with.extend(
            ["relocatable"]
                .iter()
                .chain(CREATION)
                .filter(|flag| print != "show_config" || !SHOWN.contains(flag)),
        );
        // --show-policy shows what the plugin flags would resolve to.
        if print != "show_policy" {
            with.extend(PLUGINS);
        }
        rules.push((print, with));
    }
    rules
}
