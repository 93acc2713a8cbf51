#!/usr/bin/env bash
# Accuracy and top-1 flips of the bundled example's SC network on its 2000 test images, over a
# grid of per-layer lengths, for one generator and one activation scale rule: the software model
# (`scprec eval --map`), bit-exact with the RTL. The scales come from `scprec assign` on the
# rows it calibrates on; each grid point is that map with its lengths and generators replaced.
# Prints one Markdown table, sorted by total cycles: one generator on every layer, for
# docs/BENCHMARKS.md. `scprec explore` sweeps mixed generators and every scale rule.
#
# Usage: bench/design_space.sh [BUILD_DIR]
#   GENERATOR=sobol          lfsr or sobol, every layer
#   SCALE_QUANTILE=1         --scale-quantile of the map
#   LENGTHS="32 64 128"      each layer's candidate lengths (three-layer example)
#   MAX_CYCLES=256           rows above this total are left out
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
generator=${GENERATOR:-sobol}
quantile=${SCALE_QUANTILE:-1}
read -r -a lengths <<<"${LENGTHS:-32 64 128}"
max_cycles=${MAX_CYCLES:-256}
example=examples/fashion_mlp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$build/scprec" assign --model $example/model.npz --data $example/data.npz --quiet \
  --generator "$generator" --scale-quantile "$quantile" -o "$work/base.json" >/dev/null
echo "| lengths | cycles | accuracy | integer | top-1 flips |"
echo "|---|---|---|---|---|"
for a in "${lengths[@]}"; do
  for b in "${lengths[@]}"; do
    for c in "${lengths[@]}"; do
      total=$((a + b + c))
      [ "$total" -le "$max_cycles" ] || continue
      python3 - "$work/base.json" "$work/map.json" "$generator" "$a" "$b" "$c" <<'EOF'
import json, sys
base, out, generator, *lengths = sys.argv[1:]
m = json.load(open(base))
for row, length in zip(m["layers"], lengths):
    row["length"] = int(length)
    row["generator"] = generator
m["generator"]["kind"] = generator
json.dump(m, open(out, "w"))
EOF
      "$build/scprec" eval --model $example/model.npz --data $example/data.npz \
        --map "$work/map.json" >"$work/eval.txt"
      accuracy=$(awk '/^SC/ {print $2}' "$work/eval.txt")
      integer=$(awk '/^integer/ {print $2}' "$work/eval.txt")
      flips=$(awk '/^flips/ {print $2}' "$work/eval.txt")
      echo "$total|| $a/$b/$c | $total | $accuracy | $integer | $flips |"
    done
  done
done | sort -t'|' -k1,1n -s | cut -d'|' -f2-
