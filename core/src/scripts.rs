//! Activation scripts: this project's own templates (in `scripts/templates/`),
//! filled the way CPython's `install_scripts` fills its placeholders, except
//! that each value is escaped for the shell that reads it, so an env path with
//! spaces, quotes or `$` cannot break (or inject into) the script.

use std::path::Path;

use crate::context::Context;

/// The shells we write activation scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // PowerShell is that shell's name
pub(crate) enum Shell {
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
pub(crate) struct Template {
    pub file_name: &'static str,
    pub shell: Shell,
    /// The script, with a line `__VENV_<SLOT>__` where a [`Slot`] goes.
    pub text: &'static str,
    pub slots: &'static [Slot],
}

/// A part of a script that depends on whether the environment is
/// relocatable. `fixed` is what every non-relocatable script has (the
/// text these lines had before relocatable scripts existed, so those
/// scripts stay as they were).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// The template line it replaces, without its newline.
    pub mark: &'static str,
    pub fixed: &'static str,
    pub relocatable: &'static str,
}

/// How the script finds the environment: the path it was made at, or code
/// that finds it from the script's own location when it is read.
const LOCATE: &str = "__VENV_LOCATE__";
/// Sets `VIRTUAL_ENV_PROMPT`: the text given, or (relocatable, without
/// `--prompt`) the name of the directory found.
const SET_PROMPT: &str = "__VENV_SET_PROMPT__";
/// Puts the prompt text before the shell's prompt: as a literal, or (relocatable)
/// from `VIRTUAL_ENV_PROMPT`.
const SHOW_PROMPT: &str = "__VENV_SHOW_PROMPT__";
/// The end of the script: a label a relocatable csh script jumps to when it
/// cannot find itself.
const END: &str = "__VENV_END__";

/// Every script CPython installs on POSIX or Windows, plus `activate.nu`;
/// the plan says which of them an environment gets.
pub(crate) const TEMPLATES: &[Template] = &[
    Template {
        file_name: "activate",
        shell: Shell::Posix,
        text: include_str!("scripts/templates/activate"),
        slots: &[
            Slot {
                mark: LOCATE,
                fixed: include_str!("scripts/locate/posix.fixed"),
                relocatable: include_str!("scripts/locate/posix.relocatable"),
            },
            Slot {
                mark: SET_PROMPT,
                fixed: "VIRTUAL_ENV_PROMPT='__VENV_PROMPT__'\n",
                relocatable: "VIRTUAL_ENV_PROMPT=${VIRTUAL_ENV##*/}\n",
            },
            Slot {
                mark: SHOW_PROMPT,
                fixed: "    _venv_prefix='(__VENV_PROMPT__) '\n",
                relocatable: "    _venv_prefix=\"($VIRTUAL_ENV_PROMPT) \"\n",
            },
        ],
    },
    Template {
        file_name: "activate.fish",
        shell: Shell::Fish,
        text: include_str!("scripts/templates/activate.fish"),
        slots: &[
            Slot {
                mark: LOCATE,
                fixed: include_str!("scripts/locate/fish.fixed"),
                relocatable: include_str!("scripts/locate/fish.relocatable"),
            },
            Slot {
                mark: SET_PROMPT,
                fixed: "set -gx VIRTUAL_ENV_PROMPT '__VENV_PROMPT__'\n",
                relocatable:
                    "set -gx VIRTUAL_ENV_PROMPT (string replace -r '.*/' '' -- $VIRTUAL_ENV)\n",
            },
            Slot {
                mark: SHOW_PROMPT,
                fixed: "        printf '(%s)' '__VENV_PROMPT__'\n",
                relocatable: "        printf '(%s)' \"$VIRTUAL_ENV_PROMPT\"\n",
            },
        ],
    },
    Template {
        file_name: "activate.csh",
        shell: Shell::Csh,
        text: include_str!("scripts/templates/activate.csh"),
        slots: &[
            Slot {
                mark: LOCATE,
                fixed: include_str!("scripts/locate/csh.fixed"),
                relocatable: include_str!("scripts/locate/csh.relocatable"),
            },
            Slot {
                mark: SET_PROMPT,
                fixed: "setenv VIRTUAL_ENV_PROMPT '__VENV_PROMPT__'\n",
                relocatable: "setenv VIRTUAL_ENV_PROMPT \"${VIRTUAL_ENV:t}\"\n",
            },
            Slot {
                mark: SHOW_PROMPT,
                fixed: "    set prompt=\"(\"'__VENV_PROMPT__'\") $prompt:q\"\n",
                relocatable: "    set prompt=\"(${VIRTUAL_ENV_PROMPT:q}) $prompt:q\"\n",
            },
            Slot {
                mark: END,
                fixed: "",
                relocatable: "venv_activate_end:\n",
            },
        ],
    },
    Template {
        file_name: "activate.nu",
        shell: Shell::Nushell,
        text: include_str!("scripts/templates/activate.nu"),
        slots: &[
            Slot {
                mark: LOCATE,
                fixed: include_str!("scripts/locate/nu.fixed"),
                relocatable: include_str!("scripts/locate/nu.relocatable"),
            },
            Slot {
                mark: SET_PROMPT,
                fixed: "    let prompt_text = \"__VENV_PROMPT__\"\n",
                relocatable: "    let prompt_text = ($venv_dir | path basename)\n",
            },
        ],
    },
    Template {
        file_name: "Activate.ps1",
        shell: Shell::PowerShell,
        text: include_str!("scripts/templates/Activate.ps1"),
        slots: &[
            Slot {
                mark: LOCATE,
                fixed: include_str!("scripts/locate/ps1.fixed"),
                relocatable: include_str!("scripts/locate/ps1.relocatable"),
            },
            Slot {
                mark: SET_PROMPT,
                fixed: "        $Prompt = '__VENV_PROMPT__'\n",
                relocatable: "        $Prompt = Split-Path -Path $VenvDir -Leaf\n",
            },
        ],
    },
    Template {
        file_name: "activate.bat",
        shell: Shell::Batch,
        text: include_str!("scripts/templates/activate.bat"),
        slots: &[],
    },
    Template {
        file_name: "deactivate.bat",
        shell: Shell::Batch,
        text: include_str!("scripts/templates/deactivate.bat"),
        slots: &[],
    },
];

impl Template {
    /// The template for `file_name` in an environment's bin directory:
    /// ours, or another tool's script for the same shell (virtualenv names
    /// its PowerShell script `activate.ps1`).
    pub(crate) fn for_file(file_name: &str) -> Option<&'static Template> {
        TEMPLATES
            .iter()
            .find(|t| t.file_name.eq_ignore_ascii_case(file_name))
    }

    /// The script's text for `values`.
    pub(crate) fn render(&self, values: Placeholders<'_>) -> String {
        let mut text = self.text.to_owned();
        for slot in self.slots {
            // A prompt given with --prompt is fixed text, relocatable or not.
            let named = slot.mark == SET_PROMPT && values.prompt.is_some();
            let part = if values.relocatable && !named {
                slot.relocatable
            } else {
                slot.fixed
            };
            text = text.replace(&format!("{}\n", slot.mark), part);
        }
        replace_variables(&text, values, self.shell)
    }
}

/// The mode CPython's scripts get (it copies the mode of its 0644 sources).
pub(crate) const SCRIPT_MODE: u32 = 0o644;

/// Escapes `value` for the quoting each template puts placeholders in:
/// single quotes for sh, fish, csh and PowerShell, double quotes for nushell.
pub(crate) fn escape(shell: Shell, value: &str) -> String {
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

/// The values CPython's placeholders stand for, and how the script finds
/// the environment.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Placeholders<'a> {
    pub env_dir: &'a Path,
    pub env_name: &'a str,
    /// The prompt given with `--prompt` (`None`: the environment's name).
    pub prompt: Option<&'a str>,
    pub bin_name: &'a str,
    pub env_exe: &'a Path,
    /// Find the environment from the script's own location (`--relocatable`).
    pub relocatable: bool,
}

impl<'a> Placeholders<'a> {
    pub(crate) fn of(ctx: &'a Context) -> Placeholders<'a> {
        Placeholders {
            env_dir: &ctx.env_dir,
            env_name: &ctx.env_name,
            prompt: ctx.cfg_prompt.as_deref(),
            bin_name: &ctx.bin_name,
            env_exe: &ctx.env_exe,
            relocatable: ctx.options.relocatable,
        }
    }
}

/// CPython's `replace_variables`, with per-shell escaping.
pub(crate) fn replace_variables(text: &str, values: Placeholders<'_>, shell: Shell) -> String {
    let dir = values.env_dir.to_string_lossy();
    let python = values.env_exe.to_string_lossy();
    [
        ("__VENV_DIR__", dir.as_ref()),
        ("__VENV_NAME__", values.env_name),
        ("__VENV_PROMPT__", values.prompt.unwrap_or(values.env_name)),
        ("__VENV_BIN_NAME__", values.bin_name),
        ("__VENV_PYTHON__", python.as_ref()),
    ]
    .into_iter()
    .fold(text.to_owned(), |text, (placeholder, value)| {
        text.replace(placeholder, &escape(shell, value))
    })
}

/// CPython's `setup_scripts`: writes the activation scripts into bin.
pub(crate) fn setup_scripts(ctx: &Context) -> anyhow::Result<()> {
    for name in &ctx.plan.scripts {
        let Some(template) = TEMPLATES.iter().find(|t| t.file_name == *name) else {
            continue;
        };
        let mut text = template.render(Placeholders::of(ctx));
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
    fn every_slot_is_in_its_template_once() {
        // The batch scripts have no relocatable form (Windows environments
        // are planned here, not run).
        for t in TEMPLATES.iter().filter(|t| t.shell != Shell::Batch) {
            for slot in t.slots {
                let line = format!("{}\n", slot.mark);
                assert_eq!(
                    t.text.matches(&line).count(),
                    1,
                    "{} {}",
                    t.file_name,
                    slot.mark
                );
            }
            assert!(!t.text.contains("__VENV_DIR__"), "{}", t.file_name);
            let locate = t.slots.iter().find(|s| s.mark == LOCATE).unwrap();
            assert!(locate.fixed.contains("__VENV_DIR__"), "{}", t.file_name);
            assert!(
                !locate.relocatable.contains("__VENV_DIR__"),
                "{}",
                t.file_name
            );
        }
    }

    #[test]
    fn relocatable_scripts_name_no_path() {
        let values = Placeholders {
            env_dir: Path::new("/some/where/env"),
            env_name: "env",
            prompt: None,
            bin_name: "bin",
            env_exe: Path::new("/some/where/env/bin/python3"),
            relocatable: true,
        };
        for t in TEMPLATES.iter().filter(|t| t.shell != Shell::Batch) {
            let text = t.render(values);
            assert!(!text.contains("/some/where"), "{}", t.file_name);
            assert!(!text.contains("__VENV_"), "{}", t.file_name);
        }
    }
}
