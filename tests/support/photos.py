"""Real photo files for the tests, and a photo added to a release with approved captions."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw

from publisher.core.approvals import load_catalog
from publisher.core.release import find_release
from publisher.workflow import decisions as reviewing
from publisher.workflow.review import approve
from tests.support.workspace import Cli

#: The sample photo's caption in each language (what the sample release ships).
CAPTIONS = {
    "en": "A test photo: two lines crossing on a blue ground.",
    "km": "រូបថតសាកល្បង៖ បន្ទាត់ពីរកាត់គ្នាលើផ្ទៃពណ៌ខៀវ។",
    "zh-Hans": "测试照片：蓝色背景上两条交叉的线。",
}


def picture(width: int = 1200, height: int = 800, fmt: str = "JPEG", **save: object) -> bytes:
    """A real image: a blue ground with two crossing lines (so renditions are not blank)."""
    image = Image.new("RGB", (width, height), (30, 60, 120))
    draw = ImageDraw.Draw(image)
    draw.line([(0, 0), (width, height)], fill=(230, 200, 40), width=max(1, width // 60))
    draw.line([(0, height), (width, 0)], fill=(230, 200, 40), width=max(1, width // 60))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def noisy_jpeg(width: int, height: int) -> bytes:
    """A JPEG that does not compress: random pixels at quality 95 (about 1 byte a pixel)."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def add_approved_photo(
    cli: Cli,
    root: Path,
    slug: str,
    file: Path,
    *,
    captions: dict[str, str] = CAPTIONS,
    credit: str = "Ministry of Foreign Affairs and International Cooperation",
    copyright_line: str | None = "© 2024 MFAIC",
) -> str:
    """`publisher photo add`, then each target language's caption translated by a translator
    and approved by a reviewer; the caption's segment id."""
    args = ["photo", "add", slug, str(file), "--caption", captions["en"], "--credit", credit]
    if copyright_line:
        args += ["--copyright", copyright_line]
    cli(*args, "--by", "Press Officer")
    release = find_release(root / "releases", slug)
    added = release.meta.photos[-1].file
    segment = next(
        block.children[0].segment
        for block in release.synced_document().blocks
        if block.photo == added
    )
    assert segment is not None
    for lang in release.meta.target_languages:
        if load_catalog(release, lang).get(segment).target == captions[lang]:
            continue
        reviewing.decide(
            release, lang, segment, reviewing.Decision.EDIT, by="Translator", text=captions[lang]
        )
        approve(release, lang, by="Reviewer", segments=[segment])
    return segment
