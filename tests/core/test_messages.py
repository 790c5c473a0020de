"""A message id and its parameters read in each language: English exactly as the CLI has
always printed it, Khmer and Chinese through a real compiled catalog, parameters in the
reader's forms, and the whole message carried through JSON and pickling unchanged."""

from __future__ import annotations

import io
import json
import pickle

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from publisher.core.messages import N_, Day, Digits, Joined, Message, N_plural
from publisher.errors import PublisherError, QaBlocked


def compiled(
    lang: str, plural_forms: str, entries: dict[str | tuple[str, str], str]
) -> Translations:
    """A real gettext catalog of `entries` (msgid or (singular, plural) -> translation)."""
    catalog = Catalog(locale=lang)
    for msgid, text in entries.items():
        catalog.add(msgid, (text,) if isinstance(msgid, tuple) else text)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    assert plural_forms in catalog.plural_forms
    return Translations(buffer)


MISSING = N_('The translation is missing %(what)s (source: "%(text)s").')
THE_DATE = N_("the date %(value)s")
THE_NUMBER = N_("the number %(value)s")
ERRORS = N_plural("%(count)s QA error: %(errors)s", "%(count)s QA errors: %(errors)s")


def test_english_is_the_message_id_with_its_parameters() -> None:
    date = Message.of(MISSING, what=Message.of(THE_DATE, value=Day(12, 2, 2024)), text="2 Dec")
    assert (
        date.english() == 'The translation is missing the date 2 December 2024 (source: "2 Dec").'
    )
    assert str(date) == date.english()
    month = Message.of(THE_DATE, value=Day(6))
    assert month.english() == "the date June"
    assert Message.of(THE_DATE, value=Day(6, None, 2024)).english() == "the date June 2024"
    assert Message.of(THE_DATE, value=Day(5, 6)).english() == "the date 6 May"
    one = Message.counted(*ERRORS, count_of="count", count=1, errors="s2 url-changed")
    assert one.english() == "1 QA error: s2 url-changed"
    many = Message.counted(*ERRORS, count_of="count", count=1204, errors="...")
    assert many.english() == "1204 QA errors: ..."  # counts as counted() printed them
    listed = Joined(
        ("“", Message.of(N_("%(mark)s after %(before)s"), mark=",", before="说"), "”"), ""
    )
    assert Message.of(N_("Needs: %(found)s."), found=Joined((listed, "..."))).english() == (
        "Needs: “, after 说”; ...."
    )


def test_khmer_reads_its_catalog_with_khmer_digits_and_dates() -> None:
    km = compiled(
        "km",
        "nplurals=1",
        {
            MISSING: "ការបកប្រែខ្វះ%(what)s (អត្ថបទដើម៖ «%(text)s»)។",
            THE_DATE: "កាលបរិច្ឆេទ %(value)s",
            THE_NUMBER: "ចំនួន %(value)s",
            ERRORS: "កំហុសគុណភាព %(count)s៖ %(errors)s",
        },
    )
    date = Message.of(MISSING, what=Message.of(THE_DATE, value=Day(11, 30, 2024)), text="30 Nov")
    assert date.render(km, "km") == (
        "ការបកប្រែខ្វះកាលបរិច្ឆេទ ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤ (អត្ថបទដើម៖ «30 Nov»)។"
    )
    number = Message.of(MISSING, what=Message.of(THE_NUMBER, value=Digits("2016")), text="2016")
    # the value described in Khmer digits; the text quoted from the source as it is written
    assert number.render(km, "km") == "ការបកប្រែខ្វះចំនួន ២០១៦ (អត្ថបទដើម៖ «2016»)។"
    counted = Message.counted(*ERRORS, count_of="count", count=1204, errors="s2 url-changed")
    assert counted.render(km, "km") == "កំហុសគុណភាព ១,២០៤៖ s2 url-changed"
    assert Message.of(THE_DATE, value=Day(12)).render(km, "km") == "កាលបរិច្ឆេទ ខែធ្នូ"


def test_chinese_reads_its_catalog_and_an_unknown_message_stays_english() -> None:
    zh = compiled(
        "zh_Hans",
        "nplurals=1",
        {THE_DATE: "日期%(value)s", ERRORS: "%(count)s 个质量错误：%(errors)s"},
    )
    assert Message.of(THE_DATE, value=Day(12, 2, 2024)).render(zh, "zh-Hans") == "日期2024年12月2日"
    assert Message.of(THE_DATE, value=Day(12, None, 2024)).render(zh, "zh-Hans") == "日期2024年12月"
    assert Message.of(THE_DATE, value=Day(12, 2)).render(zh, "zh-Hans") == "日期12月2日"
    counted = Message.counted(*ERRORS, count_of="count", count=3, errors="s1 stale")
    assert counted.render(zh, "zh-Hans") == "3 个质量错误：s1 stale"
    unknown = Message.of(THE_NUMBER, value=Digits("15%"))
    assert unknown.render(zh, "zh-Hans") == "the number 15%"


def test_a_message_survives_json_and_an_error_carries_it_across_processes() -> None:
    message = Message.of(
        MISSING,
        what=Message.of(THE_DATE, value=Day(2, 29, None)),
        text=Joined(
            ("a", Digits("10:30"), Message.counted(*ERRORS, count_of="count", count=2, errors="x"))
        ),
    )
    data = json.loads(json.dumps(message.to_json()))
    assert Message.from_json(data) == message
    error = QaBlocked(message.english(), release="r", lang="km", blocking=["s1"], reason=data)
    for copy in (pickle.loads(pickle.dumps(error)), PublisherError.from_dict(error.to_dict())):
        assert isinstance(copy, QaBlocked) and copy.message == message.english()
        assert copy.reason is not None and Message.from_json(copy.reason) == message
    # a refusal cached before reasons were translatable has none
    old = error.to_dict()
    del old["extra"]["reason"]
    restored = PublisherError.from_dict(old)
    assert isinstance(restored, QaBlocked) and restored.reason is None
