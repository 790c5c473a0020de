"""The static site, and the incremental, parallel machinery every build step shares.

`publisher build`, `publisher site` and `publisher bundle` all go through
`publisher.site.engine`: each step (analysing a release, rendering its web pages,
rendering one PDF) is a function of its inputs, cached under a content hash of
those inputs in the workspace's `.publisher-cache/`, and run in worker processes
when there is enough of it to be worth the start-up.
"""
