//! The planned tree for interpreters and platforms this machine does not
//! have: each fixture in `core/tests/fixtures/interpreters/` holds the facts
//! an interpreter's query would return (the same JSON), and for each set of
//! options the tree its own `venv` makes, written down from that version's
//! `Lib/venv/__init__.py`, with where each name comes from (`why`: a key
//! that starts the line it explains), or recorded from the real venv by
//! `tools/record-interpreter.py` (`"recorded": true`). The tree for the interpreters that
//! are installed here is checked against the real `-m venv` by
//! `differential`.

use std::path::PathBuf;

use serde_json::Value;
use venv::plan::{plan, PlanOptions};
use venv::InterpreterInfo;

fn fixtures() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/interpreters");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).expect("fixture is JSON"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn check(name: &str, fixture: &Value) -> Vec<String> {
    let facts = serde_json::to_string(&fixture["facts"]).unwrap();
    let info = InterpreterInfo::from_json(&facts)
        .unwrap_or_else(|e| panic!("{name}: facts are not a query answer: {e}"));
    let mut problems = Vec::new();
    for case in fixture["cases"].as_array().expect("cases") {
        let opts = PlanOptions {
            symlinks: case["options"]["symlinks"].as_bool().unwrap_or(false),
            ascii_only: case["options"]["ascii_only"].as_bool().unwrap_or(false),
        };
        let mut expected: Vec<String> = case["tree"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        expected.sort();
        let planned = plan(&info, opts).tree();
        for line in &expected {
            if !planned.contains(line) {
                problems.push(format!("{name} {opts:?}: missing {line}"));
            }
        }
        for line in &planned {
            if !expected.contains(line) {
                problems.push(format!("{name} {opts:?}: unexpected {line}"));
            }
        }
        if let Some(failed) = case.get("failed") {
            problems.push(format!(
                "{name} {opts:?}: its venv failed when recorded: {failed}"
            ));
        }
        // A tree recorded from the real venv (tools/record-interpreter.py)
        // is evidence itself; a written one says where each line comes from.
        if case["recorded"].as_bool() == Some(true) {
            continue;
        }
        let why = case["why"].as_object().expect("why");
        for line in &expected {
            if !why.keys().any(|k| line.starts_with(k.as_str())) {
                problems.push(format!("{name}: no `why` explains {line}"));
            }
        }
    }
    problems
}

#[test]
fn every_fixture_plans_the_tree_its_venv_makes() {
    let all = fixtures();
    assert!(all.len() >= 17, "fixtures missing: {}", all.len());
    let problems: Vec<String> = all.iter().flat_map(|(n, f)| check(n, f)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The platforms and variants the issue names each have a fixture.
#[test]
fn the_promised_variants_are_covered() {
    let names: Vec<String> = fixtures().into_iter().map(|(n, _)| n).collect();
    for wanted in [
        "linux-cpython-3.13t",
        "linux-cpython-3.14t",
        "linux-cpython-3.14",
        "linux-cpython-3.15",
        "linux-cpython-3.15-lib64",
        "macos-framework-cpython-3.12",
        "macos-framework-cpython-3.13",
        "macos-framework-cpython-3.14",
        "windows-cpython-3.12",
        "windows-cpython-3.13",
        "windows-cpython-3.13t",
        "windows-cpython-3.13-debug",
        "windows-cpython-3.14",
        "windows-cpython-3.14t",
        "linux-graalpy-24.1",
        "windows-graalpy-24.1",
    ] {
        assert!(names.iter().any(|n| n == wanted), "no fixture {wanted}");
    }
}

/// `--symlinks` on Windows 3.13+: when a link fails, the launchers' copies
/// replace every link (CPython's "Retrying with copies").
#[test]
fn windows_links_fall_back_to_launcher_copies() {
    let (_, fixture) = fixtures()
        .into_iter()
        .find(|(n, _)| n == "windows-cpython-3.13")
        .unwrap();
    let info = InterpreterInfo::from_json(&fixture["facts"].to_string()).unwrap();
    let p = plan(
        &info,
        PlanOptions {
            symlinks: true,
            ascii_only: false,
        },
    );
    let copies: Vec<String> = p.fallback_copies.iter().map(venv::plan::describe).collect();
    assert_eq!(
        copies,
        [
            r"Scripts/python.exe <= C:\Program Files\Python313\Lib\venv\scripts\nt\venvlauncher.exe",
            r"Scripts/pythonw.exe <= C:\Program Files\Python313\Lib\venv\scripts\nt\venvwlauncher.exe",
        ]
    );
}
