"""Language-model fluency: surprisal of each translation under a local Hugging Face LM.

``mtrepair qe --lm DIR`` loads a model directory the user has on disk (no model
hub is reachable, and no language model installs offline, so none ships) and
adds two signals per sentence:

- ``lm_surprisal``: mean negative log-likelihood per token, in nats. For a
  causal LM (GPT-2, Llama, ...) every token is predicted from the tokens before
  it (from BOS when the tokenizer has one, else the first token is context
  only). For a masked LM (BERT, RoBERTa, XLM-R, ...) it is the pseudo-log-
  likelihood of Salazar et al. (2020): each token is masked in turn and
  predicted from the rest, all masked copies of a sentence run in batches.
  Sentences are cut at :data:`MAX_TOKENS` tokens (or the model's limit), so a
  runaway line costs at most that many forward rows.
- ``lm_z``: ``lm_surprisal`` as a robust z-score within the input file,
  (x − median) / (1.4826 · MAD), clipped to ±:data:`Z_CAP`; nan when the file
  has fewer than :data:`MIN_Z_LINES` scorable lines. No label is involved.

Which of the two architectures a directory holds is read from its config
(``architectures``, else the model type's registered heads); a directory that is
missing, not a model, or has no LM head (a bare encoder, a seq2seq model) is a
:class:`~mtrepair.errors.ConfigError`.

How it enters the garble score (a decision, not a measurement): the weights in
``weights.json`` are fitted on MLQE-PE, but no language model can be installed
here, so no LM signal was ever fitted or evaluated against HTER. By default the
LM is therefore reported, never scored: the signals appear in the JSON output
and ``lm_z`` in the text output's reasons, and the score is exactly the score
without ``--lm``. With ``--lm-weight W`` the user opts in to
``score = clip(fitted linear part + W · lm_z + glossary penalty, 0, 1)`` (floors
as before): ``lm_z`` is a unit-free within-file z, so W reads as "HTER added per
robust standard deviation of surprisal above the file's median", comparable to
the fitted per-SD weights (0.04 for repetition, 0.07 for e5's weak margin). W is
the user's choice and is shown in the JSON; nothing here claims a value is good.
A within-file z ranks lines against each other: it cannot say a whole file is
disfluent, and a line's score then depends on its neighbours.

``torch`` and ``transformers`` are imported only when a model is loaded, and a
loaded model is cached per process.
"""

from __future__ import annotations

import importlib
import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mtrepair.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover - typing only; torch is an optional extra
    import torch

INSTALL_HINT = "pip install 'mtrepair[neural]'"
# Tokens per sentence, special tokens included: a longer "sentence" is a
# segmentation failure, and a masked LM pays one forward row per token.
MAX_TOKENS = 128
# Upper bound on rows per forward pass, and on logits held at once (rows · length
# · vocabulary floats): a 250k-word vocabulary must not need gigabytes.
MAX_ROWS = 64
LOGIT_BUDGET = 1 << 24
MIN_Z_LINES = 5
Z_CAP = 4.0
KINDS = ("causal", "masked")

LM_SIGNALS: dict[str, str] = {
    "lm_surprisal": "mean negative log-likelihood per token in nats under the --lm model "
    "(pseudo-log-likelihood for a masked LM)",
    "lm_z": "lm_surprisal as a robust z-score within the input file (median, MAD), "
    "clipped to ±4; scored only with --lm-weight",
}

_CAUSAL_SUFFIXES = ("ForCausalLM", "LMHeadModel")
_MASKED_SUFFIXES = ("ForMaskedLM",)

_cache: dict[str, LanguageModel] = {}
_cache_lock = threading.Lock()


def _require(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"--lm needs the Python package {module!r} (not installed): {INSTALL_HINT}"
        ) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def model_dir(path: Path) -> Path:
    """``path`` resolved, or a :class:`ConfigError` if it cannot be a model directory."""
    from mtrepair.align.neural import model_directory

    return model_directory(path, "--lm")


def kind_of(config: Any) -> str:
    """``causal`` or ``masked`` for a ``transformers`` config, else a :class:`ConfigError`.

    The saved ``architectures`` name the head the weights were trained with;
    a config without them falls back to the heads registered for its model
    type (a model type with both, such as BERT, is masked unless ``is_decoder``).
    """
    archs = [str(a) for a in (getattr(config, "architectures", None) or [])]
    if archs:
        if any(a.endswith(_MASKED_SUFFIXES) for a in archs):
            return "masked"
        if any(a.endswith(_CAUSAL_SUFFIXES) for a in archs):
            return "causal"
        raise ConfigError(
            f"--lm: the model is a {', '.join(archs)}, which has no language-model head; "
            "pass a causal LM (e.g. GPT-2) or a masked LM (e.g. BERT)"
        )
    auto = importlib.import_module("transformers.models.auto.modeling_auto")
    model_type = getattr(config, "model_type", "")
    masked = model_type in auto.MODEL_FOR_MASKED_LM_MAPPING_NAMES
    causal = model_type in auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    if masked and not (causal and getattr(config, "is_decoder", False)):
        return "masked"
    if causal:
        return "causal"
    raise ConfigError(f"--lm: model type {model_type!r} is neither a causal nor a masked language model")


@dataclass(frozen=True)
class _Row:
    """One forward row: a sentence's ids, and for a masked LM the position to mask."""

    sentence: int
    ids: tuple[int, ...]
    position: int = -1


class LanguageModel:
    """A local causal or masked LM that scores sentences by mean surprisal per token."""

    def __init__(self, path: Path) -> None:
        self.path = model_dir(path)
        from mtrepair.align.neural import _offline

        _offline()
        _require("torch")
        transformers = _require("transformers")
        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        where = str(self.path)
        try:
            config = transformers.AutoConfig.from_pretrained(where, local_files_only=True)
        except Exception as exc:  # unreadable third-party files are the user's configuration
            raise ConfigError(f"--lm: cannot read the model config in {where}: {_first_line(exc)}") from exc
        self.kind = kind_of(config)
        auto = (
            transformers.AutoModelForMaskedLM if self.kind == "masked" else transformers.AutoModelForCausalLM
        )
        try:
            self._tokenizer: Any = transformers.AutoTokenizer.from_pretrained(where, local_files_only=True)
            model: Any = auto.from_pretrained(where, local_files_only=True)
        except Exception as exc:
            raise ConfigError(f"--lm: cannot load a {self.kind} LM from {where}: {_first_line(exc)}") from exc
        model.eval()
        self._model: Any = model
        self._vocab = int(getattr(config, "vocab_size", None) or len(self._tokenizer))
        self._max_length = self._token_limit(config)
        tok = self._tokenizer
        if self.kind == "masked" and tok.mask_token_id is None:
            raise ConfigError(f"--lm: the tokenizer in {where} has no mask token; a masked LM needs one")
        self._bos: int | None = tok.bos_token_id if self.kind == "causal" else None
        pad = tok.pad_token_id
        if pad is None:
            pad = tok.eos_token_id if tok.eos_token_id is not None else 0
        self._pad = int(pad)

    def _token_limit(self, config: Any) -> int:
        limits = [MAX_TOKENS]
        positions = getattr(config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 1:
            limits.append(positions)
        tok_limit = getattr(self._tokenizer, "model_max_length", None)
        if isinstance(tok_limit, int) and 1 < tok_limit < 1_000_000:
            limits.append(tok_limit)
        return min(limits)

    def surprisal(self, texts: Sequence[str]) -> list[float]:
        """Mean NLL per scored token (nats) for each text; nan when no token can be scored."""
        import torch

        if not texts:
            return []
        rows = self._rows(texts)
        totals = [0.0] * len(texts)
        counts = [0] * len(texts)
        with torch.inference_mode():
            for batch in self._batches(rows):
                scored = self._masked(batch) if self.kind == "masked" else self._causal(batch)
                for row, (total, count) in zip(batch, scored, strict=True):
                    totals[row.sentence] += total
                    counts[row.sentence] += count
        return [t / c if c else math.nan for t, c in zip(totals, counts, strict=True)]

    def _rows(self, texts: Sequence[str]) -> list[_Row]:
        tok = self._tokenizer
        if self.kind == "causal":
            enc = tok(list(texts), truncation=True, max_length=self._max_length)
            rows: list[_Row] = []
            for i, ids in enumerate(enc["input_ids"]):
                if self._bos is not None and (not ids or ids[0] != self._bos):
                    ids = [self._bos, *ids]
                rows.append(_Row(i, tuple(ids[: self._max_length])))
            return rows
        enc = tok(list(texts), truncation=True, max_length=self._max_length, return_special_tokens_mask=True)
        masked_rows: list[_Row] = []
        for i, (ids, special) in enumerate(zip(enc["input_ids"], enc["special_tokens_mask"], strict=True)):
            masked_rows.extend(_Row(i, tuple(ids), j) for j, s in enumerate(special) if not s)
        return masked_rows

    def _batches(self, rows: list[_Row]) -> Iterator[list[_Row]]:
        """Rows of similar length together (less padding), within the row and logit budgets."""
        ordered = sorted(rows, key=lambda r: len(r.ids))
        start = 0
        while start < len(ordered):
            end = start + 1
            while end < len(ordered) and end - start < MAX_ROWS:
                if (end - start + 1) * len(ordered[end].ids) * self._vocab > LOGIT_BUDGET:
                    break
                end += 1
            yield ordered[start:end]
            start = end

    def _tensors(self, batch: list[_Row]) -> tuple[torch.Tensor, torch.Tensor]:
        import torch

        length = max(len(r.ids) for r in batch)
        ids = torch.full((len(batch), length), self._pad, dtype=torch.long)
        attention = torch.zeros((len(batch), length), dtype=torch.long)
        for k, row in enumerate(batch):
            ids[k, : len(row.ids)] = torch.tensor(row.ids, dtype=torch.long)
            attention[k, : len(row.ids)] = 1
        return ids, attention

    def _causal(self, batch: list[_Row]) -> list[tuple[float, int]]:
        """Sum of NLL over tokens 2..n (each from the tokens before it), and their count."""
        import torch

        ids, attention = self._tensors(batch)
        if ids.shape[1] < 2:
            return [(0.0, 0)] * len(batch)
        logits = self._model(input_ids=ids, attention_mask=attention).logits[:, :-1].float()
        logp = torch.log_softmax(logits, dim=-1)
        nll = -logp.gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
        valid = attention[:, 1:].to(nll.dtype)
        sums = (nll * valid).sum(dim=1).tolist()
        counts = valid.sum(dim=1).long().tolist()
        return [(float(s), int(c)) for s, c in zip(sums, counts, strict=True)]

    def _masked(self, batch: list[_Row]) -> list[tuple[float, int]]:
        """NLL of each row's token at its masked position, given the rest of the sentence."""
        import torch

        ids, attention = self._tensors(batch)
        rows = torch.arange(len(batch))
        positions = torch.tensor([r.position for r in batch], dtype=torch.long)
        targets = ids[rows, positions].clone()
        ids[rows, positions] = int(self._tokenizer.mask_token_id)
        logits = self._model(input_ids=ids, attention_mask=attention).logits[rows, positions].float()
        nll = -torch.log_softmax(logits, dim=-1)[rows, targets]
        return [(float(x), 1) for x in nll.tolist()]


def load(path: Path) -> LanguageModel:
    """The model in directory ``path``, loaded once per process."""
    resolved = model_dir(path)
    key = str(resolved)
    with _cache_lock:
        model = _cache.get(key)
        if model is None:
            model = LanguageModel(resolved)
            _cache[key] = model
        return model


def robust_z(values: Sequence[float]) -> list[float]:
    """Each value's (x − median) / (1.4826 · MAD) among the finite values, clipped to ±Z_CAP.

    nan for a nan value, and for all of them when fewer than MIN_Z_LINES values
    are finite. When the MAD is 0 (over half the values equal) the standard
    deviation stands in; when that is 0 too every z is 0.
    """
    finite = sorted(v for v in values if not math.isnan(v))
    if len(finite) < MIN_Z_LINES:
        return [math.nan] * len(values)
    median = _median(finite)
    scale = 1.4826 * _median(sorted(abs(v - median) for v in finite))
    if scale <= 1e-12:
        mean = sum(finite) / len(finite)
        scale = math.sqrt(sum((v - mean) ** 2 for v in finite) / len(finite))
    if scale <= 1e-12:
        return [math.nan if math.isnan(v) else 0.0 for v in values]
    return [v if math.isnan(v) else max(-Z_CAP, min(Z_CAP, (v - median) / scale)) for v in values]


def _median(ordered: Sequence[float]) -> float:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def lm_signals(texts: Sequence[str], path: Path) -> list[dict[str, float]]:
    """``lm_surprisal`` and ``lm_z`` for each text (one file's lines: z is within them)."""
    surprisal = load(path).surprisal(texts)
    return [{"lm_surprisal": s, "lm_z": z} for s, z in zip(surprisal, robust_z(surprisal), strict=True)]
