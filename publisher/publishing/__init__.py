"""Publishing: the rule that decides what may be published, the incremental engine,
and one builder per output (publisher/publishing/builders/).
"""
