// sc_sng: the comparator stochastic number generator, bit = (r < v).
//
// Interface (combinational)
//   r    BITS-bit random number of this cycle
//   v    BITS-bit threshold (the value encoded)
//   bit  1 when r < v
module sc_sng #(
    parameter integer BITS = 8
) (
    input wire [BITS-1:0] r,
    input wire [BITS-1:0] v,
    output wire bit_out
);
  assign bit_out = r < v;
endmodule
