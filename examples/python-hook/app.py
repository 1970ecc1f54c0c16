"""A post-setup hook written in Python, built into a WebAssembly component
with componentize-py and run by venv's plugin host like any other plugin.

It writes `<env>/python-hook.txt`, a small record of the environment it was
called for, and greets the user through the host's progress callback.
"""
import wit_world
from wit_world.imports import host


class WitWorld(wit_world.WitWorld):
    pass


class PostSetup:
    def post_setup(self, ctx) -> None:
        greeting = dict(ctx.options).get("greeting", "hello")
        v = ctx.python_version
        host.progress(f"{greeting} from a Python hook in {ctx.env_name}")
        with open(f"{ctx.env_dir}/python-hook.txt", "w") as f:
            f.write(f"env: {ctx.env_name}\n")
            f.write(f"python: {v.major}.{v.minor}.{v.micro}\n")
            f.write(f"greeting: {greeting}\n")
