"""Opening the question-answering core: model, index and scope model, loaded once per process."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.core.answering import Assistant
from bot.core.scope import load_scope_judge
from index.builder import ensure_bundled_index
from index.encoder import load_encoder
from index.store import load_index
from index.tokens import warm_up

log = logging.getLogger(__name__)


def open_assistant(index_dir: Path | None = None, model: str | None = None) -> Assistant:
    """The given index, or the bundled corpus's index (built on first use)."""
    encoder = load_encoder(model)
    folder = index_dir if index_dir is not None else ensure_bundled_index(encoder)
    index, manifest = load_index(folder, encoder.name)
    warm_up()
    log.info("index %s: %d passages, model %s", folder, index.size, manifest["model"])
    return Assistant(index=index, encoder=encoder, scope=load_scope_judge(encoder))
