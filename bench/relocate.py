"""Medians of `venv --repair`, `--check` and `--pack` on a moved environment
of about 1000 files. Run through bench/relocate.sh."""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--venv", required=True)
    ap.add_argument("--python", required=True)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    venv = os.path.abspath(args.venv)
    with tempfile.TemporaryDirectory(prefix="venv-bench-") as tmp:
        made = os.path.join(tmp, "made", "env")
        subprocess.run([venv, "-q", "-p", args.python, made], check=True)
        master = os.path.join(tmp, "moved", "env")
        os.makedirs(os.path.dirname(master))
        os.rename(made, master)
        files = sum(len(f) + len(d) for _, d, f in os.walk(master))
        print(f"environment: {files} files and directories, moved from {made}")
        results = {}
        repair, check, pack_zst, pack_gz = [], [], [], []
        for i in range(args.runs):
            # A fresh moved copy per sample (untimed), synced to disk.
            run_dir = os.path.join(tmp, f"run-{i}")
            os.makedirs(run_dir)
            env = os.path.join(run_dir, "env")
            subprocess.run(["cp", "-a", master, env], check=True)
            os.sync()
            check.append(timed_status([venv, "--check", env]))
            repair.append(timed([venv, "--repair", env]))
            for ext, samples in (("tar.zst", pack_zst), ("tar.gz", pack_gz)):
                out = os.path.join(tmp, f"out.{ext}")
                samples.append(timed([venv, "--pack", master, "-o", out]))
                os.remove(out)
            shutil.rmtree(run_dir)
        results["venv --check (moved env)"] = check
        results["venv --repair (moved env)"] = repair
        results["venv --pack -o env.tar.zst"] = pack_zst
        results["venv --pack -o env.tar.gz"] = pack_gz
        print(f"{args.runs} samples each; median (min, max):")
        for name, samples in results.items():
            ms = [s * 1000 for s in samples]
            print(f"  {name:32} {statistics.median(ms):8.1f} ms  ({min(ms):.1f}, {max(ms):.1f})")


def timed_status(cmd):
    """Like timed, for --check, whose status says whether the env moved."""
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
