"""Machine drafts: the Argos Translate adapter (`argos`), protected content (`protect`).

Nothing heavy is imported here: `publisher --help` must stay fast, and
Argos, CTranslate2 and MiniSBD are imported only when a model is used.
`testmodel` builds a small real Argos package for tests and benchmarks.
"""
