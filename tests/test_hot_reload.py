"""Index hot reload with two real processes: a console chat keeps answering while
`policybot docs add` / `docs remove` change the material in another process, and picks up the
new index by itself. Plus the reloader's own rules, in-process.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.reload import IndexReloader, index_signature
from index.atomic import staged_directory
from tests.document_samples import TEA_ARTICLES, TEA_QUESTION, TEA_TITLE
from tests.fakes import copy_sqlite

REPO = Path(__file__).resolve().parent.parent
PROMPT = "问> "
BUNDLED_QUESTION = "创建品牌的主题是什么？"
TEA_TEXT = TEA_TITLE + "\n" + "\n".join(f"第{n}条 {a}" for n, a in zip("一二三四", TEA_ARTICLES, strict=True))


# ----------------------------------------------------------------- the reloader, in-process


def swap_in(folder: Path, text: str) -> None:
    """Replace `folder` whole, as an index build does."""
    with staged_directory(folder) as staging:
        (staging / "manifest.json").write_text(text, encoding="utf-8")


def test_reloader_swaps_in_only_a_newer_index_and_survives_a_bad_one(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    swap_in(folder, "v1")
    loaded: list[str] = []
    served: list[str] = []

    def load(path: Path):
        text = (path / "manifest.json").read_text(encoding="utf-8")
        if text == "broken":
            raise ValueError("damaged")
        loaded.append(text)
        return type("Index", (), {"size": len(text), "text": text})()

    reloader = IndexReloader(folder, load, lambda index: served.append(index.text), index_signature(folder))
    assert not reloader.check() and loaded == []  # nothing new: not even read
    swap_in(folder, "v2")
    assert reloader.check() and served == ["v2"]
    assert not reloader.check() and loaded == ["v2"]
    swap_in(folder, "broken")
    assert not reloader.check() and served == ["v2"]  # the old index keeps serving
    swap_in(folder, "v3")
    reloader.mark_current(index_signature(folder))  # this process swapped it in itself
    assert not reloader.check() and served == ["v2"]
    shutil.rmtree(folder)
    assert not reloader.check()


# ----------------------------------------------------------------- two processes


class Console:
    """`policybot chat` in its own process; questions in, answers out, line by line."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.terminal.cli", "-v", "chat"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("wb"),
            text=True,
            encoding="utf-8",
        )
        self.replies: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_reply(timeout=300)  # the greeting, once the model and index are loaded

    def _read(self) -> None:
        assert self.process.stdout is not None
        buffer = ""
        while chunk := self.process.stdout.read(1):
            buffer += chunk
            if buffer.endswith(PROMPT):
                self.replies.put(buffer[: -len(PROMPT)].strip())
                buffer = ""

    def wait_reply(self, timeout: float = 120) -> str:
        return self.replies.get(timeout=timeout)

    def ask(self, question: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        return self.wait_reply()

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        return self.process.wait(timeout=60)


def policybot(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "bot.terminal.cli", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


@pytest.fixture
def console(assistant, session_data_dir: Path, tmp_path: Path) -> Iterator[tuple[Console, Path]]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copytree(session_data_dir / "index", data_dir / "index")  # built by the `assistant` fixture
    copy_sqlite(session_data_dir / "embeddings.sqlite", data_dir / "embeddings.sqlite")
    chat = Console(data_dir, tmp_path / "console.log")
    try:
        yield chat, data_dir
    finally:
        if chat.process.poll() is None:
            chat.close()


@pytest.mark.slow
def test_material_changed_in_another_process_reaches_a_running_console(
    console: tuple[Console, Path], tmp_path: Path
) -> None:
    chat, data_dir = console
    assert TEA_TITLE not in chat.ask(TEA_QUESTION)

    upload = tmp_path / f"{TEA_TITLE}.txt"
    upload.write_text(TEA_TEXT, encoding="utf-8")
    results: list[subprocess.CompletedProcess] = []
    adding = threading.Thread(target=lambda: results.append(policybot(data_dir, "docs", "add", str(upload))))
    adding.start()
    asked = answered = 0
    while adding.is_alive():  # questions keep coming while the other process rebuilds and swaps
        reply = chat.ask(BUNDLED_QUESTION)
        asked += 1
        answered += "世界菌乡" in reply
    adding.join()
    assert results[0].returncode == 0, results[0].stderr
    assert asked >= 1 and answered == asked, "no question was dropped or failed during the update"

    done = time.monotonic()
    reply = chat.ask(TEA_QUESTION)
    while TEA_TITLE not in reply and time.monotonic() - done < 60:
        time.sleep(0.2)
        reply = chat.ask(TEA_QUESTION)
    print(f"new material answered {time.monotonic() - done:.1f} s after `docs add` finished")
    assert f"《{TEA_TITLE}》" in reply and "罚款" in reply
    assert "世界菌乡" in chat.ask(BUNDLED_QUESTION)

    removed = policybot(data_dir, "docs", "remove", TEA_TITLE, "--yes")
    assert removed.returncode == 0, removed.stderr
    done = time.monotonic()
    while TEA_TITLE in (reply := chat.ask(TEA_QUESTION)) and time.monotonic() - done < 60:
        time.sleep(0.2)
    assert TEA_TITLE not in reply
    assert chat.close() == 0
