"""The review app speaks the reviewer's language: Khmer and Chinese UI through gettext.

Through the real server (`publisher serve`, uvicorn): the browser's Accept-Language
picks the language, the switch on every page overrides it (a cookie), numbers and
dates are written as the PDFs write them (Khmer digits, 2024年11月30日). The web
catalogs are checked against `pybabel extract` of babel-web.cfg and for completeness.
"""

from __future__ import annotations

import html
import re

import pytest

from publisher.web import i18n
from tests.support.locales import LOCALES, checked_translations, extracted, message_ids, read
from tests.support.web import Server
from tests.support.workspace import SAMPLE_SLUG

PLACEHOLDERS = re.compile(r"%\((\w+)\)s|\{(\w+)\}")
KHMER_DIGIT = re.compile(r"[\u17e0-\u17e9]")


def visible_ui(page: str) -> list[str]:
    """The words of the app's own controls: buttons, filter tabs, headings of the texts."""
    found = re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    found += re.findall(r'<h3 class="label">(.*?)</h3>', page, re.S)
    found += re.findall(r'<a href="\?filter=[^"]*"[^>]*>(.*?)<span', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


def test_the_web_catalogs_hold_every_extracted_message() -> None:
    """`pybabel extract -F babel-web.cfg` finds exactly the messages of web.pot."""
    keywords = {"N_": None, "N_plural": (1, 2), "_": None, "gettext": None, "ngettext": (1, 2)}
    found = extracted("babel-web.cfg", keywords)
    pot = message_ids(read(LOCALES / "web.pot"))
    assert found == pot, "run pybabel extract -F babel-web.cfg (see its header) and translate"


@pytest.mark.parametrize("folder", ["en", "km", "zh_Hans"])
def test_every_web_message_is_translated_with_its_placeholders(folder: str) -> None:
    path = LOCALES / folder / "LC_MESSAGES" / "web.po"
    wanted = message_ids(read(LOCALES / "web.pot"))
    catalog, translations = checked_translations(path)
    assert message_ids(catalog) == wanted
    for source, strings in translations:
        for text in strings:
            assert set(PLACEHOLDERS.findall(text)) == set(PLACEHOLDERS.findall(source)), text
            # translations land in HTML attributes too (toasts, confirmations)
            assert '"' not in text or '"' in source, f"{folder}: ASCII quote in {text!r}"
        if folder != "en":
            assert strings[0] != source or not re.search("[a-z]{3}", source), source
    assert path.read_text(encoding="utf-8").count("#, fuzzy") == 0


def test_accept_language_chooses_khmer_with_khmer_digits_and_dates(server: Server) -> None:
    client = server.client(reviewer="សុខ ដារា")
    home = client.get("/", headers={"accept-language": "km-KH,km;q=0.9,en;q=0.5"}).text
    assert '<html lang="km">' in home
    assert "<h1>សេចក្តីប្រកាសព័ត៌មាន" in home
    # the release's date as the Khmer PDF writes it, and its counts in Khmer digits
    assert ">ថ្ងៃទី៣០ ខែវិច្ឆិកា ឆ្នាំ២០២៤</time>" in home
    assert '<span class="pct">១០០%</span>' in home
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all", headers={"accept-language": "km"}).text
    assert "បានអនុម័ត ១៣ ក្នុងចំណោម ១៣ (១០០%)" in page
    words = visible_ui(page)
    assert "អនុម័ត" in words and "បដិសេធ" in words and "កែសម្រួល" in words
    untranslated = [w for w in words if re.search(r"[A-Za-z]{3}", w)]
    assert untranslated == [], untranslated
    assert 'data-now-on="ឥឡូវនៅផ្នែក {id}។"' in page  # the toast's words, for app.js


def test_accept_language_chooses_chinese_and_traditional_is_not_taken_for_it(
    server: Server,
) -> None:
    client = server.client(reviewer="李伟")
    home = client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"}).text
    assert '<html lang="zh-Hans">' in home and "<h1>新闻公报" in home
    assert ">2024年11月30日</time>" in home
    page = client.get(f"/r/{SAMPLE_SLUG}/zh-Hans?filter=all", headers={"accept-language": "zh"})
    words = visible_ui(page.text)
    assert "批准" in words and "驳回" in words and "编辑" in words
    assert [w for w in words if re.search(r"[A-Za-z]{3}", w)] == []
    assert "已批准 13 / 13（100%）" in page.text
    traditional = client.get("/", headers={"accept-language": "zh-TW,zh-Hant;q=0.9"}).text
    assert '<html lang="en">' in traditional


def test_the_switch_on_the_page_wins_over_the_browser(server: Server) -> None:
    client = server.client()
    review = f"/r/{SAMPLE_SLUG}/km?filter=stale"
    response = client.http.get(
        "/language", params={"to": "zh-Hans", "next": review}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == review
    assert "HttpOnly" in response.headers["set-cookie"]
    page = client.get(review, headers={"accept-language": "km"}).text
    assert '<html lang="zh-Hans">' in page
    # every page links the three languages, each named in itself, the current one marked
    assert re.search(r'aria-current="true">简体中文</a>', page)
    assert ">ខ្មែរ</a>" in page and ">English</a>" in page
    # a language the app does not speak changes nothing; `next` never leaves the app
    response = client.http.get(
        "/language", params={"to": "fr", "next": "//evil.example/"}, follow_redirects=False
    )
    assert response.headers["location"] == "/" and "set-cookie" not in response.headers
    back = client.http.get("/language", params={"to": "en", "next": "/"}, follow_redirects=True)
    assert '<html lang="en">' in back.text


def test_messages_of_decisions_and_errors_are_in_the_reviewers_language(
    server: Server,
) -> None:
    client = server.client()
    client.http.get("/language", params={"to": "km", "next": "/"})
    missing = client.get("/r/no-such-release/km")
    assert missing.status_code == 404
    assert "<h1>រកមិនឃើញ</h1>" in missing.text
    assert "គ្មានសេចក្តីប្រកាសព័ត៌មាន" in missing.text
    # a decision without a name: refused, in Khmer
    page = client.get(f"/r/{SAMPLE_SLUG}/km?filter=all").text
    hashes = dict(re.findall(r'name="shown" form="bulk" value="(\S+) (\S+) \S+"', page))
    found = re.search(r'id="seg-s1".*?name="hash" value="([^"]+)"', page, re.S)
    assert found and hashes == {}
    refused = client.post(
        f"/r/{SAMPLE_SLUG}/km/s/s1",
        {"action": "approve", "hash": found.group(1), "state": "approved", "filter": "all"},
        htmx=True,
    )
    assert refused.status_code == 422
    assert "សូមបញ្ចូលឈ្មោះរបស់អ្នកជាមុនសិន" in refused.text
    assert '"segment-refused"' in refused.headers["hx-trigger"]


def test_ui_language_helpers_follow_q_values_and_aliases() -> None:
    assert i18n.from_accept_language("en;q=0.3, km-KH;q=0.8") == "km"
    assert i18n.from_accept_language("fr, zh-SG;q=0.5") == "zh-Hans"
    assert i18n.from_accept_language("km;q=0, fr") is None
    assert i18n.choose("zh-Hans", "km", "km") == "zh-Hans"
    assert i18n.choose(None, "km", "zh-CN") == "km"
    assert i18n.choose("xx", None, None) == "en"
    assert i18n.number(1234, "km") == "១,២៣៤"
    assert i18n.when("2026-12-01T21:18:00Z", "km") == "ថ្ងៃទី១ ខែធ្នូ ឆ្នាំ២០២៦ ម៉ោង ២១:១៨ UTC"
    assert i18n.when("2026-12-01T21:18:00Z", "zh-Hans") == "2026年12月1日 21:18 UTC"
    assert i18n.when("2026-12-01T21:18:00Z", "en") == "1 December 2026, 21:18 UTC"
    assert KHMER_DIGIT.search(i18n.when("2026-12-01T21:18:00Z", "km"))
