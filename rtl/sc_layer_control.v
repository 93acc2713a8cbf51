// sc_layer_control: sequences one layer's run: clear the counters and load the input, then for
// each chunk of inputs restart the lanes from that chunk's seeds and run L cycles, then convert
// the neurons' counters to results one neuron per cycle, then signal done.
//
// Interface
//   clk, rst_n  clock (rising edge) and active-low synchronous reset
//   start       pulse: begin a run (ignored while busy)
//   load        the start cycle: latch the input codes, clear the counters
//   restart     first cycle of a chunk: lanes to that chunk's seeds
//   step        one of the chunk's L run cycles: counters add, lanes advance
//   chunk_end   the chunk's last run cycle: the input codes move on to the next chunk
//   chunk       index of the current chunk, 0 .. CHUNKS - 1
//   convert     a conversion cycle: neuron `neuron`'s result is registered
//   neuron      index of the neuron being converted, 0 .. OUTPUTS - 1
//   busy        high from start until done
//   done        pulse: results valid (held until the next run converts over them)
//   log2_length ADJUSTABLE only: log2 of this run's L, latched with start; values above
//               log2(LENGTH) run at LENGTH. A fixed-length control ignores it.
//   length_log2 log2 of the L the current (or last) run uses: the latched value, or log2(LENGTH)
// Timing: start at cycle 0; chunk c restarts at cycle 1 + c (L + 1) and runs L cycles; neuron j
// converts at cycle CHUNKS (L + 1) + 1 + j; done follows the last conversion. Latency
// start -> done: CHUNKS * (L + 1) + OUTPUTS + 1 cycles, L being LENGTH or, ADJUSTABLE, the run's.
module sc_layer_control #(
    parameter integer LENGTH = 256,  // L, or ADJUSTABLE the largest L (a power of two)
    parameter integer LENGTH_BITS = 8,
    parameter integer CHUNKS = 1,
    parameter integer CHUNK_BITS = 1,
    parameter integer OUTPUTS = 2,
    parameter integer NEURON_BITS = 1,
    parameter integer ADJUSTABLE = 0,  // L from log2_length at every start
    // Holds log2(LENGTH) (the generated wrappers pass the same value).
    parameter integer LOG2_BITS = $clog2(LENGTH) > 0 ? $clog2($clog2(LENGTH) + 1) : 1
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [LOG2_BITS-1:0] log2_length,
    output wire [LOG2_BITS-1:0] length_log2,
    output wire load,
    output wire restart,
    output wire step,
    output wire chunk_end,
    output reg [CHUNK_BITS-1:0] chunk,
    output wire convert,
    output reg [NEURON_BITS-1:0] neuron,
    output wire busy,
    output reg done
);
  localparam [1:0] IDLE = 2'd0, RESTART = 2'd1, RUN = 2'd2, CONVERT = 2'd3;
  localparam [CHUNK_BITS-1:0] LAST_CHUNK = CHUNK_BITS'(CHUNKS - 1);
  localparam [NEURON_BITS-1:0] LAST_NEURON = NEURON_BITS'(OUTPUTS - 1);
  localparam [LOG2_BITS-1:0] MAX_LOG2 = LOG2_BITS'($clog2(LENGTH));

  reg [1:0] state;
  reg [LENGTH_BITS-1:0] cycle;
  wire [LENGTH_BITS-1:0] last_cycle;  // L - 1

  assign load = state == IDLE && start;
  assign restart = state == RESTART;
  assign step = state == RUN;
  assign chunk_end = state == RUN && cycle == last_cycle;
  assign convert = state == CONVERT;
  assign busy = state != IDLE;

  // The run's length: a constant, or a register loaded with each accepted start (no reset: it is
  // read only during a run, which loads it).
  generate
    if (ADJUSTABLE != 0) begin : g_adjustable
      reg [LOG2_BITS-1:0] log2_q;
      wire [LOG2_BITS-1:0] log2_run;
      if ((1 << LOG2_BITS) - 1 > $clog2(LENGTH)) begin : g_clamp
        assign log2_run = log2_length > MAX_LOG2 ? MAX_LOG2 : log2_length;
      end else begin : g_in_range  // every value the port holds is a length up to LENGTH
        assign log2_run = log2_length;
      end
      always @(posedge clk) if (load) log2_q <= log2_run;
      assign length_log2 = log2_q;
      assign last_cycle = ~({LENGTH_BITS{1'b1}} << log2_q);
    end else begin : g_fixed
      wire unused_log2_length = ^log2_length;
      assign length_log2 = MAX_LOG2;
      assign last_cycle = LENGTH_BITS'(LENGTH - 1);
    end
  endgenerate

  always @(posedge clk) begin
    if (!rst_n) begin
      state <= IDLE;
      cycle <= {LENGTH_BITS{1'b0}};
      chunk <= {CHUNK_BITS{1'b0}};
      neuron <= {NEURON_BITS{1'b0}};
      done <= 1'b0;
    end else begin
      done <= 1'b0;
      case (state)
        IDLE:
        if (start) begin
          chunk <= {CHUNK_BITS{1'b0}};
          state <= RESTART;
        end
        RESTART: begin
          cycle <= {LENGTH_BITS{1'b0}};
          state <= RUN;
        end
        RUN: begin
          cycle <= cycle + 1'b1;
          if (cycle == last_cycle) begin
            if (chunk == LAST_CHUNK) begin
              neuron <= {NEURON_BITS{1'b0}};
              state  <= CONVERT;
            end else begin
              chunk <= chunk + 1'b1;
              state <= RESTART;
            end
          end
        end
        default: begin  // CONVERT
          neuron <= neuron + 1'b1;
          if (neuron == LAST_NEURON) begin
            state <= IDLE;
            done  <= 1'b1;
          end
        end
      endcase
    end
  end
endmodule
