# Byte-compiles the files named on stdin (one absolute path per line) the way
# pip does after installing a wheel, and prints, for each, the byte-code file
# that now exists (pip records only those), as soon as it exists: the caller
# counts the lines to show progress. Several of these run side by side, each
# on its own share of the files.
import compileall
import importlib.util
import os
import sys
import warnings

paths = [line for line in sys.stdin.read().splitlines() if line]
with warnings.catch_warnings():
    warnings.filterwarnings("ignore")
    for path in paths:
        compileall.compile_file(path, force=True, quiet=True)
        pyc = importlib.util.cache_from_source(path)
        if os.path.exists(pyc):
            sys.stdout.write(pyc + "\n")
            sys.stdout.flush()
