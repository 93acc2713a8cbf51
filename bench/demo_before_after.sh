#!/usr/bin/env bash
# The demo (`scprec demo`), cold, with two scprec binaries side by side: ROUNDS rounds of
# after then before, each run with empty build cache, ccache and attempt ledger in a fresh
# temporary folder; in the last round each side then runs again on its cache with a fresh
# --out (builds cached, simulation results not reused). Prints one line per run (wall seconds,
# exit code, its RTL tuning measurements, its Verilator builds' times) and leaves the logs in
# the printed folder.
#
# Usage: bench/demo_before_after.sh BEFORE_SCPREC AFTER_SCPREC
#   ROUNDS=2
#   ARGS="demo"   the command and its arguments, without --out, --cache and --attempts; e.g.
#                 ARGS="verify --model examples/fashion_mlp/model.npz --data
#                 examples/fashion_mlp/data.npz --method chebyshev" for a long refinement
# Build BEFORE_SCPREC from an earlier commit in a worktree (`git worktree add DIR REV`, then
# `make build` there): each binary runs the example and RTL of its own source tree.
set -euo pipefail
before=$(realpath "${1:?usage: bench/demo_before_after.sh BEFORE_SCPREC AFTER_SCPREC}")
after=$(realpath "${2:?usage: bench/demo_before_after.sh BEFORE_SCPREC AFTER_SCPREC}")
rounds=${ROUNDS:-2}
read -r -a command <<<"${ARGS:-demo}"
logs=$(mktemp -d)
echo "demo_before_after: logs in $logs" >&2

# run NAME BINARY DIR OUT: one demo run, timed.
run() {
  local name=$1 binary=$2 dir=$3 out=$4
  local start end code=0
  start=$(date +%s.%N)
  CCACHE_DIR=$dir/ccache "$binary" "${command[@]}" --out "$dir/$out" --cache "$dir/cache" \
    --attempts "$dir/attempts.json" >"$logs/$name.log" 2>&1 || code=$?
  end=$(date +%s.%N)
  printf '%-14s %7.1f s  exit %d  RTL tuning measurements: %d  builds: %s\n' "$name" \
    "$(echo "$end - $start" | bc)" "$code" "$(grep -c 'tuning: measuring' "$logs/$name.log")" \
    "$(grep -oE 'built in [0-9.]+ ?s' "$logs/$name.log" | cut -d' ' -f3 | tr '\n' ' ')"
}

for round in $(seq 1 "$rounds"); do
  for side in after before; do
    binary=$after
    [ "$side" = before ] && binary=$before
    dir=$(mktemp -d)
    run "$side-cold-$round" "$binary" "$dir" out
    if [ "$round" = "$rounds" ]; then run "$side-cached" "$binary" "$dir" out-again; fi
    rm -rf "$dir"
  done
done
