"""The command-line commands: one module each, every one with `register`."""
