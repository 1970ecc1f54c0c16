"""Helpers for venv plugins written in Python (componentize-py), the
counterpart of the Rust SDK (plugins/venv-plugin) for `venv:plugin@0.2.0`.

A hook is a function and one line that exports it under the name the
interface asks for::

    import venv_plugin as vp

    def note(ctx):
        path = vp.write_env(ctx, "note.txt", "hello\n")
        vp.progress(f"wrote {path}")

    PostSetup = vp.post_setup(note)

`post_setup`, `activator` and `seeder` take `fn(ctx)`; `scm_ignore(["hg"],
fn)` takes `fn(scm, ctx)`. A `HookError` (or any `OSError`) raised by the
function fails the hook with its message. Build with
`componentize-py -d wit -w post-setup-plugin componentize app -p DIR -p plugins/python -o hook.wasm`.
"""

from componentize_py_types import Err
from wit_world.imports import host


class HookError(Exception):
    """Fails the hook; venv shows the message with the plugin's name."""


def option(ctx, key, default=None):
    """The last value given for `key` (--plugin-opt NAME.key=value)."""
    for k, v in reversed(ctx.options):
        if k == key:
            return v
    return default


def require(ctx, key):
    """The option `key`, or a HookError saying how to pass it."""
    value = option(ctx, key)
    if value is None:
        raise HookError(f"needs the option {key} (--plugin-opt PLUGIN.{key}=VALUE)")
    return value


def write_env(ctx, rel, text):
    """Writes `text` to `rel` inside the environment; returns the path."""
    return _write(f"{ctx.env_dir}/{rel}", text)


def write_bin(ctx, name, text):
    """Writes `text` to `name` in the environment's bin (activator hooks)."""
    return _write(f"{ctx.bin_path}/{name}", text)


def _write(path, text):
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        raise HookError(f"cannot write {path}: {e}") from None
    return path


def progress(text):
    host.progress(str(text))


def debug(message):
    host.log(host.Level.DEBUG, str(message))


def info(message):
    host.log(host.Level.INFO, str(message))


def warn(message):
    host.log(host.Level.WARN, str(message))


def error(message):
    host.log(host.Level.ERROR, str(message))


def _call(fn, *args):
    try:
        fn(*args)
    except (HookError, OSError) as e:
        raise Err(str(e)) from None


def post_setup(fn):
    """The class componentize-py exports as `PostSetup`."""

    class PostSetup:
        def post_setup(self, ctx) -> None:
            _call(fn, ctx)

    return PostSetup


def activator(fn):
    """The class componentize-py exports as `Activator`."""

    class Activator:
        def create_activators(self, ctx) -> None:
            _call(fn, ctx)

    return Activator


def seeder(fn):
    """The class componentize-py exports as `Seeder`."""

    class Seeder:
        def seed(self, ctx) -> None:
            _call(fn, ctx)

    return Seeder


def scm_ignore(scms, fn):
    """The class componentize-py exports as `ScmIgnore`."""
    served = [s.lower() for s in scms]

    class ScmIgnore:
        def supported_scms(self):
            return list(served)

        def create_ignore_file(self, scm, ctx) -> None:
            if scm not in served:
                raise Err(f"asked for SCM {scm!r}; this plugin serves {', '.join(served)}")
            _call(fn, scm, ctx)

    return ScmIgnore
