//! Issue 17, classes 3, 4 and 6: the wheels a seeder asks for. No code of a
//! wheel runs while it is byte-compiled (the compiler is an isolated
//! interpreter started outside the wheel's tree); nothing it carries
//! replaces what the environment has (pip's launchers, pip's modules); and
//! its size and file count are charged from its table of contents before
//! anything is unpacked, so a refused wheel, or one stopped at the time
//! limit, leaves nothing in the cache and no process behind.

use super::*;

/// seed-wheels, granted `house`, over a full creation (pip included).
fn seed_from(s: &Scratch, house: &Path, extra: &[&str]) -> Output {
    let seeder = plugin("seed-wheels");
    let grant = format!("seed-wheels=read:{}", house.display());
    let mut args = vec![
        "--plugin",
        seeder.to_str().unwrap(),
        "--plugin-grant",
        &grant,
    ];
    args.extend(extra);
    args.push("env");
    run(s, &args)
}

/// Every file and directory left under the cache's seed directory by
/// entries of `dist` (and every half-built `.tmp-*` entry).
fn seed_leftovers(s: &Scratch, dist: &str) -> Vec<PathBuf> {
    let seed = s.cache().join("seed");
    let Ok(entries) = std::fs::read_dir(&seed) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(".tmp-") || name.starts_with(&format!("{dist}-"))
        })
        .collect()
}

#[test]
fn a_wheel_that_shadows_the_standard_library_does_not_run_while_compiled() {
    let s = Scratch::new();
    let marker = s.path().join("shadow-ran");
    let touch = format!(
        "import pathlib\npathlib.Path({:?}).touch()\n",
        marker.display()
    );
    let house = s.path().join("house");
    wheel(
        &house,
        "shadowpkg",
        "1.0",
        &[
            ("compileall.py", &touch),
            ("warnings.py", &touch),
            ("importlib/__init__.py", &touch),
            ("shadowpkg/__init__.py", ""),
        ],
        None,
    );
    let out = seed_from(&s, &house, &["--without-pip"]);
    assert_ok(&out, "seeding a wheel that shadows compileall and warnings");
    assert!(
        !marker.exists(),
        "a module of the seeded wheel ran while it was byte-compiled"
    );
    let site = site_packages(&s.path().join("env"));
    assert!(site.join("compileall.py").is_file());
    assert!(
        site.join("shadowpkg/__pycache__").is_dir(),
        "it was compiled"
    );
}

/// A hostile wheel's files, its entry points, and the refusal expected.
type Hostile<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>, &'a str);

#[test]
fn seeded_names_never_replace_what_the_environment_has() {
    let cases: [Hostile<'_>; 3] = [
        (
            &[("evilpkg/__init__.py", "def main(): pass\n")],
            Some("[console_scripts]\npip = evilpkg:main\n"),
            "would replace the environment's own `bin/pip`",
        ),
        (
            &[("evilpkg/__init__.py", "def main(): pass\n")],
            Some("[console_scripts]\nhello = evilpkg:main\npip3 = evilpkg:main\n"),
            "would replace the environment's own `bin/pip3`",
        ),
        (
            &[("pip/__init__.py", "raise SystemExit('pwned')\n")],
            None,
            "is already in the environment",
        ),
    ];
    for (files, entry_points, cause) in cases {
        let s = Scratch::new();
        let house = s.path().join("house");
        wheel(&house, "evilpkg", "1.0", files, entry_points);
        let out = seed_from(&s, &house, &[]);
        assert_contained(&s, &out, "seed-wheels", cause);
    }
}

/// A wheel whose one member is `bytes` zeros, deflated (a zip bomb).
fn bomb_wheel(dir: &Path, bytes: u64) -> PathBuf {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("bombpkg-1.0-py3-none-any.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(bytes >= u32::MAX as u64);
    let info = "bombpkg-1.0.dist-info";
    zip.start_file(format!("{info}/METADATA"), opts).unwrap();
    zip.write_all(b"Metadata-Version: 2.1\nName: bombpkg\nVersion: 1.0\n")
        .unwrap();
    zip.start_file(format!("{info}/WHEEL"), opts).unwrap();
    zip.write_all(b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        .unwrap();
    zip.start_file("bombpkg/data.bin", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        zip.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    zip.finish().unwrap();
    path
}

/// Rewrites the uncompressed size that `member`'s local and central headers
/// declare to `declared` (a wheel that lies about what it inflates to).
fn lie_about_size(wheel: &Path, member: &str, declared: u32) {
    let mut bytes = std::fs::read(wheel).unwrap();
    let name = member.as_bytes();
    let mut i = 0;
    while i + 46 < bytes.len() {
        let sig = u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        let (name_at, size_at, len_at) = match sig {
            0x0403_4b50 => (i + 30, i + 22, i + 26),
            0x0201_4b50 => (i + 46, i + 24, i + 28),
            _ => {
                i += 1;
                continue;
            }
        };
        let len = u16::from_le_bytes(bytes[len_at..len_at + 2].try_into().unwrap()) as usize;
        if bytes.get(name_at..name_at + len) == Some(name) {
            bytes[size_at..size_at + 4].copy_from_slice(&declared.to_le_bytes());
        }
        i += 4;
    }
    std::fs::write(wheel, bytes).unwrap();
}

#[test]
fn a_wheel_over_the_budget_is_refused_before_it_is_unpacked() {
    // 600 MiB declared (a few hundred KiB compressed), under the default
    // 256 MiB write limit: refused from the table of contents, in bounded
    // memory, leaving nothing in the cache.
    let s = Scratch::new();
    let house = s.path().join("house");
    bomb_wheel(&house, 600 << 20);
    let mut cmd = command(&s, &["--without-pip"]);
    let seeder = plugin("seed-wheels");
    let grant = format!("seed-wheels=read:{}", house.display());
    cmd.args([
        "--plugin",
        seeder.to_str().unwrap(),
        "--plugin-grant",
        &grant,
        "env",
    ]);
    let (out, peak) = run_measured(cmd);
    assert_contained(&s, &out, "seed-wheels", "write limit of 256 MiB");
    assert!(
        peak < 150 << 20,
        "venv held {} MiB for a refused wheel",
        peak >> 20
    );
    assert_eq!(seed_leftovers(&s, "bombpkg"), Vec::<PathBuf>::new());
}

#[test]
fn a_wheel_with_too_many_files_is_refused_before_it_is_unpacked() {
    let s = Scratch::new();
    let house = s.path().join("house");
    let names: Vec<String> = (0..20_000).map(|i| format!("manypkg/m{i}.txt")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
    wheel(&house, "manypkg", "1.0", &files, None);
    let out = seed_from(&s, &house, &["--without-pip"]);
    assert_contained(&s, &out, "seed-wheels", "limit of 10000 new files");
    assert_eq!(seed_leftovers(&s, "manypkg"), Vec::<PathBuf>::new());
}

#[test]
fn a_wheel_that_inflates_past_what_it_declares_is_refused() {
    let s = Scratch::new();
    let house = s.path().join("house");
    let wheel = bomb_wheel(&house, 64 << 20);
    lie_about_size(&wheel, "bombpkg/data.bin", 10);
    let mut cmd = command(&s, &["--without-pip"]);
    let seeder = plugin("seed-wheels");
    let grant = format!("seed-wheels=read:{}", house.display());
    cmd.args([
        "--plugin",
        seeder.to_str().unwrap(),
        "--plugin-grant",
        &grant,
        "env",
    ]);
    let (out, peak) = run_measured(cmd);
    assert_contained(&s, &out, "seed-wheels", "not the 10 it declares");
    assert!(peak < 150 << 20, "venv held {} MiB", peak >> 20);
    assert_eq!(seed_leftovers(&s, "bombpkg"), Vec::<PathBuf>::new());
}

/// Processes whose working directory is under `dir`, with their command lines.
fn processes_working_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| std::fs::read_link(e.path().join("cwd")).is_ok_and(|cwd| cwd.starts_with(dir)))
        .map(|e| {
            let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).replace('\0', " ")
        })
        .collect()
}

#[test]
fn a_seeder_stopped_while_its_wheel_compiles_leaves_no_process_or_entry() {
    let s = Scratch::new();
    let house = s.path().join("house");
    // Enough code that byte-compiling it takes well over the time limit.
    let body: String = (0..400)
        .map(|i| format!("def f{i}(x):\n    return [x * {i} for _ in range({i})]\n"))
        .collect();
    let names: Vec<String> = (0..1500).map(|i| format!("slowpkg/m{i}.py")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), body.as_str())).collect();
    wheel(&house, "slowpkg", "1.0", &files, None);
    let started = Instant::now();
    let out = seed_from(&s, &house, &["--without-pip", "--plugin-time", "2"]);
    assert_contained(&s, &out, "seed-wheels", "time limit of 2.0 s");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        processes_working_in(&s.cache()),
        Vec::<String>::new(),
        "a byte-compiling interpreter outlived venv"
    );
    assert_eq!(seed_leftovers(&s, "slowpkg"), Vec::<PathBuf>::new());
}
