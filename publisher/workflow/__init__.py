"""The use cases: create and sync releases, translate, review, approve, exchange files.

Every change to a release goes through `session.changing()`: under the
release's lock, validated before anything is written, recorded in its
history. The CLI and the web review call these functions and nothing below.
"""
