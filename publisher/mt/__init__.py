"""Machine drafts, offline: installed models (`store`), Argos configured for offline use
(`runtime`), the batched translator (`argos`) and protected content (`protect`).

Nothing heavy is imported at module level: Argos, CTranslate2 and MiniSBD are
imported only when a model is used, so `publisher --help` stays fast.
"""
