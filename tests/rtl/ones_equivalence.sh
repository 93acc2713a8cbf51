#!/usr/bin/env bash
# Proves with Yosys (equiv_simple, a SAT check per output bit) that the two bodies of sc_layer's
# parallel counter, the function `ones`, are the same function: the loop synthesis reads
# (SYNTHESIS defined) and the $countones that simulation runs. The function's text is taken
# from sc_layer.v as it is, into a module of its own (it uses only CHUNK and CW); several
# widths, including a one-bit input and CW wider than needed.
# Usage: ones_equivalence.sh RTL_DIR
set -euo pipefail
rtl=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
function_text=$(sed -n '/^  function automatic \[CW-1:0\] ones(/,/^  endfunction/p' "$rtl/sc_layer.v")
if [[ -z $function_text ]]; then
  echo "ones_equivalence: no function ones in $rtl/sc_layer.v" >&2
  exit 1
fi
if ! grep -q '^`ifdef SYNTHESIS' <<<"$function_text"; then
  echo "ones_equivalence: ones in $rtl/sc_layer.v has no SYNTHESIS body: nothing to compare" >&2
  exit 1
fi
cat >"$work/ones_check.v" <<V
module ones_check #(
    parameter integer CHUNK = 8,
    parameter integer CW = 16
) (
    input wire [CHUNK-1:0] bits,
    output wire [CW-1:0] count
);
$function_text
  assign count = ones(bits);
endmodule
V
for shape in "1 1" "2 2" "7 3" "16 5" "16 17" "33 6"; do
  read -r n cw <<<"$shape"
  script=$(cat <<YS
read_verilog -sv -DSYNTHESIS $work/ones_check.v
chparam -set CHUNK $n -set CW $cw ones_check
rename ones_check gold
design -stash gold
read_verilog -sv -nosynthesis $work/ones_check.v
chparam -set CHUNK $n -set CW $cw ones_check
rename ones_check gate
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
    echo "ones_equivalence: CHUNK=$n CW=$cw: the two bodies of ones differ" >&2
    exit 1
  fi
  echo "ones_equivalence: CHUNK=$n CW=$cw: equivalent"
done
