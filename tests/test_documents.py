"""Adding and removing documents (DocumentManager) with the real model, on copies of the index.

Every test gets its own data folder holding a copy of the session's index of the bundled corpus
(the manager's `root`); the embedding cache stays in the session's data folder, so only
text never seen before is embedded. The kill -9 test runs `DocumentManager.add` in a subprocess
and kills it at several moments of the update.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from bot.core.answering import Assistant
from bot.core.documents import MAX_UPLOAD_BYTES, DocumentError, DocumentManager, safe_stem
from index.hybrid import HybridIndex
from index.paths import embeddings_file
from index.store import load_index, read_manifest
from tests.document_samples import (
    TEA_QUESTION,
    TEA_TITLE,
    WETLAND_QUESTION,
    WETLAND_TEXT,
    WETLAND_TITLE,
    law_text,
    pdf_bytes,
    tea_docx,
    truncated_pdf,
)
from tests.fakes import copy_sqlite

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BUNDLED_DOCUMENTS = 32
ANTHEM = "国歌法(2017-09-01)"  # a bundled law's doc_id


# ----------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def cache_file(session_data_dir: Path) -> Path:
    """The session's embedding cache: only text never seen before is embedded."""
    return embeddings_file(session_data_dir)


@pytest.fixture(scope="module")
def base_root(assistant, session_data_dir: Path, real_encoder, cache_file: Path, tmp_path_factory) -> Path:
    """A data folder with the index of the bundled corpus (copied from the session's)."""
    root = tmp_path_factory.mktemp("documents-base")
    shutil.copytree(session_data_dir / "index", root / "index")
    manager = DocumentManager(real_encoder, root=root, cache_file=cache_file)
    manager.ensure_index()  # a no-op unless the copy is stale
    return root


def clone(source: Path, target: Path) -> None:
    """Hard links are enough: an update never writes into an index file, it swaps in a new folder."""
    shutil.copytree(source, target, copy_function=os.link)


@pytest.fixture
def manager(base_root: Path, real_encoder, cache_file: Path, tmp_path: Path) -> DocumentManager:
    root = tmp_path / "data"
    clone(base_root, root)
    return DocumentManager(real_encoder, root=root, cache_file=cache_file)


def doc_ids(folder: Path, model: str) -> set[str]:
    index, manifest = load_index(folder, model)
    ids = {p.doc_id for p in index.passages}
    assert manifest["counts"]["documents"] == len(ids)
    return ids


def fingerprint(manager: DocumentManager) -> tuple:
    """Everything an update may change: index content, its sources, the library folder."""
    manifest = read_manifest(manager.index_dir)
    files = sorted(p.name for p in manager.library.iterdir()) if manager.library.exists() else []
    return manifest["corpus_hash"], manifest["sources"], files, manager.state()


def ask(index: HybridIndex, encoder, scope, question: str):
    return Assistant(index=index, encoder=encoder, scope=scope).ask(question)


def wetland_gbk() -> bytes:
    return WETLAND_TEXT.encode("gbk")


# ----------------------------------------------------------------- adding


def test_gbk_text_is_added_swapped_in_and_answered(manager: DocumentManager, real_encoder, assistant) -> None:
    swapped: list[HybridIndex] = []
    report = manager.add(wetland_gbk(), f"{WETLAND_TITLE}.txt", user_id=42, on_swap=swapped.append)

    assert report.title == WETLAND_TITLE and report.doc_id == WETLAND_TITLE
    assert report.articles == 3 and report.passages == 4
    assert len(swapped) == 1, "the new index is handed over once, after the swap"
    assert doc_ids(manager.index_dir, real_encoder.name) == {p.doc_id for p in swapped[0].passages}
    assert len({p.doc_id for p in swapped[0].passages}) == BUNDLED_DOCUMENTS + 1

    stored = manager.library / f"{WETLAND_TITLE}.txt"
    assert stored.read_bytes() == wetland_gbk(), "the upload is kept byte for byte"
    (entry,) = manager.state().entries
    assert (entry.doc_id, entry.file, entry.added_by) == (WETLAND_TITLE, stored.name, 42)
    assert entry.sha256 == hashlib.sha256(wetland_gbk()).hexdigest()

    answer = ask(swapped[0], real_encoder, assistant.scope, WETLAND_QUESTION)
    assert answer.found
    top = answer.citations[0]
    assert top.doc_title == WETLAND_TITLE and top.location == "第三条"
    assert "垂钓" in answer.answer
    # The old index (still answering while the new one was built) knows nothing of it.
    old = ask(assistant.index, real_encoder, assistant.scope, WETLAND_QUESTION)
    assert all(c.doc_title != WETLAND_TITLE for c in old.citations)


def test_docx_is_added_and_answered(manager: DocumentManager, real_encoder, assistant) -> None:
    swapped: list[HybridIndex] = []
    report = manager.add(tea_docx(), "古茶树.docx", user_id=1, on_swap=swapped.append)
    assert report.title == TEA_TITLE, "a Word document's title comes from its properties or heading"
    assert report.doc_id == "古茶树" and report.articles == 4
    answer = ask(swapped[0], real_encoder, assistant.scope, TEA_QUESTION)
    assert answer.found
    assert answer.citations[0].doc_title == TEA_TITLE and answer.citations[0].location == "第四条"
    assert "五万元" in answer.citations[0].text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_encodings_are_understood(manager: DocumentManager, encoding: str) -> None:
    document, passages = manager.understand(WETLAND_TEXT.encode(encoding), "湿地.txt")
    assert document.text.splitlines()[1].startswith("第一条 为了保护龙川江湿地公园")
    assert len(passages) == 4


def test_markdown_html_and_pdf_are_understood(manager: DocumentManager) -> None:
    html = (
        "<html><head><meta charset='gbk'><title>龙川江湿地公园管理办法</title></head><body>"
        + "".join(f"<p>{line}</p>" for line in WETLAND_TEXT.splitlines()[1:])
        + "</body></html>"
    ).encode("gbk")
    markdown = ("# " + WETLAND_TEXT).encode()
    for data, name in [(html, "w.html"), (markdown, "w.md"), (pdf_bytes(WETLAND_TEXT), "w.pdf")]:
        document, passages = manager.understand(data, name)
        assert "禁止垂钓" in document.text, name
        assert any(p.location.endswith("第三条") for p in passages), name


# ----------------------------------------------------------------- refusals: nothing changes


def test_the_same_file_twice_is_refused(manager: DocumentManager) -> None:
    manager.add(wetland_gbk(), "湿地.txt", user_id=1)
    before = fingerprint(manager)
    for data, name in [
        (wetland_gbk(), "湿地.txt"),  # the very same upload
        (wetland_gbk(), "另一个名字.txt"),  # same bytes, another name
        (WETLAND_TEXT.encode("utf-8"), "湿地-utf8.txt"),  # same text, another encoding
        (pdf_bytes(WETLAND_TEXT), "湿地.pdf"),  # same text, another format
    ]:
        with pytest.raises(DocumentError, match="内容相同") as caught:
            manager.add(data, name, user_id=2)
        assert "湿地" in str(caught.value), "the message names the document already there"
    assert fingerprint(manager) == before


def test_a_bundled_document_sent_again_is_refused(manager: DocumentManager) -> None:
    source = next((REPO / "corpus" / "texts").rglob(f"{ANTHEM}.md"))
    before = fingerprint(manager)
    with pytest.raises(DocumentError, match="中华人民共和国国歌法.*内容相同"):
        manager.add(source.read_bytes(), "国歌法-转发.md", user_id=1)
    assert fingerprint(manager) == before


def _docx_as_text_file() -> bytes:
    return tea_docx()


BAD_FILES = {
    "empty": (b"", "空文件.txt", "没有可用的文字"),
    "whitespace": (" \n\t\u3000\n".encode(), "空白.txt", "没有可用的文字"),
    "png named txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "图片.txt", "二进制"),
    "docx named pdf": (_docx_as_text_file(), "伪装.pdf", "不是 PDF"),
    "text named docx": ("第一条 这不是 Word 文档。".encode(), "伪装.docx", "不是有效的 Word"),
    "legacy doc named docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版.docx", "旧版 Word"),
    "truncated pdf": (truncated_pdf(), "截断.pdf", "不完整"),
    "unsupported suffix": (WETLAND_TEXT.encode(), "湿地.exe", "不支持"),
    "no suffix": (WETLAND_TEXT.encode(), "湿地", "不支持"),
    "over 20 MB": (b"a" * (MAX_UPLOAD_BYTES + 1), "大文件.txt", "20 MB"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_reason_and_change_nothing(manager: DocumentManager, case: str) -> None:
    data, name, reason = BAD_FILES[case]
    before = fingerprint(manager)
    with pytest.raises(DocumentError, match=reason) as caught:
        manager.add(data, name, user_id=1)
    message = str(caught.value)
    assert message.endswith("。") and "Traceback" not in message and len(message) < 200
    assert fingerprint(manager) == before
    assert not manager.library.exists() or [p.name for p in manager.library.iterdir()] == []


# ----------------------------------------------------------------- stored names


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.txt",
        "..\\..\\Windows\\system.ini.txt",
        "/etc/cron.d/job.txt",
        "$(rm -rf ~);`id`|x&.txt",
        "..txt.txt",
        ".hidden.txt",
    ],
)
def test_stored_names_never_leave_the_library(manager: DocumentManager, real_encoder, filename: str) -> None:
    data = law_text("青梧县风雨桥保护办法", 2, seed=zlib.crc32(filename.encode())).encode()
    report = manager.add(data, filename, user_id=1)
    (stored,) = [p for p in manager.library.iterdir() if p.name != "library.json"]
    assert stored.resolve().parent == manager.library.resolve()
    assert stored.name == f"{report.doc_id}.txt"
    assert not stored.name.startswith(".") and "/" not in report.doc_id and "\\" not in report.doc_id
    assert re.fullmatch(r"[\w（）()\-]+", report.doc_id), "nothing a shell or a path would interpret"
    assert report.doc_id in doc_ids(manager.index_dir, real_encoder.name), "indexed, not skipped"
    outside = [p for p in manager.root.parent.rglob("*") if p.is_file() and manager.root not in p.parents]
    assert outside == [], "nothing was written outside the data folder"


def test_a_name_already_taken_gets_a_suffix(manager: DocumentManager, real_encoder) -> None:
    first = manager.add(law_text("青梧县风雨桥保护办法", 3, seed=1).encode(), "办法.txt", user_id=1)
    second = manager.add(law_text("青梧县风雨桥保护办法", 3, seed=2).encode(), "办法.txt", user_id=1)
    bundled = manager.add(law_text("国歌法实施细则", 3, seed=3).encode(), f"{ANTHEM}.txt", user_id=1)
    assert (first.doc_id, second.doc_id) == ("办法", "办法-2")
    assert bundled.doc_id == f"{ANTHEM}-2", "a bundled document's id is taken too"
    ids = doc_ids(manager.index_dir, real_encoder.name)
    assert {"办法", "办法-2", ANTHEM, f"{ANTHEM}-2"} <= ids


# ----------------------------------------------------------------- removing


def test_remove_a_library_document(manager: DocumentManager, real_encoder) -> None:
    report = manager.add(wetland_gbk(), "湿地.txt", user_id=1)
    swapped: list[HybridIndex] = []
    assert manager.remove(report.doc_id, on_swap=swapped.append) == WETLAND_TITLE  # a .txt: its first line
    assert report.doc_id not in doc_ids(manager.index_dir, real_encoder.name)
    assert report.doc_id not in {p.doc_id for p in swapped[0].passages}
    assert manager.state().entries == []
    assert not (manager.library / "湿地.txt").exists()
    with pytest.raises(DocumentError, match="找不到"):
        manager.remove(report.doc_id)
    manager.add(wetland_gbk(), "湿地.txt", user_id=1)  # once removed, it may be added again


def test_remove_a_bundled_document_survives_rebuilds(manager: DocumentManager, real_encoder) -> None:
    assert manager.remove(ANTHEM) == "中华人民共和国国歌法"
    assert manager.state().excluded == [ANTHEM]
    assert ANTHEM not in doc_ids(manager.index_dir, real_encoder.name)
    assert any(p.name == f"{ANTHEM}.md" for p in (REPO / "corpus" / "texts").rglob("*.md")), "source kept"

    manager.add(wetland_gbk(), "湿地.txt", user_id=1)  # another change rebuilds everything
    ids = doc_ids(manager.index_dir, real_encoder.name)
    assert ANTHEM not in ids and "湿地" in ids and len(ids) == BUNDLED_DOCUMENTS
    # A new start (fresh manager, same folder) keeps it out as well.
    fresh = DocumentManager(real_encoder, root=manager.root, cache_file=manager.cache_file)
    fresh.ensure_index()
    assert ANTHEM not in doc_ids(fresh.index_dir, real_encoder.name)
    assert ANTHEM not in dict(fresh.documents())


def test_a_new_version_under_a_removed_bundled_name_is_indexed(
    manager: DocumentManager, real_encoder
) -> None:
    manager.remove(ANTHEM)
    report = manager.add(law_text("国歌法（修订）", 3, seed=7).encode(), f"{ANTHEM}.md", user_id=1)
    assert report.doc_id in doc_ids(manager.index_dir, real_encoder.name)


def test_a_file_named_like_a_readme_is_indexed(manager: DocumentManager, real_encoder) -> None:
    report = manager.add(
        law_text("青梧县志愿服务须知", 3, seed=8).encode(), "README-志愿服务须知.txt", user_id=1
    )
    assert report.doc_id in doc_ids(manager.index_dir, real_encoder.name)


# ----------------------------------------------------------------- finding by name


def test_find_by_id_title_or_part_of_either(manager: DocumentManager) -> None:
    assert manager.find(ANTHEM) == [(ANTHEM, "中华人民共和国国歌法")]
    assert manager.find("中华人民共和国国歌法") == [(ANTHEM, "中华人民共和国国歌法")]
    assert manager.find("国歌法") == [(ANTHEM, "中华人民共和国国歌法")]
    many = manager.find("组织法")  # several organisation laws: ambiguous
    assert len(many) >= 3 and all("组织法" in d or "组织法" in t for d, t in many)
    assert len(manager.find("法")) > 10
    assert manager.find("宪法") == [("宪法", "中华人民共和国宪法")], "an exact id wins over partial matches"
    assert manager.find("") == [] and manager.find("不存在的文件") == []


# ----------------------------------------------------------------- concurrency


def test_two_adds_at_the_same_moment_are_both_kept(manager: DocumentManager, real_encoder) -> None:
    uploads = [(wetland_gbk(), "湿地.txt", 1), (tea_docx(), "古茶树.docx", 2)]
    reports, errors = [], []
    start = threading.Barrier(len(uploads))

    def upload(data: bytes, name: str, user: int) -> None:
        start.wait()
        try:
            reports.append(manager.add(data, name, user_id=user))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=u) for u in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(reports) == 2
    ids = doc_ids(manager.index_dir, real_encoder.name)
    assert {"湿地", "古茶树"} <= ids and len(ids) == BUNDLED_DOCUMENTS + 2
    assert sorted(e.doc_id for e in manager.state().entries) == sorted(["湿地", "古茶树"])


def test_the_old_index_keeps_answering_after_a_swap(
    manager: DocumentManager, real_encoder, assistant
) -> None:
    old, _ = load_index(manager.index_dir, real_encoder.name)
    manager.add(wetland_gbk(), "湿地.txt", user_id=1)
    manager.remove(ANTHEM)  # the old index's files are gone from disk by now
    answer = ask(old, real_encoder, assistant.scope, "国歌的歌词是什么？")
    assert answer.found and answer.citations[0].doc_title == "中华人民共和国国歌法"


# ----------------------------------------------------------------- kill -9 during an update

_ADD_IN_A_PROCESS = """
import sys
from pathlib import Path
from bot.core.documents import DocumentManager
from bot.core.services import build_services
from bot.core.settings import resolve_settings
root, upload, name, cache = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
encoder = build_services(resolve_settings({"data_dir": root})).encoder
encoder.encode_queries(["预热"])
print("ready", flush=True)
DocumentManager(encoder, root=root, cache_file=cache).add(upload.read_bytes(), name, user_id=1)
print("done", flush=True)
"""


def _stage_reached(root: Path, stage: str, old_sources: str, state: dict) -> bool:
    """Whether the update in `root` has reached the moment the test kills it at."""
    library_json = root / "library" / "library.json"
    if stage in ("stored", "embedding"):
        if "stored_at" not in state and library_json.exists():
            state["stored_at"] = time.monotonic()
        if stage == "stored":
            return "stored_at" in state
        return "stored_at" in state and time.monotonic() - state["stored_at"] > 0.4
    if stage == "staging":
        return any(root.glob(".index.staging-*"))
    if stage == "swapped":
        try:
            return json.loads((root / "index" / "manifest.json").read_text())["sources"] != old_sources
        except (OSError, ValueError, KeyError):
            return False
    raise AssertionError(stage)


KILL_STAGES = ["stored", "embedding", "staging", "swapped"]


def test_kill_9_at_any_moment_of_an_update_leaves_the_old_or_the_new_index(
    base_root: Path, real_encoder, session_data_dir: Path, tmp_path: Path
) -> None:
    """One subprocess per moment: just stored, embedding, writing the new index, just swapped."""
    # The subprocesses' embedding cache is a copy: a kill never touches the session's.
    cache = tmp_path / "cache"
    cache.mkdir()
    copy_sqlite(session_data_dir / "embeddings.sqlite", cache / "embeddings.sqlite")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    old_ids = doc_ids(base_root / "index", real_encoder.name)
    old_sources = read_manifest(base_root / "index")["sources"]
    outcomes = {}
    for n, stage in enumerate(KILL_STAGES):
        root = tmp_path / f"kill-{n}"
        clone(base_root, root)
        upload = tmp_path / f"upload-{n}.txt"
        upload.write_text(
            law_text(f"青梧县传统村落保护条例（第{n}稿）", 40, seed=n, chapter_every=8), "utf-8"
        )
        name = f"村落条例-{n}.txt"
        process = subprocess.Popen(
            [sys.executable, "-c", _ADD_IN_A_PROCESS, str(root), str(upload), name, str(embeddings_file(cache))],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            ready_at, state = time.monotonic(), {}
            while process.poll() is None and time.monotonic() - ready_at < 120:
                if _stage_reached(root, stage, old_sources, state):
                    os.kill(process.pid, signal.SIGKILL)
                    break
                time.sleep(0.002)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        killed = process.returncode == -signal.SIGKILL
        new_id = safe_stem(name)

        ids = doc_ids(root / "index", real_encoder.name)  # loadable, whatever the moment
        assert ids in (old_ids, old_ids | {new_id}), stage
        outcomes[stage] = ("killed" if killed else "finished", "new" if new_id in ids else "old")

        # The next start: the index is brought in line with what was stored, leftovers go.
        fresh = DocumentManager(real_encoder, root=root, cache_file=embeddings_file(cache))
        fresh.ensure_index()
        expected = old_ids | {e.doc_id for e in fresh.state().entries}
        assert doc_ids(root / "index", real_encoder.name) == expected, stage
        assert load_index(root / "index", real_encoder.name)[1]["sources"] == fresh.sources().fingerprint()
        assert list(root.glob(".index.staging-*")) == [], stage
        assert not any(p.name.startswith(".index.old-") for p in root.iterdir())
    print("kill -9 outcomes:", outcomes)
    killed_before_swap = [s for s, (how, content) in outcomes.items() if how == "killed" and content == "old"]
    assert len(killed_before_swap) >= 2, f"too few kills landed mid-update: {outcomes}"


def test_a_new_start_removes_staging_left_after_a_swap(manager: DocumentManager, real_encoder) -> None:
    leftover = manager.root / ".index.staging-0badf00d"
    shutil.copytree(manager.index_dir, leftover)  # the old index, half deleted when the kill came
    (leftover / "passages.faiss").unlink()
    manager.ensure_index()
    assert not leftover.exists()


def test_a_new_start_removes_staging_left_before_a_swap(manager: DocumentManager, real_encoder) -> None:
    leftover = manager.root / ".index.staging-0badf00d"
    leftover.mkdir()
    (leftover / "passages.jsonl").write_text("{half", encoding="utf-8")
    (manager.library).mkdir(exist_ok=True)
    (manager.library / "湿地.txt").write_bytes(wetland_gbk())  # stored, but the build never finished
    manager.ensure_index()
    assert not leftover.exists()
    assert "湿地" in doc_ids(manager.index_dir, real_encoder.name)


# ----------------------------------------------------------------- what the organiser is told


def test_a_law_without_chapters_reports_no_parts(manager: DocumentManager) -> None:
    document, passages = manager.understand(wetland_gbk(), "湿地.txt")
    from bot.core.documents import report_of

    report = report_of(document, passages)
    assert (report.parts, report.articles) == (0, 3)


def test_a_law_with_chapters_reports_them(manager: DocumentManager) -> None:
    from bot.core.documents import report_of

    text = law_text("青梧县传统村落保护条例", 12, seed=1, chapter_every=4)
    report = report_of(*manager.understand(text.encode(), "条例.txt"))
    assert (report.parts, report.articles, report.passages) == (3, 12, 13)
