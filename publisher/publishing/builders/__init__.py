"""One builder per output: dist (PDF + HTML), site (with feeds), bundle, proof.

Each is a `Builder` (base.py): it takes releases, asks the publishing rule
what may be published, renders through the shared incremental engine and
writes its output. A new output (e-mail, say) is one new builder.
"""
