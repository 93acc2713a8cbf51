// The Verilog text of the generated modules: per layer a wrapper that names every constant in
// a localparam and instantiates sc_layer; and the network top.
#include <fmt/format.h>

#include <algorithm>

#include "hex.hpp"
#include "layer_plan.hpp"
#include "scprec/core/lfsr.hpp"
#include "scprec/core/sobol.hpp"
#include "scprec/core/version.hpp"
#include "scprec/model/network.hpp"

namespace scprec::rtl {
namespace {

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string tap_list(std::uint32_t taps, int width) {
  std::string list;
  for (int p = width; p >= 1; --p) {
    if ((taps >> (p - 1)) & 1U) list += (list.empty() ? "" : ", ") + std::to_string(p);
  }
  return list;
}

// v_1 .. v_w packed as a w*w-bit literal, v_k at [(k-1)*w +: w].
std::string directions_literal(int dimension, int width) {
  const std::vector<std::uint32_t> v = core::sobol_directions(dimension, width);
  std::string digits;
  for (std::size_t k = v.size(); k-- > 0;) digits += hex_digits(v[k], width);
  return fmt::format("{}'h{}", width * width, digits);
}

std::string generator_params(const LayerPlan& plan) {
  const int width = plan.lanes.generator.width;
  if (plan.lanes.generator.kind == core::GeneratorKind::kSobol) {
    return fmt::format(
        "  localparam integer GEN_WIDTH = {w};  // Sobol precision, bits\n"
        "  // Direction numbers v_1 .. v_w, v_k at [(k-1)*w +: w]: dimension 1 (van der Corput)\n"
        "  // for activations, dimension 2 (polynomial x + 1) for weights.\n"
        "  localparam [GEN_WIDTH*GEN_WIDTH-1:0] SOBOL_ACTIVATIONS = {d1};\n"
        "  localparam [GEN_WIDTH*GEN_WIDTH-1:0] SOBOL_WEIGHTS = {d2};\n",
        fmt::arg("w", width), fmt::arg("d1", directions_literal(1, width)),
        fmt::arg("d2", directions_literal(2, width)));
  }
  const std::uint32_t taps = core::lfsr_taps(width);
  std::string text = fmt::format(
      "  localparam integer GEN_WIDTH = {w};  // LFSR width, bits\n"
      "  localparam [GEN_WIDTH-1:0] LFSR_TAPS = {w}'h{taps};  // taps {list}\n",
      fmt::arg("w", width), fmt::arg("taps", hex_digits(taps, width)),
      fmt::arg("list", tap_list(taps, width)));
  if (plan.lanes.generator.kind == core::GeneratorKind::kSharedLfsr) {
    text += fmt::format(
        "  // The shared registers' starting states: activations, weights (half a period on).\n"
        "  localparam [GEN_WIDTH-1:0] START_ACTIVATIONS = {w}'h{a};\n"
        "  localparam [GEN_WIDTH-1:0] START_WEIGHTS = {w}'h{b};\n",
        fmt::arg("w", width),
        fmt::arg("a", hex_digits(core::shared_lfsr_start(plan.lanes, core::StreamRole::kActivation),
                                 width)),
        fmt::arg("b", hex_digits(core::shared_lfsr_start(plan.lanes, core::StreamRole::kWeight),
                                 width)));
  }
  return text;
}

std::string generator_overrides(const LayerPlan& plan) {
  if (plan.lanes.generator.kind == core::GeneratorKind::kSobol) {
    return "      .SOBOL(1),\n      .DIRECTIONS_ACT(SOBOL_ACTIVATIONS),\n"
           "      .DIRECTIONS_WGT(SOBOL_WEIGHTS),\n";
  }
  if (plan.lanes.generator.kind == core::GeneratorKind::kSharedLfsr) {
    return "      .SOBOL(0),\n      .SHARED_LFSR(1),\n      .TAPS(LFSR_TAPS),\n"
           "      .START_ACT(START_ACTIVATIONS),\n      .START_WGT(START_WEIGHTS),\n";
  }
  return "      .SOBOL(0),\n      .TAPS(LFSR_TAPS),\n";
}

// The datapath's constants and its sc_layer, its ports connected to the named signals.
std::string datapath_text(const LayerPlan& plan, const std::string& start, const std::string& x_in,
                          const std::string& busy, const std::string& done,
                          const std::string& result) {
  const LayerDesign& d = plan.design;
  const model::QuantLayer& layer = *plan.layer;
  const std::string requant =
      d.is_output ? "  // Output layer: RESULT holds the accumulators; no requantization.\n"
                    "  localparam [14:0] REQUANT_MULT = 15'd1;\n"
                    "  localparam integer REQUANT_SHIFT = 1;\n"
                  : fmt::format(
                        "  // Next code = min((acc * MULT + 2^(SHIFT-1)) >> SHIFT, 2^B - 1).\n"
                        "  localparam [14:0] REQUANT_MULT = 15'd{};\n"
                        "  localparam integer REQUANT_SHIFT = {};\n",
                        layer.requant.multiplier, layer.requant.shift);
  const bool adjustable = d.max_length != 0;
  const std::string length_params =
      adjustable ? fmt::format(
                       "  localparam integer LENGTH = {};  // the largest bitstream length Lmax\n"
                       "  localparam integer LENGTH_BITS = {};  // holds Lmax - 1\n",
                       d.max_length, plan.length_bits)
                 : fmt::format(
                       "  localparam integer LENGTH = {};  // bitstream length L\n"
                       "  localparam integer LENGTH_BITS = {};  // holds L - 1\n",
                       d.length, plan.length_bits);
  return fmt::format(
      R"({length_params}  localparam integer CHUNK = {chunk};  // inputs per cycle
  localparam integer ESTIMATE_SHIFT = {shift};  // counts -> accumulator units: {shift_formula}
  localparam integer ACC_BITS = {acc_bits};  // every reachable accumulator, signed
  localparam integer BIAS_BITS = {bias_bits};
{generator_params}{requant}
  sc_layer #(
      .INPUTS({inputs}),
      .OUTPUTS({outputs}),
      .CHUNK(CHUNK),
      .BITS(BITS),
      .LENGTH(LENGTH),
      .LENGTH_BITS(LENGTH_BITS),
{adjustable_params}      .CW(COUNTER_BITS),
      .BIPOLAR({bipolar}),
{generator_overrides}      .GEN_WIDTH(GEN_WIDTH),
      .WEIGHT_FILE(WEIGHT_FILE),
      .LANE_FILE(LANE_FILE),
      .BIAS_FILE(BIAS_FILE),
      .SHIFT(ESTIMATE_SHIFT),
      .YW(ACC_BITS),
      .BW(BIAS_BITS),
      .RELU({relu}),
      .OUTPUT_LAYER({output_layer}),
      .MULT_BITS(15),
      .MULT(REQUANT_MULT),
      .RQ_SHIFT(REQUANT_SHIFT)
  ) u_layer (
      .clk(clk),
      .rst_n(rst_n),
      .start({start}),
      .x_in({x_in}),
      .log2_length({log2_length}),
      .busy({busy}),
      .done({done}),
      .result({result}),
      .pos(pos),
      .neg(neg)
  );
)",
      fmt::arg("length_params", length_params),
      fmt::arg("adjustable_params",
               adjustable ? "      .ADJUSTABLE(1),\n      .LOG2_BITS(LOG2_BITS),\n" : ""),
      // A fixed layer ties the port off at sc_layer's default width for its LENGTH.
      fmt::arg("log2_length",
               adjustable ? std::string("log2_length")
                          : fmt::format("{}'d0", bit_width(static_cast<std::uint64_t>(
                                                     __builtin_ctzll(d.length))))),
      fmt::arg("chunk", d.inputs_per_cycle), fmt::arg("shift", plan.estimate_shift),
      fmt::arg("shift_formula", (plan.bipolar ? "2B - 1 - log2 " : "2B - log2 ") +
                                    std::string(adjustable ? "Lmax" : "L")),
      fmt::arg("acc_bits", plan.acc_bits), fmt::arg("bias_bits", plan.bias_bits),
      fmt::arg("generator_params", generator_params(plan)), fmt::arg("requant", requant),
      fmt::arg("inputs", d.is_conv ? "WINDOW" : "INPUTS"),
      fmt::arg("outputs", d.is_conv ? "CHANNELS" : "OUTPUTS"),
      fmt::arg("bipolar", plan.bipolar ? 1 : 0),
      fmt::arg("generator_overrides", generator_overrides(plan)),
      fmt::arg("relu", plan.relu ? 1 : 0), fmt::arg("output_layer", d.is_output ? 1 : 0),
      fmt::arg("start", start), fmt::arg("x_in", x_in), fmt::arg("busy", busy),
      fmt::arg("done", done), fmt::arg("result", result));
}

// The header lines every layer wrapper shares: model, arithmetic, lanes and ROMs.
std::string layer_header(const LayerPlan& plan) {
  const LayerDesign& d = plan.design;
  return fmt::format(
      R"(//   model sha256  {hash}
//   arithmetic    {encoding}, {bits}-bit codes, {activation}{role} (docs/sc-arithmetic.md)
//   lanes         {generator} ({width}-bit), layer seed {seed}: {lane_file}
//   ROMs          {weight_file} (thresholds, signs), {bias_file}; formats in sc_layer.v
)",
      fmt::arg("hash", plan.model_hash), fmt::arg("encoding", core::to_string(plan.quant.encoding)),
      fmt::arg("bits", d.bits), fmt::arg("activation", model::to_string(plan.layer->activation)),
      fmt::arg("role", d.is_output ? ", output layer" : ", hidden layer"),
      fmt::arg("generator", core::to_string(plan.lanes.generator.kind)),
      fmt::arg("width", plan.lanes.generator.width), fmt::arg("seed", plan.lanes.generator.seed),
      fmt::arg("lane_file", plan.lane_file), fmt::arg("weight_file", plan.weight_file),
      fmt::arg("bias_file", plan.bias_file));
}

// What the headers say of the length: "L = 64 cycles" or "L <= 1024 cycles, set at run time".
std::string length_words(const LayerDesign& d) {
  return d.max_length == 0 ? fmt::format("L = {} cycles", d.length)
                           : fmt::format("L <= {} cycles, set at run time", d.max_length);
}

// A chunk's cycles in the schedule line: "64", or "L" when set at run time.
std::string chunk_cycles(const LayerDesign& d) {
  return d.max_length == 0 ? std::to_string(d.length) : "L";
}

// The datapath's cycles from start to done: 3314, or "49 (L + 1) + 129".
std::string datapath_cycles(const LayerDesign& d) {
  return d.max_length == 0 ? std::to_string(d.position_latency)
                           : fmt::format("{} (L + 1) + {}", d.chunks, d.outputs + 1);
}

// The last wrapper parameter (holding the counters' width) and, for adjustable RTL, the
// log2_length port's width; and that port.
std::string counter_params(const LayerDesign& d, const char* inputs) {
  const std::string counters =
      fmt::format("    localparam integer COUNTER_BITS = {}  // holds {} x {}", d.counter_bits,
                  d.max_length == 0 ? "L" : "Lmax", inputs);
  if (d.max_length == 0) return counters;
  return fmt::format("    localparam integer LOG2_BITS = {},  // holds log2 Lmax\n{}", d.log2_bits,
                     counters);
}
std::string log2_length_port(const LayerDesign& d) {
  return d.max_length == 0 ? ""
                           : "    // log2 of L for each run, read at its start (hold it while "
                             "busy); above log2 Lmax\n    // runs at Lmax.\n"
                             "    input wire [LOG2_BITS-1:0] log2_length,\n";
}

std::string dense_module_text(const LayerPlan& plan) {
  const LayerDesign& d = plan.design;
  return fmt::format(
      R"(// {module}: layer {index} ("{name}"), {inputs} inputs -> {outputs} outputs, in stochastic
// computing at {length}. Generated by scprec {version}; regenerate with `scprec rtl`
// rather than editing.
{header}//   schedule      {chunk} inputs per cycle, {chunks} chunks of {chunk_cycles} cycles, then {outputs}
//                 conversions: {latency} cycles start -> done
module {module} #(
    parameter WEIGHT_FILE = "{weight_file}",
    parameter LANE_FILE = "{lane_file}",
    parameter BIAS_FILE = "{bias_file}",
    localparam integer INPUTS = {inputs},
    localparam integer OUTPUTS = {outputs},
    localparam integer BITS = {bits},
    localparam integer RESULT_BITS = {result_bits},  // {result_kind}
{counter_params}
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
{log2_port}    output wire busy,
    output wire done,
    output wire [OUTPUTS*RESULT_BITS-1:0] result,
    output wire [OUTPUTS*COUNTER_BITS-1:0] pos,
    output wire [OUTPUTS*COUNTER_BITS-1:0] neg
);
{datapath}endmodule
)",
      fmt::arg("module", d.module), fmt::arg("index", d.index), fmt::arg("name", d.name),
      fmt::arg("inputs", d.inputs), fmt::arg("outputs", d.outputs),
      fmt::arg("length", length_words(d)), fmt::arg("chunk_cycles", chunk_cycles(d)),
      fmt::arg("version", kVersion), fmt::arg("header", layer_header(plan)),
      fmt::arg("weight_file", plan.weight_file), fmt::arg("lane_file", plan.lane_file),
      fmt::arg("bias_file", plan.bias_file), fmt::arg("chunk", d.inputs_per_cycle),
      fmt::arg("chunks", d.chunks), fmt::arg("latency", datapath_cycles(d)),
      fmt::arg("bits", d.bits), fmt::arg("result_bits", d.result_bits),
      fmt::arg("result_kind",
               d.is_output ? "signed accumulators (logits)" : "codes for the next layer"),
      fmt::arg("counter_params", counter_params(d, "INPUTS")),
      fmt::arg("log2_port", log2_length_port(d)),
      fmt::arg("datapath", datapath_text(plan, "start", "x_in", "busy", "done", "result")));
}

std::string conv_module_text(const LayerPlan& plan) {
  const LayerDesign& d = plan.design;
  const model::ConvGeometry& g = *plan.layer->conv;
  const model::Pooling& pool = plan.layer->pool;
  const model::MapShape out = plan.layer->pooled_shape();
  const std::string pooling =
      pool.kind == model::PoolKind::kNone
          ? "none"
          : fmt::format("{} {}x{}", model::to_string(pool.kind), pool.size, pool.size);
  return fmt::format(
      R"(// {module}: layer {index} ("{name}"), a conv layer: {in_map} -> {out_map} after pooling,
// in stochastic computing at {length}. Generated by scprec {version}; regenerate with
// `scprec rtl` rather than editing.
{header}//   convolution   {kh}x{kw} kernel, stride ({sh}, {sw}), zero padding ({ph}, {pw}): {positions} positions
//                 of {window} inputs -> {channels} channels; pooling {pooling} (sc_conv.v)
//   schedule      per position {chunk} inputs per cycle, {chunks} chunks of {chunk_cycles} cycles, then
//                 {channels} conversions ({position_latency} cycles), the next window gathered
//                 meanwhile: {latency} cycles start -> done
module {module} #(
    parameter WEIGHT_FILE = "{weight_file}",
    parameter LANE_FILE = "{lane_file}",
    parameter BIAS_FILE = "{bias_file}",
    localparam integer INPUTS = {input_codes},  // the input map, channel by row by column
    localparam integer OUTPUTS = {result_codes},  // the pooled output map, likewise
    localparam integer WINDOW = {window},  // the datapath's inputs
    localparam integer CHANNELS = {channels},  // the datapath's outputs
    localparam integer BITS = {bits},
{counter_params}
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
{log2_port}    output wire busy,
    output wire done,
    output wire [OUTPUTS*BITS-1:0] result,
    // The datapath's counters of the position whose position_done pulses, held until the next
    // position starts.
    output wire position_done,
    output wire [CHANNELS*COUNTER_BITS-1:0] pos,
    output wire [CHANNELS*COUNTER_BITS-1:0] neg
);
  wire dense_start, dense_busy;
  wire [WINDOW*BITS-1:0] window;
  wire [CHANNELS*BITS-1:0] codes;
  sc_conv #(
      .CHANNELS_IN({in_channels}),
      .HEIGHT({height}),
      .WIDTH({width}),
      .KERNEL_H({kh}),
      .KERNEL_W({kw}),
      .STRIDE_H({sh}),
      .STRIDE_W({sw}),
      .PAD_H({ph}),
      .PAD_W({pw}),
      .CHANNELS(CHANNELS),
      .BITS(BITS),
      .POOL_SIZE({pool_size}),
      .POOL_AVERAGE({pool_average})
  ) u_conv (
      .clk(clk),
      .rst_n(rst_n),
      .start(start),
      .x_in(x_in),
      .busy(busy),
      .done(done),
      .result(result),
      .dense_start(dense_start),
      .window(window),
      .dense_busy(dense_busy),
      .dense_done(position_done),
      .dense_result(codes)
  );

{datapath}endmodule
)",
      fmt::arg("module", d.module), fmt::arg("index", d.index), fmt::arg("name", d.name),
      fmt::arg("in_map", model::to_string(g.input)), fmt::arg("out_map", model::to_string(out)),
      fmt::arg("length", length_words(d)), fmt::arg("chunk_cycles", chunk_cycles(d)),
      fmt::arg("version", kVersion), fmt::arg("header", layer_header(plan)),
      fmt::arg("kh", g.kernel_h), fmt::arg("kw", g.kernel_w), fmt::arg("sh", g.stride_h),
      fmt::arg("sw", g.stride_w), fmt::arg("ph", g.pad_h), fmt::arg("pw", g.pad_w),
      fmt::arg("positions", d.positions), fmt::arg("window", d.inputs),
      fmt::arg("channels", d.outputs), fmt::arg("pooling", pooling),
      fmt::arg("chunk", d.inputs_per_cycle), fmt::arg("chunks", d.chunks),
      fmt::arg("position_latency", (d.max_length == 0 ? "" : "D = ") + datapath_cycles(d)),
      fmt::arg("latency", d.max_length == 0 ? std::to_string(d.latency)
                                            : fmt::format("{} + 2 + {} max(D, {}) + D", d.inputs,
                                                          d.positions - 1, d.inputs + 1)),
      fmt::arg("weight_file", plan.weight_file), fmt::arg("lane_file", plan.lane_file),
      fmt::arg("bias_file", plan.bias_file), fmt::arg("input_codes", d.input_codes),
      fmt::arg("result_codes", d.result_codes), fmt::arg("bits", d.bits),
      fmt::arg("counter_params", counter_params(d, "WINDOW")),
      fmt::arg("log2_port", log2_length_port(d)), fmt::arg("in_channels", g.input.channels),
      fmt::arg("height", g.input.height), fmt::arg("width", g.input.width),
      fmt::arg("pool_size", pool.kind == model::PoolKind::kNone ? 1 : pool.size),
      fmt::arg("pool_average", pool.kind == model::PoolKind::kAverage ? 1 : 0),
      fmt::arg("datapath", datapath_text(plan, "dense_start", "window", "dense_busy",
                                         "position_done", "codes")));
}

}  // namespace

std::string layer_module_text(const LayerPlan& plan) {
  return plan.design.is_conv ? conv_module_text(plan) : dense_module_text(plan);
}

std::string top_module_text(const std::vector<LayerPlan>& plans, std::uint64_t latency) {
  const LayerDesign& first = plans.front().design;
  const LayerDesign& last = plans.back().design;
  std::string layer_list;
  std::string params;
  std::string ports;
  std::string body;
  std::string busy;
  std::string length_ports;  // adjustable RTL's
  const bool adjustable = first.max_length != 0;
  for (std::size_t l = 0; l < plans.size(); ++l) {
    const LayerDesign& d = plans[l].design;
    const std::string id = sanitize(d.name);
    const std::string up = upper(id);
    layer_list += fmt::format("{}{} (L{}{})", l == 0 ? "" : ", ", d.name, adjustable ? "<=" : "=",
                              adjustable ? d.max_length : d.length);
    if (adjustable) {
      params += fmt::format(",\n    localparam integer {}_LOG2_BITS = {}", up, d.log2_bits);
      length_ports += fmt::format("    input wire [{}_LOG2_BITS-1:0] {}_log2_length,\n", up, id);
    }
    // A conv layer's result is its pooled map ({up}_CODES codes), its counters are those of one
    // position at a time, and {id}_position_done says when they are.
    params += fmt::format(
        ",\n    localparam integer {up}_OUTPUTS = {outputs},\n{codes}"
        "    localparam integer {up}_RESULT_BITS = {rw},\n"
        "    localparam integer {up}_COUNTER_BITS = {cw}",
        fmt::arg("up", up), fmt::arg("outputs", d.outputs),
        fmt::arg("codes", d.is_conv ? fmt::format("    localparam integer {}_CODES = {},\n", up,
                                                  d.result_codes)
                                    : ""),
        fmt::arg("rw", d.result_bits), fmt::arg("cw", d.counter_bits));
    ports += fmt::format(
        "{strobe}"
        "    output wire [{up}_OUTPUTS*{up}_COUNTER_BITS-1:0] {id}_pos,\n"
        "    output wire [{up}_OUTPUTS*{up}_COUNTER_BITS-1:0] {id}_neg,\n",
        fmt::arg("up", up), fmt::arg("id", id),
        fmt::arg("strobe", d.is_conv ? "    output wire " + id + "_position_done,\n" : ""));
    const std::string previous = l == 0 ? "" : sanitize(plans[l - 1].design.name);
    body += fmt::format(
        "  wire {id}_busy, {id}_done;\n"
        "  wire [{up}_{codes}*{up}_RESULT_BITS-1:0] {id}_result;\n"
        "  {module} u_{id} (\n"
        "      .clk(clk),\n"
        "      .rst_n(rst_n),\n"
        "      .start({start}),\n"
        "      .x_in({x}),\n{log2_length}"
        "      .busy({id}_busy),\n"
        "      .done({id}_done),\n"
        "      .result({id}_result),\n{strobe}"
        "      .pos({id}_pos),\n"
        "      .neg({id}_neg)\n"
        "  );\n\n",
        fmt::arg("id", id), fmt::arg("up", up), fmt::arg("module", d.module),
        fmt::arg("codes", d.is_conv ? "CODES" : "OUTPUTS"),
        fmt::arg("strobe", d.is_conv ? "      .position_done(" + id + "_position_done),\n" : ""),
        fmt::arg("log2_length", adjustable ? "      .log2_length(" + id + "_log2_length),\n" : ""),
        fmt::arg("start", l == 0 ? "accept" : previous + "_done"),
        fmt::arg("x", l == 0 ? "x_in" : previous + "_result"));
    // Between two layers the input is in flight on the done pulse, when neither layer is busy.
    busy += (l == 0 ? "" : " | ") + id + "_busy" + (l + 1 < plans.size() ? " | " + id + "_done" : "");
  }
  const std::string last_id = sanitize(last.name);
  const bool has_conv = std::any_of(plans.begin(), plans.end(),
                                    [](const LayerPlan& plan) { return plan.design.is_conv; });
  const std::string conv_note =
      has_conv ? "\n// A conv layer's are those of one position at a time, valid on the cycles its "
                 "<layer>_position_done\n// is high."
               : "";
  return fmt::format(
      R"(// scprec_top: the network, its layers chained by their start/done handshake: a layer starts
// when the one before it is done, one input at a time: busy is high from an accepted start until
// done, and a start while busy is ignored. Generated by scprec {version}; regenerate with
// `scprec rtl` rather than editing.
//   model sha256  {hash}
//   layers        {layers}
//   latency       {latency} from start to done
// Every layer's end-of-run counters are outputs too, so a testbench can check the bit-exact
// contract layer by layer on the whole network.{conv_note}{adjustable_note}
module scprec_top #(
    localparam integer INPUTS = {inputs},
    localparam integer BITS = {bits},
    localparam integer OUTPUTS = {outputs},
    localparam integer LOGIT_BITS = {logit_bits}{params}
) (
    input wire clk,
    input wire rst_n,
    input wire start,
    input wire [INPUTS*BITS-1:0] x_in,
{length_ports}    output wire busy,
    output wire done,
{ports}    output wire [OUTPUTS*LOGIT_BITS-1:0] logits
);
  wire accept = start && !busy;  // a start while busy is ignored

{body}  assign logits = {last}_result;
  assign busy = {busy};
  assign done = {last}_done;
endmodule
)",
      fmt::arg("conv_note", conv_note), fmt::arg("version", kVersion),
      fmt::arg("hash", plans.front().model_hash), fmt::arg("layers", layer_list),
      fmt::arg("latency", adjustable
                              ? fmt::format("the sum of the layers', at most {} cycles", latency)
                              : fmt::format("{} cycles", latency)),
      fmt::arg("adjustable_note",
               adjustable ? "\n// Adjustable length: each layer runs at L = 2^<layer>_log2_length, "
                            "read when the layer\n// starts; hold them while busy."
                          : ""),
      fmt::arg("length_ports", length_ports), fmt::arg("inputs", first.input_codes),
      fmt::arg("bits", first.bits), fmt::arg("outputs", last.outputs),
      fmt::arg("logit_bits", last.result_bits), fmt::arg("params", params),
      fmt::arg("ports", ports), fmt::arg("body", body), fmt::arg("last", last_id),
      fmt::arg("busy", busy));
}

}  // namespace scprec::rtl
