#!/usr/bin/env bash
# The network top's cold build with one compile job against two, side by side: for each run,
# `scprec signoff --jobs 1` then `--jobs 2` on the example's sensitivity map for target 0.2,
# each with an empty build cache and an empty ccache. Prints each build's time (from the log)
# and the medians as a Markdown table. Usage: bench/top_build_jobs.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-2}
example=examples/fashion_mlp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/scprec" assign --model $example/model.npz --data $example/data.npz \
  --method sensitivity --target-error 0.2 -q -o "$work/map.json" >/dev/null
declare -A times
for run in $(seq "$runs"); do
  for jobs in 1 2; do
    dir="$work/run-$run-$jobs"
    # Whether the map signs off does not matter here (exit 1 is fine), only its build's time.
    line=$( (CCACHE_DIR="$dir/ccache" "$build/scprec" signoff --model $example/model.npz \
      --data $example/data.npz --map "$work/map.json" --trials 60 --accuracy-images 1 \
      --jobs "$jobs" --cache "$dir/cache" --out "$dir/out" 2>&1 >/dev/null || true) |
      grep "built in")
    times[$jobs]+="$(sed -E 's/.*built in ([0-9]+) s.*/\1/' <<<"$line") "
  done
done
median() { tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
echo "| compile jobs | build times (s) | median (s) |"
echo "|---|---|---|"
for jobs in 1 2; do
  echo "| $jobs | ${times[$jobs]}| $(median <<<"${times[$jobs]}") |"
done
