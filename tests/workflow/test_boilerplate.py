"""The workspace's boilerplate (issue 11): the About paragraph and the media contacts every
release carries, translated and reviewed once, shown in each language's own form, and
blocking a language like any segment while unapproved."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from lxml import html as lxml_html

from tests.support.pdf import pdf_pages, pdf_text, squash
from tests.support.releases import LANGS, REVIEWER
from tests.support.workspace import (
    REPO,
    SAMPLE_LABEL,
    SAMPLE_SLUG,
    Cli,
    copy_repo_workspace,
    tree_bytes,
)

pytestmark = pytest.mark.slow


def _boilerplate_texts(lang: str) -> dict[str, str]:
    """The boilerplate's approved texts in `lang` (the source for English), by segment."""
    if lang == "en":
        data = json.loads((REPO / "boilerplate" / "segments.json").read_text("utf-8"))
        return {s["id"]: s["source"] for s in data["segments"]}
    catalog = polib.pofile(str(REPO / "boilerplate" / "translations" / f"{lang}.po"))
    return {e.msgctxt: e.msgstr for e in catalog if not e.obsolete}


@dataclass(frozen=True)
class Contact:
    line: str  # the name and role as the language writes them
    phone: str
    href: str
    email: str


#: The two contacts of publisher.toml as each language shows them: names transliterated,
#: roles from the boilerplate's approved translations, phone digits in Khmer for Khmer, and
#: each language's punctuation between name and role (Khmer apposition takes a space, as in
#: the sample's own translations and dateline; Chinese a full-width comma).
CONTACTS = {
    "en": [
        Contact(
            "Mr Sok Dara, Spokesperson, Ministry of Foreign Affairs and International Cooperation",
            "+855 23 216 122",
            "tel:+85523216122",
            "spokesperson@mfaic.gov.kh",
        ),
        Contact(
            "Ms Chea Malis, Press Officer, Ministry of Foreign Affairs and International "
            "Cooperation",
            "+855 23 216 144",
            "tel:+85523216144",
            "press@mfaic.gov.kh",
        ),
    ],
    "km": [
        Contact(
            "លោក សុខ ដារា អ្នកនាំពាក្យក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
            "+៨៥៥ ២៣ ២១៦ ១២២",
            "tel:+85523216122",
            "spokesperson@mfaic.gov.kh",
        ),
        Contact(
            "លោកស្រី ជា ម៉ាលីស មន្ត្រីសារព័ត៌មាន ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ",
            "+៨៥៥ ២៣ ២១៦ ១៤៤",
            "tel:+85523216144",
            "press@mfaic.gov.kh",
        ),
    ],
    "zh-Hans": [
        Contact(
            "索达拉先生，外交与国际合作部发言人",
            "+855 23 216 122",
            "tel:+85523216122",
            "spokesperson@mfaic.gov.kh",
        ),
        Contact(
            "谢玛莉斯女士，外交与国际合作部新闻官",
            "+855 23 216 144",
            "tel:+85523216144",
            "press@mfaic.gov.kh",
        ),
    ],
}
END_MARKS = {"en": "###", "km": "៕", "zh-Hans": "（完）"}
MORE_INFORMATION = {
    "en": "For more information, please visit https://www.mfaic.gov.kh.",
    "km": "សម្រាប់ព័ត៌មានបន្ថែម សូមចូលមើល https://www.mfaic.gov.kh ។",
    "zh-Hans": "如需了解更多信息，请访问https://www.mfaic.gov.kh。",
}
FOOTERS = {"en": "Page {n} of {n}", "km": "ទំព័រ {n} នៃ {n}", "zh-Hans": "第{n}页，共{n}页"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shipped sample built and bundled once: (its dist folder, the bundle)."""
    tmp = tmp_path_factory.mktemp("boilerplate")
    root = copy_repo_workspace(tmp / "ws")
    cli = Cli(root)
    cli("build", SAMPLE_SLUG, "--out", str(root / "dist"), "--jobs", "2")
    cli("bundle", SAMPLE_SLUG, "--out", str(tmp / "bundle.zip"))
    return root / "dist" / SAMPLE_SLUG, tmp / "bundle.zip"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", LANGS)
def test_each_web_page_shows_about_contacts_and_end_mark_in_its_language(
    built: tuple[Path, Path], lang: str
) -> None:
    dist, _ = built
    texts = _boilerplate_texts(lang)
    tree = lxml_html.fromstring((dist / f"{lang}.html").read_bytes())
    about = tree.xpath("//section[@class='about']")[0]
    assert [_words(p.text_content()) for p in about.xpath("h2|p")] == [texts["title"], texts["s1"]]
    contacts = tree.xpath("//section[@class='contacts']")[0]
    assert _words(contacts.xpath("h2")[0].text_content()) == texts["s2"]
    assert (
        _words(contacts.xpath("p[@class='more-information']")[0].text_content())
        == (MORE_INFORMATION[lang])
    )
    shown = []
    for item in contacts.xpath(".//ul[@class='contact-list']/li"):
        phone = item.xpath(".//a[@class='contact-phone']")[0]
        email = item.xpath(".//a[@class='contact-email']")[0]
        text = item.text_content()  # name, role, then phone and e-mail on lines of their own
        assert text.endswith(phone.text + email.text)
        line = text.removesuffix(phone.text + email.text)
        shown.append(Contact(line, phone.text, phone.get("href"), email.text))
    assert shown == CONTACTS[lang]
    assert [_words(p.text_content()) for p in tree.xpath("//p[@class='endmark']")] == [
        END_MARKS[lang]
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_each_pdf_ends_with_about_contacts_and_end_mark_in_its_language(
    built: tuple[Path, Path], lang: str
) -> None:
    dist, _ = built
    pdf = dist / f"{lang}.pdf"
    pages = pdf_pages(pdf)
    whole = squash(pdf_text(pdf, raw=True))  # the contacts are set in two columns
    texts = _boilerplate_texts(lang)
    expected = [texts["title"], texts["s1"], texts["s2"], MORE_INFORMATION[lang]]
    for contact in CONTACTS[lang]:
        expected += [contact.line, contact.phone, contact.email]
    position = 0
    for text in expected:  # all there, in this order
        found = whole.find(squash(text), position)
        assert found >= 0, f"{lang}: {text!r} not found (in order) in the PDF text"
        position = found
    last = [line.strip() for line in pdf_text(pdf, pages).splitlines() if line.strip()]
    footer = FOOTERS[lang].format(n=pages)
    if lang == "km":
        footer = footer.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))
    # The end mark closes the text, just above the page footer.
    assert last[-2:] == [END_MARKS[lang], footer]
    if lang != "km":
        assert "០" not in whole and "១" not in whole  # Khmer digits only in Khmer


def test_each_wire_copy_ends_with_contacts_and_end_mark_in_its_language(
    built: tuple[Path, Path],
) -> None:
    _, bundle = built
    with zipfile.ZipFile(bundle) as archive:
        copies = {lang: archive.read(f"{SAMPLE_SLUG}/{lang}.txt").decode() for lang in LANGS}
    for lang in LANGS:
        paragraphs = [_words(p) for p in copies[lang].split("\n\n")]
        assert paragraphs[-1] == END_MARKS[lang]
        contacts = paragraphs[-3:-1]
        for contact, paragraph in zip(CONTACTS[lang], contacts, strict=True):
            colon = {"en": ": ", "km": "៖ ", "zh-Hans": "："}[lang]
            assert paragraph == f"{contact.line}{colon}{contact.phone} {contact.email}"
        assert paragraphs[-4] == MORE_INFORMATION[lang]


def test_an_unapproved_khmer_about_paragraph_blocks_the_khmer_pdf_only(tmp_path: Path) -> None:
    root = copy_repo_workspace(tmp_path / "ws")
    cli = Cli(root)
    out = root / "dist"
    cli(
        "reject",
        "boilerplate",
        "--lang",
        "km",
        "--segment",
        "s1",
        "--by",
        REVIEWER,
        "--comment",
        "Use the Ministry's own description",
    )
    status = json.loads(cli("status", SAMPLE_SLUG, "--json").stdout)["releases"][0]
    km = status["languages"]["km"]
    assert (km["publishable"], km["why_not"]) == (
        False,
        [f"{SAMPLE_LABEL}: km not published: 1 boilerplate segment not approved: boilerplate/s1"],
    )
    assert status["languages"]["zh-Hans"]["publishable"] is True

    result = cli("build", SAMPLE_SLUG, "--out", str(out), "--jobs", "2", ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"not published: {SAMPLE_LABEL}: km not published: 1 boilerplate segment not approved: "
        "boilerplate/s1"
    )
    written = sorted(p.name for p in (out / SAMPLE_SLUG).glob("*.*") if p.is_file())
    assert written == ["en.html", "en.pdf", "index.html", "zh-Hans.html", "zh-Hans.pdf"]

    # A release that does not carry the About paragraph is not held back by it.
    other = root / "releases" / SAMPLE_SLUG / "release.toml"
    other.write_text("about = false\n" + other.read_text("utf-8"), "utf-8")  # before any [table]
    cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(tmp_path / "no-about"))
    no_about = pdf_text(tmp_path / "no-about" / SAMPLE_SLUG / "km.pdf")
    assert squash(_boilerplate_texts("km")["title"]) not in squash(no_about)
    other.write_text(other.read_text("utf-8").replace("about = false\n", ""), "utf-8")

    before = tree_bytes(root / "releases")
    cli("approve", "boilerplate", "--lang", "km", "--segment", "s1", "--by", REVIEWER)
    assert tree_bytes(root / "releases") == before  # approved once, for the workspace
    cli("build", SAMPLE_SLUG, "--lang", "km", "--out", str(out))
    km_text = squash(pdf_text(out / SAMPLE_SLUG / "km.pdf"))
    assert squash(_boilerplate_texts("km")["s1"]) in km_text
