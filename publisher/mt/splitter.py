"""Sentence splitters for Argos packages: rules, written as MiniSBD models (ONNX).

Argos splits every paragraph into sentences before translating, with the
MiniSBD model a package ships in `minisbd/*.onnx`; without one, MiniSBD
downloads a model for the package's source language, and it has none for
Khmer.  A package made by `publisher models import` therefore ships one of
these: each is a small ONNX graph that labels every character with MiniSBD's
"end of sentence" label where the rules of its language say a sentence ends.
They are rules, not trained models, so what they do is written here, once,
and read by Argos and by publisher alike.

A character ends a sentence when (MiniSBD has already turned every kind of
white space into one space; Argos has already split the text at line breaks):

* Khmer: it is `។` or `៕` (a full stop needs no space after it in Khmer), or
  `?` or `!` followed by a space or the end; a closing quote or bracket right
  after the mark ends the sentence instead, so `«...។»` stays whole.  Not
  inside the abbreviation sign `។ល។` ("etc."), and never at `.`, so numbers
  (`១.៥`, `12.5`) and URLs stay whole.
* Chinese: it is `。`, `！` or `？` (not followed by another of them or a
  closing quote, which then ends the sentence), or `!`/`?` followed by a space.
* Latin script (English): it is `.`, `!` or `?` followed by a space or the end,
  and the next word does not start with a lower-case letter ("2 p.m. on
  Monday"), and it does not end an initial ("H.E.", "J. Smith") or a short
  title ("Mr.", "Dr.", "No.", "Mrs.", "Prof."); closing quotes as above.  Chinese
  quoted in English text is split as Chinese.

MiniSBD then keeps URLs and e-mail addresses whole by its own rules.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.core import languages

PAD = "<PAD>"
UNK = "<UNK>"
_OPSET = 17
# MiniSBD's labels: 0 inside a token, 1 end of a token, 2 end of a sentence.
_SENTENCE_END = 2

_SPACE = frozenset(" ")
_EDGE = frozenset({PAD})
_BLANK = _SPACE | _EDGE
_CLOSERS = frozenset("\"'”’»)]}」』）》〉】")
_OPENERS = frozenset("\"'“‘«([{「『（《〈【")
_LATIN_ENDS = frozenset(".!?")
_CJK_ENDS = frozenset("。！？")
_KHMER_ENDS = frozenset("។៕")
_KHMER_LO = "ល"
_UPPER = frozenset(string.ascii_uppercase + "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ")
_LOWER = frozenset(string.ascii_lowercase + "ßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ")
_DIGITS = frozenset(string.digits + "០១២៣៤៥៦៧៨៩")
# Titles that end with a full stop but rarely end a sentence ("Sen." does: Hun Sen).
_TITLES = ("Mrs", "Prof", "Gen", "Col", "Capt", "Maj", "Sgt", "Rev", "Hon", "Gov", "Amb")

#: The languages with a splitter, by canonical code.
LANGUAGES = ("en", "km", "zh-Hans")


@dataclass
class _Graph:
    """A tiny ONNX graph over MiniSBD's `units` input: character classes, shifted, combined.

    `at(chars, offset)` is 1.0 where the character `offset` places away is in
    `chars` (the padding beyond either end counts as `PAD`), else 0.0; `all_`,
    `any_` and `not_` combine such masks.
    """

    units: list[str]
    nodes: list[Any] = field(default_factory=list)
    initializers: list[Any] = field(default_factory=list)
    _names: dict[Any, str] = field(default_factory=dict)

    def _name(self, key: Any, prefix: str) -> tuple[str, bool]:
        if key in self._names:
            return self._names[key], False
        name = f"{prefix}{len(self._names)}"
        self._names[key] = name
        return name, True

    def constant(self, key: str, values: Any, dtype: Any) -> str:
        import numpy as np
        from onnx import numpy_helper

        name, new = self._name(("constant", key), "c")
        if new:
            self.initializers.append(numpy_helper.from_array(np.array(values, dtype=dtype), name))
        return name

    def node(self, op: str, inputs: list[str], **attributes: Any) -> str:
        from onnx import helper

        name, new = self._name((op, tuple(inputs), tuple(sorted(attributes.items()))), "t")
        if new:
            self.nodes.append(helper.make_node(op, inputs, [name], **attributes))
        return name

    def shifted(self, offset: int) -> str:
        """`units` moved so that position i holds the unit at i + offset (PAD outside)."""
        import numpy as np

        if offset == 0:
            return "units"
        k = abs(offset)
        int64 = np.int64
        first = self.node(
            "Slice",
            [
                "units",
                self.constant("0", [0], int64),
                self.constant("1", [1], int64),
                self.constant("1", [1], int64),
            ],
        )
        pad_column = self.node("Mul", [first, self.constant("0", [0], int64)])  # PAD id is 0
        padding = self.node("Concat", [pad_column] * k, axis=1) if k > 1 else pad_column
        if offset > 0:
            rest = self.node(
                "Slice",
                [
                    "units",
                    self.constant(str(k), [k], int64),
                    self.constant("end", [2**62], int64),
                    self.constant("1", [1], int64),
                ],
            )
            return self.node("Concat", [rest, padding], axis=1)
        longer = self.node("Concat", [padding, "units"], axis=1)
        length = self.node("Shape", ["units"], start=1, end=2)
        return self.node(
            "Slice",
            [longer, self.constant("0", [0], int64), length, self.constant("1", [1], int64)],
        )

    def at(self, chars: Iterable[str], offset: int = 0) -> str:
        import numpy as np

        members = frozenset(chars)
        table = [1.0 if unit in members else 0.0 for unit in self.units]
        key = "".join(sorted(members))
        return self.node(
            "Gather", [self.constant(f"class:{key}", table, np.float32), self.shifted(offset)]
        )

    def all_(self, *masks: str) -> str:
        out = masks[0]
        for mask in masks[1:]:
            out = self.node("Mul", [out, mask])
        return out

    def any_(self, *masks: str) -> str:
        out = masks[0]
        for mask in masks[1:]:
            out = self.node("Max", [out, mask])
        return out

    def not_(self, mask: str) -> str:
        import numpy as np

        return self.node("Sub", [self.constant("1.0", 1.0, np.float32), mask])

    def word_before(self, word: str, end: int = -1) -> str:
        """The characters of `word` end at offset `end`, with a space or the start before it."""
        masks = [self.at(char, end - index) for index, char in enumerate(reversed(word))]
        return self.all_(*masks, self.at(_BLANK | _OPENERS, end - len(word)))


def _khmer_rules(g: _Graph) -> str:
    hard = g.at(_KHMER_ENDS)
    not_after = g.not_(g.at(_CLOSERS | _KHMER_ENDS, 1))
    etc_start = g.all_(g.at(_KHMER_LO, 1), g.at("។", 2))
    etc_end = g.all_(g.at(_KHMER_LO, -1), g.at("។", -2))
    full_stop = g.all_(hard, not_after, g.not_(etc_start), g.not_(etc_end))
    soft = g.all_(g.at("?!？！"), g.at(_BLANK, 1))
    closers = g.any_(
        g.all_(g.at(_CLOSERS), g.at(_KHMER_ENDS, -1), g.not_(g.at(_CLOSERS, 1))),
        g.all_(g.at(_CLOSERS), g.at("?!？！", -1), g.at(_BLANK, 1)),
        g.all_(
            g.at(_CLOSERS), g.at(_CLOSERS, -1), g.at(_KHMER_ENDS, -2), g.not_(g.at(_CLOSERS, 1))
        ),
        g.all_(g.at(_CLOSERS), g.at(_CLOSERS, -1), g.at("?!？！", -2), g.at(_BLANK, 1)),
    )
    return g.any_(full_stop, soft, closers)


def _chinese_rules(g: _Graph) -> str:
    not_after = g.not_(g.at(_CLOSERS | _CJK_ENDS, 1))
    full_stop = g.all_(g.at(_CJK_ENDS), not_after)
    latin = g.all_(g.at("!?"), g.at(_BLANK, 1))
    closers = g.any_(
        g.all_(g.at(_CLOSERS), g.at(_CJK_ENDS, -1), g.not_(g.at(_CLOSERS, 1))),
        g.all_(g.at(_CLOSERS), g.at(_CLOSERS, -1), g.at(_CJK_ENDS, -2), g.not_(g.at(_CLOSERS, 1))),
    )
    return g.any_(full_stop, latin, closers)


def _latin_rules(g: _Graph) -> str:
    next_not_lower = g.not_(g.all_(g.at(_SPACE, 1), g.at(_LOWER, 2)))
    initial = g.all_(g.at(_UPPER, -1), g.at(_BLANK | _OPENERS | frozenset("."), -2))
    short_title = g.all_(g.at(_LOWER, -1), g.at(_UPPER, -2), g.at(_BLANK | _OPENERS, -3))
    titles = [g.word_before(title) for title in _TITLES]
    abbreviation = g.all_(g.at("."), g.any_(initial, short_title, *titles))
    mark = g.all_(g.at(_LATIN_ENDS), g.at(_BLANK, 1), next_not_lower, g.not_(abbreviation))
    after = g.all_(g.at(_BLANK, 1), next_not_lower)
    closers = g.any_(
        g.all_(g.at(_CLOSERS), g.at(_LATIN_ENDS, -1), after),
        g.all_(g.at(_CLOSERS), g.at(_CLOSERS, -1), g.at(_LATIN_ENDS, -2), after),
    )
    # Chinese quoted in English text ends its sentences as Chinese does.
    return g.any_(mark, closers, _chinese_rules(g))


_RULES = {"km": _khmer_rules, "zh-Hans": _chinese_rules, "en": _latin_rules}


def _units() -> list[str]:
    """MiniSBD's vocabulary: every character a rule mentions (others are `<UNK>`)."""
    chars = (
        set(string.printable.strip())
        | _UPPER
        | _LOWER
        | _DIGITS
        | _CLOSERS
        | _OPENERS
        | _CJK_ENDS
        | _KHMER_ENDS
        | set("?!？！")
        | {_KHMER_LO, " "}
    )
    return [PAD, UNK, *sorted(chars)]


def build_splitter(lang: str) -> bytes:
    """The MiniSBD model (ONNX bytes) of the rules for `lang` ("en", "km", "zh-Hans")."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    code = languages.canonical(lang)
    if code not in _RULES:
        raise ValueError(f"no sentence splitter for {code!r}")
    units = _units()
    g = _Graph(units)
    is_end = _RULES[code](g)
    # Logits over MiniSBD's 5 labels: label 0 everywhere, label 2 above it at a sentence end.
    column = g.node("Unsqueeze", [is_end, g.constant("axis", [-1], np.int64)])
    boost = g.node("Mul", [column, g.constant("boost", [0, 0, 2, 0, 0], np.float32)])
    logits = g.node("Add", [boost, g.constant("base", [1, 0, 0, 0, 0], np.float32)])
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    graph = helper.make_graph(
        g.nodes,
        f"publisher_sentence_rules_{code}",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info(
                "features", TensorProto.FLOAT, ["batch", "length", "features"]
            ),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "length", 5])],
        g.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", _OPSET)],
        producer_name="publisher",
        doc_string=f"Sentence-splitting rules for {code} (publisher/mt/splitter.py).",
    )
    model.ir_version = 8
    vocab = {
        "lang": code.lower(),
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_unit2id": {unit: index for index, unit in enumerate(units)},
        "_id2unit": units,
    }
    helper.set_model_props(
        model,
        {
            "lang_code": code.lower(),
            "config": json.dumps({"feat_funcs": [], "max_seqlen": 1000, "batch_size": 32}),
            "vocab": json.dumps(vocab, ensure_ascii=False),
            "lexicon": "null",
        },
    )
    onnx.checker.check_model(model)
    data: bytes = model.SerializeToString()
    return data


def write_splitter(path: Path, lang: str) -> Path:
    """Write the splitter for `lang` to `path` (an `.onnx` file) and return the path."""
    path.write_bytes(build_splitter(lang))
    return path
