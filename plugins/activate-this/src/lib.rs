//! activate-this: writes `bin/activate_this.py`, which activates the
//! environment inside a Python process that is already running (as
//! virtualenv and uv offer): `exec(open(path).read(), {"__file__": path})`.
//! An activator hook; the script's text is this project's own.

use venv_plugin::{bail, python_literal, Context, Result};

const SCRIPT: &str = r#""""Activates this virtual environment inside a running Python process
(for a shell, source bin/activate instead):

    path = "<env>/bin/activate_this.py"
    exec(open(path).read(), {"__file__": path})

Afterwards the environment's bin directory is first on PATH, VIRTUAL_ENV is
set, and its site-packages come first on sys.path, so its packages import
ahead of the base interpreter's. Written by venv's activate-this plugin.
"""
import os
import site
import sys

try:
    _this = os.path.abspath(__file__)
except NameError:
    raise AssertionError('run this file with exec(open(path).read(), {"__file__": path})')

_bin = os.path.dirname(_this)
_env = os.path.dirname(_bin)
os.environ["PATH"] = os.pathsep.join([_bin] + [p for p in os.environ.get("PATH", "").split(os.pathsep) if p])
os.environ["VIRTUAL_ENV"] = _env
os.environ["VIRTUAL_ENV_PROMPT"] = @PROMPT@
os.environ.pop("PYTHONHOME", None)

_known = list(sys.path)
site.addsitedir(os.path.join(_env, @SITE@))
sys.path[:] = [p for p in sys.path if p not in _known] + _known
sys.prefix = sys.exec_prefix = _env
"#;

#[venv_plugin::activator]
fn activate_this(ctx: &Context) -> Result {
    let Some(site) = ctx.lib_path.strip_prefix(&format!("{}/", ctx.env_dir)) else {
        bail!(
            "site-packages ({}) is not inside the environment",
            ctx.lib_path
        );
    };
    let script = SCRIPT
        .replace("@PROMPT@", &python_literal(&ctx.prompt))
        .replace("@SITE@", &python_literal(site));
    ctx.write_bin("activate_this.py", script)?;
    Ok(())
}
