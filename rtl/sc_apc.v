// sc_apc: the parallel counter of an accumulative parallel counter: how many of its N input
// bits are ones this cycle. The accumulator is the caller's register: sc_layer keeps every
// neuron's counts as slices of one packed bank per sign, which leave the layer as its pos /
// neg ports as they are (gathering separate counter registers into those ports made the
// Verilated model's cost per cycle grow with the square of the number of neurons), and clears
// and adds in its clocked block (an adder that saw the start input combinationally would be
// evaluated again on every input change).
//
// Interface (combinational)
//   bits   N parallel input bits of this cycle
//   ones   the number of ones among them, CW bits
// Simulation counts with $countones, which Verilator turns into word-wide popcounts; synthesis
// (SYNTHESIS defined, as scprec's Yosys script does) sums the bits in a loop, which Yosys 0.23
// maps several times faster. Both are the same function; tests/rtl checks them equal.
module sc_apc #(
    parameter integer N = 8,
    parameter integer CW = 16
) (
    input wire [N-1:0] bits,
    output reg [CW-1:0] ones
);
`ifdef SYNTHESIS
  integer k;
  always @* begin
    ones = {CW{1'b0}};
    for (k = 0; k < N; k = k + 1) ones = ones + {{(CW - 1) {1'b0}}, bits[k]};
  end
`else
  always @* ones = $countones(bits);
`endif
endmodule
