"""The page in a real headless Chromium: ask, expand, read in context, vote, practise, organise.

Screenshots for docs/screenshots are taken here, so they always show the current page.
"""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import DESKTOP, LOCALE, PHONE, login_organiser, no_horizontal_scroll, shoot

pytestmark = pytest.mark.slow
SPEECH_QUESTION = "创建民族团结进步示范县要坚持哪几个方面？"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, **LOCALE
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, **LOCALE)
    yield context.new_page()
    context.close()


def ask(page, question: str):
    count = page.locator("#conversation .answer").count()
    page.fill("textarea[name=question]", question)
    page.click("#ask-form button[type=submit]")
    answer = page.locator("#conversation .answer").nth(count)  # the page's CSP forbids wait_for_function
    answer.wait_for(timeout=60_000)
    return answer


def test_ask_expand_citation_and_read_in_document(phone, web_server):
    phone.goto(web_server.url + "/")
    assert no_horizontal_scroll(phone)
    shoot(phone, "start")
    answer = ask(phone, SPEECH_QUESTION)
    citations = answer.locator(".citation")
    assert citations.count() >= 3
    assert all(citations.nth(i).get_attribute("data-passage-id") for i in range(citations.count()))
    said = answer.locator(".a p").inner_text()
    assert all(f"要坚持{name}" in said for name in ("高位推动", "系统思维", "守正创新", "合力攻坚"))
    first = citations.first
    assert not first.locator(".passage").is_visible()
    first.locator("summary").click()
    assert first.locator(".passage").is_visible()
    assert first.locator(".passage mark").count() >= 1
    assert no_horizontal_scroll(phone)
    shoot(phone, "ask")
    passage_id = first.get_attribute("data-passage-id")
    first.locator("a.read").click()
    target = phone.locator(".para.target")
    target.wait_for()
    assert target.get_attribute("data-passage-id") == passage_id
    phone.wait_for_timeout(300)
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"]  # scrolled to the passage
    assert no_horizontal_scroll(phone)
    shoot(phone, "document")
    phone.goto(web_server.url + "/")  # the conversation survives a reload
    assert SPEECH_QUESTION in phone.locator("#conversation").inner_text()


def test_not_found_lists_the_material(phone, web_server):
    phone.goto(web_server.url + "/")
    answer = ask(phone, "明天会下雨吗？")
    assert "没有找到" in answer.inner_text()
    assert answer.locator(".materials li").count() >= 30
    assert answer.locator(".citation").count() == 0
    assert no_horizontal_scroll(phone)


def test_feedback_is_stored(phone, web_server):
    phone.goto(web_server.url + "/")
    answer = ask(phone, "民族区域自治法规定了哪些自治权？")
    answer.locator("button.vote[value=down]").click()
    answer.locator(".thanks", has_text="感谢反馈").wait_for()
    answer_id = answer.get_attribute("data-answer-id")
    phone.reload()
    kept = phone.locator(f"#a-{answer_id} button.vote[value=down]")
    assert "chosen" in (kept.get_attribute("class") or "")


def test_practice_round_to_the_end(phone, web_server):
    phone.goto(web_server.url + "/practice")
    assert no_horizontal_scroll(phone)
    shoot(phone, "practice-start")
    phone.check("input[name=size][value='5']")
    phone.click("#practice-form button[type=submit]")
    for number in range(5):
        question = phone.locator("#question")
        question.wait_for()
        assert f"第 {number + 1} / 5 题" in question.inner_text()
        if question.locator(".options button").count():
            question.locator(".options button").last.click()
        else:
            phone.fill("input[name=reply]", "不知道")
            question.locator("button[type=submit]").click()
        verdict = phone.locator("#verdict")
        verdict.wait_for()
        assert re.search("回答正确|回答错误", verdict.inner_text()) and "正确答案" in verdict.inner_text()
        assert verdict.locator(".passage").count() == 1
        if number == 0:
            assert no_horizontal_scroll(phone)
            shoot(phone, "practice-verdict")
        if number < 4:
            phone.click("#next")
    summary = phone.locator("#summary")
    summary.wait_for()
    score = re.search(r"(\d+) / 5", summary.inner_text())
    assert score is not None
    wrong = 5 - int(score.group(1))
    assert summary.locator(".review li").count() == wrong
    shoot(phone, "practice-summary")
    phone.goto(web_server.url + "/practice/wrong")
    assert phone.locator("#wrong-list li").count() >= wrong
    if wrong:
        phone.click("form[action='/practice/retry'] button")
        phone.locator("#question").wait_for()


def test_organiser_uploads_gbk_text_then_removes_it(browser, web_server):
    organiser = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, **LOCALE
    ).new_page()
    member = browser.new_context(viewport=PHONE, **LOCALE).new_page()
    login_organiser(organiser, web_server.url)
    assert no_horizontal_scroll(organiser)
    shoot(organiser, "organiser")
    text = "高原牧区饮水安全工程说明\n\n第一条 高原牧区饮水安全工程由县水务局负责实施，每个牧业村建设两座集中供水站。\n"
    organiser.set_input_files(
        "input[type=file]",
        files=[{"name": "饮水工程.txt", "mimeType": "text/plain", "buffer": text.encode("gbk")}],
    )
    organiser.click("#upload-form button[type=submit]")
    organiser.locator("#upload-progress:not([hidden])").wait_for()
    organiser.locator("#upload-status", has_text="重建索引").wait_for(timeout=30_000)
    shoot(organiser, "organiser-upload")
    organiser.locator("#upload-status", has_text="已添加").wait_for(timeout=240_000)
    organiser.locator("#documents li", has_text="高原牧区饮水安全工程说明").wait_for()
    member.goto(web_server.url + "/")
    answer = ask(member, "每个牧业村建设几座集中供水站？")
    assert "两座集中供水站" in answer.inner_text()
    organiser.on("dialog", lambda dialog: dialog.accept())
    organiser.locator("#documents li", has_text="高原牧区饮水安全工程说明").locator("button").click()
    organiser.locator("#job-message.ok", has_text="已删除").wait_for(timeout=240_000)
    organiser.goto(web_server.url + "/organiser")
    assert organiser.locator("#documents li", has_text="高原牧区饮水安全工程说明").count() == 0
    gone = ask(member, "每个牧业村建设几座集中供水站？")
    assert "两座集中供水站" not in gone.inner_text()
    organiser.context.close()
    member.context.close()


def test_desktop_pages(desktop, web_server):
    desktop.goto(web_server.url + "/")
    ask(desktop, SPEECH_QUESTION).locator(".citation summary").first.click()
    shoot(desktop, "ask")
    desktop.goto(web_server.url + "/practice")
    shoot(desktop, "practice-start")
    login_organiser(desktop, web_server.url)
    shoot(desktop, "organiser")
    desktop.goto(web_server.url + "/organiser/gaps")
    assert "明天会下雨吗？" in desktop.locator("#missing").inner_text()
    shoot(desktop, "gaps")
