"""New records and new repositories: templates, scaffolding, the starter kit."""
