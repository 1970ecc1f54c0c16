"""A post-setup hook written in Python, built into a WebAssembly component
with componentize-py and run by venv's plugin host like any other plugin.

It writes `<env>/python-hook.txt`, a small record of the environment it was
called for, and greets the user through the host's progress callback.
"""
import venv_plugin as vp


def record(ctx):
    greeting = vp.option(ctx, "greeting", "hello")
    v = ctx.python_version
    vp.progress(f"{greeting} from a Python hook in {ctx.env_name}")
    vp.write_env(ctx, "python-hook.txt",
                 f"env: {ctx.env_name}\npython: {v.major}.{v.minor}.{v.micro}\ngreeting: {greeting}\n")


PostSetup = vp.post_setup(record)
