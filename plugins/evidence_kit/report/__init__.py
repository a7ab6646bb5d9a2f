"""Findings for people and machines: text, JSON, JUnit, SARIF, GitHub."""
