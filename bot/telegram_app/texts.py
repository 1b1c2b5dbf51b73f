"""What the Telegram bot says beyond the shared answers (bot/core/texts.py), in one place.

The command table is the single source of `/help` and of the menu registered with
`set_my_commands`, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    usage: str  # as /help shows it
    description: str  # as /help explains it
    menu: str  # Telegram's command menu (≤ 256 characters)
    admin: bool = False


COMMANDS = [
    Command("start", "/start", "开始使用与简介", "开始使用与简介"),
    Command("ask", "/ask 问题", "提问（群聊中使用；私聊直接发送问题即可）", "提问：/ask 问题"),
    Command("docs", "/docs", "查看学习资料目录", "学习资料目录"),
    Command("quiz", "/quiz [题数] [关键词]", "开始答题，例如 /quiz 5 民族团结", "开始答题：/quiz 5 关键词"),
    Command("stop", "/stop", "结束本群（本聊天）正在进行的答题", "结束当前答题"),
    Command("score", "/score", "查看我的答题成绩", "我的答题成绩"),
    Command("rank", "/rank", "查看本群答题排行", "本群答题排行"),
    Command("review", "/review", "复习我答错的题", "复习答错的题"),
    Command("daily", "/daily HH:MM | off", "设置或取消本群的每日一题", "每日一题：/daily 08:30 或 off"),
    Command("help", "/help", "查看本帮助", "使用帮助"),
    Command("remove", "/remove 名称", "删除一份学习资料（需确认）", "管理员：删除一份学习资料", admin=True),
]

WELCOME = (
    "你好，我是理论学习助手。\n"
    "我只根据学习资料回答问题，并给出每段答案的出处（文件、部分、段落），方便大家对照原文学习。\n\n"
    "学习资料包括：{documents}。\n\n"
    "怎么提问：\n"
    "• 私聊：直接发送问题，例如“创建品牌的主题是什么？”\n"
    "• 群聊：发送 /ask 问题，或 @我 后提问，或回复我的消息继续提问。\n\n"
    "发送 /help 查看全部命令。"
)
ASK_USAGE = "请在 /ask 后面写上问题，例如：/ask 创建品牌的主题是什么？"
NOT_TEXT = "目前只能回答文字提问，请直接输入问题。"
NOT_ADMIN = "抱歉，这个操作仅限管理员使用。"
NOT_ALLOWED = "抱歉，本机器人只在指定的学习群中提供服务。如需使用，请联系管理员。"
_ZONE_NAMES = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Urumqi": "乌鲁木齐时间",
               "Asia/Hong_Kong": "香港时间", "Asia/Taipei": "台北时间"}  # fmt: skip


def help_text() -> str:
    """Every command a member can use, then the organisers' part."""
    members = [f"{c.usage} — {c.description}" for c in COMMANDS if not c.admin]
    admins = [f"{c.usage} — {c.description}" for c in COMMANDS if c.admin]
    return (
        "可用命令：\n"
        + "\n".join(members)
        + "\n\n回答下方的按钮可以翻看更多出处、查看原文段落及上下文，或对回答进行评价。\n\n"
        + "管理员：\n"
        + "\n".join(admins)
        + "\n私聊发送文件（.txt .md .docx .pdf .html）即可添加学习资料。"
    )


def zone_label(zone: str) -> str:
    """How a member reads the configured time zone: 北京时间, or the zone's own name."""
    return _ZONE_NAMES.get(zone, f"{zone} 时间")
