//! The planner: one pass over the walked tree per kind of file that can name
//! the environment's path (scripts and launchers in `bin/`, `pyvenv.cfg`,
//! `.pth` files, links), then the `RECORD` rows of every file it rewrote.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::env::{Env, MAX_EDITABLE};
use super::rewrite::{header_with_args, mentions, relative_to, replace_roots, text_file, within};
use super::walk::{Kind, Walked};
use super::{Change, Edit, Plan, Reason};
use crate::error::VenvError;
use crate::launcher;
use crate::record;
use crate::scripts::{Placeholders, Template, SCRIPT_MODE, TEMPLATES};

/// What one plan is made from, and the plan it fills in.
pub(crate) struct Planner<'a> {
    pub env: &'a Env,
    pub walked: &'a Walked,
    /// The roots whose mentions are rewritten, longest first.
    pub roots: Vec<String>,
    /// What they become (the environment's path as given).
    pub new_root: String,
    pub relocatable: bool,
    pub plan: Plan,
}

impl Planner<'_> {
    fn change(&mut self, path: PathBuf, edit: Edit, reason: Reason) {
        self.plan.changes.push(Change { path, edit, reason });
    }

    fn write(&mut self, path: PathBuf, bytes: Vec<u8>, mode: u32, reason: Reason) {
        self.change(path, Edit::Write { bytes, mode }, reason);
    }

    /// Activation scripts rendered anew, launchers re-headed, other text
    /// rewritten; the shells the environment has no script for get ours.
    pub(super) fn bin(&mut self) -> Result<(), VenvError> {
        let env = self.env;
        let walked = self.walked;
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
            relocatable: self.relocatable,
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
            let size = walked.size(rel);
            if let Some(template) = Template::for_file(&name) {
                scripts_seen.push(template.file_name);
                if size > MAX_EDITABLE {
                    continue;
                }
                let bytes = env.read(rel)?;
                let text = String::from_utf8_lossy(&bytes);
                if !mentions(&text, &self.roots) {
                    continue;
                }
                self.write(
                    rel.to_path_buf(),
                    template.render(values).into_bytes(),
                    mode,
                    Reason::ActivationScript,
                );
                continue;
            }
            if let Some(parsed) = env.read_header(rel, size)? {
                self.launcher(rel, mode, &parsed)?;
                continue;
            }
            if size > MAX_EDITABLE {
                continue;
            }
            let bytes = env.read(rel)?;
            let Some(text) = text_file(&bytes) else {
                continue;
            };
            if let Some(new) = replace_roots(text, &self.roots, &self.new_root) {
                if self.relocatable {
                    self.plan.notes.push(format!(
                        "{}: names the environment's path and cannot be made relocatable",
                        rel.display()
                    ));
                }
                if new == text {
                    continue;
                }
                self.write(
                    rel.to_path_buf(),
                    new.into_bytes(),
                    mode,
                    Reason::NamesThePath,
                );
            }
        }
        // The shells the environment has no script for (CPython writes none
        // for nushell) get ours, since the environment is being rewritten
        // anyway. Windows' batch scripts only belong in a Windows
        // environment, which is not served here (see `env`).
        for template in TEMPLATES {
            if template.shell == crate::scripts::Shell::Batch {
                continue;
            }
            if !scripts_seen.contains(&template.file_name) {
                self.write(
                    env.bin.join(template.file_name),
                    template.render(values).into_bytes(),
                    SCRIPT_MODE,
                    Reason::ActivationScriptAdded,
                );
            }
        }
        Ok(())
    }

    /// A launcher whose interpreter is under one of the roots gets a new header.
    fn launcher(
        &mut self,
        rel: &Path,
        mode: u32,
        parsed: &launcher::Parsed,
    ) -> Result<(), VenvError> {
        if parsed.relocatable {
            return Ok(());
        }
        let Some(root) = self
            .roots
            .iter()
            .find(|r| within(&parsed.interpreter, r.as_str()))
            .cloned()
        else {
            return Ok(());
        };
        let bytes = self.env.read(rel)?;
        let bin_dir = Path::new(root.as_str()).join(&self.env.bin);
        let in_bin = Path::new(&parsed.interpreter).parent() == Some(bin_dir.as_path());
        let new_python = PathBuf::from(format!(
            "{}{}",
            self.new_root,
            &parsed.interpreter[root.len()..]
        ));
        let header = if in_bin && parsed.args.is_empty() {
            launcher::header(launcher::interp_for(&new_python, self.relocatable))
        } else {
            if self.relocatable {
                self.plan.notes.push(format!(
                    "{}: runs {} with options, so it names its path",
                    rel.display(),
                    parsed.interpreter
                ));
            }
            header_with_args(&new_python, &parsed.args)
        };
        let mut out = header.into_bytes();
        out.extend_from_slice(&bytes[parsed.body..]);
        if out != bytes {
            self.write(rel.to_path_buf(), out, mode, Reason::Launcher);
        }
        Ok(())
    }

    /// `pyvenv.cfg`: `command` rewritten, or (relocatable) dropped, with
    /// `relocatable = true`.
    pub(super) fn cfg(&mut self) {
        let text = &self.env.cfg_text;
        let new = if self.relocatable {
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
            if mentions(&out, &self.roots) {
                self.plan
                    .notes
                    .push("pyvenv.cfg names the environment's path".to_owned());
            }
            (out != *text).then_some(out)
        } else {
            replace_roots(text, &self.roots, &self.new_root)
        };
        if let Some(new) = new {
            let reason = if self.relocatable {
                Reason::ConfigRelocatable
            } else {
                Reason::ConfigCommand
            };
            self.write(PathBuf::from("pyvenv.cfg"), new.into_bytes(), 0o644, reason);
        }
    }

    /// `.pth` files naming the path, and (relocatable) pip's hook.
    pub(super) fn site_packages(&mut self) -> Result<(), VenvError> {
        let env = self.env;
        let walked = self.walked;
        for site in &env.site_packages {
            for (rel, kind) in walked.in_dir(site) {
                let is_pth = rel.extension().is_some_and(|e| e == "pth");
                if kind != Kind::File || !is_pth || walked.size(rel) > MAX_EDITABLE {
                    continue;
                }
                let bytes = env.read(rel)?;
                let Some(text) = text_file(&bytes) else {
                    continue;
                };
                if self.relocatable {
                    if mentions(text, &self.roots) {
                        self.plan.notes.push(format!(
                            "{}: names the environment's path (an editable install?)",
                            rel.display()
                        ));
                    }
                } else if let Some(new) = replace_roots(text, &self.roots, &self.new_root) {
                    self.write(
                        rel.to_path_buf(),
                        new.into_bytes(),
                        walked.mode(rel),
                        Reason::PathConfiguration,
                    );
                }
            }
            if self.relocatable {
                for (name, text) in [
                    (launcher::PIP_HOOK_MODULE, launcher::PIP_HOOK_TEXT),
                    (launcher::PIP_HOOK_PTH, launcher::PIP_HOOK_PTH_TEXT),
                ] {
                    let rel = site.join(name);
                    let same = walked.kind(&rel) == Some(Kind::File)
                        && walked.size(&rel) == text.len() as u64
                        && env.read(&rel)? == text.as_bytes();
                    if !same {
                        self.write(rel, text.as_bytes().to_vec(), 0o644, Reason::PipHook);
                    }
                }
            }
        }
        Ok(())
    }

    /// Every `.pth` file that names a directory outside the environment, and
    /// every editable install (its `.pth` imports a finder module that maps
    /// the project's packages to where its sources are).
    pub(super) fn outside(&mut self, own: &[String]) -> Result<(), VenvError> {
        let env = self.env;
        let walked = self.walked;
        let ours = |p: &str| {
            own.iter()
                .chain(&self.plan.old_paths)
                .any(|r| within(p, r.as_str()))
        };
        let mut found = Vec::new();
        for site in &env.site_packages {
            for (rel, kind) in walked.in_dir(site) {
                let is_pth = rel.extension().is_some_and(|e| e == "pth");
                if kind != Kind::File || !is_pth || walked.size(rel) > MAX_EDITABLE {
                    continue;
                }
                let bytes = env.read(rel)?;
                let Some(text) = text_file(&bytes) else {
                    continue;
                };
                let mut paths: Vec<String> = Vec::new();
                let mut imports = false;
                for line in text.lines() {
                    let line = line.trim_end();
                    if line.trim().is_empty() || line.starts_with('#') {
                        continue;
                    }
                    if let Some(code) = line
                        .strip_prefix("import ")
                        .or_else(|| line.strip_prefix("import\t"))
                    {
                        imports = true;
                        // setuptools' editable finder: `import NAME; NAME.install()`.
                        let module = code.split([';', ' ', '\t']).next().unwrap_or("");
                        let finder = site.join(format!("{module}.py"));
                        if module.starts_with("__editable__")
                            && walked.kind(&finder) == Some(Kind::File)
                            && walked.size(&finder) <= MAX_EDITABLE
                        {
                            let source = env.read(&finder)?;
                            paths.extend(
                                absolute_literals(&String::from_utf8_lossy(&source))
                                    .into_iter()
                                    .filter(|p| !ours(p)),
                            );
                        }
                        continue;
                    }
                    // A directory, absolute or relative to site-packages.
                    let named = if line.starts_with('/') {
                        line.to_owned()
                    } else {
                        env.root
                            .join(site)
                            .join(line)
                            .to_string_lossy()
                            .into_owned()
                    };
                    let named = crate::paths::absolute(Path::new(&named))
                        .to_string_lossy()
                        .into_owned();
                    if !ours(&named) {
                        paths.push(named);
                    }
                }
                paths.dedup();
                let editable = rel
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("__editable__"));
                let what = if editable {
                    "an editable install"
                } else {
                    "a path configuration file"
                };
                if !paths.is_empty() {
                    found.push(format!(
                        "{}: {what} naming {}",
                        rel.display(),
                        paths.join(", ")
                    ));
                } else if editable && imports {
                    found.push(format!(
                        "{}: an editable install (its finder names the project's sources, outside the environment)",
                        rel.display()
                    ));
                }
            }
        }
        self.plan.outside = found;
        Ok(())
    }

    /// Links into one of the roots, re-pointed (relative when relocatable).
    pub(super) fn links(&mut self) {
        let walked = self.walked;
        for (rel, target) in walked.links() {
            let target_s = target.to_string_lossy();
            let Some(root) = self.roots.iter().find(|r| within(&target_s, r.as_str())) else {
                continue;
            };
            let inside = Path::new(target_s[root.len()..].trim_start_matches('/'));
            let new_target = if self.relocatable {
                relative_to(rel.parent().unwrap_or(Path::new("")), inside)
            } else {
                Path::new(&self.new_root).join(inside)
            };
            self.change(
                rel.to_path_buf(),
                Edit::Relink { target: new_target },
                Reason::Link,
            );
        }
    }

    /// Every `RECORD` row for a file the plan rewrites gets the new hash and size.
    pub(super) fn records(&mut self, own: &[String]) -> Result<(), VenvError> {
        let written: BTreeMap<PathBuf, (String, usize)> = self
            .plan
            .changes
            .iter()
            .filter_map(|c| match &c.edit {
                Edit::Write { bytes, .. } => {
                    Some((c.path.clone(), (record::hash(bytes), bytes.len())))
                }
                Edit::Relink { .. } => None,
            })
            .collect();
        if written.is_empty() {
            return Ok(());
        }
        let env = self.env;
        let walked = self.walked;
        let mut records = Vec::new();
        for site in &env.site_packages {
            for (rel, kind) in walked.in_dir(site) {
                let is_dist_info = rel.extension().is_some_and(|e| e == "dist-info");
                if kind == Kind::Dir && is_dist_info {
                    let record = rel.join("RECORD");
                    if walked.kind(&record) == Some(Kind::File)
                        && walked.size(&record) <= MAX_EDITABLE
                    {
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
                let fields = record::parse_row(body);
                let target = fields
                    .first()
                    .and_then(|p| record_target(&site, p, own, &self.plan.old_paths));
                match target.and_then(|t| written.get(&t)) {
                    Some((hash, size)) if fields.len() == 3 => {
                        let row = record::format_row(&fields[0], hash, &size.to_string());
                        changed |= row != body;
                        out.push_str(&row);
                        out.push_str(ending);
                    }
                    _ => out.push_str(line),
                }
            }
            if changed {
                self.write(record, out.into_bytes(), 0o644, Reason::RecordHashes);
            }
        }
        Ok(())
    }
}

/// The absolute paths among the string literals of a Python module (an
/// editable finder's mapping of packages to their sources).
fn absolute_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['\'', '"'] {
        let mut parts = source.split(quote);
        parts.next();
        // Every other piece is inside quotes.
        while let Some(inside) = parts.next() {
            if inside.starts_with('/') && !inside.contains('\n') && !out.iter().any(|o| o == inside)
            {
                out.push(inside.to_owned());
            }
            parts.next();
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finder_paths() {
        let finder = "MAPPING: dict[str, str] = {'proj': '/home/me/proj/src/proj'}\nNAMESPACES = {}\nx = \"/opt/other\"\n";
        assert_eq!(
            absolute_literals(finder),
            ["/home/me/proj/src/proj", "/opt/other"]
        );
    }

    #[test]
    fn record_paths() {
        assert_eq!(
            record_target(
                Path::new("lib/python3.12/site-packages"),
                "../../../bin/pip",
                &[],
                &[]
            ),
            Some(PathBuf::from("bin/pip"))
        );
    }
}
