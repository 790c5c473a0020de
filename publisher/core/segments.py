"""Stable segment ids across edits of the source.

Ids are handed out once (`title`, `s1`, `s2`, ...) and kept in the release's
`segments.json`. When the source changes, the new list of segments is aligned
with the recorded one (difflib, like `diff`): unchanged segments keep their
ids, a segment edited in place keeps its id and becomes stale in every
catalog, new segments get fresh ids, and removed ones are reported so the
catalogs can keep them as obsolete.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from publisher.core.document import Document
from publisher.core.fsutil import atomic_write_text
from publisher.errors import ReleaseError

SAME_SEGMENT_SIMILARITY = 0.5


@dataclass(frozen=True)
class Segment:
    id: str
    kind: str
    source: str


@dataclass
class SegmentMap:
    segments: list[Segment]
    next_number: int = 1

    @classmethod
    def load(cls, path: Path) -> SegmentMap:
        if not path.exists():
            return cls([], 1)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            segments = [
                Segment(str(s["id"]), str(s["kind"]), str(s["source"])) for s in data["segments"]
            ]
            return cls(segments, int(data.get("next_number", len(segments) + 1)))
        except (ValueError, KeyError, TypeError) as exc:
            raise ReleaseError(f"malformed segment map: {exc}", path=path) from None

    def save(self, path: Path) -> None:
        data = {"next_number": self.next_number, "segments": [asdict(s) for s in self.segments]}
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    def by_id(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments}


@dataclass
class Alignment:
    segments: list[Segment]  # the new source's segments, in document order, with ids
    next_number: int
    changed: dict[str, str] = field(default_factory=dict)  # id -> previous source
    added: list[str] = field(default_factory=list)
    removed: list[Segment] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.changed or self.added or self.removed)


def align(old: SegmentMap, document: Document) -> Alignment:
    """Give each leaf of `document` an id, reusing `old`'s where the segment survived."""
    leaves = list(document.leaves())
    old_texts = [s.source for s in old.segments]
    new_texts = [leaf.text or "" for leaf in leaves]
    result = Alignment([], old.next_number)
    ids: list[str | None] = [None] * len(leaves)
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                ids[j1 + k] = old.segments[i1 + k].id
        elif op == "replace":
            # Pair an old segment with a new one only if it is recognisably the same sentence
            # edited; a rewrite is a removal plus an addition.
            next_new = j1
            for i in range(i1, i2):
                best, best_j = 0.0, -1
                for j in range(next_new, j2):
                    ratio = difflib.SequenceMatcher(None, old_texts[i], new_texts[j]).ratio()
                    if ratio > best:
                        best, best_j = ratio, j
                if best >= SAME_SEGMENT_SIMILARITY:
                    ids[best_j] = old.segments[i].id
                    result.changed[old.segments[i].id] = old.segments[i].source
                    next_new = best_j + 1
                else:
                    result.removed.append(old.segments[i])
        elif op == "delete":
            result.removed.extend(old.segments[i1:i2])
    # The title always has the id "title", whatever happened around it.
    for index, leaf in enumerate(leaves):
        if leaf.kind == "title":
            previous = ids[index]
            if previous != "title":
                old_title = old.by_id().get("title")
                if old_title is not None:
                    result.changed["title"] = old_title.source
                    result.removed = [s for s in result.removed if s.id != "title"]
                ids[index] = "title"
                if previous is not None:
                    result.changed.pop(previous, None)
            break
    used = {i for i in ids if i}
    for index, leaf in enumerate(leaves):
        segment_id = ids[index]
        if segment_id is None:
            while f"s{result.next_number}" in used:
                result.next_number += 1
            segment_id = f"s{result.next_number}"
            used.add(segment_id)
            result.next_number += 1
            result.added.append(segment_id)
        leaf.segment = segment_id
        result.segments.append(Segment(segment_id, leaf.kind, leaf.text or ""))
    old_ids = old.by_id()
    for seg in result.segments:
        if (
            seg.id in old_ids
            and seg.id not in result.changed
            and old_ids[seg.id].source != seg.source
        ):
            result.changed[seg.id] = old_ids[seg.id].source
    result.removed = [s for s in result.removed if s.id not in used]
    return result
