#!/usr/bin/env bash
# Proves with Yosys's SAT solver (`sat`) that an adjustable-length layer configured at L and the
# fixed-length layer at L have the same counters, results, busy and done on every cycle: a miter
# holds both, driven by the same clock, reset, start and inputs, its log2_length tied to log2 L,
# and `sat -seq N -prove` shows the two agree at every one of N cycles after a reset, for every
# sequence of starts and inputs (a bounded proof: N covers a whole run and the start of the
# next). The counters are compared as numbers (the adjustable ones are wider). Both designs
# come from `scprec rtl` on the tiny model: hidden layer fc1 (4 inputs, 3 per cycle, so its
# last chunk is padded, and requantized codes as results) in sign-magnitude on 32-bit LFSR lanes
# at L = 2 and 4 (largest 4) and in bipolar on Sobol lanes at L = 4 (largest 8), and output
# layer fc2 (signed accumulators as results) at L = 2 (largest 8). Last, a miter set to 2L
# against the fixed layer at L must fail, so that the check is shown able to fail.
# Usage: adjustable_equivalence.sh SCPREC TINY_MODEL TINY_DATA WORK_DIR
set -euo pipefail
scprec=$1
model=$2
data=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
layer=fc1  # the layer the miter holds (check sets it)

# design.json's field of the layer.
field() {
  python3 -c "import json, sys
layer = [l for l in json.load(open(sys.argv[1]))['layers'] if l['name'] == sys.argv[2]][0]
print(layer[sys.argv[3]])" "$1" "$layer" "$2"
}

# The fixed-length and adjustable-length designs of a map with every layer at length $2.
designs() {
  local name=$1 length=$2 max_length=$3 encoding=$4 generator=$5
  local dir=$work/$name
  "$scprec" assign --model "$model" --data "$data" --method bernstein --gain analytic \
    --budget 100000 --min-length "$length" --max-length "$length" --encoding "$encoding" \
    --generator "$generator" -q -o "$dir/map.json" >/dev/null
  "$scprec" rtl --model "$model" --map "$dir/map.json" --inputs-per-cycle 3 -o "$dir/fixed" \
    >/dev/null
  "$scprec" rtl --model "$model" --map "$dir/map.json" --inputs-per-cycle 3 --adjustable \
    --max-length "$max_length" -o "$dir/adjustable" >/dev/null
  # The ROM images must be the same words (their comment lines name the length).
  for rom in weights lanes biases; do
    if ! cmp -s <(grep -v '^//' "$dir/fixed/${layer}_$rom.hex") \
      <(grep -v '^//' "$dir/adjustable/${layer}_$rom.hex"); then
      echo "adjustable_equivalence: $name: ${layer}_$rom.hex differs" >&2
      exit 1
    fi
  done
}

# Runs the miter of design $1 with the adjustable layer set to log2 length $2; returns yosys's
# status (0: proved equal for $3 cycles).
miter() {
  local name=$1 log2_length=$2 steps=$3
  local dir=$work/$name
  sed "s/\\bmodule scprec_$layer\\b/module fixed_layer/" "$dir/fixed/scprec_$layer.v" \
    >"$dir/fixed_layer.v"
  cat >"$dir/miter.v" <<V
module miter #(
    parameter integer INPUTS = $(field "$dir/fixed/design.json" inputs),
    parameter integer OUTPUTS = $(field "$dir/fixed/design.json" outputs),
    parameter integer BITS = $(field "$dir/fixed/design.json" bits),
    parameter integer RESULT_BITS = $(field "$dir/fixed/design.json" result_bits),
    parameter integer FIXED_CW = $(field "$dir/fixed/design.json" counter_bits),
    parameter integer ADJUSTABLE_CW = $(field "$dir/adjustable/design.json" counter_bits),
    parameter integer LOG2_BITS = $(field "$dir/adjustable/design.json" log2_length_bits)
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
    output wire same
);
  wire f_busy, f_done, a_busy, a_done;
  wire [OUTPUTS*RESULT_BITS-1:0] f_result, a_result;
  wire [OUTPUTS*FIXED_CW-1:0] f_pos, f_neg;
  wire [OUTPUTS*ADJUSTABLE_CW-1:0] a_pos, a_neg;
  fixed_layer u_fixed (.clk(clk), .rst_n(rst_n), .start(start), .x_in(x_in), .busy(f_busy),
      .done(f_done), .result(f_result), .pos(f_pos), .neg(f_neg));
  scprec_$layer u_adjustable (.clk(clk), .rst_n(rst_n), .start(start), .x_in(x_in),
      .log2_length(LOG2_BITS'($log2_length)), .busy(a_busy), .done(a_done), .result(a_result),
      .pos(a_pos), .neg(a_neg));
  wire [OUTPUTS-1:0] counters_same;
  genvar j;
  generate
    for (j = 0; j < OUTPUTS; j = j + 1) begin : g_neuron
      assign counters_same[j] =
          a_pos[j*ADJUSTABLE_CW+:ADJUSTABLE_CW] == ADJUSTABLE_CW'(f_pos[j*FIXED_CW+:FIXED_CW]) &&
          a_neg[j*ADJUSTABLE_CW+:ADJUSTABLE_CW] == ADJUSTABLE_CW'(f_neg[j*FIXED_CW+:FIXED_CW]);
    end
  endgenerate
  assign same = f_busy == a_busy && f_done == a_done && f_result == a_result && &counters_same;
endmodule
V
  # Every register starts at zero (the fixed and adjustable layers alike); reset on the first
  # cycle; the ROMs are the fixed design's files, the same words as the adjustable one's.
  (cd "$dir/fixed" && yosys -q -l "$dir/yosys-$log2_length.log" -p "
read_verilog -defer -sv sc_layer.v sc_layer_control.v sc_lfsr_lanes.v sc_output.v sc_rom.v
read_verilog -defer -sv sc_shared_lfsr_lanes.v sc_sobol_lanes.v
read_verilog -defer -sv ../fixed_layer.v ../adjustable/scprec_$layer.v ../miter.v
hierarchy -top miter
proc; flatten; memory; opt
sat -seq $steps -set-at 1 rst_n 0 -set-init-zero -prove same 1 -verify
" >/dev/null 2>&1)
}

check() {
  local name=$1 length=$2 max_length=$3 encoding=$4 generator=$5
  layer=$6
  designs "$name" "$length" "$max_length" "$encoding" "$generator"
  local latency
  latency=$(field "$work/$name/fixed/design.json" latency)
  local steps=$((latency + 5))  # reset, a whole run, done, and the next start
  local log2_length
  log2_length=$(python3 -c "print(($length).bit_length() - 1)")
  if ! miter "$name" "$log2_length" "$steps" ||
    ! grep -q 'SAT proof finished - no model found: SUCCESS' "$work/$name/yosys-$log2_length.log"; then
    tail -n 30 "$work/$name/yosys-$log2_length.log" >&2
    echo "adjustable_equivalence: $name: adjustable (largest $max_length) set to L = $length" \
      "differs from the fixed layer at L = $length within $steps cycles" >&2
    exit 1
  fi
  echo "adjustable_equivalence: $name: $encoding $generator $layer, adjustable (largest" \
    "$max_length) set to L = $length equals the fixed layer at L = $length for $steps cycles"
}

check sm_lfsr_2 2 4 sign-magnitude lfsr fc1
check sm_lfsr_4 4 4 sign-magnitude lfsr fc1
check bipolar_sobol_4 4 8 bipolar sobol fc1
check output_sm_lfsr_2 2 8 sign-magnitude lfsr fc2

# The check can fail: set to 2L, the adjustable layer's run is longer and its counts differ.
# Yosys must fail with a counterexample, not for any other reason.
layer=fc1
if miter sm_lfsr_2 2 $(($(field "$work/sm_lfsr_2/fixed/design.json" latency) + 5)) ||
  ! grep -q 'SAT proof finished - model found: FAIL' "$work/sm_lfsr_2/yosys-2.log"; then
  tail -n 30 "$work/sm_lfsr_2/yosys-2.log" >&2
  echo "adjustable_equivalence: the adjustable layer set to L = 4 was not shown to differ from" \
    "the fixed layer at L = 2: the check cannot fail" >&2
  exit 1
fi
echo "adjustable_equivalence: set to L = 4 against the fixed layer at L = 2: differs, as it must"
