//! What crosses from a plugin to the host as data (log and progress text,
//! output lines, error messages, SCM names) is untrusted: it is made safe to
//! print and bounded here, before any event carries it.

/// Longest error message a hook may return (the rest is cut, with a note).
pub const MAX_ERROR_BYTES: usize = 1024;
/// At most this many SCM names, each at most this long.
pub const MAX_SCMS: usize = 32;
/// The longest SCM name a plugin may serve.
pub const MAX_SCM_NAME: usize = 32;

/// `text` with every control character (escape sequences, carriage returns,
/// bells, other C0/C1 codes) shown as a visible `\x..`/`\u{..}` escape, so a
/// plugin cannot move the cursor, rewrite a line, retitle the terminal or
/// write to the clipboard. Tabs stay; lines are split by the caller.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            // C1 controls, and the bidirectional overrides that reorder a line on screen.
            c if (0x80..0xa0).contains(&(c as u32))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// The lines of `text`, each sanitized.
pub fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(sanitize)
}

/// An error message a hook returned, on one line, sanitized and cut to
/// [`MAX_ERROR_BYTES`].
pub fn clip_error(message: &str) -> String {
    let one = crate::error::one_line(message);
    let mut end = one.len().min(MAX_ERROR_BYTES);
    while !one.is_char_boundary(end) {
        end -= 1;
    }
    let mut clipped = sanitize(&one[..end]);
    if end < one.len() {
        clipped.push_str(&format!(" … ({} more bytes)", one.len() - end));
    }
    clipped
}

/// The SCM names a plugin serves, lower-cased, if the list is sane: at most
/// [`MAX_SCMS`] names of 1..=[`MAX_SCM_NAME`] characters from `a-z0-9._-`.
pub fn check_scms(names: &[String]) -> Result<Vec<String>, String> {
    if names.len() > MAX_SCMS {
        return Err(format!(
            "it serves {} SCMs; at most {MAX_SCMS} are accepted",
            names.len()
        ));
    }
    names
        .iter()
        .map(|name| {
            let lower = name.to_lowercase();
            let ok = (1..=MAX_SCM_NAME).contains(&lower.len())
                && lower
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
            if ok {
                Ok(lower)
            } else {
                let shown: String = sanitize(name).chars().take(40).collect();
                Err(format!(
                    "SCM name `{shown}` is not 1-{MAX_SCM_NAME} characters of a-z, 0-9, `.`, `_`, `-`"
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(sanitize("a\x1b[2Jb\rc\x07"), "a\\x1b[2Jb\\x0dc\\x07");
        assert_eq!(sanitize("ok\ttab é"), "ok\ttab é");
        assert_eq!(sanitize("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
    }

    #[test]
    fn long_errors_are_cut_on_a_char_boundary() {
        let long = "é".repeat(MAX_ERROR_BYTES);
        let clipped = clip_error(&long);
        assert!(clipped.len() < MAX_ERROR_BYTES + 40, "{}", clipped.len());
        assert!(clipped.ends_with(&format!("({} more bytes)", MAX_ERROR_BYTES)));
    }

    #[test]
    fn scm_lists_are_checked() {
        assert_eq!(check_scms(&["Hg".into()]).unwrap(), ["hg"]);
        assert!(check_scms(&vec!["x".to_owned(); MAX_SCMS + 1]).is_err());
        assert!(check_scms(&["a b".into()]).is_err());
        assert!(check_scms(&["".into()]).is_err());
        assert!(check_scms(&["x".repeat(MAX_SCM_NAME + 1)]).is_err());
    }
}
