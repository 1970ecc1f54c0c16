# Prints the text pip fills in for each console-script launcher it writes
# (after the `#!` lines), as the pip in the wheel named by argv[1] would:
# its own PipScriptMaker's template where it has one (pip 26 writes one
# without `import re`), else distlib's ScriptMaker's, which pip vendors.
# The template is printed as one JSON string, so its bytes come back exactly.
#
# Read from the sources, not imported: importing pip from its wheel compiles
# a large part of pip in memory (about 1 s of CPU, which the first creation
# would pay on top of byte-compiling pip). Both templates are string literals
# of the class (or a module constant it names; pip 26 passes its literal
# through textwrap.dedent). A template written any other way falls back to
# importing pip, with only that wheel added to sys.path.
import ast
import json
import sys
import textwrap
import zipfile

WHEEL = sys.argv[1]
PIP_MAKER = ("pip/_internal/operations/install/wheel.py", "PipScriptMaker")
DISTLIB_MAKER = ("pip/_vendor/distlib/scripts.py", "ScriptMaker")


class Unreadable(Exception):
    pass


def parsed(archive, name):
    try:
        return ast.parse(archive.read(name).decode("utf-8"))
    except KeyError:
        return None


def assigned(body, name):
    """The value last assigned to `name` among `body`'s statements."""
    value = None
    for node in body:
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                value = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                value = node.value
    return value


def is_dedent(func):
    """`textwrap.dedent` (pip 26 writes its template through it)."""
    if isinstance(func, ast.Attribute):
        return func.attr == "dedent" and isinstance(func.value, ast.Name) and func.value.id == "textwrap"
    return isinstance(func, ast.Name) and func.id == "dedent"


def literal(module, value):
    if isinstance(value, ast.Name):
        value = assigned(module.body, value.id)
    if isinstance(value, ast.Call) and is_dedent(value.func) and len(value.args) == 1 and not value.keywords:
        return textwrap.dedent(literal(module, value.args[0]))
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    raise Unreadable()


def class_template(module, class_name):
    """The class's own `script_template`, None when it has none, or Unreadable."""
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            value = assigned(node.body, "script_template")
            return None if value is None else literal(module, value)
    return None


def from_sources():
    with zipfile.ZipFile(WHEEL) as archive:
        for path, class_name in (PIP_MAKER, DISTLIB_MAKER):
            module = parsed(archive, path)
            if module is None:
                continue
            template = class_template(module, class_name)
            if template is not None:
                return template
    raise Unreadable()


def by_import():
    sys.path.insert(0, WHEEL)
    try:
        from pip._internal.operations.install.wheel import PipScriptMaker as Maker
    except ImportError:
        from pip._vendor.distlib.scripts import ScriptMaker as Maker
    return Maker.script_template


# The tests compare the two ways on every pip they have (argv[2]).
MODE = sys.argv[2] if len(sys.argv) > 2 else ""
if MODE == "--by-import":
    template = by_import()
elif MODE == "--sources-only":
    template = from_sources()
else:
    try:
        template = from_sources()
    except (Unreadable, SyntaxError, ValueError, zipfile.BadZipFile):
        template = by_import()
sys.stdout.write(json.dumps(template) + "\n")
