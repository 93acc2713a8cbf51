// sc_sobol_lanes: LANES lanes of one Sobol dimension in Gray-code order, each lane XORing its
// own digital shift into the point (docs/sc-arithmetic.md, section 2.2).
//
// Interface
//   clk      clock, rising edge
//   restart  return to point x_0 = 0 and index 0 (wins over step)
//   step     advance to the next point: x ^= v[c], c = lowest zero bit of the index
//   shifts   LANES x BITS bits: the top BITS of each lane's digital shift
//   r        LANES x BITS bits, lane g at r[g*BITS +: BITS]: top BITS of x, XOR its shift
// DIRECTIONS holds v_1 .. v_WIDTH, v_k at DIRECTIONS[(k-1)*WIDTH +: WIDTH].
// Timing as sc_lfsr_lanes: r is r_0 after restart, the next r_t after each step.
module sc_sobol_lanes #(
    parameter integer LANES = 2,
    parameter integer WIDTH = 32,
    parameter integer BITS = 8,
    parameter [WIDTH*WIDTH-1:0] DIRECTIONS = {WIDTH * WIDTH{1'b0}}
) (
    input wire clk,
    input wire restart,
    input wire step,
    input wire [LANES*BITS-1:0] shifts,
    output wire [LANES*BITS-1:0] r
);
  reg [WIDTH-1:0] index;
  reg [WIDTH-1:0] point;

  // Position of the lowest zero bit of the index; WIDTH - 1 when the index is all ones.
  function automatic integer lowest_zero(input [WIDTH-1:0] value);
    integer k;
    begin
      lowest_zero = WIDTH - 1;
      for (k = WIDTH - 1; k >= 0; k = k - 1) if (!value[k]) lowest_zero = k;
    end
  endfunction

  always @(posedge clk) begin
    if (restart) begin
      index <= {WIDTH{1'b0}};
      point <= {WIDTH{1'b0}};
    end else if (step) begin
      index <= index + 1'b1;
      point <= point ^ DIRECTIONS[lowest_zero(index)*WIDTH+:WIDTH];
    end
  end

  genvar g;
  generate
    for (g = 0; g < LANES; g = g + 1) begin : g_lane
      assign r[g*BITS+:BITS] = point[WIDTH-1-:BITS] ^ shifts[g*BITS+:BITS];
    end
  endgenerate
endmodule
