"""The local web review app (`publisher serve`): an interface beside the CLI.

It changes releases only through the workflow's functions (the same locks,
validation and history as the CLI), reads them through core (catalogs with the
approvals their history backs, the register of reviewers) and the publishing
tier (verdicts, previews built by the engine), and stores nothing of its own.
Imported only when the server runs: `publisher --help` and `status` never load
the web stack.
"""
