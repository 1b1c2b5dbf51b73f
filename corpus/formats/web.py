"""HTML pages: the visible text in reading order, the page title without the site's name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.encoding import decode_text
from corpus.formats.parsed import Parsed, clean_title

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "cp950",
                  "utf-8": "utf-8-sig", "utf8": "utf-8-sig"}  # fmt: skip
_INVISIBLE_TAGS = ["head", "script", "style", "noscript", "template", "nav", "footer", "aside",
                   "iframe", "svg"]  # fmt: skip
_BLOCK_TAGS = ["address", "article", "blockquote", "caption", "dd", "div", "dl", "dt",
               "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
               "main", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"]  # fmt: skip
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# HTML whitespace is ASCII only: U+3000 indentation and &nbsp; are content and stay.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_CJK_SOURCE_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\n\r\f]*(?=[{_CJK}])")
_SITE_SUFFIX = re.compile(r"\s*[-_|–—]+\s*[^-_|–—]{1,30}(网|网站|官网|门户|门户网站|平台|频道)\s*$")


def parse_html(data: bytes) -> Parsed:
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(_decode_html(data), "lxml")
    title = _html_title(soup)
    for tag in soup(_INVISIBLE_TAGS):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return Parsed(lines=_html_lines(soup), title=title)


def _decode_html(data: bytes) -> str:
    """A page's own `<meta charset>` beats guessing, if it names a codec that fits the bytes."""
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        codec = declared.group(1).decode("ascii").lower()
        try:
            return data.decode(_CODEC_ALIASES.get(codec, codec))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _html_title(soup: BeautifulSoup) -> str:
    """`<title>` without its " - 某某网" site suffix, else the first `<h1>`."""
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        text = clean_title(tag.get_text(" ")) if tag else ""
        text = _SITE_SUFFIX.sub("", text) or text
        if text:
            return text
    return ""


def _html_lines(soup: BeautifulSoup) -> list[str]:
    """Block elements and `<br>` become line breaks; source line breaks become spaces."""
    _collapse_source_whitespace(soup)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.append("\n")
    return (soup.body or soup).get_text().split("\n")


def _collapse_source_whitespace(soup: BeautifulSoup) -> None:
    """Do what a browser does with whitespace in the HTML source (except inside `<pre>`)."""
    from bs4 import NavigableString

    for string in list(soup.find_all(string=True)):
        if type(string) is not NavigableString or string.find_parent("pre"):
            continue
        text = _CJK_SOURCE_BREAK.sub("", str(string))
        string.replace_with(_HTML_SPACE.sub(" ", text))
