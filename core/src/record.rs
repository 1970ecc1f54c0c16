//! pip's `RECORD` rows (the wheel spec's CSV file listing every installed
//! file with its hash and size): one home for reading and writing them, used
//! by the seeder when it installs pip and by `relocate` when it rewrites a
//! launcher and has to update the row that lists it.

use base64::Engine;
use sha2::{Digest, Sha256};

/// `sha256=<urlsafe base64, no padding>`, as a RECORD row gives a hash.
pub(crate) fn hash(bytes: &[u8]) -> String {
    digest_field(&Sha256::digest(bytes))
}

/// A sha256 digest (computed while streaming) in a RECORD row's form.
pub(crate) fn digest_field(digest: &[u8]) -> String {
    format!(
        "sha256={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
    )
}

/// One row, without its line ending: `path,hash,size` with the path quoted
/// as Python's csv module quotes it.
pub(crate) fn format_row(path: &str, hash: &str, size: &str) -> String {
    format!("{},{hash},{size}", format_field(path))
}

/// Python's csv quoting for a field: quoted when it holds a comma, a quote
/// or a line break, with `""` for each quote inside.
pub(crate) fn format_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The fields of one row (its line ending already removed).
pub(crate) fn parse_row(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip() {
        assert_eq!(parse_row(r#""a,b",sha256=x,3"#), ["a,b", "sha256=x", "3"]);
        let row = format_row("dir/a \"q\",b", "sha256=x", "3");
        assert_eq!(row, r#""dir/a ""q"",b",sha256=x,3"#);
        assert_eq!(parse_row(&row), ["dir/a \"q\",b", "sha256=x", "3"]);
        assert_eq!(format_row("bin/pip", "", ""), "bin/pip,,");
    }

    #[test]
    fn hash_is_pips_form() {
        // sha256 of the empty string, urlsafe base64 without padding.
        assert_eq!(
            hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }
}
