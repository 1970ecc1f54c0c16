# Prints the text pip fills in for each console-script launcher it writes
# (after the `#!` lines), as the pip in the wheel named by argv[1] would:
# its own PipScriptMaker's template where it has one (pip 26 writes one
# without `import re`), else distlib's ScriptMaker's, which pip vendors.
# Run by the base interpreter, with only that wheel added to sys.path. The
# template is printed as one JSON string, so its bytes come back exactly.
import json
import sys

sys.path.insert(0, sys.argv[1])
try:
    from pip._internal.operations.install.wheel import PipScriptMaker as Maker
except ImportError:
    from pip._vendor.distlib.scripts import ScriptMaker as Maker
sys.stdout.write(json.dumps(Maker.script_template) + "\n")
