//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): the
//! parsers and checks that take outside input, reachable without a
//! process. Each panics when an invariant breaks, so the fuzzer reports it.

use crate::config::PyvenvCfg;
use crate::plugin::boundary;
use crate::policy::{self, PolicyFile, UserConfigFile};

/// Policy files and user configs: parsing never panics.
pub fn policy_text(text: &str) {
    let _ = policy::parse_toml::<PolicyFile>(text);
    let _ = UserConfigFile::parse(text);
}

/// `pyvenv.cfg`: parsing never panics, and what parses renders back to the same.
pub fn pyvenv_cfg(text: &str) {
    let _ = PyvenvCfg::parse_pairs(text);
    if let Ok(cfg) = PyvenvCfg::parse(text) {
        let rendered = cfg.render();
        let again = PyvenvCfg::parse(&rendered).expect("a rendered pyvenv.cfg parses");
        assert_eq!(again.home, cfg.home);
        assert_eq!(again.version, cfg.version);
        assert_eq!(
            again.prompt, cfg.prompt,
            "prompt round trip of {rendered:?}"
        );
        assert_eq!(
            again.include_system_site_packages,
            cfg.include_system_site_packages
        );
        assert_eq!(again.executable, cfg.executable);
        assert_eq!(again.command, cfg.command);
    }
}

/// Wheels: reading the table of contents never panics, and what is
/// accepted has only safe names within the bounds.
pub fn wheel(bytes: &[u8]) {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return;
    };
    let Ok(wheel) = crate::seed::wheel::manifest(&mut zip, "fuzz.whl") else {
        return;
    };
    assert!(wheel.files.len() <= crate::seed::wheel::MAX_FILES);
    assert!(wheel.total_size() <= crate::seed::wheel::MAX_UNPACKED_BYTES);
    for f in &wheel.files {
        let p = std::path::Path::new(&f.name);
        assert!(!p.is_absolute(), "{}", f.name);
        assert!(p
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_))));
    }
}

/// What a plugin returns to the host: text made safe, errors bounded, SCM
/// lists checked.
pub fn plugin_text(text: &str) {
    let safe = boundary::sanitize(text);
    assert!(
        !safe.chars().any(|c| c.is_control() && c != '\t'),
        "a control character survived in {safe:?}"
    );
    let clipped = boundary::clip_error(text);
    assert!(clipped.len() <= boundary::MAX_ERROR_BYTES * 10 + 64);
    assert!(!clipped.contains('\n'));
    let names: Vec<String> = text.split(',').map(str::to_owned).collect();
    if let Ok(scms) = boundary::check_scms(&names) {
        assert!(scms.len() <= boundary::MAX_SCMS);
        assert!(scms
            .iter()
            .all(|s| !s.is_empty() && s.len() <= boundary::MAX_SCM_NAME));
    }
}
