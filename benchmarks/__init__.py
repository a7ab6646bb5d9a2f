"""Benchmarks of Evidence Kit at scale: a corpus generator, the floor, and the runner."""
