//! Reading a wheel: unpacking it as pip does for a pure-Python wheel and
//! reading its console-script entry points.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path};

use sha2::{Digest, Sha256};

/// A wheel this module will not lay out itself (pip can): the caller falls back to ensurepip.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Unsupported(pub String);

/// What unpacking found.
#[derive(Debug)]
pub(crate) struct Unpacked {
    /// Files written, relative to the destination, in the wheel's order.
    pub files: Vec<UnpackedFile>,
    /// The `NAME-VERSION.dist-info` directory.
    pub dist_info: String,
}

/// One file written by [`unpack`], hashed as it was written (RECORD needs
/// the hash; reading 500 files back would cost as much as writing them).
#[derive(Debug)]
pub(crate) struct UnpackedFile {
    /// Relative to the destination, `/`-separated.
    pub path: String,
    /// `sha256=...`, as in RECORD.
    pub hash: String,
    pub size: u64,
}

/// Bounds on what a wheel may unpack to: a zip that inflates beyond them is
/// refused (pip's own wheel is ~10 MB and ~800 files unpacked).
pub(crate) const MAX_UNPACKED_BYTES: u64 = 1 << 30;
pub(crate) const MAX_FILES: usize = 100_000;

/// One member file of a wheel, as its central directory describes it.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Its index in the archive.
    pub index: usize,
    /// The archive name: a relative path of normal components, `/`-separated.
    pub name: String,
    /// The size it declares unpacked; unpacking refuses a member that inflates past it.
    pub size: u64,
    pub executable: bool,
}

/// A wheel's contents, checked from its central directory (only its two
/// small metadata files are inflated): every name is a safe relative path,
/// there is one `.dist-info` directory and no `.data` directory, and the
/// declared sizes stay within [`MAX_UNPACKED_BYTES`] and [`MAX_FILES`]. So
/// what unpacking will write is known, and can be charged, before any of it
/// is written.
#[derive(Debug)]
pub(crate) struct Manifest {
    pub dist_info: String,
    /// Every file but the wheel's own RECORD (the installer writes its own).
    pub files: Vec<Member>,
    pub console_scripts: BTreeMap<String, String>,
    /// `Root-Is-Purelib: true` in WHEEL.
    pub purelib: bool,
}

impl Manifest {
    /// The bytes the files declare.
    pub(crate) fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// The bytes of its Python sources (what their byte-code will roughly take).
    pub(crate) fn source_size(&self) -> u64 {
        self.files
            .iter()
            .filter(|f| f.name.ends_with(".py"))
            .map(|f| f.size)
            .sum()
    }
}

/// The largest metadata file (WHEEL, entry_points.txt) read into memory.
const MAX_METADATA_BYTES: u64 = 1 << 20;

/// Reads and checks the table of contents of the wheel `zip`; `what` names
/// it in errors.
pub(crate) fn manifest<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    what: &str,
) -> anyhow::Result<Manifest> {
    if zip.len() > MAX_FILES {
        anyhow::bail!("{what} holds {} entries, more than {MAX_FILES}", zip.len());
    }
    let mut dist_info = None;
    for name in zip.file_names() {
        let top = name.split('/').next().unwrap_or("");
        if top.ends_with(".data") {
            return Err(Unsupported(format!("{what} has a .data directory")).into());
        }
        if top.ends_with(".dist-info") && name.len() > top.len() {
            match &dist_info {
                Some(d) if d != top => anyhow::bail!("{what} has two .dist-info directories"),
                _ => dist_info = Some(top.to_owned()),
            }
        }
    }
    let dist_info =
        dist_info.ok_or_else(|| anyhow::anyhow!("{what} has no .dist-info directory"))?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index)?;
        let name = entry.name().to_owned();
        if name.ends_with('/') {
            continue;
        }
        let rel = Path::new(&name);
        if name.contains('\\')
            || rel.is_absolute()
            || rel.components().any(|c| !matches!(c, Component::Normal(_)))
        {
            anyhow::bail!("{what} holds an unsafe path: {}", name.escape_debug());
        }
        if name == format!("{dist_info}/RECORD") {
            continue;
        }
        total = total.saturating_add(entry.size());
        if total > MAX_UNPACKED_BYTES {
            anyhow::bail!(
                "{what} unpacks to more than {} MiB",
                MAX_UNPACKED_BYTES >> 20
            );
        }
        files.push(Member {
            index,
            executable: entry.unix_mode().is_some_and(|m| m & 0o111 != 0),
            size: entry.size(),
            name,
        });
    }
    let mut metadata = |file: &str| -> anyhow::Result<String> {
        let Some(member) = files
            .iter()
            .find(|f| f.name == format!("{dist_info}/{file}"))
        else {
            return Ok(String::new());
        };
        let mut bytes = Vec::new();
        let limit = member.size.min(MAX_METADATA_BYTES);
        zip.by_index(member.index)?
            .take(limit + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            anyhow::bail!("{what}: {dist_info}/{file} is larger than it says or than 1 MiB");
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    let wheel_meta = metadata("WHEEL")?;
    let entry_points = metadata("entry_points.txt")?;
    Ok(Manifest {
        purelib: wheel_meta
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("Root-Is-Purelib: true")),
        console_scripts: console_scripts(&entry_points),
        dist_info,
        files,
    })
}

/// Opens the wheel at `path` as a zip archive; `what` names it in errors.
pub(crate) fn open(
    path: &Path,
) -> anyhow::Result<zip::ZipArchive<std::io::BufReader<std::fs::File>>> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| anyhow::anyhow!("{} is not a wheel: {e}", path.display()))
}

/// Unpacks the wheel `zip` (`what` names it in errors), whose table of
/// contents [`manifest`] read as `contents`, into `dest` as pip does for a
/// pure-Python wheel, skipping its RECORD (the installer writes its own).
/// Each member is streamed to its file and may not inflate past the size it
/// declares. The same archive is read for the contents and the files, so
/// what was charged from the contents is what gets unpacked.
pub(crate) fn unpack<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    contents: Manifest,
    what: &str,
    dest: &Path,
    umask: u32,
) -> anyhow::Result<Unpacked> {
    if !contents.purelib {
        return Err(Unsupported(format!("{what} is not a pure-Python wheel")).into());
    }
    let mut files = Vec::new();
    let mut buf = vec![0; 1 << 16];
    for f in contents.files {
        let target = dest.join(&f.name);
        std::fs::create_dir_all(target.parent().expect("file has a parent"))?;
        let mut out = std::fs::File::create(&target)?;
        let mut member = zip.by_index(f.index)?.take(f.size + 1);
        let mut hasher = Sha256::new();
        let mut copied = 0u64;
        loop {
            let n = member.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            copied += n as u64;
        }
        if copied != f.size {
            anyhow::bail!(
                "{what}: {} unpacks to {} bytes, not the {} it declares",
                f.name.escape_debug(),
                copied,
                f.size
            );
        }
        if f.executable {
            // pip: the default mode plus the executable bits.
            crate::os::set_mode(&out, (0o777 & !umask) | 0o111)?;
        }
        files.push(UnpackedFile {
            path: f.name,
            hash: crate::record::digest_field(&hasher.finalize()),
            size: copied,
        });
    }
    Ok(Unpacked {
        files,
        dist_info: contents.dist_info,
    })
}

/// The distribution name and version a wheel's file name gives
/// (`NAME-VERSION(-BUILD)?-PY-ABI-PLATFORM.whl`), if it is one.
pub(crate) fn name_and_version(file_name: &str) -> Option<(String, String)> {
    let stem = file_name.strip_suffix(".whl")?;
    let parts: Vec<&str> = stem.split('-').collect();
    if !(5..=6).contains(&parts.len()) {
        return None;
    }
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+'))
    };
    (ok(parts[0]) && ok(parts[1])).then(|| (parts[0].to_owned(), parts[1].to_owned()))
}

/// A console-script name a wheel not chosen by the user may put into
/// `bin`: a plain file name that names none of the environment's own
/// entries (its interpreters and activation scripts).
pub(crate) fn check_script_name(name: &str) -> Result<(), String> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'+'));
    if !plain {
        return Err(format!(
            "console script `{}` is not a plain file name",
            name.escape_debug()
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("python") || lower.starts_with("activate") {
        return Err(format!(
            "console script `{name}` would replace the environment's own `bin/{name}`"
        ));
    }
    Ok(())
}

/// Parses the `[console_scripts]` section of entry_points.txt.
pub(crate) fn console_scripts(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut in_section = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == "[console_scripts]";
        } else if in_section {
            if let Some((name, target)) = line.split_once('=') {
                out.insert(name.trim().to_owned(), target.trim().to_owned());
            }
        }
    }
    out
}

/// The scripts pip generates for a wheel's console entry points under
/// `--default-pip` (what ensurepip passes): versioned names for pip and
/// easy_install follow the running Python, as pip special-cases them.
pub(crate) fn scripts_to_generate(
    console: &BTreeMap<String, String>,
    major: u32,
    minor: u32,
) -> Vec<(String, String)> {
    let mut console = console.clone();
    let mut out = Vec::new();
    if let Some(spec) = console.get("pip").cloned() {
        out.push(("pip".to_owned(), spec.clone()));
        out.push((format!("pip{major}"), spec.clone()));
        out.push((format!("pip{major}.{minor}"), spec));
        console.retain(|k, _| !is_versioned(k, "pip", ""));
    }
    if let Some(spec) = console.get("easy_install").cloned() {
        out.push(("easy_install".to_owned(), spec.clone()));
        out.push((format!("easy_install-{major}.{minor}"), spec));
        console.retain(|k, _| !is_versioned(k, "easy_install", "-"));
    }
    out.extend(console);
    out
}

/// `pip`, `pip3`, `pip3.12` (or `easy_install`, `easy_install-3.8`): names pip regenerates.
fn is_versioned(name: &str, base: &str, sep: &str) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(rest) = rest.strip_prefix(sep) else {
        return false;
    };
    let mut parts = rest.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && parts.next().is_none_or(|p| ok(Some(p))) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wheel_file_names_and_script_names() {
        assert_eq!(
            name_and_version("hello_venv-1.0-py3-none-any.whl"),
            Some(("hello_venv".to_owned(), "1.0".to_owned()))
        );
        assert_eq!(name_and_version("../x-1-py3-none-any.whl"), None);
        assert_eq!(name_and_version("x.whl"), None);
        assert!(check_script_name("hello").is_ok());
        for bad in [
            "python3",
            "activate",
            "Activate.ps1",
            "../x",
            ".hidden",
            "a/b",
            "",
        ] {
            assert!(check_script_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pip_scripts_follow_the_running_python() {
        let console = console_scripts("[console_scripts]\npip = pip._internal.cli.main:main\npip3 = x:y\npip3.10 = x:y\nother = a.b:c\n");
        let names: Vec<String> = scripts_to_generate(&console, 3, 12)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["pip", "pip3", "pip3.12", "other"]);
    }
}
