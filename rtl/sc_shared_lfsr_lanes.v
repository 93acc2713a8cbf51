// sc_shared_lfsr_lanes: LANES lanes that share one maximal-length Fibonacci LFSR, each lane
// XORing its own digital shift into the register's number (docs/sc-arithmetic.md, section 2.3).
//
// Interface
//   clk      clock, rising edge
//   restart  load the register with START (wins over step)
//   step     advance by one cycle: BITS shifts of the register
//   shifts   LANES x BITS bits: the top BITS of each lane's digital shift
//   r        LANES x BITS bits, lane g at r[g*BITS +: BITS]: NOT(state) & (2^BITS - 1), XOR
//            its shift
// Timing as sc_lfsr_lanes: r is r_0 after restart, the next r_t after each step.
module sc_shared_lfsr_lanes #(
    parameter integer LANES = 2,
    parameter integer WIDTH = 32,
    parameter integer BITS = 8,
    parameter [WIDTH-1:0] TAPS = {WIDTH{1'b0}},  // the tap mask; every instance sets it
    parameter [WIDTH-1:0] START = {{(WIDTH - 1) {1'b0}}, 1'b1}
) (
    input wire clk,
    input wire restart,
    input wire step,
    input wire [LANES*BITS-1:0] shifts,
    output wire [LANES*BITS-1:0] r
);
  // The one register: an LFSR lane whose seed is always START.
  wire [BITS-1:0] number;
  sc_lfsr_lanes #(
      .LANES(1),
      .WIDTH(WIDTH),
      .BITS(BITS),
      .TAPS(TAPS)
  ) u_register (
      .clk(clk),
      .restart(restart),
      .step(step),
      .seeds(START),
      .r(number)
  );

  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      assign r[g*BITS+:BITS] = number ^ shifts[g*BITS+:BITS];
    end
  endgenerate
endmodule
