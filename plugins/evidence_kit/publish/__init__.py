"""What the audit edition withholds and redacts, the manifest and the post-build gate."""
