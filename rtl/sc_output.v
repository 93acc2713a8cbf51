// sc_output: a neuron's output conversion (docs/sc-arithmetic.md, section 5): counters to the
// SC dot-product estimate, plus bias and activation, then (hidden layers) requantization to
// the next layer's codes.
//
// Interface (combinational)
//   pos, neg  end-of-run counters (sign-magnitude: positive and negative; bipolar: pos only)
//   bias      the neuron's constant, accumulator units (bipolar: bias - N 2^(2B-2) + S 2^(B-1))
//   result    OUTPUT_LAYER: y = (pos - neg) * 2^SHIFT + bias (bipolar: pos * 2^SHIFT + bias),
//             after ReLU if RELU, signed, YW bits. Hidden layers: the next layer's code,
//             min((y * MULT + 2^(RQ_SHIFT-1)) >> RQ_SHIFT, 2^BITS - 1), 0 when y <= 0.
// Widths: YW must hold every reachable y with its sign; MULT_BITS bits hold MULT.
module sc_output #(
    parameter integer CW = 16,
    parameter integer BIPOLAR = 0,
    parameter integer SHIFT = 0,
    parameter integer YW = 32,
    parameter integer BW = 32,
    parameter integer RELU = 1,
    parameter integer OUTPUT_LAYER = 0,
    parameter integer BITS = 8,
    parameter integer MULT_BITS = 15,
    parameter [MULT_BITS-1:0] MULT = 1,
    parameter integer RQ_SHIFT = 1,
    localparam integer RW = OUTPUT_LAYER != 0 ? YW : BITS
) (
    input wire [CW-1:0] pos,
    input wire [CW-1:0] neg,
    input wire signed [BW-1:0] bias,
    output wire [RW-1:0] result
);
  wire signed [YW-1:0] count_pos = $signed({{(YW - CW) {1'b0}}, pos});
  wire signed [YW-1:0] estimate;
  generate
    if (BIPOLAR != 0) begin : g_bipolar
      assign estimate = count_pos <<< SHIFT;
      wire unused_neg = |neg;  // bipolar layers have no negative counter: it stays 0
    end else begin : g_sign_magnitude
      wire signed [YW-1:0] count_neg = $signed({{(YW - CW) {1'b0}}, neg});
      assign estimate = (count_pos - count_neg) <<< SHIFT;
    end
  endgenerate
  wire signed [YW-1:0] sum = estimate + {{(YW - BW) {bias[BW-1]}}, bias};
  wire signed [YW-1:0] acc = RELU != 0 && sum < 0 ? {YW{1'b0}} : sum;

  generate
    if (OUTPUT_LAYER != 0) begin : g_accumulator
      assign result = acc;
    end else begin : g_requantize
      localparam integer PW = YW + MULT_BITS;
      localparam [PW-1:0] ROUND = {{(PW - 1) {1'b0}}, 1'b1} << (RQ_SHIFT - 1);
      localparam [PW-1:0] MAX_CODE = {{(PW - BITS) {1'b0}}, {BITS{1'b1}}};
      wire [PW-1:0] magnitude = {{MULT_BITS{1'b0}}, acc};
      wire [PW-1:0] scaled = (magnitude * {{YW{1'b0}}, MULT} + ROUND) >> RQ_SHIFT;
      assign result = acc <= 0 ? {BITS{1'b0}} : scaled > MAX_CODE ? {BITS{1'b1}} : scaled[BITS-1:0];
    end
  endgenerate
endmodule
