"""Machine drafts: the Argos Translate adapter, batching and protected content."""
