"""Benchmarks of amnimo-async: contenders side by side in one run, medians of interleaved rounds.

Run them all with ``nox -s bench`` (``python -m benchmarks``), or some by name:
``python -m benchmarks overhead``. Each module exposes ``main() -> None`` and prints markdown
tables (with the Python version and the command) that the README quotes.
"""
