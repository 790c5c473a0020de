"""Review commands: check, export, import, review, proof (issue 5)."""

from __future__ import annotations
