//! xonsh-activate: writes `bin/activate.xsh`, activation for the xonsh
//! shell (`source ENV/bin/activate.xsh`, then `deactivate`). The example of
//! the activator hook: it writes into `ctx.bin_path`, and the host copies
//! the new file into the environment's `bin`.

use venv_plugin::{python_literal, Context, Result};

const SCRIPT: &str = r#"# Activates a Python virtual environment in xonsh:
#     source @BIN@/activate.xsh
# and `deactivate` puts things back. Written by venv's xonsh-activate plugin.

if 'deactivate' in aliases:
    deactivate

_venv_xsh_saved = {
    'PATH': list($PATH),
    'PYTHONHOME': ${...}.get('PYTHONHOME'),
}

def _venv_xsh_deactivate(args=None):
    $PATH = _venv_xsh_saved['PATH']
    if _venv_xsh_saved['PYTHONHOME'] is not None:
        $PYTHONHOME = _venv_xsh_saved['PYTHONHOME']
    for _name in ('VIRTUAL_ENV', 'VIRTUAL_ENV_PROMPT'):
        if _name in ${...}:
            del ${...}[_name]
    del aliases['deactivate']

$VIRTUAL_ENV = @ENV@
$VIRTUAL_ENV_PROMPT = @PROMPT@
$PATH.insert(0, @BINLIT@)
if 'PYTHONHOME' in ${...}:
    del $PYTHONHOME
aliases['deactivate'] = _venv_xsh_deactivate
"#;

#[venv_plugin::activator]
fn activate_xsh(ctx: &Context) -> Result {
    let script = SCRIPT
        .replace("@BIN@", &ctx.bin_path)
        .replace("@ENV@", &python_literal(&ctx.env_dir))
        .replace("@PROMPT@", &python_literal(&ctx.prompt))
        .replace("@BINLIT@", &python_literal(&ctx.bin_path));
    ctx.write_bin("activate.xsh", script)?;
    Ok(())
}
