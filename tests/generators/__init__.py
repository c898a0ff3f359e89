"""Deterministic generators of test and benchmark data (messy Japanese contact exports)."""
