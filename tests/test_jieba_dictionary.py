"""jieba's dictionary and word tags from policybot's cache equal jieba's own (fresh processes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index.jieba_dictionary import RECORD_FILE, WORDS_FILE

# Loads the dictionary through our cache, then compares it with jieba parsing its own file.
CHECK = """
import json, sys
from pathlib import Path
import jieba
from index.jieba_dictionary import load_dictionary, posseg
load_dictionary(Path(sys.argv[1]))
ours_freq, ours_total = jieba.dt.FREQ, jieba.dt.total
tagger = posseg()
texts = ["铸牢中华民族共同体意识，创建民族团结进步示范县", "张三在景宁畲族自治县工作", "归园居在哪个乡镇？"]
ours_cut = [[(w.word, w.flag) for w in tagger.cut(t)] for t in texts]
reference = jieba.Tokenizer()
ref_freq, ref_total = reference.gen_pfdict(reference.get_dict_file())
ref_tags = tagger.POSTokenizer(reference).word_tag_tab
reference_tagger = tagger.POSTokenizer(reference)
print(json.dumps({
    "freq_equal": ours_freq == ref_freq, "total_equal": ours_total == ref_total,
    "words": len(ours_freq), "tags_equal": tagger.dt.word_tag_tab == ref_tags, "tags": len(ref_tags),
    "cut_equal": ours_cut == [[(w.word, w.flag) for w in reference_tagger.cut(t)] for t in texts],
}))
"""


def _check(cache_dir: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", CHECK, str(cache_dir)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_written_then_read_back_equal_to_jiebas_own(tmp_path: Path) -> None:
    first = _check(tmp_path)  # nothing cached: jieba parses, the cache is written
    assert (tmp_path / RECORD_FILE).exists()
    second = _check(tmp_path)  # read back from the cache
    for result in (first, second):
        assert result["freq_equal"] and result["total_equal"] and result["tags_equal"] and result["cut_equal"]
        assert result["words"] > 400_000 and result["tags"] > 300_000


def test_a_cache_from_another_dictionary_is_redone(tmp_path: Path) -> None:
    _check(tmp_path)
    record = json.loads((tmp_path / RECORD_FILE).read_text(encoding="utf-8"))
    (tmp_path / RECORD_FILE).write_text(json.dumps({**record, "stamp": {"jieba": "0.0"}}))
    (tmp_path / WORDS_FILE).write_text("不是词典", encoding="utf-8")
    assert _check(tmp_path)["freq_equal"]
    assert json.loads((tmp_path / RECORD_FILE).read_text(encoding="utf-8")) == record


def test_starting_the_cli_does_not_import_pkg_resources() -> None:
    """jieba opens its files without it (0.2 s of every start); its segmentation still works."""
    script = (
        "import sys; import bot.terminal.cli; from index.tokens import tokenize;"
        "print(tokenize('铸牢中华民族共同体意识'), 'pkg_resources' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    words, imported = run.stdout.rsplit(" ", 1)
    assert "共同体" in words and imported.strip() == "False"


def test_an_unwritable_cache_folder_costs_only_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    script = (
        "import sys; from pathlib import Path; from index.tokens import warm_up, tokenize;"
        "warm_up(Path(sys.argv[1]) / 'cache'); print(tokenize('民族团结进步'))"
    )
    run = subprocess.run([sys.executable, "-c", script, str(blocked)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "团结" in run.stdout and "Traceback" not in run.stderr
