// Live quiz pages: render the session's snapshot, then follow it over Server-Sent Events.
// Every text goes in through textContent (names and questions are never parsed as HTML).
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var code = root.dataset.code;
  var role = root.dataset.role;
  var stage = document.getElementById("stage");
  var LETTERS = "ABCDEFGH";
  var state = JSON.parse(root.dataset.state || "{}");
  var mine = { position: -1, verdict: "" };  // this phone's answer to the current question
  if (root.dataset.mine && state.question) mine = { position: state.question.position, verdict: root.dataset.mine };
  var deadline = 0;
  var shownQuestion = -1;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Fetch": "1", "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { data.ok = response.ok; return data; });
    }).catch(function () { return { ok: false, error: "网络连接出错，请再试一次。" }; });
  }

  function leaderboard(rows) {
    var box = el("section", "leaderboard");
    box.appendChild(el("h3", "", state.status === "finished" ? "最终排名" : "排行榜"));
    var list = el("ol", "ranks");
    rows.forEach(function (row) {
      var item = el("li", "rank");
      item.appendChild(el("span", "name", row.name));
      item.appendChild(el("span", "score", "答对 " + row.correct + " 题"));
      list.appendChild(item);
    });
    if (!rows.length) box.appendChild(el("p", "muted", "还没有人作答。"));
    box.appendChild(list);
    return box;
  }

  function reveal(q, r) {
    var box = el("section", "reveal");
    box.appendChild(el("p", "answer", "正确答案：" + r.answer));
    box.appendChild(el("p", "tally", r.answered + " 人作答，" + r.correct + " 人答对"));
    var source = el("p", "source", "出处：《" + r.doc_title + "》" + (r.location || ""));
    box.appendChild(source);
    if (r.passage) box.appendChild(el("blockquote", "passage", r.passage));
    if (r.explanation && role === "screen") box.appendChild(el("p", "explanation muted", r.explanation));
    return box;
  }

  function questionBlock(q, r) {
    var box = el("section", "question");
    box.appendChild(el("p", "heading", q.heading));
    box.appendChild(el("p", "stem", q.text));
    if (role === "screen" && q.options.length) {
      var list = el("ol", "options-list");
      q.options.forEach(function (option, i) {
        var right = r && r.correct_options.indexOf(i) >= 0;
        list.appendChild(el("li", right ? "right" : "", LETTERS[i] + "．" + option));
      });
      box.appendChild(list);
    }
    return box;
  }

  function render() {
    var q = state.question;
    stage.textContent = "";
    var players = document.getElementById("players");
    if (players) players.textContent = state.players;
    if (state.status === "waiting" || !q) {
      stage.appendChild(el("p", "waiting", role === "screen" ? "请用手机扫码或输入加入码加入，人齐后点“开始第一题”。"
        : "已加入，等待组织者开始……"));
      stage.appendChild(el("p", "muted", "已加入 " + state.players + " 人，共 " + state.size + " 题"));
    } else {
      stage.appendChild(questionBlock(q, state.reveal));
      if (state.status === "open") {
        var meta = el("p", "meta");
        meta.appendChild(el("span", "countdown", ""));
        meta.appendChild(el("span", "answered", "已作答 " + state.answered + " / " + state.players));
        stage.appendChild(meta);
      }
      if (state.reveal) stage.appendChild(reveal(q, state.reveal));
    }
    if (state.ended) stage.appendChild(el("p", "ended ok", state.ended));
    if (state.leaderboard) stage.appendChild(leaderboard(state.leaderboard));
    if (role === "screen") renderControls(); else renderPhone();
    tick();
  }

  function tick() {
    var node = stage.querySelector(".countdown");
    if (!node) return;
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    node.textContent = left > 0 ? "剩余 " + left + " 秒" : "时间到";
    node.classList.toggle("urgent", left <= 5);
  }
  setInterval(tick, 1000);

  // ------------------------------------------------------------ projector
  function renderControls() {
    var next = document.getElementById("next-button");
    var last = state.question && state.question.number >= state.size;
    next.textContent = !state.question ? "开始第一题" : (last ? "结束并显示排名" : "下一题");
    next.disabled = state.status === "finished";
    document.getElementById("reveal-button").disabled = state.status !== "open";
    document.getElementById("stop-button").disabled = state.status === "finished";
  }
  if (role === "screen") {
    root.querySelectorAll("button[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
        var status = document.getElementById("control-status");
        button.disabled = true;
        post("/live/" + code + "/" + button.dataset.action, new URLSearchParams({ csrf_token: csrf }))
          .then(function (data) { status.textContent = data.ok ? "" : (data.error || "操作没有成功"); render(); });
      });
    });
  }

  // ---------------------------------------------------------------- phone
  var form = document.getElementById("answer-form");
  var choices = document.getElementById("choices");
  var answerStatus = document.getElementById("answer-status");

  function verdictText(q) {
    if (mine.position !== q.position) return state.status === "open" ? "" : "这道题你没有作答。";
    if (state.status === "open") return "已提交，等待揭晓答案。";
    return mine.verdict === "right" ? "✔ 回答正确！" : "✘ 回答错误。";
  }

  function buildChoices(q) {
    choices.textContent = "";
    form.elements.position.value = q.position;
    if (q.fill) {
      var input = el("input");
      input.type = "text"; input.name = "reply"; input.maxLength = 100; input.required = true;
      input.autocomplete = "off"; input.setAttribute("aria-label", "填写答案");
      choices.appendChild(input);
    }
    q.options.forEach(function (option, i) {
      var label = el("label", "choice");
      var box = el("input");
      box.type = q.multi ? "checkbox" : "radio"; box.name = "choice"; box.value = i;
      label.appendChild(box);
      label.appendChild(el("span", "", LETTERS[i] + "．" + option));
      choices.appendChild(label);
    });
    if (q.multi) choices.appendChild(el("p", "muted small", "多选题：选出全部正确选项后提交。"));
  }

  function renderPhone() {
    var q = state.question;
    var canAnswer = state.status === "open" && q && mine.position !== q.position;
    if (canAnswer && shownQuestion !== q.position) buildChoices(q);
    shownQuestion = canAnswer ? q.position : -1;
    form.hidden = !canAnswer;
    answerStatus.textContent = q && state.status !== "waiting" ? verdictText(q) : "";
    answerStatus.className = mine.verdict && state.status !== "open" && mine.position === (q && q.position) ? mine.verdict : "";
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new URLSearchParams(new FormData(form));
      if (!data.getAll("choice").length && !data.get("reply")) {
        answerStatus.textContent = "请先选择答案。";
        return;
      }
      var position = Number(form.elements.position.value);
      form.querySelector("button[type=submit]").disabled = true;
      post(form.action, data).then(function (result) {
        form.querySelector("button[type=submit]").disabled = false;
        if (result.ok) {
          mine = { position: position, verdict: result.correct ? "right" : "wrong" };
          render();
        } else {
          answerStatus.textContent = result.error || "提交没有成功，请再试一次。";
        }
      });
    });
  }

  // -------------------------------------------------------------- updates
  function apply(next) {
    state = next;
    deadline = Date.now() + (state.remaining || 0) * 1000;
    render();
    root.dataset.version = state.version;
  }
  apply(state);
  var source = new EventSource("/live/" + code + "/events");
  source.addEventListener("state", function (event) {
    var next = JSON.parse(event.data);
    if (next.version >= (state.version || 0)) apply(next);
    if (next.status === "finished") source.close();
  });
})();
