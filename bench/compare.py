"""Side-by-side timing of environment creation (see bench/compare.sh).

Each sample creates a fresh directory and removes it again (both timed).
By default each command's samples run as one block (as hyperfine does): on
this project's VM, interleaving makes every sample of a fast command pay for
the I/O and CPU throttling left by the slow one before it (`--order
interleaved` shows it);
and the disk is synced (untimed) before each sample so no command pays for
another's writeback.
Prints the median wall time of each command and ratios against ours.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def sample(cmd, workdir, i):
    target = os.path.join(workdir, "env-%d" % i)
    cold_cache = None
    if callable(cmd):
        # A command that needs something fresh per sample (an empty cache).
        cmd, cold_cache = cmd(i)
    # Flush what earlier samples left dirty (untimed), so that no command pays
    # for another's writeback; every sample starts from the same state.
    os.sync()
    start = time.perf_counter()
    subprocess.run(cmd + [target], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    created = time.perf_counter()
    shutil.rmtree(target)
    end = time.perf_counter()
    if cold_cache:
        # Removed when the group ends, not now: on an ext4 file system
        # without a journal (this project's VMs), an inode freed in the last
        # minute is skipped when a new one is allocated, so a cache of ~500
        # files removed here would make the next sample's ~500 new files
        # several times slower (a churn of the benchmark's own making that a
        # first creation on a CI machine does not meet).
        LEFT_FOR_LATER.append(cold_cache)
    return end - start, created - start


LEFT_FOR_LATER = []


ORDER = "blocked"


def run_group(title, commands, runs, workdir):
    # Warm caches (uv's, virtualenv's app-data, ours): all first when
    # interleaving, else each right before its own block.
    if ORDER == "interleaved":
        for name, cmd, _ in commands:
            sample(cmd, workdir, -1)
    times = {name: [] for name, _, _ in commands}
    creates = {name: [] for name, _, _ in commands}
    if ORDER == "interleaved":
        schedule = [(i, c) for i in range(max(r for _, _, r in commands)) for c in commands if i < c[2]]
    else:
        schedule = [(i, c) for c in commands for i in range(c[2])]
    for i, (name, cmd, _) in schedule:
        if ORDER == "blocked" and i == 0:
            sample(cmd, workdir, -1)
        total, create = sample(cmd, workdir, i + 1)
        times[name].append(total)
        creates[name].append(create)
    for left in LEFT_FOR_LATER:
        shutil.rmtree(left, ignore_errors=True)
    LEFT_FOR_LATER.clear()
    ours = statistics.median(times[commands[0][0]])
    print("\n### %s\n" % title)
    print("| command | runs | median (create + remove) | of which create | ratio to `%s` |" % commands[0][0])
    print("|---|---|---|---|---|")
    for name, _, _ in commands:
        med = statistics.median(times[name])
        print("| `%s` | %d | %.1f ms | %.1f ms | %.1fx |" % (
            name, len(times[name]), med * 1e3, statistics.median(creates[name]) * 1e3, med / ours))
    return {name: statistics.median(t) for name, t in times.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--venv", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--virtualenv", required=True)
    p.add_argument("--uv", required=True)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--slow-runs", type=int, default=5)
    p.add_argument("--order", choices=["interleaved", "blocked"], default="blocked",
                   help="interleaved: round-robin over the commands; blocked: all runs of one command, then the next")
    a = p.parse_args()
    global ORDER
    ORDER = a.order
    workdir = tempfile.mkdtemp(prefix="venv-bench-")
    os.environ["VENV_CACHE_DIR"] = os.path.join(workdir, "cache")
    os.environ["UV_CACHE_DIR"] = os.path.join(workdir, "uv-cache")
    os.environ["VIRTUALENV_OVERRIDE_APP_DATA"] = os.path.join(workdir, "virtualenv-app-data")
    py = a.python
    try:
        # The first creations come first, before the warm groups have
        # created and freed thousands of files (see LEFT_FOR_LATER); uv's
        # cache is filled beforehand so that --offline finds pip in it.
        subprocess.run([a.uv, "venv", "-q", "--seed", "-p", py, os.path.join(workdir, "uv-warm")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(os.path.join(workdir, "uv-warm"))
        cold = lambda i: ([a.venv, "--cache-dir", os.path.join(workdir, "cold-%d" % i), "-p", py],
                          os.path.join(workdir, "cold-%d" % i))
        first = run_group("With pip, first creation (empty cache)", [
            ("venv D (empty cache)", cold, a.slow_runs),
            ("python -m venv D", [py, "-m", "venv"], a.slow_runs),
        ], a.slow_runs, workdir)
        cold_nc = lambda i: ([a.venv, "--no-compile", "--cache-dir", os.path.join(workdir, "cold-nc-%d" % i), "-p", py],
                             os.path.join(workdir, "cold-nc-%d" % i))
        # Neither writes byte-code; uv never asks the index (--offline).
        first_nc = run_group("With pip, no byte-code, first creation (our cache empty, uv's warm)", [
            ("venv --no-compile D (empty cache)", cold_nc, a.runs),
            ("uv venv --seed --offline D", [a.uv, "venv", "-q", "--seed", "--offline", "-p", py], a.runs),
            ("venv --no-compile D", [a.venv, "--no-compile", "-p", py], a.runs),
        ], a.runs, workdir)
        seeded = run_group("With pip", [
            ("venv D", [a.venv, "-p", py], a.runs),
            ("python -m venv D", [py, "-m", "venv"], a.slow_runs),
            ("virtualenv D", [a.virtualenv, "-p", py], a.runs),
            ("uv venv --seed D", [a.uv, "venv", "-q", "--seed", "-p", py], a.runs),
        ], a.runs, workdir)
        bare = run_group("Without pip", [
            ("venv --without-pip D", [a.venv, "--without-pip", "-p", py], a.runs),
            ("python -m venv --without-pip D", [py, "-m", "venv", "--without-pip"], a.runs),
            ("virtualenv --no-seed D", [a.virtualenv, "--no-seed", "-p", py], a.runs),
            ("uv venv D", [a.uv, "venv", "-q", "-p", py], a.runs),
        ], a.runs, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nTargets: with pip >= 100x `python -m venv` (%.0fx) and >= 4x `uv venv --seed` (%.1fx); "
          "first creation (empty cache) >= 3x `python -m venv` (%.1fx); "
          "without pip >= 3x `uv venv` (%.1fx).\n"
          "Issue 21: first creation <= 1/3 of `python -m venv` (%.2f); "
          "`--no-compile` with an empty cache <= 1.0x `uv venv --seed --offline` with uv's warm (%.2fx)." % (
              seeded["python -m venv D"] / seeded["venv D"],
              seeded["uv venv --seed D"] / seeded["venv D"],
              first["python -m venv D"] / first["venv D (empty cache)"],
              bare["uv venv D"] / bare["venv --without-pip D"],
              first["venv D (empty cache)"] / first["python -m venv D"],
              first_nc["venv --no-compile D (empty cache)"] / first_nc["uv venv --seed --offline D"]))


if __name__ == "__main__":
    sys.exit(main())
