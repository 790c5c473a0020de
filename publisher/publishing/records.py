"""What the build's steps store in the cache and the builders read back.

A step runs in a worker process and its result outlives the build: the cache keeps it
as JSON (publishing/cache.py) and a later build reads it instead of running the step
again. These types name every key of those records, on both sides: the step that
writes one returns the type, the builder that reads one gets the type, so a key
misspelt or forgotten is a type error (mypy) and not a KeyError in next week's build.

- `PlanMeta`: a release's verdict (plan_step) and what listings show of each
  published language (`ListingView`), its photos' credits (`PhotoCredits`);
- `PdfMeta`: a rendered PDF's size, pages and hash (pdf_step);
- `ThumbMeta`: whether a first-page thumbnail exists, and its size in pixels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict, cast


class PhotoView(TypedDict):
    """A photo as one language publishes it (site cards, photo metadata)."""

    file: str
    caption: str
    translated: bool
    width: int
    height: int


class ListingView(TypedDict):
    """What a listing, an index page, a feed or a mail shows of one published language."""

    title: str
    summary: str
    dateline: str
    date_text: str
    organisation: str
    release_line: str
    draft: bool
    photos: list[PhotoView]


class PhotoCredits(TypedDict):
    """A photo of the release: its file, credit and copyright (in each language)."""

    file: str
    credit: str
    copyright: str | None
    copyrights: dict[str, str]


class PlanMeta(TypedDict):
    """The cached verdict on one release (see steps.plan_step)."""

    slug: str
    date: str
    source_lang: str
    languages: list[str]
    published: list[str]
    #: lang -> the refusal, as `PublisherError.to_dict` writes it
    refused: dict[str, dict[str, Any]]
    #: absent from the cache's index (read from the entry when a listing needs them)
    views: NotRequired[dict[str, ListingView]]
    photos: list[PhotoCredits]
    number: str | None
    embargo: str | None
    headline: str
    #: lang -> [caption, translated] of each photo, as published in that language
    captions: dict[str, list[list[Any]]]
    #: lang -> digest of its approved segments (a draft page marks the others)
    approvals: dict[str, str]


class PdfMeta(TypedDict):
    """A rendered PDF (see steps.pdf_step)."""

    size: int
    sha256: str
    pages: int


class ThumbMeta(TypedDict):
    """A PDF's first-page thumbnail: whether there is one, and its size (listings reserve
    the space without opening thousands of files). Entries cached before the sizes were
    recorded have `thumb` only."""

    thumb: bool
    width: NotRequired[int]
    height: NotRequired[int]


def plan_meta(meta: Mapping[str, Any]) -> PlanMeta:
    """A plan record read back from the cache (written by plan_step as a `PlanMeta`)."""
    return cast(PlanMeta, meta)


def pdf_meta(meta: Mapping[str, Any]) -> PdfMeta:
    """A PDF record read back from the cache (written by pdf_step as a `PdfMeta`)."""
    return cast(PdfMeta, meta)


def thumb_meta(meta: Mapping[str, Any]) -> ThumbMeta:
    """A thumbnail record read back from the cache (written by pdf_step or thumb_step)."""
    return cast(ThumbMeta, meta)
