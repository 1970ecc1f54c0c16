"""Plugin overhead (see bench/plugins.sh): creation with one warm (cached)
plugin against the same creation without it, and the cold first compile of
each first-party plugin (Rust SDK-built ones, a 0.1.0 fixture, and the
JavaScript example hook). Medians over interleaved runs, fresh directory per
run, removal included, disk synced (untimed) before each sample."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(cmd, target):
    """Seconds for creating and removing `target`, and the creator's peak RSS (bytes)."""
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd + [target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit("failed: %s" % " ".join(cmd + [target]))
    shutil.rmtree(target)
    return time.perf_counter() - start, usage.ru_maxrss * 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--venv", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--plugins", required=True)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--compare", metavar="VENV",
                   help="another venv binary (e.g. an older build) to time in the same run, interleaved")
    p.add_argument("--no-cold", action="store_true", help="skip the cold compile times")
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="venv-plugin-bench-")
    plug = lambda name: os.path.join(a.plugins, name + ".wasm")
    builds = [("", a.venv)] + ([("compared: ", a.compare)] if a.compare else [])
    cases = []
    for label, binary in builds:
        # Each build keeps its own cache: their compiled-code formats differ.
        base = [binary, "--cache-dir", os.path.join(work, "cache-%d" % len(cases)), "--without-pip", "-p", a.python]
        cases += [
            (label + "no plugin", base),
            (label + "hg-ignore (scm hook)", base + ["--plugin", plug("hg-ignore"), "--scm-ignore-files", "git,hg"]),
            (label + "pip-conf (post-setup hook)", base + ["--plugin", plug("pip-conf"), "--plugin-opt",
                                                           "pip-conf.index-url=https://pypi.example/simple"]),
            (label + "minimal-hook (post-setup, Rust SDK)", base + ["--plugin", plug("minimal-hook")]),
            (label + "js-hook (post-setup, JavaScript)", base + ["--plugin", plug("js-hook")]),
        ]
    try:
        for _, cmd in cases:  # warm: interpreter facts and compiled code cached
            timed(cmd, os.path.join(work, "warm"))
        times = {name: [] for name, _ in cases}
        peaks = {name: [] for name, _ in cases}
        for i in range(a.runs):
            for name, cmd in cases:
                seconds, peak = timed(cmd, os.path.join(work, "env-%d" % i))
                times[name].append(seconds)
                peaks[name].append(peak)
        print("\n### Warm plugin overhead (`venv --without-pip`, Python %s)\n" % a.python)
        if a.compare:
            print("Compared build: %s\n" % a.compare)
        print("| creation | runs | median | ratio to no plugin | overhead | median peak RSS |")
        print("|---|---|---|---|---|---|")
        for label, _ in builds:
            none = statistics.median(times[label + "no plugin"])
            for name, _ in cases:
                if not name.startswith(label) or (not label and name.startswith("compared: ")):
                    continue
                med = statistics.median(times[name])
                print("| %s | %d | %.2f ms | %.2fx | %+.2f ms | %.1f MiB |" % (
                    name, len(times[name]), med * 1e3, med / none, (med - none) * 1e3,
                    statistics.median(peaks[name]) / (1 << 20)))

        if a.no_cold:
            return
        print("\n### Cold compile (empty cache, reported by `venv -v`)\n")
        print("| plugin | size | median compile | runs |")
        print("|---|---|---|---|")
        for name, extra, runs in [("hg-ignore", ["--scm-ignore-files", "hg"], max(5, a.runs // 3)),
                                  ("pip-conf", ["--plugin-opt", "pip-conf.index-url=https://x/simple"], max(5, a.runs // 3)),
                                  ("minimal-hook", [], max(5, a.runs // 3)),
                                  ("both-hooks", [], max(5, a.runs // 3)),
                                  ("js-hook", [], 3)]:
            ms = []
            for i in range(runs):
                cold = os.path.join(work, "cold-%d" % i)
                out = subprocess.run([a.venv, "-v", "--cache-dir", cold, "--without-pip", "-p", a.python,
                                      "--plugin", plug(name)] + extra + [os.path.join(work, "c")],
                                     check=True, capture_output=True, text=True).stderr
                shutil.rmtree(os.path.join(work, "c"))
                shutil.rmtree(cold)
                m = re.search(r"plugin `%s` compiled in ([0-9.]+) ms" % re.escape(name), out)
                ms.append(float(m.group(1)))
            print("| %s | %d KB | %.1f ms | %d |" % (name, os.path.getsize(plug(name)) // 1024, statistics.median(ms), len(ms)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
