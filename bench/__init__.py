"""Benchmarks: the figures in docs/benchmarks.md and the commands that make them."""
