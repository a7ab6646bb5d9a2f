"""The document model, reading and settings: knows no rule, page, builder or CLI."""
