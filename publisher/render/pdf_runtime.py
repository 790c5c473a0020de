"""How WeasyPrint runs in our processes: one font configuration per build, and the
garbage collector held back while one PDF renders.

Why (measured on the sample's three PDFs, one core, CPU time):

* WeasyPrint leaves some 27,000 objects in reference cycles (computed styles, boxes,
  fontTools glyphs) for the sample's three PDFs, which only the cycle collector frees. With the
  collector's default thresholds they outlive several young collections while the
  render still uses them, reach the oldest generation, and are freed by full
  collections of the whole heap: 0.06 to 0.10 s each, every two or three builds, in
  a process holding a build's modules. `collections_paused` stops the collector for
  one render and runs one young collection after it, which finds the render's
  garbage while it is still young: over 30 builds in one process, 2 full collections
  instead of 15, and 0.014 s of collecting a build instead of 0.053; a long-running
  process (`publisher serve`, a pool worker) still frees each render's garbage.
* `FontConfiguration()` loads fontconfig's configuration, and each `@font-face`
  rule copies its font file into a temporary folder and registers it (the Khmer
  and Chinese faces are megabytes): the same work for every PDF of a build, since
  its PDFs declare the same faces. `shared_font_configuration` lends one font
  configuration to the PDFs of one build that render in one process.
* print.css is the same text in every language (print.html sets the language's fonts
  in a sheet of its own): WeasyPrint's parse of it, about 0.01 s, is the same for every
  PDF of a build. `parsed_stylesheets` keeps each sheet parsed for the renders of one
  font configuration, by its text and base URL: the second and third PDFs of the sample
  parse only their language's sheet. (Each sheet beside the page costs a pass of
  selector matching over every element, about 0.004 s a PDF of the sample: print.html
  gives two, not more.)

Invariants:
* the PDF's bytes do not depend on sharing: WeasyPrint keys each registered face
  by its whole rule (family, file, weight, style), our faces have one private
  family each (render/fonts.py), and fonts are subset per document; a render alone
  in a fresh configuration gives the same bytes (tests/render/test_pdf_runtime.py);
* one configuration serves one build scope (a pool's worker that stays up names its
  scope by the font files' fingerprint, so that its builds share one: publishing/
  steps.py), at most `SHARED_FONT_RENDERS` PDFs and one render at a time; a new scope
  drops the last one (its temporary folder with it), so a process keeps at most one
  between builds whatever it renders, and a font file replaced between builds is read
  again. The build drops its own at its end (`release_fonts`), a worker process its last
  one when it exits: left to the interpreter's shutdown, its folder would stay behind
  (WeasyPrint's `__del__` finds `shutil` gone), and a process that kept one to its exit
  crashed there (SIGSEGV, in each of our runs). WeasyPrint's image cache is not shared:
  it is keyed by URL and its images are changed in place when a template shows one
  smaller than its pixels (the second PDF would embed a copy of a copy).
* the collector is enabled again after the last render in progress ends (renders
  in several threads overlap), unless the process had disabled it itself.
* a parsed stylesheet serves only renders of the font configuration it was parsed with
  (its `@font-face` rules are registered there) and of the same base URL; it is read,
  never changed, by a render; the counter styles and colour profiles it defines are given
  to each render that uses it. As WeasyPrint does with the sheets given beside a page,
  they are parsed before its own counter styles are added (a sheet cannot redefine
  `decimal` or `khmer`).
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from publisher.render.weasy import load as load_weasyprint

#: PDFs one shared font configuration serves at most before a fresh one is made. Its
#: size is bounded by the faces a build's templates declare; this bounds what Pango's
#: font map caches besides (glyph extents, shaping plans) in a long build.
SHARED_FONT_RENDERS = 64

_lock = threading.Lock()
#: The configuration lent between renders: (scope, configuration, renders served).
_idle: tuple[str, Any, int] | None = None
#: Configurations a forked process inherited: their folder is its parent's, which
#: deletes it; dropping them here would delete it under the parent.
_inherited: list[Any] = []
#: The process that registered `release_fonts` to run at its exit.
_finalizer_pid: int | None = None
#: Renders in progress with the collector paused, and whether it was enabled before.
_paused = 0
_was_enabled = False


def _after_fork_in_child() -> None:
    global _idle, _lock, _paused
    _lock = threading.Lock()  # another thread may have held it at the fork
    if _idle is not None:
        _inherited.append(_idle[1])
        _idle = None
    if _paused and _was_enabled:  # a render in another thread of the parent paused it
        gc.enable()
    _paused = 0


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextmanager
def shared_font_configuration(scope: str | None) -> Iterator[Any]:
    """A WeasyPrint `FontConfiguration` for one render: the one the last render of the
    same `scope` (a build) used, if it ended well; a fresh one without a scope, after
    `SHARED_FONT_RENDERS` renders, or while another render holds it."""
    load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    global _idle
    if scope is None:
        yield FontConfiguration()
        return
    with _lock:
        held, _idle = _idle, None
    if held is not None and held[0] == scope:
        config, renders = held[1], held[2]
    else:
        del held  # another build's: its temporary folder goes now
        config, renders = FontConfiguration(), 0
    yield config  # not lent again if the render raised: its state is unknown
    renders += 1
    if renders < SHARED_FONT_RENDERS:
        _release_at_exit()
        with _lock:
            if _idle is None or _idle[0] != scope:
                _idle = (scope, config, renders)


def release_fonts() -> None:
    """Drop the configuration kept for the next render of its build (its temporary
    folder is deleted): at the end of a build, and when the process exits."""
    global _idle
    with _lock:
        held, _idle = _idle, None
    del held


def _release_at_exit() -> None:
    """Run `release_fonts` when this process exits: multiprocessing's finalizers run at
    the exit of the main process (atexit) and of its worker processes (which end with
    `os._exit`, skipping atexit)."""
    global _finalizer_pid
    if _finalizer_pid != os.getpid():
        from multiprocessing import util

        util.Finalize(None, release_fonts, exitpriority=100)
        _finalizer_pid = os.getpid()


@contextmanager
def collections_paused() -> Iterator[None]:
    """The cycle collector off while one PDF renders, then one young-generation
    collection (see the module docstring); nothing changes in a process that had
    disabled the collector itself."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            resume = _paused == 0 and _was_enabled
            if resume:
                gc.enable()
        if resume:
            gc.collect(0)


#: Stylesheets a font configuration's renders parsed: (base URL, CSS text) -> the parsed
#: sheet, the counter styles and the colour profiles it defines. Dropped with the
#: configuration (a build's, or a render's own).
_parsed: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], tuple[Any, Any, Any]]]
_parsed = weakref.WeakKeyDictionary()
#: Parsed sheets kept for one configuration: print.html's three for each language of a
#: build; in a site build, a release folder's base URL makes each release's sheets its own.
KEPT_STYLESHEETS = 32


def parsed_stylesheets(
    texts: Sequence[str], *, base_url: str, fetcher: Any, font_config: Any
) -> tuple[list[Any], Any, dict[str, Any]]:
    """WeasyPrint's parse of each CSS text, with the counter styles and colour profiles
    they define (a render's `counter_style` and `color_profiles`): a text that an earlier
    render with `font_config` parsed with the same base URL is not parsed again."""
    load_weasyprint()
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle

    counter_style = CounterStyle()
    color_profiles: dict[str, Any] = {}
    with _lock:
        known = _parsed.setdefault(font_config, {})
    sheets = []
    for text in texts:
        entry = known.get((base_url, text))
        if entry is None:
            defined = CounterStyle()
            profiles: dict[str, Any] = {}
            sheet = CSS(
                string=text,
                base_url=base_url,
                url_fetcher=fetcher,
                font_config=font_config,
                counter_style=defined,
                color_profiles=profiles,
            )
            entry = (sheet, dict(defined), profiles)
            if len(known) >= KEPT_STYLESHEETS:
                del known[next(iter(known))]
            known[(base_url, text)] = entry
        sheets.append(entry[0])
        counter_style.update(entry[1])
        color_profiles.update(entry[2])
    return sheets, counter_style, color_profiles
