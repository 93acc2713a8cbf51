// sc_rom: a read-only memory of DEPTH words of WIDTH bits, loaded from INIT_FILE (hex, one word
// per line, as $readmemh reads it), read asynchronously.
//
// Interface (combinational)
//   addr  word address, ADDR_BITS bits; the layer only addresses words 0 .. DEPTH - 1
//   data  the word at addr
// A layer keeps its weights, lane seeds and biases in these; in an ASIC each is a ROM macro,
// which is why scprec's synthesis report counts their bits apart from the logic cells.
module sc_rom #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 2,
    parameter integer ADDR_BITS = 1,
    parameter INIT_FILE = "rom.hex"
) (
    input wire [ADDR_BITS-1:0] addr,
    output wire [WIDTH-1:0] data
);
  reg [WIDTH-1:0] rom[0:DEPTH-1];
  initial $readmemh(INIT_FILE, rom);
  assign data = rom[addr];
endmodule
