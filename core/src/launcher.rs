//! The first lines of a console-script launcher: what pip writes (a shebang
//! naming the interpreter, or a `/bin/sh` trampoline when the path has a
//! space or is too long for the kernel), reading such lines back, and the
//! relocatable form, which runs the interpreter that sits beside the script
//! wherever it has been moved. Also the hook that makes pip itself write the
//! relocatable form in a relocatable environment (`pip_hook.py`).

use std::path::Path;

/// The interpreter a launcher runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interp<'a> {
    /// An absolute path, as pip writes it.
    Fixed(&'a Path),
    /// The file of this name in the launcher's own directory (links to the
    /// launcher resolved): a relocatable environment.
    Beside(&'a str),
}

/// The kernel's limit on a `#!` line on Linux (pip's rule too).
const SHEBANG_MAX: usize = 127;

/// The second line of the relocatable form, around the interpreter's name.
/// `realpath` so that a link to the script (`~/.local/bin/tool`) still finds
/// the environment's interpreter.
const BESIDE_START: &str = "'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")/";
const BESIDE_END: &str = "\" \"$0\" \"$@\"";

/// The launcher's header lines (ending in a newline) for `interp`.
pub(crate) fn header(interp: Interp<'_>) -> String {
    match interp {
        Interp::Fixed(python) => {
            let exe = python.to_string_lossy();
            if !exe.contains(' ') && exe.len() + 3 <= SHEBANG_MAX {
                format!("#!{exe}\n")
            } else {
                let quoted = if exe.contains(' ') {
                    format!("\"{exe}\"")
                } else {
                    exe.to_string()
                };
                format!("#!/bin/sh\n'''exec' {quoted} \"$0\" \"$@\"\n' '''\n")
            }
        }
        Interp::Beside(name) => format!("#!/bin/sh\n{BESIDE_START}{name}{BESIDE_END}\n' '''\n"),
    }
}

/// Whether pip's forms can hold `python`: on a `#!` line (no space, short
/// enough), or inside the trampoline's "..." (which sh expands, and which
/// is also a Python string, where a backslash starts an escape and three
/// single quotes would end it).
pub(crate) fn fixed_ok(python: &Path) -> bool {
    let exe = python.to_string_lossy();
    if exe.contains('\n') {
        return false;
    }
    let plain = !exe.contains(' ') && exe.len() + 3 <= SHEBANG_MAX;
    plain || !exe.contains(['"', '$', '`', '\\', '\''])
}

/// What a launcher in the interpreter's own directory runs: the interpreter
/// by path as pip writes it, or the one beside the launcher when the
/// environment is relocatable or its path is one pip's forms cannot hold
/// (`$`, quotes or a backslash with a space, say).
pub(crate) fn interp_for(python: &Path, relocatable: bool) -> Interp<'_> {
    let name = python
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| beside_name_ok(n));
    match name {
        Some(name) if relocatable || !fixed_ok(python) => Interp::Beside(name),
        _ => Interp::Fixed(python),
    }
}

/// Whether `name` can be named in the relocatable form (inside "...").
pub(crate) fn beside_name_ok(name: &str) -> bool {
    !name.is_empty() && !name.contains(['"', '$', '`', '\\', '\n', '/'])
}

/// A launcher's header, read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// The interpreter's path as written, or its name for the relocatable form.
    pub interpreter: String,
    /// What follows the interpreter on a plain `#!` line (options), verbatim.
    pub args: String,
    pub relocatable: bool,
    /// Where the script proper starts (after the header lines).
    pub body: usize,
}

/// Reads the header of a launcher pip (distlib), virtualenv, uv or we wrote:
/// `#!/abs/python [args]`, or `#!/bin/sh` followed by `'''exec' PYTHON "$0"
/// "$@"` and `' '''`, PYTHON being quoted with `"` or `'`, or bare, or our
/// relocatable form. `None` for anything else (a binary, a shell script).
pub(crate) fn parse(text: &[u8]) -> Option<Parsed> {
    let line_end = |from: usize| {
        text[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| from + i)
    };
    let first_end = line_end(0)?;
    let first = std::str::from_utf8(&text[..first_end]).ok()?;
    let first = first.strip_suffix('\r').unwrap_or(first);
    let rest = first.strip_prefix("#!")?.trim_start();
    if rest == "/bin/sh" {
        let second_end = line_end(first_end + 1)?;
        let second = std::str::from_utf8(&text[first_end + 1..second_end]).ok()?;
        let third_end = line_end(second_end + 1).unwrap_or(text.len());
        let third = std::str::from_utf8(&text[second_end + 1..third_end]).ok()?;
        if third.trim_end() != "' '''" {
            return None;
        }
        let body = (third_end + 1).min(text.len());
        if let Some(name) = second
            .strip_prefix(BESIDE_START)
            .and_then(|s| s.strip_suffix(BESIDE_END))
        {
            return Some(Parsed {
                interpreter: name.to_owned(),
                args: String::new(),
                relocatable: true,
                body,
            });
        }
        let exec = second.strip_prefix("'''exec' ")?;
        let (interpreter, after) = match exec.chars().next()? {
            q @ ('"' | '\'') => {
                let close = exec[1..].find(q)? + 1;
                (&exec[1..close], &exec[close + 1..])
            }
            _ => exec.split_at(exec.find(' ')?),
        };
        if !after.trim_start().starts_with("\"$0\"") || !interpreter.starts_with('/') {
            return None;
        }
        return Some(Parsed {
            interpreter: interpreter.to_owned(),
            args: String::new(),
            relocatable: false,
            body,
        });
    }
    let (interpreter, args) = match rest.find([' ', '\t']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if !interpreter.starts_with('/') {
        return None;
    }
    Some(Parsed {
        interpreter: interpreter.to_owned(),
        args: args.to_owned(),
        relocatable: false,
        body: first_end + 1,
    })
}

/// distlib's launcher template (`ScriptMaker.script_template`), which pips
/// before 26 write; pip 26 has its own. Used only where no pip says which.
pub(crate) const DISTLIB_TEMPLATE: &str = "# -*- coding: utf-8 -*-\nimport re\nimport sys\n\
     from %(module)s import %(import_name)s\nif __name__ == '__main__':\n    \
     sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
     sys.exit(%(func)s())\n";

/// The launcher text pip writes for console script `spec`
/// (`module:function`): the header, then pip's `template` with `module`,
/// `import_name` and `func` filled in as distlib's `%` formatting does.
pub(crate) fn script_text(interp: Interp<'_>, template: &str, spec: &str) -> String {
    let (module, func) = spec
        .split_once(':')
        .map(|(m, f)| (m.trim(), f.trim()))
        .unwrap_or((spec, "main"));
    let import_name = func.split('.').next().unwrap_or(func);
    let mut text = header(interp);
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        text.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let value = [
            ("(module)s", module),
            ("(import_name)s", import_name),
            ("(func)s", func),
            ("%", "%"),
        ]
        .into_iter()
        .find(|(key, _)| rest.starts_with(key));
        match value {
            Some((key, value)) => {
                text.push_str(value);
                rest = &rest[key.len()..];
            }
            None => text.push('%'),
        }
    }
    text.push_str(rest);
    text
}

/// The module a relocatable environment imports at start-up (through
/// [`PIP_HOOK_PTH`]) so that pip writes relocatable launchers.
pub(crate) const PIP_HOOK_MODULE: &str = "_venv_relocatable.py";
pub(crate) const PIP_HOOK_PTH: &str = "_venv_relocatable.pth";
pub(crate) const PIP_HOOK_TEXT: &str = include_str!("launcher/pip_hook.py");
pub(crate) const PIP_HOOK_PTH_TEXT: &str = "import _venv_relocatable\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back() {
        for (interp, name) in [
            (Interp::Fixed(Path::new("/e/bin/python3")), "/e/bin/python3"),
            (
                Interp::Fixed(Path::new("/e f/bin/python3")),
                "/e f/bin/python3",
            ),
            (Interp::Beside("python3.12"), "python3.12"),
        ] {
            let text = script_text(interp, DISTLIB_TEMPLATE, "pip._internal.cli.main:main");
            let parsed = parse(text.as_bytes()).unwrap();
            assert_eq!(parsed.interpreter, name);
            assert_eq!(parsed.relocatable, matches!(interp, Interp::Beside(_)));
            assert!(text[parsed.body..].starts_with("# -*- coding"));
            assert!(text.ends_with(
                "from pip._internal.cli.main import main\nif __name__ == '__main__':\n    \
                 sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    \
                 sys.exit(main())\n"
            ));
        }
        let long = format!("/{}/bin/python", "x".repeat(130));
        let text = header(Interp::Fixed(Path::new(&long)));
        assert!(text.starts_with("#!/bin/sh\n'''exec' /x"));
        assert_eq!(parse(text.as_bytes()).unwrap().interpreter, long);
        let single = "#!/bin/sh\n'''exec' '/a b/python' \"$0\" \"$@\"\n' '''\nbody";
        assert_eq!(parse(single.as_bytes()).unwrap().interpreter, "/a b/python");
        assert_eq!(
            parse(b"#!/usr/bin/python3 -E\nx").unwrap().args,
            " -E".to_owned()
        );
        // `env` is read as the interpreter; it is never under an env's path.
        assert_eq!(
            parse(b"#!/usr/bin/env python\n").unwrap().interpreter,
            "/usr/bin/env"
        );
        assert!(parse(b"#!python\n").is_none());
        assert!(parse(b"\x7fELF").is_none());
    }

    #[test]
    fn the_hook_writes_what_we_write() {
        // pip_hook.py builds the same relocatable lines.
        assert!(PIP_HOOK_TEXT.contains(&BESIDE_START.replace('\\', "\\\\").replace('"', "\\\"")));
    }
}
