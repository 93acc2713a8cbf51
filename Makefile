# The README's two commands. Each installs what is missing, configures, builds and runs.
#   make run    the demo: the closed loop on the bundled example, report in demo/
#   make test   the test suite (what CI runs)
#   make check  the robustness checks (CI runs them after make test): the unit tests under
#               ASan + UBSan in build-asan/, then each fuzzer for FUZZ_SECONDS (default 60)
# Everything else is plain CMake in build/.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
EXAMPLE := examples/fashion_mlp

.PHONY: run test check build deps configure bench clean

run: build
	$(BUILD_DIR)/scprec demo --out demo

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slow

check: deps
	JOBS=$(JOBS) SCPREC_FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/check-robustness

bench: build
	$(BUILD_DIR)/bench/bench_sc_throughput
	$(BUILD_DIR)/bench/bench_assign_headline
	$(BUILD_DIR)/bench/bench_bound_tightness
	$(BUILD_DIR)/bench/bench_cosim_speed
	$(BUILD_DIR)/bench/bench_acceptance_procedure
	bench/top_build_jobs.sh $(BUILD_DIR)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

configure: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

deps:
	@bash scripts/install-deps

clean:
	rm -rf $(BUILD_DIR)
