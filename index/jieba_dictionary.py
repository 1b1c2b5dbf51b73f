"""jieba's parsed dictionary kept in policybot's cache in a form that loads fast.

Why: jieba keeps its parsed 5 MB dictionary (498,000 words and prefixes with their counts) in a
marshal file, and loading it took 1.2 s of CPU at every start on a busy machine — the largest
part of a cold `policybot ask` once the encoder's tokenizer was cut down. The same table as a
word list (one per line) and a count array loads four times faster. `jieba.posseg` parses the
dictionary text again at import for its word tags (0.3–0.5 s); the tags are cached beside the
words and handed to it instead. Both tables equal jieba's own (tested).
"""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from pathlib import Path
from types import ModuleType

import numpy as np

from index.atomic import write_array_atomic, write_text_atomic


def _import_jieba() -> ModuleType:
    """jieba, imported without pkg_resources: that import cost 0.2 s of every start, and jieba
    only uses it to open its own data files, falling back to a plain open() without it."""
    if "pkg_resources" in sys.modules:
        import jieba as module

        return module
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import jieba as module
    finally:
        del sys.modules["pkg_resources"]
    return module


jieba = _import_jieba()
JIEBA_DIR = Path(str(jieba.__file__)).parent  # its data files: dict.txt, analyse/idf.txt
CACHE_FORMAT = 2  # bump when the files below change
WORDS_FILE = "jieba-words.txt"  # the prefix dictionary's keys, one per line
COUNTS_FILE = "jieba-counts.npy"  # their counts (0 for a prefix that is no word)
TAG_WORDS_FILE = "jieba-tag-words.txt"  # the dictionary's words, one per line
TAGS_FILE = "jieba-tags.txt"  # their part-of-speech tags, same order
RECORD_FILE = "jieba-dictionary.json"  # from which jieba and dictionary file, and the total
_import_lock = threading.Lock()
log = logging.getLogger(__name__)
_tags_folder: Path | None = None  # set once the words came from our cache: the tags are there too


def _dictionary_file() -> Path:
    return JIEBA_DIR / jieba.DEFAULT_DICT_NAME


def _stamp() -> dict[str, object]:
    stat = _dictionary_file().stat()
    return {"format": CACHE_FORMAT, "jieba": jieba.__version__, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def load_dictionary(cache_dir: Path) -> None:
    """Give jieba its dictionary from `cache_dir`, writing the cache there first if needed."""
    global _tags_folder
    tokenizer = jieba.dt
    with tokenizer.lock:
        if tokenizer.initialized:
            return
        if tokenizer.dictionary != jieba.DEFAULT_DICT:  # someone chose another dictionary
            tokenizer.initialize()
            return
        cached = _read_cache(cache_dir)
        if cached is None:
            _parse_and_cache(cache_dir)
            return
        tokenizer.FREQ, tokenizer.total = cached
        tokenizer.initialized = True
        _tags_folder = cache_dir


def _read_cache(cache_dir: Path) -> tuple[dict[str, int], int] | None:
    """The cached table and total if written, whole, from this jieba and dictionary; else None."""
    try:
        record = json.loads((cache_dir / RECORD_FILE).read_text(encoding="utf-8"))
        if record["stamp"] != _stamp():
            return None
        words = (cache_dir / WORDS_FILE).read_text(encoding="utf-8").split("\n")
        counts = np.load(cache_dir / COUNTS_FILE, allow_pickle=False)
        if len(words) != len(counts) or len(words) != record["words"]:
            return None
        return dict(zip(words, counts.tolist(), strict=True)), int(record["total"])
    except (OSError, ValueError, KeyError):
        return None


def _parse_and_cache(cache_dir: Path) -> None:
    """jieba's own parse (this once), then our cache of it; a cache that cannot be written
    (a read-only folder) only costs the next start the same parse again."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)  # jieba's own cache of its parse: ours, not /tmp's
    except OSError:
        pass
    jieba.dt.initialize()
    try:
        _write_cache(cache_dir, jieba.dt.FREQ, jieba.dt.total)
    except OSError as exc:
        log.warning("event=jieba_cache_unwritable path=%s error=%s", cache_dir, type(exc).__name__)


def _write_cache(cache_dir: Path, freq: dict[str, int], total: int) -> None:
    global _tags_folder
    tags = _parse_tags()
    words = list(freq)
    write_text_atomic(cache_dir / WORDS_FILE, "\n".join(words))
    write_array_atomic(cache_dir / COUNTS_FILE, np.fromiter(freq.values(), dtype=np.int64, count=len(words)))
    write_text_atomic(cache_dir / TAG_WORDS_FILE, "\n".join(tags))
    write_text_atomic(cache_dir / TAGS_FILE, "\n".join(tags.values()))
    record = {"stamp": _stamp(), "words": len(words), "total": total}
    write_text_atomic(cache_dir / RECORD_FILE, json.dumps(record))  # last: it vouches for the rest
    _tags_folder = cache_dir


def _parse_tags() -> dict[str, str]:
    """What `jieba.posseg` reads from the dictionary: "word count tag" per line, later lines win."""
    tags: dict[str, str] = {}
    for line in _dictionary_file().read_text(encoding="utf-8").split("\n"):
        line = line.strip()
        if line:
            word, _, tag = line.split(" ")
            tags[word] = tag
    return tags


def posseg() -> ModuleType:
    """`jieba.posseg`, its word tags taken from the cache when the dictionary came from there."""
    import importlib
    import sys

    with _import_lock:
        if "jieba.posseg" in sys.modules or _tags_folder is None:
            return importlib.import_module("jieba.posseg")
        # Its import builds a tagger that parses the dictionary text; give it nothing to parse.
        jieba.dt.get_dict_file = lambda: io.BytesIO()  # type: ignore[method-assign]
        try:
            module = importlib.import_module("jieba.posseg")
        finally:
            del jieba.dt.get_dict_file
        words = (_tags_folder / TAG_WORDS_FILE).read_text(encoding="utf-8").split("\n")
        tags = (_tags_folder / TAGS_FILE).read_text(encoding="utf-8").split("\n")
        module.dt.word_tag_tab = dict(zip(words, tags, strict=True))
        return module
