"""Where policybot keeps state: overridable directories, resolved in one place.

Order: explicit argument, then environment (POLICYBOT_DATA_DIR, POLICYBOT_CACHE_DIR), then the
user's platform directories. Tests point both at tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "policybot"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """State that must survive: the index, the embedding cache, quiz scores."""
    value = override or os.environ.get("POLICYBOT_DATA_DIR")
    return Path(value) if value else Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    """Things we can rebuild (the prepared model folder)."""
    value = os.environ.get("POLICYBOT_CACHE_DIR")
    return Path(value) if value else Path(platformdirs.user_cache_dir(APP))
