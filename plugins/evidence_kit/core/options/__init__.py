"""Each concern's plugin option, checked and turned into a frozen value of `Settings`."""
