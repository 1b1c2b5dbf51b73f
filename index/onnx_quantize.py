"""int8 recipes for the exported e5 graph: which weights become int8, and how.

Why recipes: dynamic int8 of every weight (ONNX Runtime's `quantize_dynamic`, what ships) is
twice as fast as fp32 but not identical to the reference. The alternatives measured by
benchmarks/encoder_parity.py (docs/benchmarks.md, "Parity with the reference"): one int8 scale
per row of the 250k×384 token table instead of one for the whole table (the quantiser offers
only the latter for a Gather, so it is done by hand here), and the feed-forward output
projections kept in fp32 (the MatMuls whose int8 inputs drift most: cosine to the reference
0.997 → 0.999). Neither moved dense or fused hit@k beyond the ±2 points near ties cause, and
the shipped ranker and scope models are fitted on the "int8" vectors, so "int8" stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PARITY_SAMPLES = [  # short texts of every kind the parity checks compare (with corpus passages)
    "创建品牌的主题是什么？",
    "坚持高位推动，解决连续性和精准性差的问题",
    "中华人民共和国是全国各族人民共同缔造的统一的多民族国家。",
    "What should every department do with its funds?",
    "龍川江邊要整個坐的地方 ～ ＡＢＣ　１２３",
    "短",
]
WORD_EMBEDDINGS = "word_embeddings"  # the Gather of the token table in the exported graph


@dataclass(frozen=True)
class Recipe:
    """How the fp32 graph becomes the shipped one (`variant` is recorded in the encoder's name)."""

    variant: str
    quantize: bool = True
    table: str = "tensor"  # the token table: int8 with one scale ("tensor") or one per row ("rows"), or "fp32"
    keep_fp32: tuple[str, ...] = ()  # MatMul nodes whose name contains one of these stay fp32


FFN_OUTPUTS = tuple(f"layer.{i}/output/dense" for i in range(12))  # the feed-forward output projections
RECIPES = {
    r.variant: r
    for r in (
        Recipe("fp32", quantize=False),
        Recipe("int8"),  # every weight, one scale for the token table
        Recipe("int8-rows", table="rows"),
        Recipe("int8-rows-ffn-out-fp32", table="rows", keep_fp32=FFN_OUTPUTS),
    )
}
SHIPPED = "int8"  # what `policybot model prepare` exports; why not another: docs/benchmarks.md


def quantize(source: Path, target: Path, recipe: Recipe) -> None:
    """Write the int8 graph of `source` (fp32) to `target` by `recipe`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in onnx.load(str(source), load_external_data=False).graph.node if n.op_type == "MatMul"]
    keep = [n for n in names if any(part in n for part in recipe.keep_fp32)]
    op_types = None if recipe.table == "tensor" else ["MatMul"]  # None: every op it knows
    logging.disable(logging.WARNING)  # its advice to pre-process targets static quantisation
    try:
        quantize_dynamic(
            str(source),
            str(target),
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=keep,
            op_types_to_quantize=op_types,
        )
    finally:
        logging.disable(logging.NOTSET)
    if recipe.table == "rows":
        _quantize_embedding_rows(target)


def _quantize_embedding_rows(path: Path) -> None:
    """Token table → int8 rows and one fp32 scale per row: Gather both, Cast, Mul (symmetric)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    node = next(n for n in graph.node if n.op_type == "Gather" and WORD_EMBEDDINGS in n.name)
    table_name, ids = node.input[0], node.input[1]
    table = next(i for i in graph.initializer if i.name == table_name)
    weights = numpy_helper.to_array(table)
    scale = (np.maximum(np.abs(weights).max(axis=1, keepdims=True), 1e-12) / 127.0).astype(np.float32)
    rows = np.clip(np.round(weights / scale), -127, 127).astype(np.int8)
    graph.initializer.remove(table)
    graph.initializer.extend(
        [numpy_helper.from_array(rows, f"{table_name}_int8"), numpy_helper.from_array(scale, f"{table_name}_scale")]
    )
    out, at = node.output[0], list(graph.node).index(node)
    graph.node.remove(node)
    replacement = [
        helper.make_node("Gather", [f"{table_name}_int8", ids], [f"{out}_int8"], name=f"{node.name}_int8"),
        helper.make_node("Gather", [f"{table_name}_scale", ids], [f"{out}_scale"], name=f"{node.name}_scale"),
        helper.make_node("Cast", [f"{out}_int8"], [f"{out}_float"], to=TensorProto.FLOAT, name=f"{node.name}_cast"),
        helper.make_node("Mul", [f"{out}_float", f"{out}_scale"], [out], name=f"{node.name}_dequantize"),
    ]
    for offset, new in enumerate(replacement):
        graph.node.insert(at + offset, new)
    onnx.save(model, str(path))
