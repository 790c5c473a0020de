"""The command line: parse arguments, call the workflow and the builders, print results."""
