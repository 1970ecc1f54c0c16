//! Python's `repr()` of a `str`, as CPython writes `prompt = ...` into
//! `pyvenv.cfg` (`f'prompt = {self.prompt!r}'`).

/// Returns the text `repr(s)` gives in Python 3.
pub(crate) fn repr_str(s: &str) -> String {
    // Python picks single quotes unless the text holds a single quote and no double quote.
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The string a `repr()` text stands for (the inverse of [`repr_str`]):
/// quotes removed, escapes undone. Text that is not a quoted literal is
/// returned as it is.
pub(crate) fn unrepr_str(text: &str) -> String {
    let inner = match text.chars().next() {
        Some(q @ ('\'' | '"')) if text.len() >= 2 && text.ends_with(q) => &text[1..text.len() - 1],
        _ => return text.to_owned(),
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('x') => out.extend(hex(&mut chars, 2)),
            Some('u') => out.extend(hex(&mut chars, 4)),
            Some('U') => out.extend(hex(&mut chars, 8)),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// An approximation of `str.isprintable()` for one character: control and
/// format characters, separators other than the space, and surrogates are not.
fn is_printable(c: char) -> bool {
    let n = c as u32;
    !(n < 0x20
        || (0x7f..=0xa0).contains(&n)
        || n == 0xad
        || (0x2000..=0x200f).contains(&n)
        || (0x2028..=0x202f).contains(&n)
        || (0x205f..=0x206f).contains(&n)
        || n == 0x3000
        || n == 0xfeff
        || (0xfff9..=0xfffb).contains(&n)
        || (0xe000..=0xf8ff).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::repr_str;

    #[test]
    fn matches_python_repr() {
        assert_eq!(repr_str("abc"), "'abc'");
        assert_eq!(repr_str("it's"), "\"it's\"");
        assert_eq!(repr_str("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(repr_str("tab\there"), "'tab\\there'");
        assert_eq!(repr_str("back\\slash"), "'back\\\\slash'");
        assert_eq!(repr_str("éñv ü"), "'éñv ü'");
        assert_eq!(repr_str("\u{7}"), "'\\x07'");
        assert_eq!(repr_str("nb\u{a0}sp"), "'nb\\xa0sp'");
    }

    #[test]
    fn unrepr_inverts_repr() {
        use super::unrepr_str;
        for s in [
            "abc",
            "it's",
            "a'b\"c",
            "tab\there",
            "back\\slash",
            "\u{7}",
            "nb\u{a0}sp",
            "\u{2028}x\u{e000}",
        ] {
            assert_eq!(unrepr_str(&repr_str(s)), s);
        }
        assert_eq!(unrepr_str("plain"), "plain");
    }
}
