//! A small, deterministic tar writer (POSIX ustar, with a pax header for
//! names that do not fit): the caller gives entries in order, every entry
//! gets the same owner (0/0, no names) and modification time.

use std::io::{self, Write};

const BLOCK: usize = 512;
/// GNU tar reads and writes records of 20 blocks; the archive is padded to one.
const RECORD: u64 = 20 * BLOCK as u64;

pub enum EntryType {
    File,
    Dir,
    Symlink,
}

pub struct TarWriter<W: Write> {
    out: W,
    written: u64,
    mtime: u64,
}

impl<W: Write> TarWriter<W> {
    pub fn new(out: W, mtime: u64) -> TarWriter<W> {
        TarWriter {
            out,
            written: 0,
            mtime,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn pad(&mut self, len: u64) -> io::Result<()> {
        let rest = (BLOCK as u64 - len % BLOCK as u64) % BLOCK as u64;
        self.put(&vec![0u8; rest as usize])
    }

    /// One entry. `path` is `/`-separated and relative; a directory's ends in `/`.
    pub fn append(
        &mut self,
        path: &[u8],
        kind: EntryType,
        mode: u32,
        link: &[u8],
        data: &[u8],
    ) -> io::Result<()> {
        let (name, prefix) = split_name(path);
        let long_link = link.len() > 100;
        if name.is_none() || long_link {
            let mut records = Vec::new();
            if name.is_none() {
                records.extend(pax_record("path", path));
            }
            if long_link {
                records.extend(pax_record("linkpath", link));
            }
            let header = self.header(b"././@PaxHeader", b"", b'x', 0o644, b"", records.len() as u64);
            self.put(&header)?;
            self.put(&records)?;
            self.pad(records.len() as u64)?;
        }
        let (name, prefix) = match name {
            Some(n) => (n, prefix),
            None => (&path[path.len().saturating_sub(100)..], &b""[..]),
        };
        let link = &link[..link.len().min(100)];
        let (flag, size) = match kind {
            EntryType::File => (b'0', data.len() as u64),
            EntryType::Dir => (b'5', 0),
            EntryType::Symlink => (b'2', 0),
        };
        let header = self.header(name, prefix, flag, mode, link, size);
        self.put(&header)?;
        if size > 0 {
            self.put(data)?;
            self.pad(size)?;
        }
        Ok(())
    }

    fn header(
        &self,
        name: &[u8],
        prefix: &[u8],
        flag: u8,
        mode: u32,
        link: &[u8],
        size: u64,
    ) -> [u8; BLOCK] {
        let mut h = [0u8; BLOCK];
        h[..name.len()].copy_from_slice(name);
        octal(&mut h[100..108], u64::from(mode & 0o7777));
        octal(&mut h[108..116], 0);
        octal(&mut h[116..124], 0);
        octal(&mut h[124..136], size);
        octal(&mut h[136..148], self.mtime);
        h[156] = flag;
        h[157..157 + link.len()].copy_from_slice(link);
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        octal(&mut h[329..337], 0);
        octal(&mut h[337..345], 0);
        h[345..345 + prefix.len()].copy_from_slice(prefix);
        h[148..156].fill(b' ');
        let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
        let text = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(text.as_bytes());
        h
    }

    /// The end-of-archive blocks and padding to a whole record; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.put(&[0u8; 2 * BLOCK])?;
        let rest = (RECORD - self.written % RECORD) % RECORD;
        self.put(&vec![0u8; rest as usize])?;
        Ok(self.out)
    }
}

/// `digits` octal digits and a NUL, as ustar numbers are written.
fn octal(field: &mut [u8], value: u64) {
    let text = format!("{value:0width$o}\0", width = field.len() - 1);
    field.copy_from_slice(text.as_bytes());
}

/// Splits a path into ustar's name (100 bytes) and prefix (155 bytes), at a
/// `/`; `None` when it cannot be (then a pax header carries it).
fn split_name(path: &[u8]) -> (Option<&[u8]>, &[u8]) {
    if path.len() <= 100 {
        return (Some(path), b"");
    }
    for (i, &b) in path.iter().enumerate() {
        if b == b'/' && i <= 155 && path.len() - i - 1 <= 100 && i > 0 {
            let name = &path[i + 1..];
            if !name.is_empty() {
                return (Some(name), &path[..i]);
            }
        }
    }
    (None, b"")
}

/// One pax record: `LEN key=value\n`, LEN counting itself.
fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3;
    let mut len = body + body.to_string().len();
    if len.to_string().len() != body.to_string().len() {
        len += 1;
    }
    let mut out = format!("{len} {key}=").into_bytes();
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_count_themselves() {
        let r = pax_record("path", b"abc");
        assert_eq!(r, b"12 path=abc\n");
        let long = vec![b'a'; 95];
        let r = pax_record("path", &long);
        let len: usize = std::str::from_utf8(&r[..r.iter().position(|&b| b == b' ').unwrap()])
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, r.len());
    }

    #[test]
    fn long_names_split_at_a_slash() {
        let path = format!("{}/{}", "d".repeat(120), "f".repeat(50));
        let (name, prefix) = split_name(path.as_bytes());
        assert_eq!(name.unwrap().len(), 50);
        assert_eq!(prefix.len(), 120);
        assert!(split_name("x".repeat(300).as_bytes()).0.is_none());
    }
}
