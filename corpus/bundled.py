"""The study texts shipped with the project (see corpus/texts/README.md for their origin)."""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent / "texts"
