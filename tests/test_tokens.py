"""Chinese keyword tokens: question words dropped, traditional folded, widths folded."""

from __future__ import annotations

from index.tokens import (
    bigrams,
    cjk_share,
    content_terms,
    held_weight,
    normalize,
    simplified,
    term_share,
    tokenize,
)


def test_question_words_are_dropped() -> None:
    tokens = tokenize("怎样解决融合度低的问题？")
    assert "怎样" not in tokens and "的" not in tokens
    assert {"融合", "融合度", "解决"} <= set(tokens)


def test_traditional_and_full_width_fold_to_the_corpus_form() -> None:
    assert normalize("創建品牌的主題ＡＢＣ") == "创建品牌的主题abc"
    assert set(tokenize("創建品牌的主題是什麼")) >= {"创建", "品牌", "主题"}


def test_a_traditional_question_is_encoded_in_simplified_characters() -> None:
    assert simplified("講話要求多講什麼、少講什麼？") == "讲话要求多讲什么、少讲什么？"
    assert simplified("讲话要求多讲什么？") == "讲话要求多讲什么？"
    # One variant character is more often the text's own spelling than a traditional question.
    assert simplified("凉茶舖又叫什么？") == "凉茶舖又叫什么？"


def test_bigrams_cover_every_adjacent_pair() -> None:
    assert bigrams("世界菌乡, abc 12") == ["世界", "界菌", "菌乡", "abc", "12"]


def test_content_terms_weigh_rare_words_higher() -> None:
    terms = content_terms("红烧肉怎么做")
    assert "怎么" not in terms
    assert terms["红烧肉"] > 8


def test_term_share_weighs_the_rare_words_a_text_holds() -> None:
    terms = content_terms("红烧肉怎么做")
    assert term_share(terms, normalize("红烧肉")) > 0.5 > term_share(terms, normalize("怎么做饭"))
    assert term_share(terms, "红烧肉做") == 1.0
    assert term_share(terms, lambda term: term == "红烧肉") == term_share(terms, "红烧肉")
    assert held_weight(terms, "红烧肉") == terms["红烧肉"]
    assert term_share(content_terms("是什么"), "是什么") == 0.0


def test_cjk_share() -> None:
    assert cjk_share("What is the theme?") == 0.0
    assert cjk_share("主题是什么") == 1.0
    assert cjk_share("!!!") == 0.0


def test_jieba_keeps_its_dictionary_cache_in_our_cache_dir(tmp_path) -> None:
    import subprocess
    import sys

    from index.jieba_dictionary import WORDS_FILE

    script = (
        "import sys; from pathlib import Path; from index.tokens import warm_up; warm_up(Path(sys.argv[1]))"
    )
    cache = tmp_path / "cache" / WORDS_FILE
    written = []
    for _ in range(2):  # the first run writes the cache, the second only reads it
        run = subprocess.run(
            [sys.executable, "-c", script, str(cache.parent)], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        written.append(cache.stat().st_mtime_ns)
    assert cache.stat().st_size > 1_000_000
    assert written[0] == written[1]


def test_idf_table_is_jieba_analyse_table() -> None:
    """Read without importing jieba.analyse (cold start), the table must stay jieba's own."""
    import jieba.analyse

    from index.tokens import _idf_table

    reference = jieba.analyse.TFIDF()
    idf, median = _idf_table()
    assert idf == reference.idf_freq
    assert median == reference.median_idf


def test_a_cold_question_does_not_import_jieba_analyse_or_posseg() -> None:
    import subprocess
    import sys

    script = (
        "import sys; from index.tokens import content_terms; content_terms('铸牢中华民族共同体意识');"
        "print(sorted(m for m in sys.modules if m.startswith(('jieba.analyse', 'jieba.posseg'))))"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
