// sc_lfsr_lanes: LANES maximal-length Fibonacci LFSR lanes, each giving a BITS-bit random
// number per cycle (docs/sc-arithmetic.md, section 2.1).
//
// Interface
//   clk      clock, rising edge
//   restart  load every lane's state from `seeds` (wins over step)
//   step     advance every lane by one cycle: BITS shifts of its register
//   seeds    LANES x WIDTH bits, lane g's starting state at seeds[g*WIDTH +: WIDTH]
//   r        LANES x BITS bits, lane g at r[g*BITS +: BITS]: NOT(state) & (2^BITS - 1)
// Timing: r reflects the registered state, so after a restart cycle r is r_0 and each step
// cycle moves it to the next r_t.
// One shift: feedback = XOR of the state bits selected by TAPS; state = {state, feedback}.
module sc_lfsr_lanes #(
    parameter integer LANES = 2,
    parameter integer WIDTH = 32,
    parameter integer BITS = 8,
    parameter [WIDTH-1:0] TAPS = {WIDTH{1'b0}}  // the tap mask; every instance sets it
) (
    input wire clk,
    input wire restart,
    input wire step,
    input wire [LANES*WIDTH-1:0] seeds,
    output wire [LANES*BITS-1:0] r
);
  // BITS shifts of one register: the state one clock cycle later.
  function automatic [WIDTH-1:0] leap(input [WIDTH-1:0] state);
    integer k;
    begin
      leap = state;
      for (k = 0; k < BITS; k = k + 1) leap = {leap[WIDTH-2:0], ^(leap & TAPS)};
    end
  endfunction

  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      reg [WIDTH-1:0] state;
      always @(posedge clk) begin
        if (restart) state <= seeds[g*WIDTH+:WIDTH];
        else if (step) state <= leap(state);
      end
      assign r[g*BITS+:BITS] = ~state[BITS-1:0];
    end
  endgenerate
endmodule
