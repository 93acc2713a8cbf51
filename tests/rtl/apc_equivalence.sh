#!/usr/bin/env bash
# Proves with Yosys (equiv_simple, a SAT check per output bit) that sc_apc's two bodies are the
# same function: the loop synthesis reads (SYNTHESIS defined) and the $countones that
# simulation runs. Several widths, including a one-bit input and CW wider than needed.
# Usage: apc_equivalence.sh RTL_DIR
set -euo pipefail
rtl=$1
for shape in "1 1" "2 2" "7 3" "16 5" "16 17" "33 6"; do
  read -r n cw <<<"$shape"
  script=$(cat <<YS
read_verilog -sv -DSYNTHESIS $rtl/sc_apc.v
chparam -set N $n -set CW $cw sc_apc
rename sc_apc gold
design -stash gold
read_verilog -sv -nosynthesis $rtl/sc_apc.v
chparam -set N $n -set CW $cw sc_apc
rename sc_apc gate
design -stash gate
design -copy-from gold -as gold gold
design -copy-from gate -as gate gate
proc
opt_clean
equiv_make gold gate equiv
hierarchy -top equiv
equiv_simple
equiv_status -assert
YS
)
  if ! output=$(yosys -q -p "$script" 2>&1); then
    printf '%s\n' "$output"
    echo "apc_equivalence: N=$n CW=$cw: the two bodies of sc_apc differ" >&2
    exit 1
  fi
  echo "apc_equivalence: N=$n CW=$cw: equivalent"
done
