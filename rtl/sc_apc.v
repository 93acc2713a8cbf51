// sc_apc: accumulative parallel counter: each enabled cycle adds the number of ones among its
// N inputs to a running count.
//
// Interface
//   clk    clock, rising edge
//   clear  count <= 0 (wins over enable)
//   en     count <= count + ones(bits)
//   bits   N parallel input bits of this cycle
//   count  CW-bit running count (registered)
// Simulation counts with $countones, which Verilator turns into word-wide popcounts; synthesis
// (SYNTHESIS defined, as scprec's Yosys script does) sums the bits in a loop, which Yosys 0.23
// maps several times faster. Both are the same function; tests/rtl checks them equal.
module sc_apc #(
    parameter integer N = 8,
    parameter integer CW = 16
) (
    input wire clk,
    input wire clear,
    input wire en,
    input wire [N-1:0] bits,
    output reg [CW-1:0] count
);
  reg [CW-1:0] ones;
`ifdef SYNTHESIS
  integer k;
  always @* begin
    ones = {CW{1'b0}};
    for (k = 0; k < N; k = k + 1) ones = ones + {{(CW - 1) {1'b0}}, bits[k]};
  end
`else
  always @* ones = $countones(bits);
`endif

  always @(posedge clk) begin
    if (clear) count <= {CW{1'b0}};
    else if (en) count <= count + ones;
  end
endmodule
