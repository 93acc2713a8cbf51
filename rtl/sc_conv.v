// sc_conv: what a conv layer adds around its dense datapath (docs/rtl-architecture.md): the
// input feature map in a buffer, an address generator that walks the output positions and
// gathers each position's window (zeros on the padding), and pooling of the positions' output
// codes in binary. The generated wrapper connects it to an sc_layer of WINDOW inputs and
// CHANNELS outputs, which computes one position per run (its lanes restart every run).
//
// Interface
//   clk, rst_n      clock (rising edge), active-low synchronous reset (the control only)
//   start           pulse: latch x_in and run the layer (ignored while busy)
//   x_in            the input map, CHANNELS_IN x HEIGHT x WIDTH codes of BITS bits, element
//                   (c, y, x) at [((c HEIGHT + y) WIDTH + x) BITS +: BITS]
//   busy, done      high from start until done; done a one-cycle pulse, results valid from done
//                   until the next run's pooling writes over them
//   result          the pooled output map, CHANNELS x POOLED_HEIGHT x POOLED_WIDTH codes, in the
//                   same layout as x_in
//   dense_start     to the datapath: run on `window`
//   window          the window of the position being handed over, WINDOW codes, element
//                   (c, ky, kx) at [((c KERNEL_H + ky) KERNEL_W + kx) BITS +: BITS]
//   dense_busy      from the datapath: it is running (a start would be ignored)
//   dense_done      from the datapath: its `dense_result` (CHANNELS codes) is the next position's
// Positions are walked row by row. The window of the next position is gathered, one element
// per cycle, while the datapath runs the current one, and handed over (dense_start) as soon as
// both are ready. Each position's codes are pooled when its dense_done comes.
// Latency start -> done, for a datapath of latency D and P positions:
//   WINDOW + 2 + (P - 1) max(D, WINDOW + 1) + D cycles.
module sc_conv #(
    parameter integer CHANNELS_IN = 1,
    parameter integer HEIGHT = 4,
    parameter integer WIDTH = 4,
    parameter integer KERNEL_H = 3,
    parameter integer KERNEL_W = 3,
    parameter integer STRIDE_H = 1,
    parameter integer STRIDE_W = 1,
    parameter integer PAD_H = 0,
    parameter integer PAD_W = 0,
    parameter integer CHANNELS = 2,
    parameter integer BITS = 8,
    parameter integer POOL_SIZE = 1,  // 1: no pooling
    parameter integer POOL_AVERAGE = 0,  // 0: maximum, 1: mean rounded half up
    localparam integer OUT_HEIGHT = (HEIGHT + 2 * PAD_H - KERNEL_H) / STRIDE_H + 1,
    localparam integer OUT_WIDTH = (WIDTH + 2 * PAD_W - KERNEL_W) / STRIDE_W + 1,
    localparam integer POOLED_HEIGHT = OUT_HEIGHT / POOL_SIZE,
    localparam integer POOLED_WIDTH = OUT_WIDTH / POOL_SIZE,
    localparam integer INPUTS = CHANNELS_IN * HEIGHT * WIDTH,
    localparam integer WINDOW = CHANNELS_IN * KERNEL_H * KERNEL_W,
    localparam integer POOLED = POOLED_HEIGHT * POOLED_WIDTH
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
    output wire busy,
    output reg done,
    output wire [CHANNELS*POOLED*BITS-1:0] result,
    output wire dense_start,
    output wire [WINDOW*BITS-1:0] window,
    input wire dense_busy,
    input wire dense_done,
    input wire [CHANNELS*BITS-1:0] dense_result
);
  // Counter widths: each holds its largest value (and the row and column ones, one past it).
  localparam integer ADDRESS_BITS = $clog2(INPUTS + 1);
  localparam integer OY_BITS = $clog2(OUT_HEIGHT + 1);
  localparam integer OX_BITS = $clog2(OUT_WIDTH + 1);
  localparam integer C_BITS = $clog2(CHANNELS_IN + 1);
  localparam integer KY_BITS = $clog2(KERNEL_H + 1);
  localparam integer KX_BITS = $clog2(KERNEL_W + 1);
  localparam integer M_BITS = $clog2(POOL_SIZE + 1);
  // Signed row and column arithmetic: every y * stride - pad + ky, and the map's bounds.
  localparam integer SIGNED_BITS =
      $clog2(HEIGHT + WIDTH + 2 * (PAD_H + PAD_W) + STRIDE_H + STRIDE_W + KERNEL_H + KERNEL_W) + 2;

  // The layer's run: from an accepted start until the last position is pooled.
  reg running;
  assign busy = running;
  wire accept = start && !running;

  // The input map, latched at start.
  reg [INPUTS*BITS-1:0] map;
  always @(posedge clk) if (accept) map <= x_in;

  // Address generator: the position being gathered (gy, gx), the first row and column its
  // window reads (base_y, base_x, which may lie on the padding) and the window element
  // (c, ky, kx). Gathering runs from the start, and after each hand-over, until the window is
  // whole (ready); the hand-over of the last window ends it.
  reg gathering, ready;
  reg [OY_BITS-1:0] gy;
  reg [OX_BITS-1:0] gx;
  reg signed [SIGNED_BITS-1:0] base_y, base_x;
  reg [C_BITS-1:0] c;
  reg [KY_BITS-1:0] ky;
  reg [KX_BITS-1:0] kx;
  localparam [OY_BITS-1:0] LAST_OY = OY_BITS'(OUT_HEIGHT - 1);
  localparam [OX_BITS-1:0] LAST_OX = OX_BITS'(OUT_WIDTH - 1);
  localparam [C_BITS-1:0] LAST_C = C_BITS'(CHANNELS_IN - 1);
  localparam [KY_BITS-1:0] LAST_KY = KY_BITS'(KERNEL_H - 1);
  localparam [KX_BITS-1:0] LAST_KX = KX_BITS'(KERNEL_W - 1);
  localparam signed [SIGNED_BITS-1:0] FIRST_Y = -SIGNED_BITS'(PAD_H);
  localparam signed [SIGNED_BITS-1:0] FIRST_X = -SIGNED_BITS'(PAD_W);
  localparam signed [SIGNED_BITS-1:0] STEP_Y = SIGNED_BITS'(STRIDE_H);
  localparam signed [SIGNED_BITS-1:0] STEP_X = SIGNED_BITS'(STRIDE_W);
  localparam signed [SIGNED_BITS-1:0] MAP_H = SIGNED_BITS'(HEIGHT);
  localparam signed [SIGNED_BITS-1:0] MAP_W = SIGNED_BITS'(WIDTH);

  wire signed [SIGNED_BITS-1:0] iy = base_y + $signed({{(SIGNED_BITS - KY_BITS) {1'b0}}, ky});
  wire signed [SIGNED_BITS-1:0] ix = base_x + $signed({{(SIGNED_BITS - KX_BITS) {1'b0}}, kx});
  wire on_map = iy >= 0 && iy < MAP_H && ix >= 0 && ix < MAP_W;
  // ((c HEIGHT + iy) WIDTH + ix), meaningful when on_map.
  wire [ADDRESS_BITS-1:0] address =
      ADDRESS_BITS'((({{(32 - C_BITS) {1'b0}}, c} * HEIGHT + 32'(iy)) * WIDTH) + 32'(ix));
  wire [BITS-1:0] element = on_map ? map[address*BITS+:BITS] : {BITS{1'b0}};
  wire last_element = c == LAST_C && ky == LAST_KY && kx == LAST_KX;
  wire last_position = gy == LAST_OY && gx == LAST_OX;

  // The window: a shift register the gathered elements enter at the top, element 0 ending at
  // the bottom. The datapath copies it on the hand-over.
  reg [WINDOW*BITS-1:0] window_q;
  assign window = window_q;
  generate
    if (WINDOW > 1) begin : g_window_shift
      always @(posedge clk) if (gathering) window_q <= {element, window_q[WINDOW*BITS-1:BITS]};
    end else begin : g_window_single
      always @(posedge clk) if (gathering) window_q <= element;
    end
  endgenerate

  assign dense_start = ready && !dense_busy;

  always @(posedge clk) begin
    if (!rst_n) begin
      gathering <= 1'b0;
      ready <= 1'b0;
    end else if (accept) begin
      gathering <= 1'b1;
      ready <= 1'b0;
      gy <= {OY_BITS{1'b0}};
      gx <= {OX_BITS{1'b0}};
      base_y <= FIRST_Y;
      base_x <= FIRST_X;
      c <= {C_BITS{1'b0}};
      ky <= {KY_BITS{1'b0}};
      kx <= {KX_BITS{1'b0}};
    end else if (gathering) begin
      kx <= kx + 1'b1;
      if (kx == LAST_KX) begin
        kx <= {KX_BITS{1'b0}};
        ky <= ky + 1'b1;
        if (ky == LAST_KY) begin
          ky <= {KY_BITS{1'b0}};
          c  <= c + 1'b1;
          if (c == LAST_C) c <= {C_BITS{1'b0}};
        end
      end
      if (last_element) begin
        gathering <= 1'b0;
        ready <= 1'b1;
      end
    end else if (dense_start) begin  // hand-over: on to the next position, if any
      ready <= 1'b0;
      gathering <= !last_position;
      gx <= gx + 1'b1;
      base_x <= base_x + STEP_X;
      if (gx == LAST_OX) begin
        gx <= {OX_BITS{1'b0}};
        base_x <= FIRST_X;
        gy <= gy + 1'b1;
        base_y <= base_y + STEP_Y;
      end
    end
  end

  // Pooling. The position whose codes come next (py, px) and where it lies in its pooling
  // window (my, mx). Codes of positions past the last whole pooling window are dropped.
  reg [OY_BITS-1:0] py;
  reg [OX_BITS-1:0] px;
  reg [M_BITS-1:0] my, mx;
  localparam [OY_BITS-1:0] POOLED_ROWS = OY_BITS'(POOLED_HEIGHT * POOL_SIZE);
  localparam [OX_BITS-1:0] POOLED_COLUMNS = OX_BITS'(POOLED_WIDTH * POOL_SIZE);
  localparam [M_BITS-1:0] LAST_M = M_BITS'(POOL_SIZE - 1);
  wire pooled_position = py < POOLED_ROWS && px < POOLED_COLUMNS;
  wire last_in_row = mx == LAST_M;  // of its pooling window
  wire last_in_pool = my == LAST_M && last_in_row;
  wire last_code = py == LAST_OY && px == LAST_OX;
  wire take = dense_done && running && pooled_position;

  always @(posedge clk) begin
    if (!rst_n) begin
      running <= 1'b0;
      done <= 1'b0;
    end else begin
      done <= 1'b0;
      if (accept) begin
        running <= 1'b1;
        py <= {OY_BITS{1'b0}};
        px <= {OX_BITS{1'b0}};
        my <= {M_BITS{1'b0}};
        mx <= {M_BITS{1'b0}};
      end else if (running && dense_done) begin
        px <= px + 1'b1;
        mx <= last_in_row ? {M_BITS{1'b0}} : mx + 1'b1;
        if (px == LAST_OX) begin
          px <= {OX_BITS{1'b0}};
          mx <= {M_BITS{1'b0}};
          py <= py + 1'b1;
          my <= my == LAST_M ? {M_BITS{1'b0}} : my + 1'b1;
        end
        if (last_code) begin
          running <= 1'b0;
          done <= 1'b1;
        end
      end
    end
  end

  // Per output channel: the pooling windows of the current row of windows, a circular shift
  // register whose bottom entry is the window the next code joins (it turns after a window's
  // last column), and the channel's pooled codes, a shift register the finished windows enter
  // at the top (row by row, so window 0 ends at the bottom).
  localparam integer POOL_COUNT = POOL_SIZE * POOL_SIZE;
  localparam integer SUM_BITS = POOL_AVERAGE != 0 ? BITS + $clog2(POOL_COUNT) : BITS;
  reg [CHANNELS*POOLED*BITS-1:0] result_q;
  assign result = result_q;
  genvar m;
  generate
    for (m = 0; m < CHANNELS; m = m + 1) begin : g_channel
      wire [BITS-1:0] code = dense_result[m*BITS+:BITS];
      wire [BITS-1:0] pooled;
      if (POOL_SIZE == 1) begin : g_no_pool
        assign pooled = code;
      end else begin : g_pool
        wire first_in_pool = my == {M_BITS{1'b0}} && mx == {M_BITS{1'b0}};
        reg [POOLED_WIDTH*SUM_BITS-1:0] windows;
        wire [SUM_BITS-1:0] code_wide = {{(SUM_BITS - BITS) {1'b0}}, code};
        wire [SUM_BITS-1:0] so_far = windows[SUM_BITS-1:0];
        wire [SUM_BITS-1:0] joined;
        if (POOL_AVERAGE != 0) begin : g_sum
          localparam [SUM_BITS:0] COUNT = (SUM_BITS + 1)'(POOL_COUNT);
          wire [SUM_BITS:0] rounded = {1'b0, joined} + (COUNT >> 1);
          assign joined = first_in_pool ? code_wide : so_far + code_wide;
          assign pooled = BITS'(rounded / COUNT);  // a mean of codes is a code
        end else begin : g_max
          assign joined = first_in_pool || code_wide > so_far ? code_wide : so_far;
          assign pooled = joined;
        end
        if (POOLED_WIDTH > 1) begin : g_turn
          always @(posedge clk) begin
            if (take) begin
              if (last_in_row) windows <= {joined, windows[POOLED_WIDTH*SUM_BITS-1:SUM_BITS]};
              else windows[SUM_BITS-1:0] <= joined;
            end
          end
        end else begin : g_one_window
          always @(posedge clk) if (take) windows <= joined;
        end
      end
      localparam integer LOW = m * POOLED * BITS;
      if (POOLED > 1) begin : g_result_shift
        always @(posedge clk) begin
          if (take && last_in_pool)
            result_q[LOW+:POOLED*BITS] <= {pooled, result_q[LOW+BITS+:(POOLED-1)*BITS]};
        end
      end else begin : g_result_single
        always @(posedge clk) if (take && last_in_pool) result_q[LOW+:BITS] <= pooled;
      end
    end
  endgenerate
endmodule
