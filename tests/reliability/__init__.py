"""Reliability tests: faults, hostile answers, fuzzed arguments, cancellation, secrets."""
