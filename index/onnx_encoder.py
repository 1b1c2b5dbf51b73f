"""The e5 encoder on ONNX Runtime: the fast path for queries and builds.

Why: importing torch and sentence-transformers costs seconds at every start, and ONNX Runtime
runs the int8-quantised graph about three times faster on this kind of CPU. Only numpy,
onnxruntime and `tokenizers` are imported here. The graph (exported once by
`index.onnx_export` at set-up) already pools and L2-normalises; this module tokenises with the
model's own `tokenizer.json` (questions through `index.query_tokenizer`, which loads only the
pieces they use), adds the e5 prompts and batches texts of similar length together.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.model_prep import ModelPrepError
from index.onnx_export import ONNX_CONFIG, onnx_stamp
from index.query_tokenizer import QueryTokenizer

PROGRESS_FROM = 500  # texts; fewer take only a few seconds
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OnnxModelInfo:
    """What `index.onnx_export` wrote beside the graph (read before loading it)."""

    folder: Path
    model_file: str
    dim: int
    max_tokens: int
    query_prompt: str
    passage_prompt: str
    pad_id: int
    variant: str  # a recipe of index.onnx_quantize: part of the model identity unless "fp32"
    stamp: dict

    def identity(self, model: str) -> str:
        """The name indexes and caches record. int8 vectors rank near ties differently from
        the reference (measured in docs/benchmarks.md), so each recipe gets a name of its own
        and indexes built with another encoder are rebuilt rather than mixed; fp32 matches
        the reference exactly."""
        return model if self.variant == "fp32" else f"{model}@onnx-{self.variant}"

    @classmethod
    def read(cls, folder: Path) -> OnnxModelInfo:
        raw = json.loads((folder / ONNX_CONFIG).read_text(encoding="utf-8"))
        return cls(
            folder=folder,
            model_file=raw["model_file"],
            dim=int(raw["dim"]),
            max_tokens=int(raw["max_tokens"]),
            query_prompt=raw["prompts"]["query"],
            passage_prompt=raw["prompts"]["passage"],
            pad_id=int(raw["pad_id"]),
            variant=raw["variant"],
            stamp=raw["stamp"],
        )


class OnnxEncoder:
    """Same contract as SentenceTransformerEncoder (index.encoder.Encoder)."""

    def __init__(self, name: str, info: OnnxModelInfo, batch_size: int = 32, threads: int = 0) -> None:
        import onnxruntime as ort

        self.name = name
        self.dim = info.dim
        self.info = info
        self.batch_size = batch_size
        self.show_progress = False  # a bar on stderr for long encodes (builds in a terminal)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per physical core
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(info.folder / info.model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._full_tokenizer: Any = None  # loaded at the first passage encode (builds)
        self._query_tokenizer = _open_query_tokenizer(info)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        texts = [self.info.query_prompt + t for t in texts]
        if self._query_tokenizer is None:
            return self._encode(self._full_ids(texts))
        return self._encode(self._query_tokenizer.encode(texts))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(self._full_ids([self.info.passage_prompt + t for t in texts]))

    def _full_ids(self, texts: list[str]) -> list[list[int]]:
        if self._full_tokenizer is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.info.folder / "tokenizer.json"))
            tokenizer.enable_truncation(self.info.max_tokens)
            tokenizer.no_padding()
            self._full_tokenizer = tokenizer
        return [e.ids for e in self._full_tokenizer.encode_batch(texts, add_special_tokens=True)]

    def _encode(self, ids: list[list[int]]) -> np.ndarray:
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        if not ids:
            return out
        # Longest first, so batches hold texts of similar length: padding is the main waste.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        with progress_bar(len(ids), self.show_progress) as bar:
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                out[rows] = self._run([ids[i] for i in rows])
                bar.update(len(rows))
        return out

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), self.info.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        (vectors,) = self._session.run(None, feeds)
        return np.asarray(vectors, dtype=np.float32)


def _open_query_tokenizer(info: OnnxModelInfo) -> QueryTokenizer | None:
    """The fast question tokenizer, or None (then questions use the full one) if it cannot be cut."""
    try:
        return QueryTokenizer.open(info.folder, info.max_tokens)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("event=query_tokenizer_unavailable error=%s", type(exc).__name__)
        return None


class _NoBar:
    def update(self, n: int) -> None:
        pass


@contextmanager
def progress_bar(total: int, wanted: bool) -> Iterator[Any]:
    """A tqdm bar on stderr for encodes long enough to wait for (a few seconds), else nothing."""
    if not wanted or total < PROGRESS_FROM:
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="段", desc="计算向量", file=sys.stderr, leave=False) as bar:
        yield bar


def open_onnx_encoder(name: str, model_dir: Path, onnx_dir: Path) -> OnnxEncoder | None:
    """The export of `model_dir` if it is there and was made from the folder as it is now."""
    try:
        info = OnnxModelInfo.read(onnx_dir)
        current = onnx_stamp(model_dir, info.variant)
    except (OSError, KeyError, ValueError, ModelPrepError):
        return None
    if info.stamp != current:
        log.warning("event=onnx_stale path=%s hint=policybot_model_prepare", onnx_dir)
        return None
    if importlib.util.find_spec("onnxruntime") is None:
        log.info("event=onnxruntime_missing hint=scripts/setup.sh")
        return None
    return OnnxEncoder(info.identity(name), info)
