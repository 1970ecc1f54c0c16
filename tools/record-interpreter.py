#!/usr/bin/env python3
"""Records a base interpreter's facts and the trees its own venv makes, in
the fixture format of core/tests/fixtures/interpreters/ (read by
core/tests/it/plans.rs), so that the trees planned for a platform this
project cannot run (macOS, Windows) can be checked against the real ones.

    python3 tools/record-interpreter.py                     # the Python running it
    py -3.13 tools\\record-interpreter.py -o windows-cpython-3.13.json
    python3 tools/record-interpreter.py --python /opt/py/bin/python3.14 -o x.json

It asks the interpreter the same query `venv` does (core/src/interpreter/
query.py), then runs `python -m venv --without-pip` with --symlinks and with
--copies in a scratch directory and writes down every directory, link
(with its target) and interpreter file (with the file it is a copy of,
found by content). Nothing outside the scratch directory is written except
the output file. Send the file with a pull request; a maintainer adds the
`why` of each line, as for the hand-written fixtures.
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
QUERY = os.path.join(HERE, "..", "core", "src", "interpreter", "query.py")
# pyvenv.cfg keys CPython writes; any other is an implementation's extra.
CFG_KEYS = ("home", "include-system-site-packages", "version", "executable", "command")
SCRIPTS = ("activate", "activate.bat", "deactivate.bat", "activate.fish",
           "activate.csh", "Activate.ps1", "activate.ps1")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def query(python):
    with open(QUERY) as f:
        code = f.read()
    out = subprocess.run([python, "-s", "-c", code], stdout=subprocess.PIPE, check=True)
    return json.loads(out.stdout)


def candidates(facts):
    """Files an interpreter in the env may be a copy of, most specific first."""
    found = []
    nt = facts["venv_scripts_dir"] and os.path.join(facts["venv_scripts_dir"], "nt")
    if nt and os.path.isdir(nt):
        found += [os.path.join(nt, n) for n in sorted(os.listdir(nt))]
    base = facts["base_executable"] or facts["executable"]
    found.append(base)
    exe_dir = os.path.dirname(base)
    found += [os.path.join(exe_dir, n) for n in facts["exe_dir_files"]]
    found += facts.get("own_libs", [])
    return [p for p in found if os.path.isfile(p)]


def tree(env, facts):
    by_digest = {}
    for path in candidates(facts):
        by_digest.setdefault(digest(path), path)
    lines = []
    for top, dirs, files in os.walk(env):
        rel_top = os.path.relpath(top, env).replace(os.sep, "/")
        prefix = "" if rel_top == "." else rel_top + "/"
        for name in sorted(dirs + files):
            path = os.path.join(top, name)
            rel = prefix + name
            if rel == ".gitignore":
                continue  # the SCM step's, not the tree's (plans leave it out)
            if os.path.islink(path):
                lines.append("%s -> %s" % (rel, os.readlink(path)))
            elif os.path.isdir(path):
                lines.append(rel + "/")
            elif name in SCRIPTS:
                lines.append(rel)
            elif rel == "pyvenv.cfg":
                lines.append(rel)
                with open(path) as cfg:
                    for line in cfg:
                        key, _, value = line.strip().partition(" = ")
                        if key and key not in CFG_KEYS:
                            lines.append("pyvenv.cfg: %s = %s" % (key, value))
            else:
                source = by_digest.get(digest(path), "?")
                lines.append("%s <= %s" % (rel, source))
        # os.walk does not descend into links to directories; neither do we.
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(top, d))]
    # This project adds a nushell activation script beside the others.
    lines.append(facts["scheme"]["scripts"] + "/activate.nu")
    return sorted(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter to record (default: this one)")
    parser.add_argument("-o", "--output", help="write here instead of standard output")
    args = parser.parse_args()

    facts = query(args.python)
    if "executable" not in facts:
        sys.exit("record-interpreter: %s is older than 3.8, which venv does not serve"
                 % args.python)
    cases = []
    scratch = tempfile.mkdtemp(prefix="record-venv-")
    try:
        for symlinks in (True, False):
            env = os.path.join(scratch, "env-%s" % ("symlinks" if symlinks else "copies"))
            flag = "--symlinks" if symlinks else "--copies"
            run = subprocess.run([args.python, "-m", "venv", "--without-pip", flag, env],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 universal_newlines=True)
            case = {"options": {"symlinks": symlinks}, "recorded": True,
                    "tree": tree(env, facts) if os.path.isdir(env) else [], "why": {}}
            if run.returncode != 0:
                case["failed"] = run.stdout.strip().splitlines()[-1:]
            cases.append(case)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    about = "recorded by tools/record-interpreter.py: %s %s (%s), %s %s, invoked as %s" % (
        facts["implementation"], ".".join(map(str, facts["version"])),
        "free-threaded" if facts["gil_disabled"] else "default build",
        platform.system(), platform.machine(), os.path.basename(args.python))
    text = json.dumps({"about": about, "facts": facts, "cases": cases},
                      indent=1, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
