"""Machine drafts and terminology commands: translate, models, memory, glossary (issue 4)."""

from __future__ import annotations
