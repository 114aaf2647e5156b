"""Language-model fluency for ``mtrepair qe --lm`` (mtrepair.qe.lm), on tiny models built here.

No model hub is reachable and no language model installs offline, so the tests
build a 2-layer GPT-2 (causal) and a 2-layer BERT (masked) from configs, with
word-level tokenizers written here, and briefly train each on the sentences
below: a few dozen optimizer steps are enough for a trained sentence to become
far more probable than its shuffled words, so the surprisal tests fail when the
scoring is wrong (a shift off by one, a wrong sign, padding that leaks), not only
when it crashes. Building and training both models takes a few seconds.
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mtrepair.cli import app
from mtrepair.errors import ConfigError
from mtrepair.qe import SIGNALS, compute_signals, estimate, lm

# find_spec, not importorskip: importing torch at collection would slow every test run.
if not all(importlib.util.find_spec(m) for m in ("torch", "transformers", "tokenizers")):
    pytest.skip(
        "the LM signal needs the neural extra (pip install 'mtrepair[neural]')", allow_module_level=True
    )

TRAIN = [
    "the committee approved the new budget on tuesday .",
    "the minister visited the city after the storm .",
    "a small dog ran across the park in the morning .",
    "the president signed the law on friday .",
]
CLEAN = TRAIN[0]
SHUFFLED = "budget the on new committee . the tuesday approved"
REPEATED = "the the the the the the the the ."
WORDS = sorted({w for s in TRAIN for w in s.split()})
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
GPT_SPECIALS = ["<pad>", "<unk>", "<s>"]


def _train_causal(model: Any, ids: list[list[int]], steps: int) -> None:
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for step in range(steps):
        row = torch.tensor([ids[step % len(ids)]])
        loss = model(input_ids=row, labels=row).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


def _train_masked(model: Any, ids: list[list[int]], mask_id: int, steps: int) -> None:
    """Each step: one sentence, every word masked in turn (the pseudo-likelihood objective)."""
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for step in range(steps):
        sentence = ids[step % len(ids)]
        n = len(sentence) - 2  # [CLS] ... [SEP]
        rows = torch.tensor([sentence] * n)
        labels = torch.full_like(rows, -100)
        for k in range(n):
            labels[k, k + 1] = rows[k, k + 1]
            rows[k, k + 1] = mask_id
        loss = model(input_ids=rows, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny models on a shared 2-core machine: a second intra-op thread only adds
    spin-wait (a training step went from 0.02 s to 0.4 s under load)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tiny_gpt2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer GPT-2 with a word-level fast tokenizer, trained on TRAIN."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    directory = tmp_path_factory.mktemp("tiny-gpt2")
    vocab = {w: i for i, w in enumerate(GPT_SPECIALS + WORDS)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", pad_token="<pad>", bos_token="<s>", eos_token="<s>"
    )
    tokenizer.save_pretrained(str(directory))
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=len(vocab), n_embd=32, n_layer=2, n_head=2, n_positions=64, bos_token_id=2, eos_token_id=2
    )
    model = GPT2LMHeadModel(config)
    _train_causal(model, [[2, *tokenizer(s)["input_ids"]] for s in TRAIN], steps=40)
    model.save_pretrained(str(directory))
    return directory


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT with a WordPiece tokenizer read from a vocab file written here, trained on TRAIN."""
    import torch
    from transformers import BertConfig, BertForMaskedLM, BertTokenizer

    directory = tmp_path_factory.mktemp("tiny-bert")
    vocab = SPECIALS + WORDS
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer.from_pretrained(str(directory), local_files_only=True)
    tokenizer.save_pretrained(str(directory))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertForMaskedLM(config)
    _train_masked(model, [tokenizer(s)["input_ids"] for s in TRAIN], tokenizer.mask_token_id, steps=40)
    model.save_pretrained(str(directory))
    return directory


@pytest.fixture(params=["causal", "masked"])
def tiny_lm(request: pytest.FixtureRequest) -> tuple[str, Path]:
    name = "tiny_gpt2" if request.param == "causal" else "tiny_bert"
    return request.param, request.getfixturevalue(name)


# --- the signal ------------------------------------------------------------------------


def test_kind_is_read_from_the_config(tiny_lm: tuple[str, Path]) -> None:
    kind, path = tiny_lm
    assert lm.load(path).kind == kind
    assert lm.load(path) is lm.load(path)  # loaded once per process


def test_trained_sentence_beats_its_shuffled_words_and_repetition(tiny_lm: tuple[str, Path]) -> None:
    _, path = tiny_lm
    clean, shuffled, repeated, unseen = lm.load(path).surprisal(
        [CLEAN, SHUFFLED, REPEATED, "the dog signed the storm ."]
    )
    assert all(math.isfinite(x) and x > 0 for x in (clean, shuffled, repeated, unseen))
    assert clean < 0.5 * shuffled
    assert clean < 0.5 * repeated
    assert clean < unseen


def test_causal_surprisal_is_the_models_own_loss(tiny_gpt2: Path) -> None:
    """Mean NLL of tokens 2..n after the prepended BOS equals transformers' shifted LM loss."""
    import torch

    model = lm.load(tiny_gpt2)
    ids = [2, *model._tokenizer(SHUFFLED)["input_ids"]]
    with torch.inference_mode():
        expected = float(model._model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids])).loss)
    assert model.surprisal([SHUFFLED])[0] == pytest.approx(expected, rel=1e-5)


def test_masked_surprisal_masks_each_word_once(tiny_bert: Path) -> None:
    import torch

    model = lm.load(tiny_bert)
    ids = model._tokenizer(SHUFFLED)["input_ids"]
    nll = []
    with torch.inference_mode():
        for k in range(1, len(ids) - 1):  # [CLS] and [SEP] are never scored
            masked = list(ids)
            masked[k] = model._tokenizer.mask_token_id
            logits = model._model(input_ids=torch.tensor([masked])).logits[0, k]
            nll.append(-float(torch.log_softmax(logits, dim=-1)[ids[k]]))
    assert model.surprisal([SHUFFLED])[0] == pytest.approx(sum(nll) / len(nll), rel=1e-5)


def test_batching_padding_and_truncation(tiny_lm: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence's surprisal does not depend on its batch; long lines are cut at the token cap."""
    _, path = tiny_lm
    model = lm.load(path)
    texts = [TRAIN[i % 4] + " the park" * (i % 5) for i in range(23)]
    together = model.surprisal(texts)
    monkeypatch.setattr(lm, "MAX_ROWS", 3)
    assert model.surprisal(texts) == pytest.approx(together, rel=1e-4)
    assert [model.surprisal([t])[0] for t in texts[:5]] == pytest.approx(together[:5], rel=1e-4)
    long_line = " ".join(["the park"] * 500)
    rows = model._rows([long_line])
    assert max(len(r.ids) for r in rows) <= lm.MAX_TOKENS
    assert math.isfinite(model.surprisal([long_line])[0])
    assert model.surprisal([]) == []


def test_robust_z_within_the_file() -> None:
    z = lm.robust_z([1.0, 2.0, 2.0, 3.0, 50.0, math.nan])
    assert z[1] == 0.0 and z[0] < 0 < z[3]
    assert z[4] == lm.Z_CAP  # an outlier is capped and does not squash the rest
    assert math.isnan(z[5])
    assert all(math.isnan(v) for v in lm.robust_z([1.0, 2.0, 3.0, 4.0]))  # too few lines
    assert lm.robust_z([2.0] * 6) == [0.0] * 6


def test_signals_in_compute_signals_and_scored_only_with_a_weight(tiny_gpt2: Path) -> None:
    lines = [CLEAN, "", *TRAIN[1:], SHUFFLED, REPEATED]
    rows = compute_signals(lines, lm_path=tiny_gpt2)
    assert rows[1] == {}  # blank lines stay empty
    for row in (r for r in rows if r):
        assert set(row) <= set(SIGNALS)
        assert math.isfinite(row["lm_surprisal"]) and math.isfinite(row["lm_z"])
    assert rows[-2]["lm_z"] > 1.0 and rows[-1]["lm_z"] > 1.0 and rows[0]["lm_z"] < 0.5

    plain = estimate(lines)
    reported = estimate(lines, lm_path=tiny_gpt2)
    assert [r.score for r in reported] == [r.score for r in plain]  # default: reported, not scored
    assert "lm_surprisal" in reported[0].signals and "lm_z" not in reported[0].contributions
    weighted = estimate(lines, lm_path=tiny_gpt2, lm_weight=0.05)
    shuffled = weighted[-2]
    assert shuffled.contributions["lm_z"] == pytest.approx(0.05 * shuffled.signals["lm_z"])
    assert shuffled.score > plain[-2].score


def test_weight_errors(tiny_gpt2: Path) -> None:
    with pytest.raises(ConfigError, match="pass --lm"):
        estimate([CLEAN], lm_weight=0.1)
    with pytest.raises(ConfigError, match=">= 0"):
        estimate([CLEAN], lm_path=tiny_gpt2, lm_weight=-0.1)


# --- errors ----------------------------------------------------------------------------


def test_bad_paths_are_config_errors(tmp_path: Path, tiny_bert: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        lm.load(tmp_path / "missing")
    with pytest.raises(ConfigError, match=r"no config\.json"):
        lm.load(tmp_path)
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read the model config"):
        lm.load(tmp_path)
    # A config that names an LM but has no weights or tokenizer next to it.
    (tmp_path / "config.json").write_text((tiny_bert / "config.json").read_text())
    with pytest.raises(ConfigError, match="cannot load a masked LM"):
        lm.load(tmp_path)


def test_a_model_without_an_lm_head_is_refused(tmp_path: Path) -> None:
    from transformers import BertConfig, T5Config

    BertConfig(architectures=["BertModel"]).save_pretrained(str(tmp_path))
    with pytest.raises(ConfigError, match="BertModel, which has no language-model head"):
        lm.load(tmp_path)
    config = T5Config()
    assert config.architectures is None
    with pytest.raises(ConfigError, match="neither a causal nor a masked"):
        lm.kind_of(config)
    assert lm.kind_of(BertConfig()) == "masked"
    assert lm.kind_of(BertConfig(is_decoder=True)) == "causal"


def test_importing_qe_does_not_import_torch() -> None:
    code = (
        "import sys, mtrepair.qe, mtrepair.qe.lm, mtrepair.cli\n"
        "mtrepair.qe.compute_signals(['A short sentence .'])\n"
        "assert 'torch' not in sys.modules and 'transformers' not in sys.modules, 'imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --- CLI -------------------------------------------------------------------------------


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_reports_the_lm_and_scores_it_only_with_a_weight(
    runner: CliRunner, tmp_path: Path, tiny_bert: Path
) -> None:
    mt = _write(tmp_path / "mt.en", [*TRAIN, SHUFFLED])
    result = runner.invoke(app, ["qe", "--mt", str(mt), "--lm", str(tiny_bert), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["lm"]["kind"] == "masked" and doc["lm"]["scored"] is False
    sentences = doc["sentences"]
    assert all(math.isfinite(s["signals"]["lm_surprisal"]) for s in sentences)
    assert sentences[-1]["signals"]["lm_z"] > 1.0

    plain = runner.invoke(app, ["qe", "--mt", str(mt), "--model", "none"])  # the hand-weighted score
    text = runner.invoke(app, ["qe", "--mt", str(mt), "--lm", str(tiny_bert)])
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert "lm_z=+" in lines[-1]
    score = [line.rsplit("\t", 1)[1] for line in lines]
    assert score == [line.rsplit("\t", 1)[1] for line in plain.stdout.splitlines()]
    weighted = runner.invoke(app, ["qe", "--mt", str(mt), "--lm", str(tiny_bert), "--lm-weight", "0.1"])
    assert weighted.exit_code == 0, weighted.stderr
    assert float(weighted.stdout.splitlines()[-1].rsplit("\t", 1)[1]) > float(score[-1])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lm", "{missing}"], "is not a directory"),
        (["--lm", "{folder}"], "no config.json"),
        (["--lm-weight", "0.2"], "pass --lm DIR"),
    ],
)
def test_cli_bad_lm_is_one_line(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    mt = _write(tmp_path / "mt.en", [CLEAN])
    folder = tmp_path / "empty"
    folder.mkdir()
    paths = {"missing": tmp_path / "nope", "folder": folder}
    result = runner.invoke(app, ["qe", "--mt", str(mt), *[a.format(**paths) for a in args]])
    assert result.exit_code == 5
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
