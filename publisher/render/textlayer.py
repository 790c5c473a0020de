"""A correct text layer for WeasyPrint PDFs: `/ActualText` on every drawn line.

Why: a PDF stores glyph ids, and text extraction (copy/paste, search,
`pdftotext`, screen readers) maps them back to text through the font's
ToUnicode table. WeasyPrint fills that table with the text of the *first*
cluster each glyph was drawn for. Khmer shaping breaks that assumption: the same
glyph (a subscript consonant, the second half of a split vowel, a ligature
piece) stands for different text in different clusters, and reordered glyphs
(pre-base vowels) come out in drawing order. Extracted Khmer is garbled.

Fix: wrap the glyphs of each drawn line in a marked-content sequence

    /Span <</ActualText <FEFF...>>> BDC  ...glyphs...  EMC

whose ActualText (UTF-16BE with a byte-order mark, ISO 32000-1 section 14.9.4)
is the line's real text with the U+200B inserted by
`publisher.render.khmer_breaks` removed. Extractors that honour ActualText
(poppler, pdf.js, Acrobat, PDFium) then use it instead of ToUnicode.

Hook: WeasyPrint's `weasyprint.draw.text.draw_first_line(stream, textbox,
text_overflow, block_ellipsis, matrix)`, which draws one line of one text box
between `BT` and `ET` (HTML text via `draw_text`, SVG `<text>` too: both look the
name up in that module at call time). The wrapper remembers where the line
starts in the pydyf content stream, lets WeasyPrint draw it, reads back the text
Pango actually laid out on that line (after any ellipsis), and inserts the `BDC`
before the glyphs and the `EMC` after them. The sequence stays inside the
`BT ... ET` text object and inside WeasyPrint's own `/Span <</MCID n>> BDC`
when tagging is on (`pdf_tags=True`, `pdf_variant='pdf/ua-1'`): nested marked
content is allowed, and the structure tree still points at the outer MCID.

Which lines: by default ("auto") only lines holding a character whose
glyph-to-text mapping may not be 1:1 (any script other than Latin, Greek,
Cyrillic and CJK; combining marks; ZWSP and soft hyphens). English and Chinese
lines extract correctly without it and are left byte-for-byte as WeasyPrint
wrote them. Mode "always" wraps every line.

Tested with WeasyPrint 68.1, 69.0 and 70.0 (pydyf 0.13, Pango 1.50, HarfBuzz 6).
`install()` raises `RenderError` when the hook's signature changed (the patch
cannot work) and warns when the version is outside the tested range.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from publisher.errors import RenderError
from publisher.render.weasy import load as load_weasyprint

Mode = Literal["auto", "always"]

#: WeasyPrint versions the hook was tested with: [min, max) as (major, minor).
TESTED_WEASYPRINT_MIN = (68, 0)
TESTED_WEASYPRINT_BELOW = (71, 0)

#: The function we wrap and the parameters we rely on.
HOOK_MODULE = "weasyprint.draw.text"
HOOK_NAME = "draw_first_line"
HOOK_PARAMETERS = ("stream", "textbox", "text_overflow", "block_ellipsis", "matrix")

#: Characters removed from ActualText: ZWSP (our break opportunities), soft hyphen,
#: word joiner and BOM. None of them is drawn, none belongs in extracted text.
_INVISIBLE = re.compile("[\u200b\u00ad\u2060\ufeff]")

#: Characters whose glyphs map 1:1 back to text through ToUnicode: Latin (with
#: precomposed letters), Greek, Cyrillic, general punctuation and symbols, CJK and
#: fullwidth forms. Anything outside (complex scripts, combining marks, ZWSP, soft
#: hyphen...) makes "auto" mode wrap the line.
_SIMPLE = re.compile(
    "["
    "\u0000-\u00ac\u00ae-\u02ff"  # ASCII, Latin-1 (minus soft hyphen), Latin Extended, IPA
    "\u0370-\u03ff\u0400-\u04ff"  # Greek, Cyrillic
    "\u1e00-\u1fff"  # Latin Extended Additional, Greek Extended
    "\u2000-\u200a\u2010-\u205f"  # spaces, dashes, quotes, bullets (not ZW* / bidi marks)
    "\u20a0-\u20cf\u2100-\u27bf"  # currency, letterlike, arrows, maths, dingbats
    "\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff"  # CJK radicals..ideographs, Hangul
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"  # CJK compatibility, fullwidth forms
    "\U00020000-\U0003ffff"  # CJK extensions B..H
    "]*"
)


def actual_text(text: str) -> str:
    """The text a reader should get for a drawn line: `text` without invisible breaks."""
    return _INVISIBLE.sub("", text)


def needs_actual_text(text: str) -> bool:
    """Whether extraction of `text` through ToUnicode may be wrong ("auto" mode's test)."""
    return _SIMPLE.fullmatch(text) is None


def encode_actual_text(text: str) -> bytes:
    """`text` as a PDF hex string in UTF-16BE with a BOM, e.g. b'<FEFF0041>'.

    Always UTF-16 rather than PDFDocEncoding: one encoding for every script, and no
    escaping of parentheses or backslashes to get wrong.
    """
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def begin_span_operator(text: str) -> bytes:
    """The content-stream operator that opens the ActualText span for `text`."""
    return b"/Span <</ActualText " + encode_actual_text(text) + b">> BDC"


END_SPAN_OPERATOR = b"EMC"


@dataclass
class _State:
    original: Callable[..., Any] | None = None
    mode: Mode = "auto"
    lines_seen: int = 0
    lines_wrapped: int = 0


_state = _State()


def _weasyprint_version() -> tuple[int, int]:
    weasyprint = load_weasyprint()

    numbers = re.findall(r"\d+", weasyprint.__version__)
    major = int(numbers[0]) if numbers else 0
    minor = int(numbers[1]) if len(numbers) > 1 else 0
    return major, minor


def _hook_module() -> Any:
    """Import WeasyPrint's drawing module and check the hook is the one we know."""

    weasyprint = load_weasyprint()

    try:
        module = importlib.import_module(HOOK_MODULE)
    except ImportError as error:
        raise RenderError(
            f"WeasyPrint {weasyprint.__version__} has no {HOOK_MODULE}: the PDF text layer "
            f"patch was written for WeasyPrint {_tested_range()}; pin WeasyPrint to that range"
        ) from error
    function = getattr(module, HOOK_NAME, None)
    if not callable(function):
        raise RenderError(
            f"WeasyPrint {weasyprint.__version__} has no {HOOK_MODULE}.{HOOK_NAME}: the PDF "
            f"text layer patch was written for WeasyPrint {_tested_range()}"
        )
    original = getattr(function, "__publisher_original__", function)
    parameters = tuple(inspect.signature(original).parameters)
    if parameters != HOOK_PARAMETERS:
        raise RenderError(
            f"WeasyPrint {weasyprint.__version__} changed {HOOK_NAME}{parameters}: the PDF "
            f"text layer patch expects {HOOK_PARAMETERS} (WeasyPrint {_tested_range()})"
        )
    return module


def _tested_range() -> str:
    low = ".".join(map(str, TESTED_WEASYPRINT_MIN))
    high = ".".join(map(str, TESTED_WEASYPRINT_BELOW))
    return f">={low},<{high}"


def check_weasyprint_version() -> str | None:
    """A warning message when the installed WeasyPrint is outside the tested range, else None."""
    weasyprint = load_weasyprint()

    if TESTED_WEASYPRINT_MIN <= _weasyprint_version() < TESTED_WEASYPRINT_BELOW:
        return None
    return (
        f"WeasyPrint {weasyprint.__version__} is outside the range the PDF text layer was "
        f"tested with ({_tested_range()}); check Khmer copy/paste in the PDF"
    )


def _line_text(textbox: Any) -> str:
    """The text Pango laid out on the first line of `textbox` (what was just drawn).

    Read from the layout after drawing because WeasyPrint may have replaced the
    text (ellipsis) while drawing. `PangoLayoutLine.start_index/length` are byte
    offsets into the layout's UTF-8 text.
    """
    from weasyprint.text.ffi import pango

    layout = textbox.pango_layout
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    data = layout.text.encode()
    start = line.start_index
    text: str = data[start : start + line.length].decode(errors="replace")
    return text


@lru_cache(maxsize=1)
def _pango_is_ellipsized() -> tuple[Any, Any] | None:
    """`pango_layout_is_ellipsized` through a private cffi handle (WeasyPrint declares
    no such function, and its FFI object is not ours to extend)."""
    try:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef("int pango_layout_is_ellipsized (void *layout);")
        for name in ("libpango-1.0.so.0", "libpango-1.0-0", "libpango-1.0.dylib", "pango-1.0"):
            try:
                return ffi, ffi.dlopen(name)
            except OSError:
                continue
    except Exception:  # pragma: no cover - cffi is a WeasyPrint dependency
        return None
    return None


def _is_ellipsized(layout: Any) -> bool:
    handle = _pango_is_ellipsized()
    if handle is None:
        return True  # cannot tell: do not risk hidden text in ActualText
    from weasyprint.text.ffi import ffi as weasy_ffi

    ffi, pango = handle
    pointer = ffi.cast("void *", int(weasy_ffi.cast("uintptr_t", layout)))
    return bool(pango.pango_layout_is_ellipsized(pointer))


def _wrapped_draw_first_line(
    stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any
) -> Any:
    original = _state.original
    assert original is not None, "textlayer hook called while not installed"
    content = stream.stream  # pydyf.Stream keeps its operators in a list
    start = len(content)
    result = original(stream, textbox, text_overflow, block_ellipsis, matrix)
    if len(content) == start:  # nothing drawn (blank line, zero font size)
        return result
    _state.lines_seen += 1
    if text_overflow == "ellipsis" and _is_ellipsized(textbox.pango_layout.layout):
        # Pango replaced part of the line with "…" but the line still spans the whole
        # text: ActualText would put hidden words into copy/paste. Keep WeasyPrint's
        # own mapping for this rare case (running headers, table cells).
        return result
    text = _line_text(textbox)
    if _state.mode == "always" or needs_actual_text(text):
        content.insert(start, begin_span_operator(actual_text(text)))
        content.append(END_SPAN_OPERATOR)
        _state.lines_wrapped += 1
    return result


_wrapped_draw_first_line.__publisher_textlayer__ = True  # type: ignore[attr-defined]  # a mark on a function


def is_installed() -> bool:
    """Whether WeasyPrint currently draws through our hook."""

    module = sys.modules.get(HOOK_MODULE)
    return module is not None and getattr(module, HOOK_NAME, None) is _wrapped_draw_first_line


def install(mode: Mode = "auto") -> None:
    """Patch WeasyPrint so every PDF it writes in this process gets the text layer.

    Idempotent: a second call only changes the mode. Raises `RenderError` if the
    hook is missing or its signature changed; warns (UserWarning) if WeasyPrint's
    version is outside the tested range but the hook still looks right.
    Imports WeasyPrint (about 1 s cold), so call it when rendering, not at import.
    """
    if mode not in ("auto", "always"):
        raise ValueError(f"mode must be 'auto' or 'always', not {mode!r}")
    module = _hook_module()
    _state.mode = mode
    if is_installed():
        return
    message = check_weasyprint_version()
    if message:
        warnings.warn(message, UserWarning, stacklevel=2)
    _state.original = getattr(module, HOOK_NAME)
    _wrapped_draw_first_line.__publisher_original__ = _state.original  # type: ignore[attr-defined]  # a mark on a function
    setattr(module, HOOK_NAME, _wrapped_draw_first_line)


def uninstall() -> None:
    """Restore WeasyPrint's own `draw_first_line`. Does nothing if not installed."""

    module = sys.modules.get(HOOK_MODULE)
    if module is not None and is_installed() and _state.original is not None:
        setattr(module, HOOK_NAME, _state.original)
    _state.original = None


@contextmanager
def actual_text_layer(mode: Mode = "auto") -> Iterator[None]:
    """Context manager: the hook is installed inside the block, restored after.

    If it was already installed (by `install()`), it stays installed afterwards
    and only the mode is restored.
    """
    was_installed = is_installed()
    previous_mode = _state.mode
    install(mode)
    try:
        yield
    finally:
        if was_installed:
            _state.mode = previous_mode
        else:
            uninstall()


def statistics() -> dict[str, int]:
    """Lines drawn and lines wrapped since installation (for benchmarks and `doctor`)."""
    return {"lines_seen": _state.lines_seen, "lines_wrapped": _state.lines_wrapped}
