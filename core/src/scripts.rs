//! Activation scripts: this project's own templates (in `scripts/templates/`),
//! filled the way CPython's `install_scripts` fills its placeholders, except
//! that each value is escaped for the shell that reads it, so an env path with
//! spaces, quotes or `$` cannot break (or inject into) the script.

use std::path::Path;

use crate::context::Context;

/// The shells we write activation scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // PowerShell is that shell's name
pub enum Shell {
    /// bash, zsh, dash, ksh: `source bin/activate`.
    Posix,
    Fish,
    Csh,
    Nushell,
    PowerShell,
    /// cmd.exe: `call Scripts\activate.bat`.
    Batch,
}

/// One script installed into the env's bin directory.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub file_name: &'static str,
    pub shell: Shell,
    pub text: &'static str,
}

/// Every script CPython installs on POSIX or Windows, plus `activate.nu`;
/// the plan says which of them an environment gets.
pub const TEMPLATES: &[Template] = &[
    Template {
        file_name: "activate",
        shell: Shell::Posix,
        text: include_str!("scripts/templates/activate"),
    },
    Template {
        file_name: "activate.fish",
        shell: Shell::Fish,
        text: include_str!("scripts/templates/activate.fish"),
    },
    Template {
        file_name: "activate.csh",
        shell: Shell::Csh,
        text: include_str!("scripts/templates/activate.csh"),
    },
    Template {
        file_name: "activate.nu",
        shell: Shell::Nushell,
        text: include_str!("scripts/templates/activate.nu"),
    },
    Template {
        file_name: "Activate.ps1",
        shell: Shell::PowerShell,
        text: include_str!("scripts/templates/Activate.ps1"),
    },
    Template {
        file_name: "activate.bat",
        shell: Shell::Batch,
        text: include_str!("scripts/templates/activate.bat"),
    },
    Template {
        file_name: "deactivate.bat",
        shell: Shell::Batch,
        text: include_str!("scripts/templates/deactivate.bat"),
    },
];

/// The mode CPython's scripts get (it copies the mode of its 0644 sources).
pub const SCRIPT_MODE: u32 = 0o644;

/// Escapes `value` for the quoting each template puts placeholders in:
/// single quotes for sh, fish, csh and PowerShell, double quotes for nushell.
pub fn escape(shell: Shell, value: &str) -> String {
    match shell {
        Shell::Posix => value.replace('\'', r"'\''"),
        Shell::Fish => value.replace('\\', r"\\").replace('\'', r"\'"),
        Shell::Csh => value.replace('\'', r"'\''").replace('!', r"\!"),
        Shell::Nushell => value.replace('\\', r"\\").replace('"', "\\\""),
        Shell::PowerShell => value.replace('\'', "''"),
        // Inside `set "NAME=value"` only `%` (variable expansion) needs doubling.
        Shell::Batch => value.replace('%', "%%"),
    }
}

/// The values CPython's placeholders stand for.
#[derive(Debug, Clone, Copy)]
pub struct Placeholders<'a> {
    pub env_dir: &'a Path,
    pub env_name: &'a str,
    pub prompt: &'a str,
    pub bin_name: &'a str,
    pub env_exe: &'a Path,
}

impl<'a> Placeholders<'a> {
    pub fn of(ctx: &'a Context) -> Placeholders<'a> {
        Placeholders {
            env_dir: &ctx.env_dir,
            env_name: &ctx.env_name,
            prompt: &ctx.prompt,
            bin_name: &ctx.bin_name,
            env_exe: &ctx.env_exe,
        }
    }
}

/// CPython's `replace_variables`, with per-shell escaping.
pub fn replace_variables(text: &str, values: Placeholders<'_>, shell: Shell) -> String {
    let dir = values.env_dir.to_string_lossy();
    let python = values.env_exe.to_string_lossy();
    [
        ("__VENV_DIR__", dir.as_ref()),
        ("__VENV_NAME__", values.env_name),
        ("__VENV_PROMPT__", values.prompt),
        ("__VENV_BIN_NAME__", values.bin_name),
        ("__VENV_PYTHON__", python.as_ref()),
    ]
    .into_iter()
    .fold(text.to_owned(), |text, (placeholder, value)| {
        text.replace(placeholder, &escape(shell, value))
    })
}

/// CPython's `setup_scripts`: writes the activation scripts into bin.
pub fn setup_scripts(ctx: &Context) -> anyhow::Result<()> {
    for name in &ctx.plan.scripts {
        let Some(template) = TEMPLATES.iter().find(|t| t.file_name == *name) else {
            continue;
        };
        let mut text = replace_variables(template.text, Placeholders::of(ctx), template.shell);
        if template.shell == Shell::Batch {
            // cmd.exe reads batch files line by line with CRLF endings.
            text = text.replace('\n', "\r\n");
        }
        ctx.fs.write_file(
            &ctx.layout.bin.join(template.file_name),
            text.as_bytes(),
            Some(SCRIPT_MODE),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_for_each_quote_style() {
        assert_eq!(escape(Shell::Posix, "a'b"), r"a'\''b");
        assert_eq!(escape(Shell::Fish, r"a\'b"), r"a\\\'b");
        assert_eq!(escape(Shell::Csh, "a!'b"), r"a\!'\''b");
        assert_eq!(escape(Shell::Nushell, r#"a"\b"#), r#"a\"\\b"#);
        assert_eq!(escape(Shell::PowerShell, "a'b"), "a''b");
    }

    #[test]
    fn every_template_uses_placeholders() {
        for t in TEMPLATES.iter().filter(|t| t.file_name != "deactivate.bat") {
            assert!(
                t.text.contains("__VENV_DIR__"),
                "{} never names the env dir",
                t.file_name
            );
        }
    }
}
