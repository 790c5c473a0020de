"""The workspace's protocol glossary: names, titles and institutions that must
always be translated the same way.

Stored as `glossary.toml` in the workspace, one `[[term]]` table per term, so a
change is one readable hunk in a diff:

    [[term]]
    en = "President of the Senate"
    km = "ប្រធានព្រឹទ្ធសភា"
    zh-Hans = "参议院主席"
    note = "Samdech Techo Hun Sen's title since April 2024"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from publisher.core import languages
from publisher.core.fsutil import atomic_write_text, read_utf8
from publisher.core.memos import memo
from publisher.core.tomlfile import parse_toml
from publisher.errors import UsageError, WorkspaceError

GLOSSARY_NAME = "glossary.toml"
MAX_TERM_CHARS = 200


@dataclass
class Term:
    names: dict[str, str]  # language code -> the term in that language
    note: str = ""

    def get(self, lang: str) -> str | None:
        return self.names.get(lang)


@dataclass
class Glossary:
    path: Path
    terms: list[Term] = field(default_factory=list)
    #: terms added since loading, written by `save` after what the file holds
    _added: list[Term] = field(default_factory=list, repr=False)

    @classmethod
    def load(cls, workspace_root: Path) -> Glossary:
        path = workspace_root / GLOSSARY_NAME
        if not path.exists():
            return cls(path, [])
        terms = _parse_terms(read_utf8(path, WorkspaceError), path)
        return cls(path, [Term(dict(names), note) for names, note in terms])

    def save(self) -> None:
        """Write the terms added since loading into glossary.toml, keeping everything
        else in the file as the office wrote it: comments, order, spacing, quoting."""
        # tomlkit costs about 20 ms to import; only `glossary add` needs it.
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        text = read_utf8(self.path, WorkspaceError) if self.path.exists() else _HEADER
        try:
            document = tomlkit.parse(text)
        except TOMLKitError as exc:
            raise WorkspaceError(f"invalid TOML: {exc}", path=self.path) from None
        terms = document.get("term")
        if terms is None:
            terms = tomlkit.aot()
            document.append("term", terms)
        for term in self._added:
            table = tomlkit.table()
            for lang, name in term.names.items():
                table.add(lang, name)
            if term.note:
                table.add("note", term.note)
            table.trivia.indent = "\n"  # a blank line before each [[term]], as the file has
            terms.append(table)
        atomic_write_text(self.path, tomlkit.dumps(document))
        self._added = []

    def add(self, names: dict[str, str], note: str = "") -> Term:
        for lang, name in names.items():
            _validate(name, lang, self.path)
        for term in self.terms:
            shared = [
                lang for lang in names if lang in term.names and term.names[lang] == names[lang]
            ]
            if shared and shared[0] in ("en",):
                raise UsageError(
                    f"the glossary already has {names[shared[0]]!r}; edit "
                    f"{self.path.name} to change it"
                )
        term = Term(dict(names), note)
        self.terms.append(term)
        self._added.append(term)
        return term

    def mapping(self, source_lang: str, target_lang: str) -> dict[str, str]:
        """Source term -> required target term, longest source terms first."""
        pairs = {
            t.names[source_lang]: t.names[target_lang]
            for t in self.terms
            if source_lang in t.names and target_lang in t.names
        }
        return dict(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


#: A term as parsed: its (language, name) pairs and its note.
ParsedTerm = tuple[tuple[tuple[str, str], ...], str]


@memo(maxsize=8)
def _parse_terms(text: str, path: Path) -> tuple[ParsedTerm, ...]:
    """The terms of a glossary file's text, checked; remembered by the text (a build reads
    the glossary for QA and for the Khmer names of every PDF and page: ~2 ms a parse)."""
    data = parse_toml(text, path, WorkspaceError)
    terms: list[ParsedTerm] = []
    for index, raw in enumerate(data.get("term", []), start=1):
        if not isinstance(raw, dict):
            raise WorkspaceError(f"term {index} is not a table", path=path)
        note = str(raw.pop("note", ""))
        try:
            names = {languages.canonical(k): str(v).strip() for k, v in raw.items()}
        except UsageError as exc:
            raise WorkspaceError(f"term {index}: {exc.message}", path=path) from None
        for lang, name in names.items():
            _validate(name, f"term {index} ({lang})", path)
        terms.append((tuple(names.items()), note))
    return tuple(terms)


def _validate(name: str, where: str, path: Path) -> None:
    if not name:
        raise UsageError(f"{where}: empty term")
    if len(name) > MAX_TERM_CHARS:
        raise UsageError(
            f"{where}: a term of {len(name)} characters is not a term (at most {MAX_TERM_CHARS})"
        )
    if any(ord(c) < 32 for c in name):
        raise UsageError(f"{where}: control characters in a term")


_HEADER = """\
# Protocol glossary: each [[term]] gives the required translation of a name,
# title or institution. Machine drafts use these targets, and
# `publisher glossary check RELEASE` lists translations that lack them.

"""
