"""The organisers' area: material (upload with progress, removal), members' gaps, quiz bank, access code."""

from __future__ import annotations

import logging

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.core.access import AccessCodeError
from bot.core.answer_history import disliked_answers, missing_topics
from bot.core.documents import MAX_UPLOAD_BYTES, DocumentError
from bot.core.quiz.bank import export_bank
from bot.core.quiz.check import check_items, format_report
from bot.web.render import page
from bot.web.security import Refused, check_csrf, checked_form, is_organiser, require_organiser, services

log = logging.getLogger("policybot.web")
UPLOAD_OVERHEAD = 64 * 1024  # multipart headers and the CSRF field around the file


async def dashboard(request: Request) -> Response:
    if not is_organiser(request):
        return page(request, "login.html")
    svc = services(request)
    return page(
        request,
        "organiser.html",
        documents=svc.chat.documents(),
        added={e.doc_id for e in svc.documents.state().entries},
        limit_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        access_code=svc.access.current(),
        notice=request.query_params.get("notice", "")[:200],
    )


async def upload(request: Request) -> Response:
    owner = require_organiser(request)
    if (request.headers.get("content-type") or "").split(";")[0].strip() != "multipart/form-data":
        raise Refused(415, "请通过页面上的上传表单选择文件。")
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD:
        raise Refused(413, f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限，请拆分后再上传。")
    form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD)
    check_csrf(request, form)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        raise Refused(400, "请选择要上传的文件。")
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        job = services(request).jobs.upload(data, file.filename, owner)
    except DocumentError as exc:
        raise Refused(400, str(exc)) from exc
    log.info("event=web_upload user=%s file=%r bytes=%d", owner, file.filename, len(data))
    if request.headers.get("x-fetch") == "1":
        return JSONResponse({"job": job.job_id, "message": job.message})
    return RedirectResponse(f"/organiser/jobs/{job.job_id}", status_code=303)


async def job_status(request: Request) -> Response:
    owner = require_organiser(request)
    job = services(request).jobs.get(request.path_params["job_id"], owner)
    if job is None:
        raise Refused(404, "找不到这项任务。")
    body = {"state": job.state, "message": job.message, "percent": job.percent, "title": job.title}
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(body)
    return page(request, "job.html", job=job)


async def remove(request: Request) -> Response:
    owner = require_organiser(request)
    form = await checked_form(request)
    doc_id = str(form.get("doc_id") or "")
    if doc_id not in {d.doc_id for d in services(request).chat.documents()}:
        raise Refused(404, "找不到这份资料，可能已经删除。")
    job = services(request).jobs.remove(doc_id, owner)
    return RedirectResponse(f"/organiser/jobs/{job.job_id}", status_code=303)


async def gaps(request: Request) -> Response:
    require_organiser(request)
    db = services(request).db
    return page(request, "gaps.html", topics=missing_topics(db), disliked=disliked_answers(db))


async def quiz_bank(request: Request) -> Response:
    require_organiser(request)
    svc = services(request)
    report = check_items(svc.bank().items, svc.chat.assistant.index.passages)
    return page(request, "bank.html", report=report, text=format_report(report))


async def quiz_export(request: Request) -> Response:
    require_organiser(request)
    fmt = request.query_params.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise Refused(400, "导出格式只能是 csv 或 json。")
    text = export_bank(services(request).bank(), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    body = ("\ufeff" + text) if fmt == "csv" else text  # Excel needs the BOM to read UTF-8
    return Response(body, media_type=media,
                    headers={"content-disposition": f'attachment; filename="quiz_bank.{fmt}"'})  # fmt: skip


async def change_code(request: Request) -> Response:
    require_organiser(request)
    form = await checked_form(request)
    try:
        services(request).access.change(str(form.get("access_code") or ""))
    except AccessCodeError as exc:
        raise Refused(400, str(exc)) from exc
    return RedirectResponse("/organiser?notice=访问码已更新，成员需要用新访问码重新进入。", status_code=303)


ROUTES = [
    Route("/organiser", dashboard),
    Route("/organiser/upload", upload, methods=["POST"]),
    Route("/organiser/jobs/{job_id:str}", job_status),
    Route("/organiser/remove", remove, methods=["POST"]),
    Route("/organiser/gaps", gaps),
    Route("/organiser/quiz", quiz_bank),
    Route("/organiser/quiz/export", quiz_export),
    Route("/organiser/access-code", change_code, methods=["POST"]),
]
