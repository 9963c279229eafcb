"""Type-checking tests: user programs checked with mypy --strict."""
