"""The sentences every front end shows alike (Chinese); each front end keeps its own in its texts module."""

from __future__ import annotations

from index.encoder import MAX_QUERY_CHARS

NOT_FOUND = (
    "学习资料中没有找到与这个问题相关的内容，我只能回答学习资料里涉及的问题。\n"
    "资料主要涉及：{topics}。可以换个说法，或发送 /docs 查看资料目录。"
)
TOO_FAST = "提问太频繁了，请 {seconds} 秒后再问。"
ERROR = "抱歉，处理时出了点问题，请稍后再试。"
TRUNCATED = f"（问题较长，只根据前 {MAX_QUERY_CHARS} 个字检索。）"
STALE_BUTTON = "这条回答已过期，请重新提问。"
FEEDBACK_THANKS = "感谢反馈！"
DOCS_HEADER = "学习资料目录（共 {count} 份）："
SOURCE_HEADER = "原文段落及上下文"


def topics_hint(titles: list[str], limit: int = 4) -> str:
    """A short "what the material covers" list for the not-found message."""
    shown = [f"《{t}》" for t in titles[:limit]]
    more = f"等 {len(titles)} 份材料" if len(titles) > limit else ""
    return "、".join(shown) + more
