"""Build a tiny but real Argos package (.argosmodel) offline, for tests and benchmarks.

No Argos model can be downloaded here (there is no network for the package
index) and a binary model must never be committed, so tests build one on the
fly.  Every part is genuine, so the package exercises exactly the code paths a
downloaded package does: a SentencePiece model, a CTranslate2 Transformer
(random but seeded weights, saved with `spec.save()`), `metadata.json` and a
MiniSBD sentence splitter in ONNX.  The translations are nonsense, but they are
deterministic, of plausible length, and depend on the whole input sentence.

Only the CLI's tests and the benchmark import this module; its heavy
dependencies (ctranslate2, sentencepiece, onnx, numpy) are imported inside
the functions.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.mt.store import our_code

if TYPE_CHECKING:
    import numpy as np

# Press-release English and Chinese, so that the shared SentencePiece
# vocabulary covers both the source and the target script.
_CORPUS: tuple[str, ...] = (
    "The President of the Senate paid an official visit to China from 2 to 4 December 2024.",
    "The Ministry of Foreign Affairs and International Cooperation issued a press release.",
    "Both sides agreed to strengthen cooperation in trade, investment and tourism.",
    "The two leaders discussed regional and international issues of common concern.",
    "Cambodia reaffirmed its commitment to the one-China policy.",
    "The delegation also met representatives of Chinese companies in Beijing.",
    "For more information, please contact the spokesperson of the Ministry.",
    "Phnom Penh, 30 November 2024.",
    "The visit marks the 66th anniversary of diplomatic relations between the two countries.",
    "The Prime Minister welcomed the delegation at the Peace Palace on Monday.",
    "A joint statement was signed at the end of the meeting.",
    "The agreement covers agriculture, education, health and infrastructure.",
    "Officials said the new railway line would open next year.",
    "Journalists may call +855 23 216 122 or write to press@mfaic.gov.kh.",
    "The full text is available at https://www.mfaic.gov.kh/news.",
    "Exports of rice and rubber increased by 12 percent in 2024.",
    "The Senate will hold its next plenary session in January.",
    "Kingdom of Cambodia, Nation Religion King.",
    "The Minister thanked the Chinese government for its warm hospitality.",
    "Both countries will celebrate the Year of People-to-People Exchanges.",
    "参议院主席于2024年12月2日至4日对中国进行正式访问。",
    "外交与国际合作部发布新闻公报。",
    "双方同意加强贸易、投资和旅游领域的合作。",
    "两国领导人就共同关心的地区和国际问题交换了意见。",
    "柬埔寨重申坚定奉行一个中国政策。",
    "代表团还在北京会见了中国企业代表。",
    "如需了解更多信息，请联系外交部发言人。",
    "金边，2024年11月30日。",
    "今年是两国建交六十六周年。",
    "首相星期一在和平大厦欢迎代表团。",
    "会议结束时双方签署了联合声明。",
    "协议涵盖农业、教育、卫生和基础设施。",
    "官员表示，新铁路线将于明年开通。",
    "记者可致电或发送电子邮件。",
    "全文可在外交部网站查阅。",
    "二〇二四年大米和橡胶出口增长百分之十二。",
    "柬埔寨王国，民族、宗教、国王。",
    "部长感谢中国政府的热情款待。",
)

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Length control of the random translation model (see _write_ctranslate2_model).
_CLOCK_FREQUENCY = 0.005
_SPAN_GAIN = 3.0
_EOS_GAIN = 400.0
_EOS_BIAS = 0.0


#: English texts for translation tests (the batched path must give Argos's own output).
# Varied on purpose: several sentences, several paragraphs, empty lines and
# texts, leading newlines (Argos strips them), repeats (Argos reuses the
# previous text's paragraphs), odd spacing, non-Latin text, a long text.
TEXTS = [
    "Hello world.",
    "The President of the Senate will visit China. He will meet Chinese leaders. Talks follow!",
    "On 30 November 2024, the Ministry of Foreign Affairs announced the visit.",
    "",
    "   ",
    "First paragraph here.\nSecond paragraph here. It has two sentences.",
    "First paragraph here.\nSecond paragraph here. It has two sentences.",
    "\nStarts with a newline.",
    "Ends with a newline.\n",
    "Blank line between.\n\nParagraphs.",
    "Visit https://www.mfaic.gov.kh/news. Call +855 23 216 122 or write to press@mfaic.gov.kh.",
    "Trade reached USD 15.3 billion in 2024, up 12.5 percent.",
    "Is this the first visit? Yes! It is.",
    "- The visit marks the first time a Cambodian President has traveled to China.",
    "1. Bilateral meetings.\n1. A joint statement.\n1. A press conference.",
    "Samdech Techo Hun Sen’s visit — “historic” — was announced.",
    "柬埔寨王国。民族、宗教、国王。",
    "ព្រះរាជាណាចក្រកម្ពុជា",
    "Dr. Smith arrived at 10 a.m. and left.",
    "A",
    "Phnom Penh, 30 November 2024",
    "The delegation includes dignitaries of the Senate, Ministers, and senior officials. "
    "These high-level discussions are expected to foster closer ties between the two nations, "
    "promoting cooperation in areas such as trade, investment, and people-to-people exchanges. "
    "The visit coincides with the Cambodia-China People-to-People Exchange Year.",
    "Hello world.",
    "Two  spaces  between  words.",
    "Tabs\tand\tmore.",
    "Question?",
    "Cambodia has launched programs to promote cultural exchange, education, and tourism.",
    "The Comprehensive Strategic Partnership was signed in 2016. It was renewed in 2024.",
    "End mark.\n###",
    "-END-",
]


def build_test_package(
    dest_dir: Path,
    from_code: str = "en",
    to_code: str = "zh",
    *,
    layers: int = 2,
    d_model: int = 64,
    heads: int = 4,
    ffn_dim: int | None = None,
    vocab_size: int = 400,
    seed: int = 0,
    package_version: str = "0.1",
    name: str | None = None,
    silent: bool = False,
) -> Path:
    """Write `<dest_dir>/<name>.argosmodel` and return its path.

    `layers` is the number of encoder layers and of decoder layers.  The
    defaults give a ~1 MB package built in a fraction of a second; the
    benchmark uses `layers=3, d_model=256` to get a model whose decoding cost
    dominates as it does with a real one.  The same arguments always give the
    same model, so test expectations are reproducible. `silent=True` makes a model
    that ends every translation at once: its output is empty, as a broken or
    mismatched real model's can be.
    """
    if d_model % heads:
        raise ValueError(f"d_model ({d_model}) must be a multiple of heads ({heads})")
    name = name or f"translate-{from_code}_{to_code}-test-{layers}x{d_model}"
    dest_dir.mkdir(parents=True, exist_ok=True)
    archive = dest_dir / f"{name}.argosmodel"
    with tempfile.TemporaryDirectory(prefix="argos-test-model-") as tmp:
        root = Path(tmp) / name
        root.mkdir()
        vocabulary = _write_sentencepiece(root / "sentencepiece.model", vocab_size)
        _write_ctranslate2_model(
            root / "model",
            vocabulary,
            layers=layers,
            d_model=d_model,
            heads=heads,
            ffn_dim=ffn_dim or 4 * d_model,
            seed=seed,
            silent=silent,
        )
        (root / "minisbd").mkdir()
        _write_minisbd_model(root / "minisbd" / f"{from_code}.onnx", lang=from_code)
        metadata = {
            "package_version": package_version,
            "argos_version": "1.9",
            "from_code": from_code,
            "from_name": from_code,
            "to_code": to_code,
            "to_name": to_code,
            "type": "translate",
            "links": [],
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(
            "Generated test model with random weights: its translations are nonsense.\n",
            encoding="utf-8",
        )
        _zip_dir(root, archive)
    return archive


def _write_sentencepiece(path: Path, vocab_size: int) -> list[str]:
    """Train the tokenizer and return its pieces, which are also the model's vocabulary.

    Argos decodes target tokens with the source tokenizer, so one shared
    vocabulary is what a real package has too.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_CORPUS),
        model_writer=buffer,
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        num_threads=1,
        minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _write_ctranslate2_model(
    model_dir: Path,
    vocabulary: list[str],
    *,
    layers: int,
    d_model: int,
    heads: int,
    ffn_dim: int,
    seed: int,
    silent: bool = False,
) -> None:
    """Save a Transformer with random weights plus a hand-wired sense of length.

    A random decoder has no reason to stop: with a plain random model, beam
    search either ends at the first step or runs to CTranslate2's 256-token
    limit.  Two residual dimensions are therefore reserved: `clock` carries
    the sinusoidal position encoding untouched (it grows with the decoding
    step) and `span` receives, from one cross-attention head with uniform
    attention, the mean of the same encoding over the source (it grows with
    the source length).  The `</s>` logit is `clock - span`, so a translation
    ends after about as many tokens as its source has.  Everything else is
    random.
    """
    import numpy as np
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config((layers, layers), heads)
    rng = np.random.default_rng(seed)
    vocab = len(vocabulary)
    head_dim = d_model // heads
    half = d_model // 2
    # CTranslate2's encoding: sin(pos * 10000 ** (-i / (half - 1))) in dimension i < half,
    # the matching cos in half + i.  `clock` is a sin that rises almost linearly over the
    # first ~100 positions; `span` is the slowest sin, ~0, to which the source length is added.
    clock = round(-(half - 1) * np.log(_CLOCK_FREQUENCY) / np.log(10000.0))
    span = half - 1
    reserved = [clock, span]

    def linear(out_dim: int, in_dim: int) -> np.ndarray:
        return rng.normal(0.0, in_dim**-0.5, (out_dim, in_dim)).astype(np.float32)

    def writer(out_dim: int, in_dim: int) -> np.ndarray:
        """A projection into the residual stream that leaves the reserved dimensions alone."""
        weight = linear(out_dim, in_dim)
        weight[reserved, :] = 0.0
        return weight

    def embeddings() -> np.ndarray:
        weight = linear(vocab, d_model)
        weight[:, reserved] = 0.0
        return weight

    def norm(layer_norm: Any) -> None:
        layer_norm.gamma = np.ones(d_model, dtype=np.float32)
        layer_norm.beta = np.zeros(d_model, dtype=np.float32)

    def self_attention(attention: Any) -> None:
        norm(attention.layer_norm)
        attention.linear[0].weight = linear(3 * d_model, d_model)
        attention.linear[1].weight = writer(d_model, d_model)

    def ffn(ffn_spec: Any) -> None:
        norm(ffn_spec.layer_norm)
        ffn_spec.linear_0.weight = linear(ffn_dim, d_model)
        ffn_spec.linear_1.weight = writer(d_model, ffn_dim)

    spec.encoder.embeddings[0].weight = embeddings()
    for layer in spec.encoder.layer:
        self_attention(layer.self_attention)
        ffn(layer.ffn)
    norm(spec.encoder.layer_norm)

    spec.decoder.embeddings.weight = embeddings()
    for index, layer in enumerate(spec.decoder.layer):
        self_attention(layer.self_attention)
        norm(layer.attention.layer_norm)
        query = linear(d_model, d_model)
        key_value = linear(2 * d_model, d_model)
        output = writer(d_model, d_model)
        if index == 0:
            # The last head: zero queries give uniform attention over the source, its
            # first value component reads the source's clock (minus `span`, ~0 in the
            # encoder, which cancels the layer norm's shift), and it alone writes `span`.
            last = slice(d_model - head_dim, d_model)
            query[last, :] = 0.0
            key_value[d_model:, :][last, :] = 0.0
            key_value[d_model + d_model - head_dim, clock] = 1.0
            key_value[d_model + d_model - head_dim, span] = -1.0
            output[:, last] = 0.0
            output[span, d_model - head_dim] = _SPAN_GAIN
        layer.attention.linear[0].weight = query
        layer.attention.linear[1].weight = key_value
        layer.attention.linear[2].weight = output
        ffn(layer.ffn)
    norm(spec.decoder.layer_norm)

    projection = linear(vocab, d_model)
    projection[:, reserved] = 0.0
    eos = vocabulary.index("</s>")
    projection[eos, :] = 0.0
    projection[eos, clock] = _EOS_GAIN
    projection[eos, span] = -_EOS_GAIN
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = _projection_bias(vocabulary, rng)
    if silent:
        # CTranslate2 decodes at least one token: a lone word boundary (which detokenizes
        # to nothing) wins the first step and `</s>` every later one: an empty translation.
        spec.decoder.projection.bias[vocabulary.index("▁")] = 5e3
        spec.decoder.projection.bias[eos] = 1e4

    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    model_dir.mkdir()
    spec.save(str(model_dir))


def _projection_bias(vocabulary: list[str], rng: np.random.Generator) -> np.ndarray:
    """Favour Chinese pieces, so that drafts look like the target language, and never `<unk>`."""
    import numpy as np

    bias = rng.normal(0.0, 0.5, len(vocabulary)).astype(np.float32)
    for index, piece in enumerate(vocabulary):
        if any("\u4e00" <= char <= "\u9fff" for char in piece):
            bias[index] += 1.5
    bias[vocabulary.index("</s>")] = _EOS_BIAS
    bias[vocabulary.index("<unk>")] -= 10.0
    return bias


def _write_minisbd_model(path: Path, *, lang: str) -> None:
    """The sentence splitter `publisher models import` ships (rules, as a MiniSBD model).

    Shipping one in the package is what keeps Argos from downloading a
    splitter at first use.
    """
    from publisher.mt.splitter import write_splitter

    write_splitter(path, our_code(lang))


def _zip_dir(root: Path, archive: Path) -> None:
    """Zip `root` as the archive's single top-level folder, as Argos expects.

    Timestamps and permissions are fixed so the same model gives the same bytes.
    """
    tmp_archive = archive.with_suffix(".tmp")
    with zipfile.ZipFile(tmp_archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(root.rglob("*")):
            name = path.relative_to(root.parent).as_posix()
            if path.is_dir():
                info = zipfile.ZipInfo(name + "/", date_time=_ZIP_TIME)
                info.external_attr = (0o40755 << 16) | 0x10
                zf.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
    shutil.move(tmp_archive, archive)
