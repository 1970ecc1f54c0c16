# Written by `venv --relocatable` into site-packages, and imported at start-up
# by _venv_relocatable.pth. It makes pip (through its vendored distlib) write
# console scripts that run the interpreter beside them, found when they run,
# instead of naming this environment's path: so scripts that pip installs
# later keep working after the environment is moved or copied.
#
# Nothing is imported or changed until pip imports distlib's script maker;
# any failure leaves pip's own behaviour in place.
import sys

_MODULE = "pip._vendor.distlib.scripts"
_START = "'''exec' \"$(dirname -- \"$(realpath -- \"$0\")\")/"
_END = "\" \"$0\" \"$@\""


def _relocatable(maker_class):
    import os

    original = maker_class._build_shebang

    def _build_shebang(self, executable, post_interp):
        try:
            exe = executable.decode("utf-8")
            if len(exe) >= 2 and exe[0] == exe[-1] == '"':
                exe = exe[1:-1]
            name = os.path.basename(exe)
            same_dir = os.path.realpath(os.path.dirname(exe)) == os.path.realpath(
                self.target_dir or ""
            )
            plain = not any(c in name for c in '"$`\\\n')
            if os.name == "posix" and same_dir and plain and not post_interp:
                text = "#!/bin/sh\n" + _START + name + _END + "\n' '''\n"
                return text.encode("utf-8")
        except Exception:
            pass
        return original(self, executable, post_interp)

    maker_class._build_shebang = _build_shebang


class _Finder(object):
    """Finds distlib's script module as usual and patches it once loaded."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != _MODULE:
            return None
        try:
            from importlib.machinery import PathFinder

            spec = PathFinder.find_spec(name, path)
            loader = getattr(spec, "loader", None)
            run = getattr(loader, "exec_module", None)
            if run is None:
                return spec

            def exec_module(module):
                run(module)
                try:
                    _relocatable(module.ScriptMaker)
                except Exception:
                    pass

            loader.exec_module = exec_module
            return spec
        except Exception:
            return None


if not any(getattr(f, "__name__", "") == "_Finder" for f in sys.meta_path):
    sys.meta_path.insert(0, _Finder)
