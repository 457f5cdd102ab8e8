"""casegraph benchmarks: `make bench` (python -m bench.run) writes docs/BENCHMARKS.md."""
