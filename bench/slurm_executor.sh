#!/usr/bin/env bash
# The SLURM executor against the local one on this machine, side by side (needs root, for
# scripts/slurm-local; builds cached by a first run, so only simulation and scheduling count):
#  1. a round's overhead: `scprec simulate` of the tiny test network (3 DUTs, 5 trials, one job
#     each), whose simulations take milliseconds, so that its wall time is submission, polling
#     and collection; local then slurm alternately, ROUNDS times each, a fresh work folder each;
#  2. a 1000-trial `scprec simulate` of the example (its four DUTs, 80 jobs of 50 trials) with
#     1, 2 and 4 workers: `--jobs N` locally, a cluster of N CPUs (slurm.conf) through SLURM;
#     4 workers on 2 cores shows what the cores give, not the executor.
# Prints Markdown tables of wall times (medians for 1) to paste into docs/BENCHMARKS.md.
# Usage: bench/slurm_executor.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
rounds=${2:-5}
scprec=$build/scprec
example=examples/fashion_mlp
tiny=tests/fixtures/npz
work=$(mktemp -d /tmp/scprec-bench-slurm.XXXXXX)
chmod 755 "$work"  # munged wants every folder above its socket searchable by all
export SCPREC_SLURM_DIR=$work/cluster SCPREC_SLURM_PORT=6927
trap 'scripts/slurm-local stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cache=$work/cache

start_cluster() {
  local line
  line=$(scripts/slurm-local start --cpus "$1" 2>"$work/slurm-start.log") ||
    { cat "$work/slurm-start.log" >&2; exit 1; }
  eval "$line"
}

seconds() {  # runs the command, prints its wall time; fails the benchmark if it fails
  local begin end
  begin=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v b="$begin" -v e="$end" 'BEGIN {printf "%.2f", e - b}'
}

median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

"$scprec" assign --model $tiny/tiny_model.npz --data $tiny/data_ok.npz --method bernstein \
  --gain analytic --budget 96 --min-length 16 -q -o "$work/tiny.json" >/dev/null
"$scprec" assign --model $example/model.npz --data $example/data.npz --method sensitivity \
  --target-error 0.2 -q -o "$work/example.json" >/dev/null

tiny_round() {  # executor, run number
  seconds "$scprec" simulate --model $tiny/tiny_model.npz --data $tiny/data_ok.npz \
    --map "$work/tiny.json" --cache "$cache" --executor "$1" --work "$work/tiny-$1-$2" \
    -q -o "$work/tiny-$1-$2.json"
}

start_cluster 2
tiny_round local warm >/dev/null  # builds the tiny simulators
declare -A round
for run in $(seq "$rounds"); do
  for executor in local slurm; do round[$executor]+="$(tiny_round $executor "$run") "; done
done
echo "## One round of jobs (the tiny network: 3 jobs of milliseconds), $rounds runs each"
echo
echo "| executor | wall times (s) | median (s) |"
echo "|---|---|---|"
for executor in local slurm; do
  echo "| $executor | ${round[$executor]}| $(median <<<"${round[$executor]}") |"
done
echo

example_run() {  # executor, workers
  seconds "$scprec" simulate --model $example/model.npz --data $example/data.npz \
    --map "$work/example.json" --trials 1000 --cache "$cache" --executor "$1" --jobs "$2" \
    --work "$work/example-$1-$2" -q -o "$work/example-$1-$2.json"
}

example_run local 2 >/dev/null  # builds the example's four simulators
rm -rf "$work/example-local-2"
echo "## 1000 trials of the example (4 DUTs, 80 jobs of 50 trials), one run each"
echo
echo "| workers | local (--jobs N) | slurm (N CPUs) |"
echo "|---|---|---|"
for workers in 1 2 4; do
  start_cluster "$workers"
  local_time=$(example_run local "$workers")
  slurm_time=$(example_run slurm "$workers")
  if ! cmp -s <(grep -v '"problems"' "$work/example-local-$workers.json") \
    <(grep -v '"problems"' "$work/example-slurm-$workers.json"); then
    echo "the local and SLURM results differ at $workers workers" >&2
    exit 1
  fi
  echo "| $workers | ${local_time} s | ${slurm_time} s |"
done
