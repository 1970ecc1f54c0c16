//! Where a base interpreter lives, and so where every command of a test
//! against it runs: this machine, or a Debian chroot built by
//! `tools/build-chroots.sh` (sid: Debian's CPython 3.13, 3.14, 3.15 and PyPy
//! 3.11; trixie: Debian 13's python3).
//!
//! A chroot command runs in a private mount namespace (`unshare --mount`),
//! where `/proc` and `/dev` are mounted inside the chroot, the host's
//! temporary directory is bound at the same path (so a test's scratch
//! directory has one path inside and out, and its trees are read from the
//! host), and the binary under test is bound at `/usr/local/bin/venv`, as it
//! is. Nothing stays mounted on the host. A test that changes a chroot
//! (installs or removes a package) runs on an overlay of its own
//! ([`Chroot::overlay`]), mounted the same way for each command.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{assert_ok, stdout, venv_bin};

/// The PATH of every command run in a chroot.
const CHROOT_PATH: &str = "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A Debian chroot made by `tools/build-chroots.sh`.
#[derive(Debug, Clone)]
pub struct Chroot {
    pub suite: &'static str,
    pub root: PathBuf,
    /// A directory holding a writable overlay on `root` (`upper`, `work`,
    /// `merged`): what commands change in the chroot stays there.
    layer: Option<PathBuf>,
}

/// Where `tools/build-chroots.sh` puts the chroots: `$VENV_CHROOTS`, else
/// `target/chroots`.
fn chroots_dir() -> PathBuf {
    std::env::var_os("VENV_CHROOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/chroots"))
}

impl Chroot {
    /// The chroot of `suite`; fails the test (never skips) when it was not built.
    pub fn get(suite: &'static str) -> Chroot {
        let root = chroots_dir().join(suite);
        assert!(
            root.join(".venv-chroot").is_file(),
            "the Debian {suite} chroot is missing at {}: build it with `tools/build-chroots.sh` (as root; tools/test.sh does)",
            root.display()
        );
        Chroot {
            suite,
            root,
            layer: None,
        }
    }

    /// This chroot with a writable overlay kept in `dir` (a test's own,
    /// under the temporary directory): a test may install or remove packages
    /// without touching the chroot other tests use.
    pub fn overlay(&self, dir: &Path) -> Chroot {
        Chroot {
            layer: Some(dir.to_path_buf()),
            ..self.clone()
        }
    }

    pub fn sid() -> Chroot {
        Chroot::get("sid")
    }

    pub fn trixie() -> Chroot {
        Chroot::get("trixie")
    }

    /// `program` (a path inside the chroot) from `cwd` (a path under the
    /// host's temporary directory), as a command to add arguments and
    /// variables to.
    pub fn command(&self, program: &Path, cwd: &Path) -> Command {
        let tmp = std::env::temp_dir();
        let tmp = tmp.canonicalize().unwrap_or(tmp);
        // sh's $1..$6: the root, the temporary directory, the binary under
        // test, the working directory, the overlay's directory (or empty),
        // the program; then the arguments.
        let script = r#"
            r=$1 tmp=$2 bin=$3 cwd=$4 layer=$5; shift 5
            if [ -n "$layer" ]; then
                mkdir -p "$layer/upper" "$layer/work" "$layer/merged" &&
                    mount -t overlay overlay -o "lowerdir=$r,upperdir=$layer/upper,workdir=$layer/work" "$layer/merged" ||
                    { echo "cannot mount an overlay on $r" >&2; exit 125; }
                r=$layer/merged
            fi
            mkdir -p "$r$tmp" || exit 125
            mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
                mount --bind "$tmp" "$r$tmp" && mount --bind "$bin" "$r/usr/local/bin/venv" ||
                { echo "cannot mount into the chroot $r (root needed)" >&2; exit 125; }
            exec chroot "$r" /bin/sh -c 'cd "$0" && exec "$@"' "$cwd" "$@""#;
        let mut cmd = Command::new("unshare");
        cmd.args(["--mount", "--propagation", "private", "--", "/bin/sh", "-c"])
            .arg(script)
            .arg("sh")
            .arg(&self.root)
            .arg(&tmp)
            .arg(venv_bin())
            .arg(cwd)
            .arg(self.layer.as_deref().unwrap_or(Path::new("")))
            .arg(program)
            .env("PATH", CHROOT_PATH)
            .env_remove("PYTHONPATH")
            .env_remove("PYTHONHOME")
            .env_remove("VIRTUAL_ENV");
        cmd
    }
}

/// Where the base interpreter of a test lives.
#[derive(Debug, Clone)]
pub enum Base {
    Host,
    Chroot(Chroot),
}

impl Base {
    /// `program` run from `cwd`, on the host or inside the chroot.
    pub fn command(&self, program: impl AsRef<OsStr>, cwd: &Path) -> Command {
        match self {
            Base::Host => {
                let mut cmd = Command::new(program);
                cmd.current_dir(cwd);
                cmd
            }
            Base::Chroot(c) => c.command(Path::new(program.as_ref()), cwd),
        }
    }

    /// The binary under test, as seen where the commands run.
    pub fn venv(&self) -> PathBuf {
        match self {
            Base::Host => venv_bin(),
            Base::Chroot(_) => PathBuf::from("/usr/local/bin/venv"),
        }
    }

    /// Runs `python -c code` and returns its stdout.
    pub fn python_says(&self, python: &Path, code: &str) -> String {
        let out = self
            .command(python, &std::env::temp_dir())
            .args(["-c", code])
            .env_remove("PYTHONPATH")
            .env_remove("PYTHONHOME")
            .output()
            .expect("run python");
        assert_ok(&out, &format!("{} -c {code}", python.display()));
        stdout(&out)
    }

    /// A name for messages: `host` or the suite.
    pub fn name(&self) -> &str {
        match self {
            Base::Host => "host",
            Base::Chroot(c) => c.suite,
        }
    }
}
