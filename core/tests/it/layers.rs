//! The library's layers point one way (ARCHITECTURE.md, "The layers"): each
//! module of `core/src` may use only modules of a lower rank. This reads
//! every `crate::…` path outside comments and fails on an arrow that points
//! up or sideways, naming the file and the line.

use std::path::Path;

/// Rank of each top-level module; a module uses only lower ranks.
const RANKS: &[(&str, u32)] = &[
    ("error", 1),
    ("os", 0),
    ("paths", 0),
    ("pyrepr", 0),
    ("report", 0),
    ("tree", 0),
    ("record", 1),
    ("temp", 1),
    ("interrupt", 2),
    ("cache", 2),
    ("envfs", 2),
    ("staging", 2),
    ("process", 3),
    ("interpreter", 4),
    ("launcher", 4),
    ("plan", 5),
    ("context", 6),
    ("config", 7),
    ("scripts", 7),
    ("envpython", 7),
    ("seed", 8),
    ("steps", 9),
    ("relocate", 9),
    ("builder", 10),
    ("plugin", 10),
    ("policy", 11),
    ("fuzzing", 12),
];

fn rank(module: &str) -> Option<u32> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&src).unwrap();
            let top = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            // The binary (main, cli, terminal) and the crate root sit above everything.
            let Some(own) = rank(&top) else { continue };
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for (i, _) in code.match_indices("crate::") {
                    let used: String = code[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if used == top {
                        continue;
                    }
                    match rank(&used) {
                        Some(r) if r < own => {}
                        Some(r) => problems.push(format!(
                            "{}:{}: `{top}` (rank {own}) uses `{used}` (rank {r})",
                            rel.display(),
                            n + 1
                        )),
                        None => problems.push(format!(
                            "{}:{}: `{used}` has no rank in tests/it/layers.rs",
                            rel.display(),
                            n + 1
                        )),
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports that point up:\n{}",
        problems.join("\n")
    );
}

/// Every `.rs` file under `dir` (skipping build output).
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_room_is_too_big_to_read() {
    // ARCHITECTURE.md: a source file over 600 lines does several jobs and is
    // split by concern; a test file over 900 by what it attacks.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut over = Vec::new();
    for (dir, max) in [("core/src", 600), ("plugins", 600), ("core/tests", 900)] {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        assert!(!files.is_empty(), "no Rust files under {dir}");
        for file in files {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > max {
                over.push(format!(
                    "{} has {lines} lines (at most {max})",
                    file.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        over.is_empty(),
        "split these by concern:\n{}",
        over.join("\n")
    );
}
