#!/usr/bin/env bash
# Co-simulation scaling with layer width, before and after a change, side by side in one run:
# for each H, bench_sim_scaling (random 784-H-10 network, L = 128, LFSR, empty caches) of the
# commit BEFORE, then of this tree. The BEFORE tree is a temporary git worktree with this
# benchmark's source (and its helper headers) and this tree's testbench main
# (sim/scprec_tb_main.cpp, so that both sides time the clocked simulation apart from the
# model's initialisation) added, built in its own folder. Prints one Markdown table.
#
# Usage: bench/sim_scaling.sh BEFORE_REV [BUILD_DIR]
#   HIDDEN="128 256 512 1024 2048"   widths, in order
#   TRIALS_AFTER="8 8 8 8 8"          images per width for this tree
#   TRIALS_BEFORE="8 8 4 2 0"         and for BEFORE (its wide runs take minutes per image; 0 skips)
#   MODEL_OPT=-O1                     the Verilated model's optimisation, both trees
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
before_rev=${1:?usage: bench/sim_scaling.sh BEFORE_REV [BUILD_DIR]}
build=$(realpath "${2:-build}")
read -r -a hidden <<<"${HIDDEN:-128 256 512 1024 2048}"
read -r -a trials_after <<<"${TRIALS_AFTER:-8 8 8 8 8}"
read -r -a trials_before <<<"${TRIALS_BEFORE:-8 8 4 2 0}"
opt=${MODEL_OPT:--O1}
work=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$work/before" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "sim_scaling: building $before_rev's benchmark in $work/before" >&2
git -C "$root" worktree add --detach "$work/before" "$before_rev" >/dev/null
cp bench/sim_scaling.cpp bench/bench_util.hpp bench/cosim_bench_util.hpp "$work/before/bench/"
cp sim/scprec_tb_main.cpp "$work/before/sim/"
if ! grep -q bench_sim_scaling "$work/before/bench/CMakeLists.txt"; then
  sed -n '/^add_executable(bench_sim_scaling/,/^scprec_defaults(bench_sim_scaling)/p' \
    bench/CMakeLists.txt >>"$work/before/bench/CMakeLists.txt"
fi
export CCACHE_BASEDIR=/
cmake -S "$work/before" -B "$work/before-build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/before-build" --target bench_sim_scaling -j 2 >/dev/null
cmake --build "$build" --target bench_sim_scaling -j 2 >/dev/null

echo "| H | DUT | RTL | build (s) | peak build memory (MB) | cycles per image | cycles/s | s per image | initialisation (s) |"
echo "|---|---|---|---|---|---|---|---|---|"
for k in "${!hidden[@]}"; do
  h=${hidden[$k]}
  for side in before after; do
    if [[ $side == before ]]; then
      binary=$work/before-build/bench/bench_sim_scaling
      trials=${trials_before[$k]}
      label="$before_rev"
    else
      binary=$build/bench/bench_sim_scaling
      trials=${trials_after[$k]}
      label="this tree"
    fi
    if [[ $trials == 0 ]]; then
      echo "| $h | fc1, top | $label | not run | | | | | |"
      continue
    fi
    (cd "$work" && "$binary" "$h" "$trials" "$root/examples/fashion_mlp" "$opt") |
      sed -E "s/^(\| [0-9]+ \| [a-z0-9]+ \|)/\1 $label ($trials images) |/"
    rm -rf "$work/bench-sim-scaling-$h"
  done
done
