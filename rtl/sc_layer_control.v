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
// Timing: start at cycle 0; chunk c restarts at cycle 1 + c (L + 1) and runs L cycles; neuron j
// converts at cycle CHUNKS (L + 1) + 1 + j; done follows the last conversion. Latency
// start -> done: CHUNKS * (L + 1) + OUTPUTS + 1 cycles.
module sc_layer_control #(
    parameter integer LENGTH = 256,
    parameter integer LENGTH_BITS = 8,
    parameter integer CHUNKS = 1,
    parameter integer CHUNK_BITS = 1,
    parameter integer OUTPUTS = 2,
    parameter integer NEURON_BITS = 1
) (
    input wire clk,
    input wire rst_n,
    input wire start,
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
  localparam [LENGTH_BITS-1:0] LAST_CYCLE = LENGTH_BITS'(LENGTH - 1);
  localparam [CHUNK_BITS-1:0] LAST_CHUNK = CHUNK_BITS'(CHUNKS - 1);
  localparam [NEURON_BITS-1:0] LAST_NEURON = NEURON_BITS'(OUTPUTS - 1);

  reg [1:0] state;
  reg [LENGTH_BITS-1:0] cycle;

  assign load = state == IDLE && start;
  assign restart = state == RESTART;
  assign step = state == RUN;
  assign chunk_end = state == RUN && cycle == LAST_CYCLE;
  assign convert = state == CONVERT;
  assign busy = state != IDLE;

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
          if (cycle == LAST_CYCLE) begin
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
