"""Generators shared by the tests and the benchmarks (photos, stall measurement, a sample
audit trail). Not part of the shipped package: the wheel lists its packages explicitly."""
