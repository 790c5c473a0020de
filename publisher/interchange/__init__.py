"""Exchanging translations with translators' tools: XLIFF 2.1 and PO files.

Translators work in Poedit, Weblate, OmegaT or a CAT tool, not in the release
folder. `export` hands them one release and language as a file; `import`
takes the file back and applies what they changed, under the release lock,
all or nothing. The file carries, beside the texts, what the catalog looked
like at export time (hashes of source and target, the state, the review
record), so that an import applies the translator's *changes* and never
silently overwrites newer work in the catalog, never grants a review the file
cannot prove, and turns a translation of a since-changed source into `stale`.
"""

from __future__ import annotations

from publisher.interchange.apply import ImportReport, import_file
from publisher.interchange.model import FORMATS, InterchangeError, export_release

__all__ = ["FORMATS", "ImportReport", "InterchangeError", "export_release", "import_file"]
