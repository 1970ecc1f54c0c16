//! Environments that move. An environment made by this tool, CPython's
//! `venv`, virtualenv or uv names its own path in a few places: the
//! activation scripts, the `#!` lines of the launchers in `bin/` (pip's and
//! every console script pip installed, each listed with its hash in a
//! `RECORD`), `command =` in pyvenv.cfg, and now and then a link or a `.pth`
//! file. After `mv`, `cp -a` or `rsync` those still name the old place.
//!
//! [`plan`] reads an environment and lists what has to change for it to be
//! consistent with where it is now ([`Mode::Here`]), or to name no path at
//! all ([`Mode::Relocatable`], what `--relocatable` creates and what
//! [`pack`] writes); [`apply`] makes the changes through [`EnvDir`], one
//! atomic replacement per file, never writing through a link.

pub mod pack;
mod walk;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::config::PyvenvCfg;
use crate::envfs::EnvDir;
use crate::error::VenvError;
use crate::launcher::{self, Interp};
use crate::scripts::{Placeholders, Template, SCRIPT_MODE, TEMPLATES};
use crate::seed::entry::record_hash;
use crate::seed::install::csv_field;
use walk::{Kind, Walked};

/// What the environment should be consistent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Its current path (a relocatable environment stays relocatable).
    Here,
    /// No path at all: it works wherever it is put.
    Relocatable,
}

/// One change to one entry of the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// New contents for a file (created if missing), with this mode.
    Write { bytes: Vec<u8>, mode: u32 },
    /// The symlink re-pointed.
    Relink { target: PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Relative to the environment.
    pub path: PathBuf,
    pub edit: Edit,
    /// Why, for `--dry-run` and `-v`: "activation script", "launcher", ...
    pub reason: String,
}

/// Everything that has to change, and what cannot be helped.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The environment's path as given (absolute).
    pub env: PathBuf,
    /// Paths the environment names that are not its own: where it was made
    /// or last repaired.
    pub old_paths: Vec<String>,
    pub relocatable: bool,
    pub changes: Vec<Change>,
    /// What names an absolute path and is left alone (a `.pth` pointing at
    /// a project, a text file that cannot be made relocatable).
    pub notes: Vec<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The change for `rel`, if any.
    pub fn change(&self, rel: &Path) -> Option<&Change> {
        self.changes.iter().find(|c| c.path == rel)
    }
}

/// An existing environment, opened for reading (and, through `fs`, writing).
pub struct Env {
    /// Absolute, as given (not resolved: it is what activation should show).
    pub root: PathBuf,
    /// The same, links resolved.
    pub canonical: PathBuf,
    pub fs: EnvDir,
    pub cfg_text: String,
    pub cfg: PyvenvCfg,
    pub bin: PathBuf,
    /// Every `lib/*/site-packages` (relative).
    pub site_packages: Vec<PathBuf>,
}

impl Env {
    pub fn open(path: &Path) -> Result<Env, VenvError> {
        let root = crate::paths::absolute(path);
        let not_env = |reason: String| VenvError::NotAnEnvironment {
            path: root.clone(),
            reason,
        };
        let dir = Dir::open_ambient_dir(&root, ambient_authority())
            .map_err(|e| not_env(format!("cannot open it: {e}")))?;
        let cfg_text = dir
            .read_to_string("pyvenv.cfg")
            .map_err(|e| not_env(format!("no readable pyvenv.cfg: {e}")))?;
        let cfg = PyvenvCfg::parse(&cfg_text).map_err(|e| not_env(format!("pyvenv.cfg: {e}")))?;
        let bin = PathBuf::from("bin");
        if !dir.symlink_metadata(&bin).is_ok_and(|m| m.is_dir()) {
            return Err(not_env("no bin directory".to_owned()));
        }
        let mut site_packages = Vec::new();
        if let Ok(entries) = dir.read_dir("lib") {
            for entry in entries.flatten() {
                let rel = Path::new("lib")
                    .join(entry.file_name())
                    .join("site-packages");
                if dir.symlink_metadata(&rel).is_ok_and(|m| m.is_dir()) {
                    site_packages.push(rel);
                }
            }
        }
        site_packages.sort();
        let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        Ok(Env {
            fs: EnvDir::new(dir, &root, false),
            root,
            canonical,
            cfg_text,
            cfg,
            bin,
            site_packages,
        })
    }

    fn dir(&self) -> &Dir {
        self.fs.cap_dir()
    }

    fn read(&self, rel: &Path) -> Result<Vec<u8>, VenvError> {
        self.dir().read(rel).map_err(|e| VenvError::Relocate {
            what: "read",
            env: self.root.clone(),
            reason: format!("{}: {e}", rel.display()),
        })
    }

    /// The root paths that count as this environment's own.
    fn own_paths(&self) -> Vec<String> {
        let mut own = vec![self.root.to_string_lossy().into_owned()];
        let canonical = self.canonical.to_string_lossy().into_owned();
        if !own.contains(&canonical) {
            own.push(canonical);
        }
        own
    }
}

/// Lists what has to change for `env` to be consistent with `mode`.
pub fn plan(env: &Env, mode: Mode) -> Result<Plan, VenvError> {
    let relocatable = mode == Mode::Relocatable || env.cfg.relocatable;
    let own = env.own_paths();
    let walked = walk::walk(env.dir()).map_err(|e| VenvError::Relocate {
        what: "read",
        env: env.root.clone(),
        reason: e.to_string(),
    })?;
    let old_paths = find_old_paths(env, &walked, &own)?;
    // The roots whose mentions are rewritten: the old ones, and in a
    // relocatable environment our own too.
    let mut roots: Vec<String> = old_paths.clone();
    if relocatable {
        roots.extend(own.iter().cloned());
    }
    // Longest first, so that /a/env-2 is tried before /a/env.
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    let new_root = env.root.to_string_lossy().into_owned();
    let mut plan = Plan {
        env: env.root.clone(),
        old_paths,
        relocatable,
        changes: Vec::new(),
        notes: Vec::new(),
    };
    if roots.is_empty() && !relocatable {
        return Ok(plan);
    }
    plan_bin(env, &walked, &roots, &new_root, relocatable, &mut plan)?;
    plan_cfg(env, &roots, &new_root, relocatable, &mut plan);
    plan_site_packages(env, &walked, &roots, &new_root, relocatable, &mut plan)?;
    plan_links(&walked, &roots, &new_root, relocatable, &mut plan);
    plan_records(env, &walked, &mut plan)?;
    plan.changes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

/// Paths the environment names as its own that are not where it is: the
/// `VIRTUAL_ENV` of `bin/activate`, and the directory two levels above the
/// interpreter of every launcher in `bin/` whose interpreter's name is one
/// this environment has.
fn find_old_paths(env: &Env, walked: &Walked, own: &[String]) -> Result<Vec<String>, VenvError> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |p: String| {
        let p = p.trim_end_matches('/').to_owned();
        if p.starts_with('/') && p.len() > 1 && !own.contains(&p) && !found.contains(&p) {
            found.push(p);
        }
    };
    let activate = env.bin.join("activate");
    if walked.kind(&activate) == Some(Kind::File) {
        let text = String::from_utf8_lossy(&env.read(&activate)?).into_owned();
        if let Some(dir) = activate_dir(&text) {
            add(dir);
        }
    }
    for (rel, kind) in walked.in_dir(&env.bin) {
        if kind != Kind::File {
            continue;
        }
        let Some(parsed) = read_header(env, rel)? else {
            continue;
        };
        if parsed.relocatable {
            continue;
        }
        let python = Path::new(&parsed.interpreter);
        let (Some(name), Some(bin)) = (python.file_name(), python.parent()) else {
            continue;
        };
        let has_it = walked.kind(&env.bin.join(name)).is_some();
        if has_it && bin.file_name() == env.bin.file_name() {
            if let Some(root) = bin.parent() {
                add(root.to_string_lossy().into_owned());
            }
        }
    }
    Ok(found)
}

/// The directory a POSIX `activate` script sets `VIRTUAL_ENV` to, when it
/// is a quoted literal (ours, CPython's, virtualenv's, uv's).
fn activate_dir(text: &str) -> Option<String> {
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some(value) = line.strip_prefix("VIRTUAL_ENV=") else {
            continue;
        };
        match value.chars().next() {
            Some('\'') => {
                // '...' with '\'' for each quote inside.
                let mut out = String::new();
                let mut rest = &value[1..];
                loop {
                    let close = rest.find('\'')?;
                    out.push_str(&rest[..close]);
                    rest = &rest[close + 1..];
                    match rest.strip_prefix("\\''") {
                        Some(more) => {
                            out.push('\'');
                            rest = more;
                        }
                        None => return Some(out),
                    }
                }
            }
            Some('"') => {
                let close = value[1..].find('"')?;
                return Some(value[1..close + 1].to_owned());
            }
            // Bare (shlex.quote leaves a plain path unquoted).
            Some('/') => {
                let end = value.find([' ', '\t', ';']).unwrap_or(value.len());
                return Some(value[..end].to_owned());
            }
            _ => continue,
        }
    }
    None
}

fn read_header(env: &Env, rel: &Path) -> Result<Option<launcher::Parsed>, VenvError> {
    // A launcher's header is in its first lines; binaries are skipped
    // without reading them whole.
    let mut head = [0u8; 2];
    let n = {
        use std::io::Read;
        let mut f = env.dir().open(rel).map_err(|e| VenvError::Relocate {
            what: "read",
            env: env.root.clone(),
            reason: format!("{}: {e}", rel.display()),
        })?;
        f.read(&mut head).unwrap_or(0)
    };
    if n < 2 || &head != b"#!" {
        return Ok(None);
    }
    Ok(launcher::parse(&env.read(rel)?))
}

/// `text` with every mention of a root in `roots` (at a path boundary)
/// replaced by `new_root`; `None` if there is none.
fn replace_roots(text: &str, roots: &[String], new_root: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut changed = false;
    let bytes = text.as_bytes();
    'outer: while i < text.len() {
        if bytes[i] == b'/' && (i == 0 || !is_path_char(bytes[i - 1])) {
            for root in roots {
                if text[i..].starts_with(root.as_str()) {
                    let end = i + root.len();
                    if end == text.len() || !is_path_char(bytes[end]) || bytes[end] == b'/' {
                        out.push_str(new_root);
                        i = end;
                        changed = true;
                        continue 'outer;
                    }
                }
            }
        }
        let ch = text[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    changed.then_some(out)
}

fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/') || b >= 0x80
}

fn mentions(text: &str, roots: &[String]) -> bool {
    replace_roots(text, roots, "").is_some()
}

fn plan_bin(
    env: &Env,
    walked: &Walked,
    roots: &[String],
    new_root: &str,
    relocatable: bool,
    plan: &mut Plan,
) -> Result<(), VenvError> {
    let env_name = env
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let exe = env.root.join(&env.bin).join("python");
    let values = Placeholders {
        env_dir: &env.root,
        env_name: &env_name,
        prompt: env.cfg.prompt.as_deref(),
        bin_name: "bin",
        env_exe: &exe,
        relocatable,
    };
    let mut scripts_seen = Vec::new();
    for (rel, kind) in walked.in_dir(&env.bin) {
        if kind != Kind::File {
            continue;
        }
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mode = walked.mode(rel);
        if let Some(template) = Template::for_file(&name) {
            scripts_seen.push(template.file_name);
            let bytes = env.read(rel)?;
            let text = String::from_utf8_lossy(&bytes);
            if !mentions(&text, roots) {
                continue;
            }
            plan.changes.push(Change {
                path: rel.to_path_buf(),
                edit: Edit::Write {
                    bytes: template.render(values).into_bytes(),
                    mode,
                },
                reason: "activation script".to_owned(),
            });
            continue;
        }
        if let Some(parsed) = read_header(env, rel)? {
            if parsed.relocatable {
                continue;
            }
            let Some(root) = roots
                .iter()
                .find(|r| within(&parsed.interpreter, r.as_str()))
            else {
                continue;
            };
            let bytes = env.read(rel)?;
            let bin_dir = Path::new(root.as_str()).join(&env.bin);
            let in_bin = Path::new(&parsed.interpreter).parent() == Some(bin_dir.as_path());
            let new_python =
                PathBuf::from(format!("{new_root}{}", &parsed.interpreter[root.len()..]));
            let header = if in_bin && parsed.args.is_empty() {
                launcher::header(launcher::interp_for(&new_python, relocatable))
            } else {
                if relocatable {
                    plan.notes.push(format!(
                        "{}: runs {} with options, so it names its path",
                        rel.display(),
                        parsed.interpreter
                    ));
                }
                header_with_args(&new_python, &parsed.args)
            };
            let mut out = header.into_bytes();
            out.extend_from_slice(&bytes[parsed.body..]);
            if out == bytes {
                continue;
            }
            plan.changes.push(Change {
                path: rel.to_path_buf(),
                edit: Edit::Write { bytes: out, mode },
                reason: "launcher".to_owned(),
            });
            continue;
        }
        let bytes = env.read(rel)?;
        let Some(text) = text_file(&bytes) else {
            continue;
        };
        if let Some(new) = replace_roots(text, roots, new_root) {
            if relocatable {
                plan.notes.push(format!(
                    "{}: names the environment's path and cannot be made relocatable",
                    rel.display()
                ));
            }
            if new == text {
                continue;
            }
            plan.changes.push(Change {
                path: rel.to_path_buf(),
                edit: Edit::Write {
                    bytes: new.into_bytes(),
                    mode,
                },
                reason: "names the path".to_owned(),
            });
        }
    }
    // The shells the environment has no script for (CPython writes none
    // for nushell) get ours, since the environment is being rewritten anyway.
    // Windows' batch scripts only belong in a Windows environment.
    let windows = env.bin.ends_with("Scripts");
    for template in TEMPLATES {
        if template.shell == crate::scripts::Shell::Batch && !windows {
            continue;
        }
        if !scripts_seen.contains(&template.file_name) {
            plan.changes.push(Change {
                path: env.bin.join(template.file_name),
                edit: Edit::Write {
                    bytes: template.render(values).into_bytes(),
                    mode: SCRIPT_MODE,
                },
                reason: "activation script, added".to_owned(),
            });
        }
    }
    Ok(())
}

/// A `#!` header for an absolute interpreter with options (pip's form when
/// there are none).
fn header_with_args(python: &Path, args: &str) -> String {
    if args.is_empty() {
        launcher::header(Interp::Fixed(python))
    } else {
        format!("#!{}{args}\n", python.display())
    }
}

/// Whether `path` is `root` or inside it.
fn within(path: &str, root: &str) -> bool {
    path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// Text we may edit: UTF-8 without NUL, not too large.
fn text_file(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > (4 << 20) || bytes.contains(&0) {
        return None;
    }
    std::str::from_utf8(bytes).ok()
}

fn plan_cfg(env: &Env, roots: &[String], new_root: &str, relocatable: bool, plan: &mut Plan) {
    let text = &env.cfg_text;
    let new = if relocatable {
        let mut out = String::new();
        let mut has_flag = false;
        for line in text.split_inclusive('\n') {
            let key = line.split_once('=').map(|(k, _)| k.trim().to_lowercase());
            match key.as_deref() {
                // `command` names the path; a relocatable env has none.
                Some("command") => continue,
                Some("relocatable") => {
                    has_flag = true;
                    out.push_str("relocatable = true\n");
                }
                _ => out.push_str(line),
            }
        }
        if !has_flag {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("relocatable = true\n");
        }
        if mentions(&out, roots) {
            plan.notes
                .push("pyvenv.cfg names the environment's path".to_owned());
        }
        (out != *text).then_some(out)
    } else {
        replace_roots(text, roots, new_root)
    };
    if let Some(new) = new {
        plan.changes.push(Change {
            path: PathBuf::from("pyvenv.cfg"),
            edit: Edit::Write {
                bytes: new.into_bytes(),
                mode: 0o644,
            },
            reason: if relocatable {
                "relocatable = true, no command".to_owned()
            } else {
                "command names the path".to_owned()
            },
        });
    }
}

fn plan_site_packages(
    env: &Env,
    walked: &Walked,
    roots: &[String],
    new_root: &str,
    relocatable: bool,
    plan: &mut Plan,
) -> Result<(), VenvError> {
    for site in &env.site_packages {
        for (rel, kind) in walked.in_dir(site) {
            let is_pth = rel.extension().is_some_and(|e| e == "pth");
            if kind != Kind::File || !is_pth {
                continue;
            }
            let bytes = env.read(rel)?;
            let Some(text) = text_file(&bytes) else {
                continue;
            };
            if relocatable {
                if mentions(text, roots) {
                    plan.notes.push(format!(
                        "{}: names the environment's path (an editable install?)",
                        rel.display()
                    ));
                }
            } else if let Some(new) = replace_roots(text, roots, new_root) {
                plan.changes.push(Change {
                    path: rel.to_path_buf(),
                    edit: Edit::Write {
                        bytes: new.into_bytes(),
                        mode: walked.mode(rel),
                    },
                    reason: "path configuration names the path".to_owned(),
                });
            }
        }
        if relocatable {
            for (name, text) in [
                (launcher::PIP_HOOK_MODULE, launcher::PIP_HOOK_TEXT),
                (launcher::PIP_HOOK_PTH, launcher::PIP_HOOK_PTH_TEXT),
            ] {
                let rel = site.join(name);
                let same =
                    walked.kind(&rel) == Some(Kind::File) && env.read(&rel)? == text.as_bytes();
                if !same {
                    plan.changes.push(Change {
                        path: rel,
                        edit: Edit::Write {
                            bytes: text.as_bytes().to_vec(),
                            mode: 0o644,
                        },
                        reason: "makes pip write relocatable launchers".to_owned(),
                    });
                }
            }
        }
    }
    Ok(())
}

fn plan_links(
    walked: &Walked,
    roots: &[String],
    new_root: &str,
    relocatable: bool,
    plan: &mut Plan,
) {
    for (rel, target) in walked.links() {
        let target_s = target.to_string_lossy();
        let Some(root) = roots.iter().find(|r| within(&target_s, r.as_str())) else {
            continue;
        };
        let inside = Path::new(target_s[root.len()..].trim_start_matches('/'));
        let new_target = if relocatable {
            relative_to(rel.parent().unwrap_or(Path::new("")), inside)
        } else {
            Path::new(new_root).join(inside)
        };
        plan.changes.push(Change {
            path: rel.to_path_buf(),
            edit: Edit::Relink { target: new_target },
            reason: "link into the environment".to_owned(),
        });
    }
}

/// The relative path from directory `from` to `to`, both relative to the
/// env; `.` for the same directory.
fn relative_to(from: &Path, to: &Path) -> PathBuf {
    let mut out = crate::paths::relative(from, to);
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Every `RECORD` row for a file the plan rewrites gets the new hash and size.
fn plan_records(env: &Env, walked: &Walked, plan: &mut Plan) -> Result<(), VenvError> {
    let written: BTreeMap<PathBuf, (String, usize)> = plan
        .changes
        .iter()
        .filter_map(|c| match &c.edit {
            Edit::Write { bytes, .. } => Some((c.path.clone(), (record_hash(bytes), bytes.len()))),
            Edit::Relink { .. } => None,
        })
        .collect();
    if written.is_empty() {
        return Ok(());
    }
    let own = env.own_paths();
    let mut records = Vec::new();
    for site in &env.site_packages {
        for (rel, kind) in walked.in_dir(site) {
            let is_dist_info = rel.extension().is_some_and(|e| e == "dist-info");
            if kind == Kind::Dir && is_dist_info {
                let record = rel.join("RECORD");
                if walked.kind(&record) == Some(Kind::File) {
                    records.push((site.clone(), record));
                }
            }
        }
    }
    for (site, record) in records {
        let bytes = env.read(&record)?;
        let text = String::from_utf8_lossy(&bytes);
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\r', '\n']);
            let ending = &line[body.len()..];
            let fields = parse_csv_row(body);
            let target = fields
                .first()
                .and_then(|p| record_target(&site, p, &own, &plan.old_paths));
            match target.and_then(|t| written.get(&t)) {
                Some((hash, size)) if fields.len() == 3 => {
                    let row = format!("{},{hash},{size}", csv_field(&fields[0]));
                    changed |= row != body;
                    out.push_str(&row);
                    out.push_str(ending);
                }
                _ => out.push_str(line),
            }
        }
        if changed {
            plan.changes.push(Change {
                path: record,
                edit: Edit::Write {
                    bytes: out.into_bytes(),
                    mode: 0o644,
                },
                reason: "hashes of rewritten launchers".to_owned(),
            });
        }
    }
    Ok(())
}

/// The env-relative path a RECORD row names (relative to site-packages, or
/// absolute under one of the env's paths).
fn record_target(site: &Path, path: &str, own: &[String], old: &[String]) -> Option<PathBuf> {
    let joined = if path.starts_with('/') {
        let root = own.iter().chain(old).find(|r| within(path, r.as_str()))?;
        PathBuf::from(path[root.len()..].trim_start_matches('/'))
    } else {
        site.join(path)
    };
    let mut out: Vec<Component> = Vec::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop()?;
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out.iter().collect())
}

/// One row of Python's csv format: commas, `"` quoting with `""` inside.
fn parse_csv_row(line: &str) -> Vec<String> {
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

/// Makes the changes of `plan`, one atomic replacement per file.
pub fn apply(env: &Env, plan: &Plan) -> Result<(), VenvError> {
    for change in &plan.changes {
        let result = match &change.edit {
            Edit::Write { bytes, mode } => env.fs.write_file(&change.path, bytes, Some(*mode)),
            Edit::Relink { target } => env.fs.replace_symlink(target, &change.path),
        };
        result.map_err(|e| VenvError::Relocate {
            what: "repair",
            env: env.root.clone(),
            reason: format!("{}: {e:#}", change.path.display()),
        })?;
    }
    Ok(())
}

/// Whether an environment is consistent with where it is, in one line.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub consistent: bool,
    pub line: String,
}

/// `--check`: does anything in the environment name a path it is not at?
pub fn check(path: &Path) -> Result<Verdict, VenvError> {
    let env = Env::open(path)?;
    let plan = plan(&env, Mode::Here)?;
    let root = env.root.display();
    let kind = if plan.relocatable {
        "relocatable"
    } else {
        "consistent with its location"
    };
    if plan.is_empty() {
        return Ok(Verdict {
            consistent: true,
            line: format!("{root}: {kind}"),
        });
    }
    let files = plan.changes.len();
    let first = plan.changes[0].path.display();
    let line = match plan.old_paths.first() {
        Some(old) => format!(
            "{root}: moved from {old}: {files} file(s) name the old path (first: {first}); run `venv --repair {root}`"
        ),
        None => format!(
            "{root}: not relocatable: {files} file(s) name its path (first: {first}); run `venv --repair {root}`"
        ),
    };
    Ok(Verdict {
        consistent: false,
        line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_directory_activate_sets() {
        assert_eq!(
            activate_dir("x\n    VIRTUAL_ENV='/a/it'\\''s'\n").as_deref(),
            Some("/a/it's")
        );
        assert_eq!(
            activate_dir("export VIRTUAL_ENV=\"/a b\"\n").as_deref(),
            Some("/a b")
        );
        assert_eq!(activate_dir("VIRTUAL_ENV=$(cygpath '/x')\n"), None);
        assert_eq!(
            activate_dir("VIRTUAL_ENV=/a/b; x\n").as_deref(),
            Some("/a/b")
        );
    }

    #[test]
    fn replaces_whole_paths_only() {
        let roots = vec!["/a/env".to_owned()];
        assert_eq!(
            replace_roots("'/a/env' /a/env/bin /a/env2 /x/a/env", &roots, "/b").as_deref(),
            Some("'/b' /b/bin /a/env2 /x/a/env")
        );
        assert_eq!(replace_roots("/a/envy", &roots, "/b"), None);
    }

    #[test]
    fn csv_rows_and_record_paths() {
        assert_eq!(
            parse_csv_row(r#""a,b",sha256=x,3"#),
            ["a,b", "sha256=x", "3"]
        );
        assert_eq!(
            record_target(
                Path::new("lib/python3.12/site-packages"),
                "../../../bin/pip",
                &[],
                &[]
            ),
            Some(PathBuf::from("bin/pip"))
        );
        assert_eq!(
            relative_to(Path::new("bin"), Path::new("lib/x")),
            PathBuf::from("../lib/x")
        );
    }
}
