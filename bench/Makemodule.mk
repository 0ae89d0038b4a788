# bench/: the floor reader, the load generator and the timer behind
# `make bench`.  Not part of `all`: they only serve the benchmark and need
# nothing but libc and
# lib/util.c's strict number parsing.

BENCH_PROGRAMS := $(B)/bench/floor $(B)/bench/loadgen $(B)/bench/measure

$(BENCH_PROGRAMS): $(B)/bench/%: $(B)/bench/%.o $(LIBCT)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

bench-build: $(BENCH_PROGRAMS)

# Needs root: it starts ~10,000 processes in their own namespaces.
bench: bench-build $(B)/ctrtree
	bench/run --builddir $(B)

.PHONY: bench bench-build
