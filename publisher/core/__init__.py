"""The model of a publishing workspace: languages, states, releases, documents, catalogs.

Knows nothing of the command line, the renderers or machine translation
(an import contract in `make lint` enforces it): everything here can be used
by any interface, and every file it writes is written atomically.
"""
