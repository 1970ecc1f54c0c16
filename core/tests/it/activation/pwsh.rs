//! PowerShell: bin/Activate.ps1. No PowerShell can be installed here, so the
//! script is checked as text.

use super::harness::*;

/// Scans PowerShell source far enough to find every string literal and check
/// that quotes, braces and parentheses pair up. Returns the decoded
/// single-quoted literals.
fn ps_single_quoted_literals(src: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut literals = Vec::new();
    let mut i = 0;
    let end = ps_scan(&chars, &mut i, None, &mut literals)?;
    assert!(end.is_none());
    Ok(literals)
}

fn ps_scan(
    c: &[char],
    i: &mut usize,
    close: Option<char>,
    lits: &mut Vec<String>,
) -> Result<Option<char>, String> {
    let mut stack: Vec<char> = Vec::new();
    while *i < c.len() {
        let ch = c[*i];
        *i += 1;
        match ch {
            '<' if c.get(*i) == Some(&'#') => {
                let rest: String = c[*i..].iter().collect();
                let n = rest.find("#>").ok_or("unterminated <# comment")?;
                *i += rest[..n].chars().count() + 2;
            }
            '#' => {
                while *i < c.len() && c[*i] != '\n' {
                    *i += 1;
                }
            }
            '`' => *i += 1,
            '\'' => {
                let mut lit = String::new();
                loop {
                    match c.get(*i) {
                        None => return Err("unterminated '...' string".into()),
                        Some('\'') if c.get(*i + 1) == Some(&'\'') => {
                            lit.push('\'');
                            *i += 2;
                        }
                        Some('\'') => {
                            *i += 1;
                            break;
                        }
                        Some(&x) => {
                            lit.push(x);
                            *i += 1;
                        }
                    }
                }
                lits.push(lit);
            }
            '"' => loop {
                match c.get(*i) {
                    None => return Err("unterminated \"...\" string".into()),
                    Some('`') => *i += 2,
                    Some('"') if c.get(*i + 1) == Some(&'"') => *i += 2,
                    Some('"') => {
                        *i += 1;
                        break;
                    }
                    Some('$') if c.get(*i + 1) == Some(&'(') => {
                        *i += 2;
                        ps_scan(c, i, Some(')'), lits)?;
                    }
                    Some(_) => *i += 1,
                }
            },
            '(' | '{' | '[' => stack.push(ch),
            ')' | '}' | ']' => {
                let open = match ch {
                    ')' => '(',
                    '}' => '{',
                    _ => '[',
                };
                match stack.pop() {
                    Some(o) if o == open => {}
                    None if close == Some(ch) => return Ok(Some(ch)),
                    other => return Err(format!("unbalanced {ch:?} (open: {other:?})")),
                }
            }
            _ => {}
        }
    }
    match (close, stack.last()) {
        (None, None) => Ok(None),
        (Some(want), _) => Err(format!("missing {want:?} at end of file")),
        (None, Some(o)) => Err(format!("unclosed {o:?}")),
    }
}

#[test]
fn powershell_script_is_filled_in_and_well_formed() {
    let fx = Fixture::new();
    for (name, prompt) in [(NASTY_NAME, None), ("dir-name", Some("my 'fancy' env"))] {
        let env = fx.create_env(name, prompt);
        let text = std::fs::read_to_string(env.join("bin/Activate.ps1")).unwrap();
        assert!(
            !text.contains("__VENV_"),
            "a placeholder was left in Activate.ps1"
        );
        let literals = ps_single_quoted_literals(&text)
            .unwrap_or_else(|e| panic!("Activate.ps1 for {name:?}: {e}"));
        let env_s = env.display().to_string();
        let prompt = prompt.unwrap_or(name);
        assert!(
            literals.contains(&env_s),
            "no '...' literal decodes to the env dir {env_s:?}: {literals:?}"
        );
        assert!(
            literals.contains(&prompt.to_owned()),
            "no '...' literal decodes to the prompt {prompt:?}"
        );
        assert!(
            literals.contains(&"bin".to_owned()),
            "no '...' literal for the bin dir"
        );
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        for needle in [
            "function global:deactivate",
            "[switch] $NonDestructive",
            "$env:VIRTUAL_ENV = $VenvDir",
            "$env:VIRTUAL_ENV_PROMPT = $Prompt",
            "Remove-Item -LiteralPath Env:PYTHONHOME",
            "Remove-Item -LiteralPath Env:VIRTUAL_ENV ",
            "Remove-Item -LiteralPath Env:VIRTUAL_ENV_PROMPT ",
            "Set-Item -Path Function:global:prompt",
            "$env:VIRTUAL_ENV_DISABLE_PROMPT",
            "deactivate -NonDestructive",
        ] {
            assert!(code.contains(needle), "Activate.ps1 lacks {needle:?}");
        }
    }
}
