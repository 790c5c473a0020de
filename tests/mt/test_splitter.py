"""The sentence splitters `models import` ships, run by MiniSBD as Argos runs them.

Each language's rules (publisher/mt/splitter.py) on the cases a press release
brings: Khmer full stops with and without a following space, quotations,
numbers in both digit sets, URLs, the abbreviation sign ។ល។; Chinese
full-width marks and quotes; English titles, initials and times.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from minisbd import SBDetect

from publisher.errors import UsageError
from publisher.mt.splitter import LANGUAGES, build_splitter, write_splitter

Split = Callable[[str, str], list[str]]


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Split:
    folder = tmp_path_factory.mktemp("splitters")
    detectors = {
        lang: SBDetect(str(write_splitter(folder / f"{lang}.onnx", lang)), use_gpu=False)
        for lang in LANGUAGES
    }
    return lambda lang, text: detectors[lang].sentences(text)


def test_khmer_ends_at_khan_and_bariyosan_and_keeps_quotes_and_numbers(split: Split) -> None:
    text = (
        "សម្តេចបានថ្លែងថា «ទស្សនកិច្ចនេះជាប្រវត្តិសាស្ត្រ។» "
        "ប្រទេសទាំងពីរនឹងចុះហត្ថលេខាលើកិច្ចព្រមព្រៀងចំនួន ១២។"
        "ពាណិជ្ជកម្មកើនឡើង ១២.៥ ភាគរយ និង 15.3 ពាន់លានដុល្លារ។ "
        "តើនេះជាលើកទីមួយឬ? បាទ! សូមចូលមើល https://www.mfaic.gov.kh/?id=1 ។ "
        "ផ្លែឈើ ចេក ក្រូច ។ល។ ត្រូវបានលក់។ ៕"
    )
    assert split("km", text) == [
        "សម្តេចបានថ្លែងថា «ទស្សនកិច្ចនេះជាប្រវត្តិសាស្ត្រ។»",
        "ប្រទេសទាំងពីរនឹងចុះហត្ថលេខាលើកិច្ចព្រមព្រៀងចំនួន ១២។",
        "ពាណិជ្ជកម្មកើនឡើង ១២.៥ ភាគរយ និង 15.3 ពាន់លានដុល្លារ។",
        "តើនេះជាលើកទីមួយឬ?",
        "បាទ!",
        "សូមចូលមើល https://www.mfaic.gov.kh/?id=1 ។",
        "ផ្លែឈើ ចេក ក្រូច ។ល។ ត្រូវបានលក់។",
        "៕",
    ]


def test_khmer_paragraph_breaks_and_a_question_mark_inside_a_url(split: Split) -> None:
    assert split("km", "ភ្នំពេញ។\n\nសេចក្តីប្រកាសព័ត៌មាន") == ["ភ្នំពេញ។", "សេចក្តីប្រកាសព័ត៌មាន"]
    assert split("km", "មើល www.example.kh/a?b=c!d ឥឡូវ") == ["មើល www.example.kh/a?b=c!d ឥឡូវ"]


def test_chinese_full_width_marks_and_closing_quotes(split: Split) -> None:
    text = "参议院主席将访问中国。双方签署了“联合声明。”他说：“这是历史性的！”真的吗？！是的。"
    assert split("zh-Hans", text) == [
        "参议院主席将访问中国。",
        "双方签署了“联合声明。”",
        "他说：“这是历史性的！”",
        "真的吗？！",
        "是的。",
    ]
    assert split("zh-Hans", "增长12.5%。访问www.mfa.gov.cn了解更多。") == [
        "增长12.5%。",
        "访问www.mfa.gov.cn了解更多。",
    ]


def test_english_titles_initials_and_lower_case_continuations_do_not_end_sentences(
    split: Split,
) -> None:
    text = (
        "H.E. Mr. Hun Manet met Dr. Smith at 2 p.m. on Monday. Trade rose 12.5 percent in "
        'No. 5 Street. He said: "It is historic." Is it? Yes! Visit www.mfaic.gov.kh. '
        "Samdech Techo Hun Sen. The end"
    )
    assert split("en", text) == [
        "H.E. Mr. Hun Manet met Dr. Smith at 2 p.m. on Monday.",
        "Trade rose 12.5 percent in No. 5 Street.",
        'He said: "It is historic."',
        "Is it?",
        "Yes!",
        "Visit www.mfaic.gov.kh.",
        "Samdech Techo Hun Sen.",
        "The end",
    ]


def test_splitters_are_reproducible_and_refuse_unknown_languages() -> None:
    assert build_splitter("km") == build_splitter("km-KH")
    assert build_splitter("km") != build_splitter("zh-Hans")
    with pytest.raises(UsageError, match="unknown language 'fr'"):
        build_splitter("fr")
