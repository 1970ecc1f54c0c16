//! The user config (`$XDG_CONFIG_HOME/venv/config.toml`) as written. Unlike
//! a policy, which is an organisation's rule and strict, the user config is
//! read tolerantly: a key this venv does not know (a typo, or a setting of
//! a newer venv) is set aside with its line, to be reported as a warning,
//! and everything else still applies. A value that is wrong is an error
//! naming its line and key.

use std::collections::BTreeMap;
use std::path::PathBuf;

use toml_edit::{ImDocument, Item, Key, TableLike, Value};

use super::schema::{LimitSettings, PluginEntry, WrittenGrant};
use crate::context::{LinkMode, Seeder};
use crate::plugin::Grant;

/// The top-level keys of the user config.
const TOP_KEYS: &[&str] = &[
    "python",
    "prompt",
    "link-mode",
    "seeder",
    "scm-ignore-files",
    "cache-dir",
    "relocatable",
    "plugins",
    "limits",
];

/// The keys of a `[[plugins]]` entry.
const PLUGIN_KEYS: &[&str] = &["path", "options", "grants"];

/// The keys of `[limits]`.
const LIMIT_KEYS: &[&str] = &[
    "memory-mib",
    "time-seconds",
    "output-kib",
    "write-mib",
    "write-entries",
];

/// A value and the line (from 1) it is written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<T> {
    pub value: T,
    pub line: usize,
}

/// The defaults a user config may set for every creation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDefaults {
    /// `python = "3.12"`: the base interpreter, as `-p` takes it.
    pub python: Option<Placed<String>>,
    /// `prompt = "..."`, as `--prompt` takes it.
    pub prompt: Option<Placed<String>>,
    pub link_mode: Option<Placed<LinkMode>>,
    pub seeder: Option<Placed<Seeder>>,
    /// `scm-ignore-files = ["git"]`; `[]` writes none.
    pub scm_ignore_files: Option<Placed<Vec<String>>>,
    /// `cache-dir = "..."`, as written (`~` and relative paths are
    /// resolved against the config file by [`super::UserConfig`]).
    pub cache_dir: Option<Placed<PathBuf>>,
    pub relocatable: Option<Placed<bool>>,
}

/// A key of the user config that this venv does not know: ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    /// Its dotted name (`limits.memroy-mib`, `plugins[2].colour`).
    pub key: String,
    pub line: usize,
    /// The keys the table it is in may hold.
    pub known: &'static [&'static str],
}

/// The user config's contents.
#[derive(Debug, Clone, Default)]
pub struct UserConfigFile {
    pub plugins: Vec<PluginEntry>,
    pub limits: LimitSettings,
    pub defaults: ConfigDefaults,
    /// Keys set aside, in the order they are written.
    pub ignored: Vec<IgnoredKey>,
}

/// Why a user config was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// It is not TOML (the parser's message, on one line, names the line).
    Syntax(String),
    /// A known key with a value it cannot take.
    Value {
        line: usize,
        key: String,
        problem: String,
    },
}

impl UserConfigFile {
    /// Reads a user config's text.
    pub fn parse(text: &str) -> Result<UserConfigFile, ConfigProblem> {
        let doc = ImDocument::parse(text)
            .map_err(|e| ConfigProblem::Syntax(crate::error::one_line(&e.to_string())))?;
        let reader = Reader { text };
        reader.file(doc.as_table())
    }
}

/// Walks the parsed document; `text` turns spans into line numbers.
struct Reader<'t> {
    text: &'t str,
}

/// One entry of a table: its name, the key (for its line) and the item.
type Entry<'a> = (&'a str, &'a Key, &'a Item);

fn entries(table: &dyn TableLike) -> Vec<Entry<'_>> {
    table
        .iter()
        .filter_map(|(name, _)| {
            let (key, item) = table.get_key_value(name)?;
            Some((name, key, item))
        })
        .collect()
}

impl Reader<'_> {
    fn line_at(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn key_line(&self, key: &Key, item: &Item) -> usize {
        let span = key.span().or_else(|| item.span());
        span.map_or(1, |s| self.line_at(s.start))
    }

    fn value_line(&self, value: &Value, fallback: usize) -> usize {
        value.span().map_or(fallback, |s| self.line_at(s.start))
    }

    fn file(&self, table: &dyn TableLike) -> Result<UserConfigFile, ConfigProblem> {
        let mut out = UserConfigFile::default();
        for (name, key, item) in entries(table) {
            let line = self.key_line(key, item);
            let bad = |problem: String| ConfigProblem::Value {
                line,
                key: name.to_owned(),
                problem,
            };
            let d = &mut out.defaults;
            match name {
                "python" => d.python = Some(placed(text(item).map_err(bad)?, line)),
                "prompt" => d.prompt = Some(placed(text(item).map_err(bad)?, line)),
                "link-mode" => {
                    let value = text(item).map_err(bad)?;
                    let mode = LinkMode::from_name(&value)
                        .ok_or_else(|| bad(one_of(LinkMode::NAMES, &value)))?;
                    d.link_mode = Some(placed(mode, line));
                }
                "seeder" => {
                    let value = text(item).map_err(bad)?;
                    let seeder = Seeder::from_name(&value)
                        .ok_or_else(|| bad(one_of(Seeder::NAMES, &value)))?;
                    d.seeder = Some(placed(seeder, line));
                }
                "scm-ignore-files" => {
                    let names = texts(item).map_err(bad)?;
                    d.scm_ignore_files = Some(placed(names, line));
                }
                "cache-dir" => {
                    let dir = text(item).map_err(bad)?;
                    if dir.is_empty() {
                        return Err(bad("must be a directory, not empty".to_owned()));
                    }
                    d.cache_dir = Some(placed(PathBuf::from(dir), line));
                }
                "relocatable" => {
                    let value = item.as_bool().ok_or_else(|| {
                        bad(format!("must be true or false, not {}", shown(item)))
                    })?;
                    d.relocatable = Some(placed(value, line));
                }
                "plugins" => out.plugins = self.plugins(item, line, &mut out.ignored)?,
                "limits" => out.limits = self.limits(item, line, &mut out.ignored)?,
                _ => out.ignored.push(IgnoredKey {
                    key: name.to_owned(),
                    line,
                    known: TOP_KEYS,
                }),
            }
        }
        Ok(out)
    }

    fn limits(
        &self,
        item: &Item,
        line: usize,
        ignored: &mut Vec<IgnoredKey>,
    ) -> Result<LimitSettings, ConfigProblem> {
        let table = item.as_table_like().ok_or_else(|| ConfigProblem::Value {
            line,
            key: "limits".to_owned(),
            problem: format!("must be a table ([limits]), not {}", shown(item)),
        })?;
        let mut limits = LimitSettings::default();
        for (name, key, item) in entries(table) {
            let line = self.key_line(key, item);
            let number = item
                .as_float()
                .or_else(|| item.as_integer().map(|i| i as f64))
                .ok_or_else(|| ConfigProblem::Value {
                    line,
                    key: format!("limits.{name}"),
                    problem: format!("must be a number, not {}", shown(item)),
                });
            let slot = match name {
                "memory-mib" => &mut limits.memory_mib,
                "time-seconds" => &mut limits.time_seconds,
                "output-kib" => &mut limits.output_kib,
                "write-mib" => &mut limits.write_mib,
                "write-entries" => &mut limits.write_entries,
                _ => {
                    ignored.push(IgnoredKey {
                        key: format!("limits.{name}"),
                        line,
                        known: LIMIT_KEYS,
                    });
                    continue;
                }
            };
            *slot = Some(number?);
        }
        Ok(limits)
    }

    fn plugins(
        &self,
        item: &Item,
        line: usize,
        ignored: &mut Vec<IgnoredKey>,
    ) -> Result<Vec<PluginEntry>, ConfigProblem> {
        let not_a_list = || ConfigProblem::Value {
            line,
            key: "plugins".to_owned(),
            problem: format!(
                "must be a list of tables ([[plugins]] with path = ...), not {}",
                shown(item)
            ),
        };
        // `[[plugins]]` sections, or `plugins = [{ path = ... }, ...]`.
        let tables: Vec<(&dyn TableLike, usize)> = match item {
            Item::ArrayOfTables(list) => list
                .iter()
                .map(|t| {
                    let at = t.span().map_or(line, |s| self.line_at(s.start));
                    (t as &dyn TableLike, at)
                })
                .collect(),
            Item::Value(Value::Array(list)) => list
                .iter()
                .map(|v| match v {
                    Value::InlineTable(t) => Ok((t as &dyn TableLike, self.value_line(v, line))),
                    _ => Err(not_a_list()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(not_a_list()),
        };
        let mut out = Vec::new();
        for (i, (table, at)) in tables.into_iter().enumerate() {
            let mut entry = PluginEntry::default();
            let mut has_path = false;
            for (name, key, item) in entries(table) {
                let line = self.key_line(key, item);
                let bad = |problem: String| ConfigProblem::Value {
                    line,
                    key: format!("plugins[{i}].{name}"),
                    problem,
                };
                match name {
                    "path" => {
                        entry.path = PathBuf::from(text(item).map_err(bad)?);
                        has_path = true;
                    }
                    "options" => {
                        let options = item.as_table_like().ok_or_else(|| {
                            bad(format!("must be a table of strings, not {}", shown(item)))
                        })?;
                        let mut map = BTreeMap::new();
                        for (option, key, value) in entries(options) {
                            let line = self.key_line(key, value);
                            let value = text(value).map_err(|problem| ConfigProblem::Value {
                                line,
                                key: format!("plugins[{i}].options.{option}"),
                                problem,
                            })?;
                            map.insert(option.to_owned(), value);
                        }
                        entry.options = map;
                    }
                    "grants" => {
                        let Some(list) = item.as_array() else {
                            return Err(bad(format!(
                                "must be a list of grants, not {}",
                                shown(item)
                            )));
                        };
                        for value in list.iter() {
                            let line = self.value_line(value, line);
                            let grant = value
                                .as_str()
                                .ok_or_else(|| "must be a string".to_owned())
                                .and_then(|t| {
                                    Grant::parse(t, std::path::Path::to_path_buf)
                                        .map_err(|e| e.to_string())
                                })
                                .map_err(|problem| ConfigProblem::Value {
                                    line,
                                    key: format!("plugins[{i}].grants"),
                                    problem,
                                })?;
                            entry.grants.push(WrittenGrant(grant));
                        }
                    }
                    "sha256" => {
                        return Err(bad(
                            "pins a digest, which belongs in a policy, not the user config"
                                .to_owned(),
                        ))
                    }
                    _ => ignored.push(IgnoredKey {
                        key: format!("plugins[{i}].{name}"),
                        line,
                        known: PLUGIN_KEYS,
                    }),
                }
            }
            if !has_path {
                return Err(ConfigProblem::Value {
                    line: at,
                    key: format!("plugins[{i}]"),
                    problem: "has no path (path = \"plugin.wasm\")".to_owned(),
                });
            }
            out.push(entry);
        }
        Ok(out)
    }
}

fn placed<T>(value: T, line: usize) -> Placed<T> {
    Placed { value, line }
}

/// A string value, or what is wrong with it.
fn text(item: &Item) -> Result<String, String> {
    item.as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("must be a string, not {}", shown(item)))
}

/// A list of strings.
fn texts(item: &Item) -> Result<Vec<String>, String> {
    let list = item
        .as_array()
        .ok_or_else(|| format!("must be a list of strings ([\"git\"]), not {}", shown(item)))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .map(|s| s.trim().to_lowercase())
                .ok_or_else(|| "must be a list of strings ([\"git\"])".to_owned())
        })
        .collect()
}

fn one_of(names: &[&str], value: &str) -> String {
    format!("must be one of {}, not {value:?}", names.join(", "))
}

/// What kind of value an item is, for messages.
fn shown(item: &Item) -> String {
    match item {
        Item::None => "nothing".to_owned(),
        Item::Table(_) | Item::Value(Value::InlineTable(_)) => "a table".to_owned(),
        Item::ArrayOfTables(_) => "a list of tables".to_owned(),
        Item::Value(Value::Array(_)) => "a list".to_owned(),
        Item::Value(Value::String(s)) => format!("{:?}", s.value()),
        Item::Value(Value::Integer(i)) => i.value().to_string(),
        Item::Value(Value::Float(x)) => x.value().to_string(),
        Item::Value(Value::Boolean(b)) => b.value().to_string(),
        Item::Value(Value::Datetime(d)) => d.value().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> (usize, String, String) {
        match UserConfigFile::parse(text) {
            Err(ConfigProblem::Value { line, key, problem }) => (line, key, problem),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    #[test]
    fn every_setting_is_read_with_its_line() {
        let file = UserConfigFile::parse(
            "# defaults\npython = \"3.12\"\nprompt = \".\"\nlink-mode = \"copy\"\nseeder = \"ensurepip\"\n\
             scm-ignore-files = [\"git\", \"HG\"]\ncache-dir = \"~/c\"\nrelocatable = true\n\
             [limits]\ntime-seconds = 3\nmemory-mib = 1.5\n[[plugins]]\npath = \"a.wasm\"\n\
             options = { k = \"v\" }\ngrants = [\"run-python\"]\n",
        )
        .unwrap();
        let d = &file.defaults;
        assert_eq!(d.python, Some(placed("3.12".to_owned(), 2)));
        assert_eq!(d.prompt, Some(placed(".".to_owned(), 3)));
        assert_eq!(d.link_mode, Some(placed(LinkMode::Copy, 4)));
        assert_eq!(d.seeder, Some(placed(Seeder::Ensurepip, 5)));
        assert_eq!(
            d.scm_ignore_files,
            Some(placed(vec!["git".to_owned(), "hg".to_owned()], 6))
        );
        assert_eq!(d.cache_dir, Some(placed(PathBuf::from("~/c"), 7)));
        assert_eq!(d.relocatable, Some(placed(true, 8)));
        assert_eq!(file.limits.time_seconds, Some(3.0));
        assert_eq!(file.limits.memory_mib, Some(1.5));
        assert_eq!(file.plugins.len(), 1);
        assert_eq!(file.plugins[0].options["k"], "v");
        assert_eq!(file.plugins[0].grants, [WrittenGrant(Grant::RunPython)]);
        assert!(file.ignored.is_empty());
    }

    #[test]
    fn unknown_keys_are_set_aside_with_their_lines() {
        let file = UserConfigFile::parse(
            "colour = \"blue\"\nlink-mode = \"clone\"\n[limits]\nmemroy-mib = 3\n\
             [[plugins]]\npath = \"a.wasm\"\nwhen = \"always\"\n[future]\nx = 1\n",
        )
        .unwrap();
        let ignored: Vec<(&str, usize)> = file
            .ignored
            .iter()
            .map(|k| (k.key.as_str(), k.line))
            .collect();
        assert_eq!(
            ignored,
            [
                ("colour", 1),
                ("limits.memroy-mib", 4),
                ("plugins[0].when", 7),
                ("future", 8)
            ]
        );
        assert_eq!(file.defaults.link_mode, Some(placed(LinkMode::Clone, 2)));
        assert_eq!(file.plugins[0].path, PathBuf::from("a.wasm"));
    }

    #[test]
    fn a_bad_value_names_its_line_and_key() {
        let (line, key, why) = problem("python = \"3\"\n\nlink-mode = \"fast\"\n");
        assert_eq!((line, key.as_str()), (3, "link-mode"));
        assert!(why.contains("auto, hardlink, clone, copy, symlink") && why.contains("\"fast\""));
        let (line, key, _) = problem("relocatable = \"yes\"\n");
        assert_eq!((line, key.as_str()), (1, "relocatable"));
        let (line, key, _) = problem("[limits]\n\ntime-seconds = \"3\"\n");
        assert_eq!((line, key.as_str()), (3, "limits.time-seconds"));
        let (line, key, _) = problem("[[plugins]]\npath = \"a\"\ngrants = [\n  \"fly\"]\n");
        assert_eq!((line, key.as_str()), (4, "plugins[0].grants"));
        let (line, key, _) = problem("[[plugins]]\npath = \"a\"\nsha256 = \"00\"\n");
        assert_eq!((line, key.as_str()), (3, "plugins[0].sha256"));
        let (line, key, _) = problem("scm-ignore-files = \"git\"\n");
        assert_eq!((line, key.as_str()), (1, "scm-ignore-files"));
        let (line, key, _) = problem("x = 1\n[[plugins]]\noptions = {}\n");
        assert_eq!((line, key.as_str()), (2, "plugins[0]"));
        assert!(matches!(
            UserConfigFile::parse("python = \n"),
            Err(ConfigProblem::Syntax(s)) if s.contains("line 1")
        ));
    }
}
