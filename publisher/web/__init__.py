"""The local web review app (`publisher serve`): an interface beside the CLI.

It reads and changes releases only through the workflow's functions (the same
locks, validation and history as the CLI) and stores nothing of its own.
Imported only when the server runs: `publisher --help` and `status` never load
the web stack.
"""
