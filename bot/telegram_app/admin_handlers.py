"""Organisers' actions in the chat: add documents by sending files, remove them, and who may.

Admins are `settings.admin_ids` (POLICYBOT_ADMIN_IDS). A file from anybody else is refused without being downloaded.
Rebuilding runs off the event loop; members keep getting answers from the old index meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core.documents import MAX_UPLOAD_BYTES, DocumentError, DocumentReport, report_of
from bot.core.texts import STALE_BUTTON
from bot.telegram_app import callback_data, keyboards
from bot.telegram_app.state import BotContext
from bot.telegram_app.texts import NOT_ADMIN, NOT_ALLOWED

log = logging.getLogger("policybot.admin")


def is_admin(context: BotContext, user_id: int | None) -> bool:
    return user_id is not None and user_id in context.settings.admin_ids


async def gate(update: Update, context: BotContext) -> None:
    """`settings.allowed_chats`: elsewhere (except admins' private chats) one polite message, then silence."""
    allowed = context.settings.allowed_chats
    chat, user = update.effective_chat, update.effective_user
    if not allowed or chat is None or chat.id in allowed:
        return
    if chat.type == ChatType.PRIVATE and is_admin(context, user.id if user else None):
        return
    told = context.state.told_not_allowed
    if chat.id not in told and update.effective_message is not None:
        told.add(chat.id)
        await update.effective_message.reply_text(NOT_ALLOWED)
    if update.callback_query is not None:
        await update.callback_query.answer(NOT_ALLOWED)
    log.info("event=refused_chat chat=%s user=%s", chat.id, user.id if user else None)
    raise ApplicationHandlerStop


def _swap(context: BotContext):
    """What to do with a rebuilt index: give it to the answering core and the quiz."""
    return context.services.replace_index


async def receive_document(update: Update, context: BotContext) -> None:
    """A file in a private chat: an admin adds it to the material."""
    message, user = update.effective_message, update.effective_user
    document = message.document
    if not is_admin(context, user.id):
        log.warning(
            "event=upload_refused chat=%s user=%s file_size=%s", message.chat_id, user.id, document.file_size
        )
        await message.reply_text(NOT_ADMIN + "如需补充学习资料，请联系管理员。")
        return
    if document.file_size and document.file_size > MAX_UPLOAD_BYTES:
        await message.reply_text(f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限，请拆分后再发送。")
        return
    name = document.file_name or "document.txt"
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
        manager = context.services.documents
        parsed, passages = await asyncio.to_thread(manager.understand, data, name)
    except DocumentError as exc:
        await _reject_upload(message, user.id, exc)
        return
    await message.reply_text(
        f"已收到：{describe(report_of(parsed, passages))}。正在建立索引，完成后会通知你……"
    )
    async with context.state.documents_lock:
        try:
            report = await asyncio.to_thread(
                manager.add, data, name, user.id, _swap(context), (parsed, passages)
            )
        except DocumentError as exc:
            await _reject_upload(message, user.id, exc)
            return
    await message.reply_text(
        f"✅ 已加入学习资料：{describe(report)}。现在就可以就它提问了。"
        f"\n文件编号：{report.doc_id}（删除请用 /remove {report.doc_id}）"
    )


async def _reject_upload(message: Message, user_id: int, error: DocumentError) -> None:
    log.info("event=upload_rejected chat=%s user=%s reason=%s", message.chat_id, user_id, error)
    await message.reply_text(f"未能添加：{error}")


def describe(report: DocumentReport) -> str:
    structure = []
    if report.parts:
        structure.append(f"{report.parts} 个部分/章")
    if report.articles:
        structure.append(f"{report.articles} 条")
    structure.append(f"{report.passages} 个段落")
    return f"《{report.title}》（{'，'.join(structure)}）"


async def remove_command(update: Update, context: BotContext) -> None:
    """/remove <文件名或标题>: ask for confirmation with a button."""
    message, user = update.effective_message, update.effective_user
    if not is_admin(context, user.id):
        log.warning("event=admin_refused chat=%s user=%s command=remove", message.chat_id, user.id)
        await message.reply_text(NOT_ADMIN)
        return
    name = " ".join(context.args or []).strip()
    if not name:
        await message.reply_text("用法：/remove 文件名或标题（发送 /docs 查看目录）")
        return
    found = await asyncio.to_thread(context.services.documents.find, name)
    if not found:
        await message.reply_text(f"没有找到与“{name}”匹配的文件。发送 /docs 查看目录。")
        return
    if len(found) > 1:
        listing = "\n".join(f"• {doc_id}（《{title}》）" for doc_id, title in found[:10])
        await message.reply_text(f"有多份文件匹配，请写得更具体：\n{listing}")
        return
    doc_id, title = found[0]
    key = _key(doc_id)
    context.state.pending_removals[key] = doc_id
    await message.reply_html(
        f"确认从学习资料中删除《{escape(title)}》吗？", reply_markup=keyboards.removal_keyboard(key)
    )


def _key(doc_id: str) -> str:
    return hashlib.sha1(doc_id.encode()).hexdigest()[:12]


async def confirm_removal(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if not is_admin(context, query.from_user.id):
        await query.answer(NOT_ADMIN, show_alert=True)
        return
    action = callback_data.decode(query.data)
    if action is None or action.kind != "rm":
        await query.answer(STALE_BUTTON)
        return
    key = action.text(0)
    if key == "-":
        await query.answer("已取消")
        await query.edit_message_text("已取消删除。")
        return
    manager = context.services.documents
    doc_id = context.state.pending_removals.get(key)
    if doc_id is None:  # after a restart: find it again by the same key
        doc_id = next((d for d, _ in await asyncio.to_thread(manager.documents) if _key(d) == key), None)
    await query.answer()
    if doc_id is None:
        await query.edit_message_text("这份文件已经不在学习资料中。")
        return
    await query.edit_message_text("正在删除并重建索引……")
    async with context.state.documents_lock:
        try:
            title = await asyncio.to_thread(manager.remove, doc_id, _swap(context))
        except DocumentError as exc:
            await query.edit_message_text(str(exc))
            return
    await query.edit_message_text(f"🗑 已删除《{title}》，之后的回答不再引用它。")
