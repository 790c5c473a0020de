"""Translation quality checks that reviewers rely on and the build enforces.

`check_segment` runs every check on one segment and returns `Finding`s;
errors block publishing, warnings are shown to the reviewer. Pure functions:
callers (the `publisher check` command, the build) do the I/O.
"""

from __future__ import annotations

from publisher.qa.checks import CODES, STATES, check_segment, glossary_terms
from publisher.qa.findings import ERROR, WARNING, Finding

__all__ = ["CODES", "ERROR", "STATES", "WARNING", "Finding", "check_segment", "glossary_terms"]
