// sc_layer: one dense SC layer, all neurons in parallel over CHUNK inputs at a time
// (docs/rtl-architecture.md).
//
// Interface
//   clk, rst_n  clock (rising edge), active-low synchronous reset
//   start       pulse: latch x_in and run the layer (ignored while busy)
//   x_in        INPUTS x BITS-bit input codes, input i at x_in[i*BITS +: BITS]
//   busy, done  see sc_layer_control; outputs are valid from done until the next start
//   result      OUTPUTS x RW bits, neuron j at result[j*RW +: RW]: hidden layers the BITS-bit
//               codes for the next layer; the output layer its YW-bit signed accumulators
//   pos, neg    OUTPUTS x CW-bit end-of-run counters: the bit-exact contract's integers
//   log2_length ADJUSTABLE: log2 of the run's L, read at start (sc_layer_control); else unused
// Latency start -> done: ceil(INPUTS / CHUNK) * (L + 1) + OUTPUTS + 1 cycles.
//
// Adjustable length (ADJUSTABLE = 1): LENGTH is the largest L, Lmax, and CW, SHIFT and YW are
// sized for it; each run takes L = 2^log2_length <= Lmax. The counters count the same products
// as a fixed layer at L (they only have more bits), and the converter sees them scaled by
// Lmax / L, so that its shift by SHIFT = 2B - log2(Lmax) is the fixed layer's 2B - log2(L).
//
// Datapath. Inputs are taken CHUNK at a time; each chunk runs L cycles. A chunk's 2 x CHUNK
// random lanes (activation lane and weight lane of each of its inputs) restart at every chunk,
// from the chunk's row of the lane ROM (LFSR: the lanes' states; Sobol, shared LFSR: their
// shifts, the shared generators restarting from fixed states), so input i sees the same random
// numbers as in the software model. Every run cycle: CHUNK activation comparators; for each neuron CHUNK weight comparators
// (thresholds from the chunk's row of the weight ROM), the products (AND for sign-magnitude,
// counted by the weight's sign in the positive or negative counter; XNOR for bipolar) and two
// accumulative parallel counters that keep counting across chunks. After the last chunk one
// output converter turns each neuron's counters into its result, one neuron per cycle.
module sc_layer #(
    parameter integer INPUTS = 4,
    parameter integer OUTPUTS = 2,
    parameter integer CHUNK = 4,
    parameter integer BITS = 8,
    parameter integer LENGTH = 256,  // L, or ADJUSTABLE the largest L
    parameter integer LENGTH_BITS = 8,
    parameter integer ADJUSTABLE = 0,
    // Holds log2(LENGTH) (the generated wrappers pass the same value).
    parameter integer LOG2_BITS = $clog2(LENGTH) > 0 ? $clog2($clog2(LENGTH) + 1) : 1,
    parameter integer CW = 16,
    parameter integer BIPOLAR = 0,
    parameter integer SOBOL = 0,
    parameter integer SHARED_LFSR = 0,  // two shared LFSRs, shifted per lane (SOBOL = 0)
    parameter integer GEN_WIDTH = 32,
    parameter [GEN_WIDTH-1:0] TAPS = {GEN_WIDTH{1'b0}},  // LFSR taps (LFSR layers set them)
    // Shared LFSR: the activation and weight registers' starting states.
    parameter [GEN_WIDTH-1:0] START_ACT = {{(GEN_WIDTH - 1) {1'b0}}, 1'b1},
    parameter [GEN_WIDTH-1:0] START_WGT = {{(GEN_WIDTH - 1) {1'b0}}, 1'b1},
    parameter [GEN_WIDTH*GEN_WIDTH-1:0] DIRECTIONS_ACT = {GEN_WIDTH * GEN_WIDTH{1'b0}},
    parameter [GEN_WIDTH*GEN_WIDTH-1:0] DIRECTIONS_WGT = {GEN_WIDTH * GEN_WIDTH{1'b0}},
    parameter WEIGHT_FILE = "weights.hex",
    parameter LANE_FILE = "lanes.hex",
    parameter BIAS_FILE = "biases.hex",
    parameter integer SHIFT = 0,
    parameter integer YW = 32,
    parameter integer BW = 32,
    parameter integer RELU = 1,
    parameter integer OUTPUT_LAYER = 0,
    parameter integer MULT_BITS = 15,
    parameter [MULT_BITS-1:0] MULT = 1,
    parameter integer RQ_SHIFT = 1,
    localparam integer RW = OUTPUT_LAYER != 0 ? YW : BITS
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
    input wire [LOG2_BITS-1:0] log2_length,
    output wire busy,
    output wire done,
    output wire [OUTPUTS*RW-1:0] result,
    output wire [OUTPUTS*CW-1:0] pos,
    output wire [OUTPUTS*CW-1:0] neg
);
  localparam integer CHUNKS = (INPUTS + CHUNK - 1) / CHUNK;
  localparam integer CHUNK_BITS = CHUNKS > 1 ? $clog2(CHUNKS) : 1;
  localparam integer NEURON_BITS = OUTPUTS > 1 ? $clog2(OUTPUTS) : 1;
  localparam integer PADDING = CHUNKS * CHUNK - INPUTS;  // inputs past the last, code 0
  // Weight ROM row c: neuron j's synapse for input c*CHUNK + k at (j*CHUNK + k)*SYNAPSE_BITS,
  // a synapse {sign, threshold} (bipolar: threshold).
  localparam integer SYNAPSE_BITS = BIPOLAR != 0 ? BITS : BITS + 1;
  localparam integer WEIGHT_ROW_BITS = OUTPUTS * CHUNK * SYNAPSE_BITS;
  // Lane ROM row c: activation lanes k, then weight lanes CHUNK + k, LANE_BITS each
  // (LFSR: starting state; Sobol, shared LFSR: top BITS of the digital shift).
  localparam integer LANE_BITS = SOBOL != 0 || SHARED_LFSR != 0 ? BITS : GEN_WIDTH;
  localparam integer LANE_ROW_BITS = 2 * CHUNK * LANE_BITS;

  wire load, restart, step, chunk_end, convert;
  wire [CHUNK_BITS-1:0] chunk;
  wire [NEURON_BITS-1:0] neuron;
  wire [LOG2_BITS-1:0] run_log2;  // log2 of the run's L
  sc_layer_control #(
      .LENGTH(LENGTH),
      .LENGTH_BITS(LENGTH_BITS),
      .CHUNKS(CHUNKS),
      .CHUNK_BITS(CHUNK_BITS),
      .OUTPUTS(OUTPUTS),
      .NEURON_BITS(NEURON_BITS),
      .ADJUSTABLE(ADJUSTABLE),
      .LOG2_BITS(LOG2_BITS)
  ) u_control (
      .clk(clk),
      .rst_n(rst_n),
      .start(start),
      .log2_length(log2_length),
      .length_log2(run_log2),
      .load(load),
      .restart(restart),
      .step(step),
      .chunk_end(chunk_end),
      .chunk(chunk),
      .convert(convert),
      .neuron(neuron),
      .busy(busy),
      .done(done)
  );

  // Input codes, moved down one chunk at the end of each chunk: the current chunk's codes are
  // always x[CHUNK*BITS-1:0].
  reg [(INPUTS+PADDING)*BITS-1:0] x;
  wire [(INPUTS+PADDING)*BITS-1:0] x_padded;
  generate
    if (PADDING != 0) begin : g_pad
      assign x_padded = {{(PADDING * BITS) {1'b0}}, x_in};
    end else begin : g_no_pad
      assign x_padded = x_in;
    end
  endgenerate
  always @(posedge clk) begin
    if (load) x <= x_padded;
    else if (chunk_end) x <= x >> (CHUNK * BITS);
  end

  // The chunk's random lanes.
  wire [LANE_ROW_BITS-1:0] lane_row;
  sc_rom #(
      .WIDTH(LANE_ROW_BITS),
      .DEPTH(CHUNKS),
      .ADDR_BITS(CHUNK_BITS),
      .INIT_FILE(LANE_FILE)
  ) u_lane_rom (
      .addr(chunk),
      .data(lane_row)
  );
  wire [CHUNK*BITS-1:0] r_act;
  wire [CHUNK*BITS-1:0] r_wgt;
  generate
    if (SOBOL != 0) begin : g_sobol
      sc_sobol_lanes #(
          .LANES(CHUNK),
          .WIDTH(GEN_WIDTH),
          .BITS(BITS),
          .DIRECTIONS(DIRECTIONS_ACT)
      ) u_act (
          .clk(clk),
          .restart(restart),
          .step(step),
          .shifts(lane_row[CHUNK*BITS-1:0]),
          .r(r_act)
      );
      sc_sobol_lanes #(
          .LANES(CHUNK),
          .WIDTH(GEN_WIDTH),
          .BITS(BITS),
          .DIRECTIONS(DIRECTIONS_WGT)
      ) u_wgt (
          .clk(clk),
          .restart(restart),
          .step(step),
          .shifts(lane_row[2*CHUNK*BITS-1:CHUNK*BITS]),
          .r(r_wgt)
      );
    end else if (SHARED_LFSR != 0) begin : g_shared_lfsr
      sc_shared_lfsr_lanes #(
          .LANES(CHUNK),
          .WIDTH(GEN_WIDTH),
          .BITS(BITS),
          .TAPS(TAPS),
          .START(START_ACT)
      ) u_act (
          .clk(clk),
          .restart(restart),
          .step(step),
          .shifts(lane_row[CHUNK*BITS-1:0]),
          .r(r_act)
      );
      sc_shared_lfsr_lanes #(
          .LANES(CHUNK),
          .WIDTH(GEN_WIDTH),
          .BITS(BITS),
          .TAPS(TAPS),
          .START(START_WGT)
      ) u_wgt (
          .clk(clk),
          .restart(restart),
          .step(step),
          .shifts(lane_row[2*CHUNK*BITS-1:CHUNK*BITS]),
          .r(r_wgt)
      );
    end else begin : g_lfsr
      sc_lfsr_lanes #(
          .LANES(2 * CHUNK),
          .WIDTH(GEN_WIDTH),
          .BITS(BITS),
          .TAPS(TAPS)
      ) u_lanes (
          .clk(clk),
          .restart(restart),
          .step(step),
          .seeds(lane_row),
          .r({r_wgt, r_act})
      );
    end
  endgenerate

  // The SC arithmetic of a cycle over the chunk's C inputs is written as functions, not as
  // comparator and counter blocks: each neuron calls them inside its clocked block, on run
  // cycles only. Verilator evaluates a block instance's combinational logic on every clock
  // edge, so with blocks the idle layers of the network top (every layer but one at any time)
  // were evaluated on every cycle too (the top simulated 6 to 16% slower, docs/BENCHMARKS.md).

  // Comparator SNGs: bit k = (r_k < v_k) for the C BITS-bit numbers r_k = r[k*BITS +: BITS].
  function automatic [CHUNK-1:0] streams(input [CHUNK*BITS-1:0] r, input [CHUNK*BITS-1:0] v);
    integer i;
    for (i = 0; i < CHUNK; i = i + 1) streams[i] = r[i*BITS+:BITS] < v[i*BITS+:BITS];
  endfunction

  // The parallel counter of an accumulative parallel counter: how many of the C bits are ones.
  // Simulation counts with $countones, which Verilator turns into word-wide popcounts;
  // synthesis (SYNTHESIS defined, as scprec's Yosys script does) sums the bits in a loop,
  // which Yosys 0.23 maps several times faster. tests/rtl proves the two the same.
  function automatic [CW-1:0] ones(input [CHUNK-1:0] bits);
`ifdef SYNTHESIS
    integer i;
    ones = {CW{1'b0}};
    for (i = 0; i < CHUNK; i = i + 1) ones = ones + {{(CW - 1) {1'b0}}, bits[i]};
`else
    ones = CW'($countones(bits));
`endif
  endfunction

  // A neuron's C synapses from its slice of the weight ROM row: the thresholds (|w| or the
  // bipolar code) and, for sign-magnitude, the signs.
  function automatic [CHUNK*BITS-1:0] thresholds(input [CHUNK*SYNAPSE_BITS-1:0] synapses);
    integer i;
    for (i = 0; i < CHUNK; i = i + 1)
      thresholds[i*BITS+:BITS] = synapses[i*SYNAPSE_BITS+:BITS];
  endfunction
  function automatic [CHUNK-1:0] signs(input [CHUNK*SYNAPSE_BITS-1:0] synapses);
    integer i;
    for (i = 0; i < CHUNK; i = i + 1) signs[i] = synapses[i*SYNAPSE_BITS+SYNAPSE_BITS-1];
  endfunction

  // Activation streams of the chunk's inputs, shared by every neuron.
  wire [CHUNK-1:0] a = streams(r_act, x[CHUNK*BITS-1:0]);

  // Padding inputs of the last chunk never count (a bipolar XNOR of two zeros would be 1).
  wire [CHUNK-1:0] active;
  generate
    if (PADDING != 0) begin : g_last_chunk
      localparam [CHUNK_BITS-1:0] LAST_CHUNK = CHUNK_BITS'(CHUNKS - 1);
      assign active = chunk == LAST_CHUNK ? {{PADDING{1'b0}}, {(CHUNK - PADDING) {1'b1}}}
                                          : {CHUNK{1'b1}};
    end else begin : g_all_active
      assign active = {CHUNK{1'b1}};
    end
  endgenerate

  wire [WEIGHT_ROW_BITS-1:0] weight_row;
  sc_rom #(
      .WIDTH(WEIGHT_ROW_BITS),
      .DEPTH(CHUNKS),
      .ADDR_BITS(CHUNK_BITS),
      .INIT_FILE(WEIGHT_FILE)
  ) u_weight_rom (
      .addr(chunk),
      .data(weight_row)
  );

  // Neurons: weight streams, products and accumulative parallel counters, cleared at load and
  // adding their ones every run cycle. The counters are slices of two packed banks, pos_q and
  // neg_q (neuron j at [j*CW +: CW]), which are the pos and neg ports as they are: nothing
  // gathers them into a bus every cycle.
  reg [OUTPUTS*CW-1:0] pos_q;
  reg [OUTPUTS*CW-1:0] neg_q;
  assign pos = pos_q;
  assign neg = neg_q;
  genvar j;
  generate
    for (j = 0; j < OUTPUTS; j = j + 1) begin : g_neuron
      wire [CHUNK*SYNAPSE_BITS-1:0] synapses =
          weight_row[j*CHUNK*SYNAPSE_BITS+:CHUNK*SYNAPSE_BITS];
      if (BIPOLAR != 0) begin : g_bipolar
        // XNOR products, one counter; a bipolar neuron's negative counter stays zero.
        always @(posedge clk) begin
          if (load) begin
            pos_q[j*CW+:CW] <= {CW{1'b0}};
            neg_q[j*CW+:CW] <= {CW{1'b0}};
          end else if (step) begin
            pos_q[j*CW+:CW] <= pos_q[j*CW+:CW]
                + ones(~(a ^ streams(r_wgt, thresholds(synapses))) & active);
          end
        end
      end else begin : g_sign_magnitude
        // AND products, counted by the weight's sign in the positive or negative counter. The
        // products are a variable of the block (blocking, read only after it is set) so that
        // the comparators are evaluated once for both counters.
        // verilator lint_off BLKSEQ
        always @(posedge clk) begin : counters
          reg [CHUNK-1:0] products;
          if (load) begin
            pos_q[j*CW+:CW] <= {CW{1'b0}};
            neg_q[j*CW+:CW] <= {CW{1'b0}};
          end else if (step) begin
            products = a & streams(r_wgt, thresholds(synapses)) & active;
            pos_q[j*CW+:CW] <= pos_q[j*CW+:CW] + ones(products & ~signs(synapses));
            neg_q[j*CW+:CW] <= neg_q[j*CW+:CW] + ones(products & signs(synapses));
          end
        end
        // verilator lint_on BLKSEQ
      end
    end
  endgenerate

  // Output conversion, one neuron per cycle.
  wire [BW-1:0] bias;
  sc_rom #(
      .WIDTH(BW),
      .DEPTH(OUTPUTS),
      .ADDR_BITS(NEURON_BITS),
      .INIT_FILE(BIAS_FILE)
  ) u_bias_rom (
      .addr(neuron),
      .data(bias)
  );
  // The converted neuron's counters. Adjustable: scaled by Lmax / L (a counter at L holds at
  // most L x INPUTS, so the scaled value fits CW), which makes the converter's fixed shift for
  // Lmax the shift for L.
  wire [CW-1:0] convert_pos, convert_neg;
  generate
    if (ADJUSTABLE != 0) begin : g_scale
      localparam [LOG2_BITS-1:0] MAX_LOG2 = LOG2_BITS'($clog2(LENGTH));
      assign convert_pos = pos_q[neuron*CW+:CW] << (MAX_LOG2 - run_log2);
      assign convert_neg = neg_q[neuron*CW+:CW] << (MAX_LOG2 - run_log2);
    end else begin : g_no_scale
      wire unused_run_log2 = ^run_log2;
      assign convert_pos = pos_q[neuron*CW+:CW];
      assign convert_neg = neg_q[neuron*CW+:CW];
    end
  endgenerate
  wire [RW-1:0] converted;
  sc_output #(
      .CW(CW),
      .BIPOLAR(BIPOLAR),
      .SHIFT(SHIFT),
      .YW(YW),
      .BW(BW),
      .RELU(RELU),
      .OUTPUT_LAYER(OUTPUT_LAYER),
      .BITS(BITS),
      .MULT_BITS(MULT_BITS),
      .MULT(MULT),
      .RQ_SHIFT(RQ_SHIFT)
  ) u_output (
      .pos(convert_pos),
      .neg(convert_neg),
      .bias(bias),
      .result(converted)
  );
  // Results: a shift register of the converted values, neuron j ending at [j*RW +: RW] after
  // the last conversion (neuron 0 converts first). Enabled only on conversion cycles, it has
  // no per-neuron write enables, which would be M comparisons every cycle in Verilator and a
  // decoder in synthesis.
  reg [OUTPUTS*RW-1:0] result_q;
  assign result = result_q;
  generate
    if (OUTPUTS > 1) begin : g_result_shift
      always @(posedge clk) if (convert) result_q <= {converted, result_q[OUTPUTS*RW-1:RW]};
    end else begin : g_result_single
      always @(posedge clk) if (convert) result_q <= converted;
    end
  endgenerate
endmodule
