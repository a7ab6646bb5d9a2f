"""The checks: one module per concern, each declaring its rules as data."""
