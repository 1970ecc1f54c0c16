//! The user's shell, for the line printed after a creation: which
//! activation script it reads, the command that reads it, and the script's
//! path quoted so that pasting the line at that shell's prompt runs it.
//! Part of the binary (it is about the user's terminal), not the library.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The shells whose command line is known here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shell {
    /// bash, zsh: `source FILE`.
    BashLike,
    /// sh, dash, ksh and other POSIX shells: `. FILE` (dash has no `source`).
    Posix,
    Fish,
    /// csh, tcsh.
    Csh,
    Nu,
    /// PowerShell (`pwsh`, Windows PowerShell).
    Pwsh,
    /// A shell named in `$SHELL` that reads none of the scripts (xonsh, elvish, ...).
    Other,
}

impl Shell {
    /// From `$SHELL` (the user's login shell); without one, PowerShell on
    /// Windows and a POSIX shell elsewhere.
    pub fn from_env() -> Shell {
        match std::env::var_os("SHELL").filter(|s| !s.is_empty()) {
            Some(path) => Shell::named(&path),
            None if cfg!(windows) => Shell::Pwsh,
            None => Shell::Posix,
        }
    }

    /// The shell a program path names: its file name, without a version
    /// suffix (`bash5`, `zsh-5.9`) or `.exe`.
    pub fn named(path: &OsStr) -> Shell {
        // Either separator: a Windows path names PowerShell on any host.
        let path = path.to_string_lossy().to_lowercase();
        let name = path.rsplit(['/', '\\']).next().unwrap_or_default();
        let name = name.strip_suffix(".exe").unwrap_or(name);
        let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
        match name {
            "bash" | "zsh" => Shell::BashLike,
            "sh" | "dash" | "ash" | "ksh" | "mksh" | "pdksh" | "oksh" | "yash" | "posh"
            | "busybox" => Shell::Posix,
            "fish" => Shell::Fish,
            "csh" | "tcsh" => Shell::Csh,
            "nu" | "nushell" => Shell::Nu,
            "pwsh" | "powershell" | "pwsh-preview" => Shell::Pwsh,
            _ => Shell::Other,
        }
    }

    /// The activation script this shell reads, in the environment's bin directory.
    fn script(self) -> Option<&'static str> {
        Some(match self {
            Shell::BashLike | Shell::Posix => "activate",
            Shell::Fish => "activate.fish",
            Shell::Csh => "activate.csh",
            Shell::Nu => "activate.nu",
            Shell::Pwsh => "Activate.ps1",
            Shell::Other => return None,
        })
    }

    /// The command that activates the script at `path` in this shell, or
    /// `None` when the path cannot be written on one line for it.
    fn command(self, path: &Path) -> Option<String> {
        let path = path.as_os_str();
        match self {
            Shell::BashLike => Some(format!("source {}", quote_bash(path))),
            Shell::Posix => Some(format!(". {}", quote_posix(path.to_str()?)?)),
            Shell::Fish => Some(format!("source {}", quote_fish(path))),
            Shell::Csh => Some(format!("source {}", quote_csh(path.to_str()?)?)),
            Shell::Nu => Some(format!("overlay use {}", quote_nu(path.to_str()?))),
            Shell::Pwsh => Some(run_powershell(path.to_str()?)),
            Shell::Other => None,
        }
    }
}

/// The line printed after creating `env` (as the user named it): the
/// command that activates it in `shell`, or, when there is none, where the
/// scripts are.
pub fn activation_hint(shell: Shell, env: &Path) -> String {
    let bin = env.join(if cfg!(windows) { "Scripts" } else { "bin" });
    let command = shell.script().and_then(|script| {
        let path = bin.join(script);
        // What the shell reads must exist (a plugin may have removed it).
        if !path.is_file() {
            return None;
        }
        shell.command(&not_an_option(path))
    });
    match command {
        Some(command) => format!("Activate with: {command}"),
        None => format!(
            "Activate with the script for your shell in {}",
            bin.display()
        ),
    }
}

/// A relative path that starts with `-` would be read as an option.
fn not_an_option(path: PathBuf) -> PathBuf {
    if path.as_os_str().as_encoded_bytes().starts_with(b"-") {
        Path::new(".").join(path)
    } else {
        path
    }
}

/// Characters no shell here treats specially anywhere in a word.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | ':' | '+' | ',' | '@')
}

fn plain(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_plain)
}

/// POSIX `sh`: single quotes, which keep everything but `'` (written
/// `'\''`); a control character would break the line, so there is no form.
fn quote_posix(text: &str) -> Option<String> {
    if plain(text) {
        return Some(text.to_owned());
    }
    if text.chars().any(char::is_control) {
        return None;
    }
    Some(format!("'{}'", text.replace('\'', "'\\''")))
}

/// bash and zsh: as POSIX, and `$'...'` (bytes as `\xHH`) for what single
/// quotes cannot hold on one line or is not UTF-8.
fn quote_bash(path: &OsStr) -> String {
    if let Some(quoted) = path.to_str().and_then(quote_posix) {
        return quoted;
    }
    let mut out = String::from("$'");
    for chunk in path.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c if c.is_control() => out.push_str(&hex_escapes(c)),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out.push('\'');
    out
}

/// `\xHH` for each byte of `c`'s UTF-8 form.
fn hex_escapes(c: char) -> String {
    let mut buf = [0; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("\\x{b:02x}"))
        .collect()
}

/// fish: single quotes, inside which `\` and `'` are escaped; control
/// characters and bytes that are not UTF-8 as `\xHH` between quoted parts.
fn quote_fish(path: &OsStr) -> String {
    if let Some(text) = path.to_str().filter(|t| plain(t)) {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut open = false;
    let mut set_open = |out: &mut String, want: bool| {
        if open != want {
            out.push('\'');
            open = want;
        }
    };
    for chunk in path.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                set_open(&mut out, false);
                out.push_str(&hex_escapes(c));
                continue;
            }
            set_open(&mut out, true);
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            set_open(&mut out, false);
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    set_open(&mut out, false);
    out
}

/// csh and tcsh: single quotes, with `'` written `'\''` and `!` (history
/// substitution, even inside quotes) written `'\!'`; no form for control
/// characters.
fn quote_csh(text: &str) -> Option<String> {
    if plain(text) {
        return Some(text.to_owned());
    }
    if text.chars().any(char::is_control) {
        return None;
    }
    Some(format!(
        "'{}'",
        text.replace('\'', "'\\''").replace('!', "'\\!'")
    ))
}

/// nushell: a double-quoted string, whose escapes are `\\`, `\"` and
/// `\u{...}` (nothing is interpolated without a leading `$`).
fn quote_nu(text: &str) -> String {
    if plain(text) {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// PowerShell: a plain path runs as it is; otherwise `& '...'`, in which
/// every single-quote character PowerShell knows (`'` and the typographic
/// ones) is doubled.
fn run_powershell(text: &str) -> String {
    if plain(text) {
        return text.to_owned();
    }
    let mut out = String::from("& '");
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shells_are_named_by_their_program() {
        for (path, shell) in [
            ("/bin/bash", Shell::BashLike),
            ("/usr/bin/zsh-5.9", Shell::BashLike),
            ("/bin/dash", Shell::Posix),
            ("/bin/sh", Shell::Posix),
            ("/usr/bin/fish", Shell::Fish),
            ("/bin/tcsh", Shell::Csh),
            ("/usr/local/bin/nu", Shell::Nu),
            ("C:\\Program Files\\PowerShell\\7\\pwsh.exe", Shell::Pwsh),
            ("/usr/bin/xonsh", Shell::Other),
        ] {
            assert_eq!(Shell::named(OsStr::new(path)), shell, "{path}");
        }
    }

    #[test]
    fn paths_are_quoted_for_each_shell() {
        let nasty = "a b 'q\" $HOME \\ !";
        assert_eq!(
            quote_posix(".venv/bin/activate").unwrap(),
            ".venv/bin/activate"
        );
        assert_eq!(quote_posix(nasty).unwrap(), "'a b '\\''q\" $HOME \\ !'");
        assert_eq!(quote_posix("a\nb"), None);
        assert_eq!(quote_bash(OsStr::new("a\nb'")), "$'a\\x0ab\\''");
        assert_eq!(quote_fish(OsStr::new(nasty)), "'a b \\'q\" $HOME \\\\ !'");
        assert_eq!(quote_fish(OsStr::new("a\nb")), "'a'\\x0a'b'");
        assert_eq!(quote_csh(nasty).unwrap(), "'a b '\\''q\" $HOME \\ '\\!''");
        assert_eq!(quote_nu(nasty), "\"a b 'q\\\" $HOME \\\\ !\"");
        assert_eq!(run_powershell("it's ‘x’"), "& 'it''s ‘‘x’’'");
        assert_eq!(
            run_powershell(".venv/bin/Activate.ps1"),
            ".venv/bin/Activate.ps1"
        );
    }

    #[cfg(unix)]
    #[test]
    fn bytes_that_are_not_utf8_are_escaped_where_the_shell_can() {
        use std::os::unix::ffi::OsStrExt;
        let path = OsStr::from_bytes(b"env\xff/bin/activate");
        assert_eq!(quote_bash(path), "$'env\\xff/bin/activate'");
        assert_eq!(quote_fish(path), "'env'\\xff'/bin/activate'");
        assert_eq!(Shell::Csh.command(Path::new(path)), None);
    }
}
