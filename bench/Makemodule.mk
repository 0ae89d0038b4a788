# bench/: the floor reader, the load generator and the timer behind
# `make bench`.  Not part of `all`: they only serve the benchmark.  They use
# lib/util.c's strict number parsing; the libraries it may pull in are
# linked as needed (the floor itself needs only libc: see ldd).

BENCH_PROGRAMS := $(B)/bench/floor $(B)/bench/loadgen $(B)/bench/measure

$(BENCH_PROGRAMS): $(B)/bench/%: $(B)/bench/%.o $(LIBCT)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

bench-build: $(BENCH_PROGRAMS)

# Needs root: it starts ~10,000 processes in their own namespaces.
bench: bench-build $(B)/ctrtree $(B)/nsenter-lite
	bench/run --builddir $(B)
	bench/run-runtime --builddir $(B)
	bench/run-enter --builddir $(B)

.PHONY: bench bench-build
