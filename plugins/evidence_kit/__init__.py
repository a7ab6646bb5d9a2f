"""Evidence Kit: compliance evidence in git, validated and published with MkDocs."""

__version__ = "0.1.0"
