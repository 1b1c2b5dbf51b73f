"""Export the prepared e5-small folder to ONNX (once, at set-up) and quantise it to int8.

Why at set-up: the export needs torch and transformers and takes about a minute; the ONNX
graph then serves every start without them (index.onnx_encoder). Mean pooling and L2
normalisation are part of the graph, so the runtime only tokenises and batches.

Quantisation: the recipes in index.onnx_quantize (dynamic int8, one scale per output channel
of each weight matrix, ...); the parity with the sentence-transformers reference is measured by
benchmarks/encoder_parity.py and checked by tests/test_onnx_encoder.py.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

from index.atomic import staged_directory
from index.model_prep import PREPARED_MARKER, ModelPrepError
from index.onnx_quantize import RECIPES, SHIPPED, quantize
from index.query_tokenizer import split_vocabulary

ONNX_CONFIG = "policybot-onnx.json"  # what the export wrote and from what (read by index.onnx_encoder)
EXPORT_VERSION = 1  # bump when the graph or its quantisation changes: the folder is redone
OPSET = 17
VARIANTS = tuple(RECIPES)


def onnx_stamp(model_dir: Path, variant: str) -> dict:
    """What the ONNX folder was made from: the prepared folder's own stamp plus how."""
    try:
        source = json.loads((model_dir / PREPARED_MARKER).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelPrepError(f"模型文件夹 {model_dir} 尚未准备好：请运行 `policybot model prepare`") from exc
    return {"source": source, "variant": variant, "export_version": EXPORT_VERSION, "opset": OPSET}


def is_exported(model_dir: Path, onnx_dir: Path, variant: str = SHIPPED) -> bool:
    try:
        written = json.loads((onnx_dir / ONNX_CONFIG).read_text(encoding="utf-8"))
        return bool(written.get("stamp") == onnx_stamp(model_dir, variant))
    except (OSError, json.JSONDecodeError, ModelPrepError):
        return False


def export_onnx(model_dir: Path, onnx_dir: Path, variant: str = SHIPPED) -> Path:
    """Write the ONNX folder at `onnx_dir` unless an up-to-date one is there."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown ONNX variant {variant!r}")
    if is_exported(model_dir, onnx_dir, variant):
        return onnx_dir
    with staged_directory(onnx_dir) as staging:
        fp32 = staging / "model-fp32.onnx"
        _export_graph(model_dir, fp32)
        model_file = "model.onnx"
        if RECIPES[variant].quantize:
            quantize(fp32, staging / model_file, RECIPES[variant])
            fp32.unlink()
        else:
            fp32.rename(staging / model_file)
        shutil.copy2(model_dir / "tokenizer.json", staging / "tokenizer.json")
        split_vocabulary(staging)  # the question tokenizer's files (index.query_tokenizer)
        _write_config(model_dir, staging, model_file, variant)
    return onnx_dir


def _write_config(model_dir: Path, staging: Path, model_file: str, variant: str) -> None:
    bert = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    st = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    seq = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    config = {
        "model_file": model_file,
        "dim": bert["hidden_size"],
        "max_tokens": seq["max_seq_length"],
        "pad_id": bert["pad_token_id"],
        "prompts": {"query": st["prompts"]["query"], "passage": st["prompts"]["passage"]},
        "variant": variant,
        "stamp": onnx_stamp(model_dir, variant),
    }
    (staging / ONNX_CONFIG).write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


def _export_graph(model_dir: Path, target: Path) -> None:
    """BERT + attention-masked mean pooling + L2 norm, batch and sequence length dynamic."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class PooledEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    # Two rows of different length, so that padding and the mask are traced as general ops.
    ids = torch.tensor([[0, 6, 7, 8, 2], [0, 6, 2, 1, 1]])
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    dynamic = {0: "batch", 1: "tokens"}
    # The tracer warns about the mask's padding branch: its input always matches the ids' length.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            PooledEncoder().eval(),
            (ids, mask),
            str(target),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
            external_data=False,
        )

