// A little script on top of plain forms: every page also works without it.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function post(form, extra) {
    var data = new FormData(form);
    if (extra) data.append(extra.name, extra.value);
    return fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "X-Fetch": "1", "X-CSRF-Token": csrf },
      credentials: "same-origin"
    });
  }

  function bindFeedback(root) {
    root.querySelectorAll("form.feedback").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = event.submitter;
        post(form, button).then(function (response) { return response.json(); }).then(function (body) {
          form.querySelectorAll(".vote").forEach(function (b) { b.classList.toggle("chosen", b === button); });
          form.querySelector(".thanks").textContent = body.message || body.error || "";
        });
      });
    });
  }

  var askForm = document.getElementById("ask-form");
  if (askForm) {
    var conversation = document.getElementById("conversation");
    var box = document.getElementById("question");
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        askForm.requestSubmit();
      }
    });
    askForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = box.value;
      if (!question.trim()) return;
      var hint = document.getElementById("empty-hint");
      if (hint) hint.remove();
      var oldError = document.getElementById("ask-error");
      if (oldError) oldError.remove();
      var pending = document.createElement("p");
      pending.className = "pending";
      pending.textContent = "正在查找……";
      conversation.appendChild(pending);
      pending.scrollIntoView({ block: "end" });
      var button = askForm.querySelector("button");
      button.disabled = true;
      post(askForm).then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (result) {
        pending.insertAdjacentHTML("beforebegin", result.html);
        pending.remove();
        if (result.ok) box.value = "";
        bindFeedback(conversation);
        var last = conversation.lastElementChild;
        if (last) last.scrollIntoView({ block: "start", behavior: "smooth" });
      }).catch(function () {
        pending.textContent = "网络连接出错，问题没有丢失，请再点一次“提问”。";
      }).finally(function () { button.disabled = false; });
    });
    document.querySelectorAll("button.sample").forEach(function (sample) {
      sample.addEventListener("click", function () { box.value = sample.textContent; box.focus(); });
    });
    var last = conversation.lastElementChild;
    if (last && !location.hash) last.scrollIntoView({ block: "start" });
  }
  bindFeedback(document);

  var target = document.querySelector(".para.target");
  if (target) target.scrollIntoView({ block: "center" });

  // A document change runs in the background: follow it until the new index serves answers.
  function follow(job, bar, message, onDone) {
    fetch("/organiser/jobs/" + job, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        message.textContent = body.message || body.error;
        bar.value = body.percent || 0;
        message.className = body.state === "done" ? "ok" : body.state === "failed" ? "error" : "";
        if (body.state === "done") { if (onDone) onDone(); }
        else if (body.state !== "failed" && !body.error) { setTimeout(function () { follow(job, bar, message, onDone); }, 500); }
      });
  }

  var upload = document.getElementById("upload-form");
  if (upload) {
    var status = document.getElementById("upload-status");
    var bar = document.getElementById("upload-progress");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      status.textContent = "正在上传……";
      status.className = "";
      bar.hidden = false;
      bar.value = 10;
      fetch(upload.action, { method: "POST", body: new FormData(upload), headers: { "X-Fetch": "1", "X-CSRF-Token": csrf } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (body.error) { status.textContent = body.error; status.className = "error"; bar.value = 0; return; }
          follow(body.job, bar, status, function () { setTimeout(function () { location.reload(); }, 800); });
        })
        .catch(function () { status.textContent = "上传失败，请检查网络后重试。"; status.className = "error"; });
    });
  }

  var jobPage = document.getElementById("job");
  if (jobPage && jobPage.dataset.finished !== "1") {
    follow(jobPage.dataset.job, document.getElementById("job-progress"), document.getElementById("job-message"));
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
