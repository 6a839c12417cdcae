"""Benchmarks: ``python -m benchmarks.<name>`` (see each module's docstring)."""
