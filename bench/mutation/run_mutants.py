#!/usr/bin/env python3
"""The mutation benchmark: how many planted bugs the test suite catches.

Applies the single-change mutants of mutants.json one at a time to a scratch copy of the
committed tree (git archive HEAD: uncommitted changes are not part of it), rebuilds, and runs
the suite of `make test` (ctest -LE slow) in three stages that stop at the first failing one:
unit tests, then the `rtl` gates, then the `sim` co-simulations. A mutant is killed when a stage
fails, survives when all pass, and is invalid when it does not compile (it says nothing about
the tests). Prints a Markdown table and the score, killed / (mutants - invalid).

    bench/mutation/run_mutants.py [--only ID,ID] [--scratch DIR] [--jobs N] [--stages unit,rtl,sim]

A baseline run of the unmutated tree must pass first. Simulator builds are cached by content
in the scratch build, so only mutants of rtl/ and sim/ rebuild simulators. Not part of
`make test`: the whole list takes hours on two cores.
"""
import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
STAGES = {"unit": ["-LE", "slow|sim|rtl"], "rtl": ["-L", "rtl", "-LE", "slow"],
          "sim": ["-L", "sim", "-LE", "slow"]}


def run(argv, cwd, log, timeout=None):
    """Runs argv, appending its output to `log`; returns (exit code, output)."""
    with open(log, "a") as out:
        out.write("$ " + " ".join(argv) + "\n")
        out.flush()
        try:
            done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            out.write("timed out\n")
            return 124, "timed out"
        out.write(done.stdout)
    return done.returncode, done.stdout


def first_failure(output):
    """The first failing test ctest names, or ''."""
    match = re.search(r"^\s*\d+ - (.+) \([^()]*\)\s*$", output, re.MULTILINE)
    return match.group(1) if match else ""


def suite(build, stages, jobs, log):
    """Runs the stages in order; returns (passed, what failed)."""
    for stage in stages:
        code, output = run(["ctest", "-j", str(jobs), "--timeout", "1500"] + STAGES[stage],
                           build, log)
        if code != 0:
            return False, f"{stage}: {first_failure(output) or 'ctest exit ' + str(code)}"
    return True, ""


def prepare(scratch, jobs, log):
    source, build = scratch / "src", scratch / "build"
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD"], check=True,
                             stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    build.mkdir(exist_ok=True)
    for argv in (["cmake", "-S", str(source), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"],
                 ["cmake", "--build", str(build), "-j", str(jobs)]):
        if run(argv, scratch, log)[0] != 0:
            sys.exit(f"run_mutants: the unmutated tree does not build; see {log}")
    return source, build


def apply(source, mutant):
    path = source / mutant["file"]
    text = path.read_text()
    if text.count(mutant["find"]) != 1:
        sys.exit(f"run_mutants: {mutant['id']}: 'find' occurs {text.count(mutant['find'])} times "
                 f"in {mutant['file']}, not once; fix mutants.json")
    path.write_text(text.replace(mutant["find"], mutant["replace"]))
    return path, text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated mutant ids")
    parser.add_argument("--scratch", default="/tmp/scprec-mutants", help="scratch folder")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--stages", default="unit,rtl,sim", help="suite stages, in order")
    args = parser.parse_args()
    stages = args.stages.split(",")
    mutants = json.loads((HERE / "mutants.json").read_text())["mutants"]
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m["id"] in wanted]
    scratch = pathlib.Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    log = scratch / "mutants.log"
    log.write_text("")
    os.environ.setdefault("CCACHE_BASEDIR", str(scratch))
    source, build = prepare(scratch, args.jobs, log)
    passed, failure = suite(build, stages, args.jobs, log)
    if not passed:
        sys.exit(f"run_mutants: the unmutated tree fails ({failure}); see {log}")
    print(f"run_mutants: {len(mutants)} mutants, stages {args.stages}, log {log}", file=sys.stderr)

    rows, killed, invalid = [], 0, 0
    for mutant in mutants:
        start = time.monotonic()
        path, original = apply(source, mutant)
        try:
            if run(["cmake", "--build", str(build), "-j", str(args.jobs)], scratch, log)[0] != 0:
                outcome, by = "invalid", "does not compile"
                invalid += 1
            else:
                survived, by = suite(build, stages, args.jobs, log)
                outcome = "SURVIVED" if survived else "killed"
                killed += 0 if survived else 1
        finally:
            path.write_text(original)
        seconds = time.monotonic() - start
        rows.append(f"| {mutant['id']} | `{mutant['file']}` | {mutant['why']} | {outcome} | "
                    f"{by} | {seconds:.0f} |")
        print(f"run_mutants: {mutant['id']}: {outcome} {by} ({seconds:.0f} s)", file=sys.stderr)
    # Restore the tree's build for the next run.
    run(["cmake", "--build", str(build), "-j", str(args.jobs)], scratch, log)

    counted = len(mutants) - invalid
    print("| mutant | file | planted bug | outcome | first failing stage: test | s |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    score = 100.0 * killed / counted if counted else 0.0
    print(f"\nmutation score: {killed} of {counted} killed ({score:.0f}%), {invalid} invalid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
