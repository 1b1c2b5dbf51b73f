"""Every sentence users read, in one place (Chinese), shared by the bot and the console chat."""

from __future__ import annotations

from index.encoder import MAX_QUERY_CHARS

WELCOME = (
    "你好，我是理论学习助手。\n"
    "我只根据学习资料回答问题，并给出每段答案的出处（文件、部分、段落），方便大家对照原文学习。\n\n"
    "学习资料包括：{documents}。\n\n"
    "怎么提问：\n"
    "• 私聊：直接发送问题，例如“创建品牌的主题是什么？”\n"
    "• 群聊：发送 /ask 问题，或 @我 后提问，或回复我的消息继续提问。\n\n"
    "发送 /help 查看全部命令。"
)
HELP = (
    "可用命令：\n"
    "/ask 问题 — 提问（群聊中使用）\n"
    "/docs — 查看学习资料目录\n"
    "/help — 查看本帮助\n\n"
    "回答下方的按钮可以翻看更多出处、查看原文段落及上下文，或对回答进行评价。"
)
NOT_FOUND = (
    "学习资料中没有找到与这个问题相关的内容，我只能回答学习资料里涉及的问题。\n"
    "资料主要涉及：{topics}。可以换个说法，或发送 /docs 查看资料目录。"
)
ASK_USAGE = "请在 /ask 后面写上问题，例如：/ask 创建品牌的主题是什么？"
TOO_FAST = "提问太频繁了，请 {seconds} 秒后再问。"
NOT_TEXT = "目前只能回答文字提问，请直接输入问题。"
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
