# tests/: unit tests, the bundled runtime and helpers for the live tests.
include tests/ctrrun/Makemodule.mk
include tests/hostile/Makemodule.mk
include tests/unit/Makemodule.mk
include tests/fuzz/Makemodule.mk
