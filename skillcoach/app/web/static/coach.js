// The session page: drives /api/sessions with fetch and draws the coach's events.
// Event text arrives as "html" rendered server-side by markdown-it with raw HTML off; everything
// else (labels, choices, the learner's own words) is set with textContent, never parsed as HTML.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const log = document.getElementById("log");
  const pendingBox = document.getElementById("pending");
  const statusLine = document.getElementById("status");
  // The page's language: the server hands over the strings this script writes, translated (English: none).
  const stringsBox = document.getElementById("script-strings");
  const STRINGS = stringsBox ? JSON.parse(stringsBox.dataset.strings || "{}") : {};
  const t = (text) => STRINGS[text] || text;
  const LABEL = { plan: t("Plan"), lesson: t("Lesson"), question: t("Question"), feedback: t("Feedback"),
                  answer: t("Tutor"), summary: t("Summary"), notice: t("Note"), error: t("Problem"),
                  progress: t("Progress") };
  let state = { sessionId: null, turn: null, pending: null, finished: false, busy: false };

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function call(method, url, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = { detail: t("The server sent no answer.") }; }
    if (response.status === 401) { window.location.href = "/signin"; }
    return { ok: response.ok, status: response.status, data };
  }

  function say(text, isError) {
    statusLine.textContent = text || "";
    statusLine.className = isError ? "status error" : "status";
  }

  function body(ev) {
    const div = el("div", { class: "body" });
    if (ev.html !== undefined) div.innerHTML = ev.html; // safe: rendered server-side with HTML disabled
    else div.textContent = ev.text || "";
    return div;
  }

  function feedbackLine(ev) {
    const p = el("p", { class: "mastery" });
    const before = Math.round((ev.mastery_before || 0) * 100), after = Math.round((ev.mastery || 0) * 100);
    const verdict = el("strong", { class: "verdict " + ev.verdict }, t(ev.verdict));
    p.append(verdict, document.createTextNode(` · ${t("mastery")} ${before}% → ${after}%` +
      (ev.newly_mastered ? " · " + t("objective mastered!") : "")));
    return p;
  }

  function addEvent(ev) {
    if (ev.type === "error") { say(ev.text, true); return; }
    const card = el("article", { class: "event " + ev.type });
    const title = ev.type === "lesson" && ev.title ? ev.title : (LABEL[ev.type] || ev.type);
    card.append(el("h2", {}, title));
    if (ev.type === "feedback") card.append(feedbackLine(ev));
    card.append(body(ev));
    log.append(card);
  }

  function addMine(text) {
    const card = el("article", { class: "event mine" });
    card.append(el("h2", {}, t("You")), el("p", {}, text));
    log.append(card);
  }

  function choiceInputs(q) {
    const fieldset = el("fieldset", { class: "choices" });
    fieldset.append(el("legend", { class: "visually-hidden" }, t("Choices")));
    const type = q.kind === "multi_select" ? "checkbox" : "radio";
    q.choices.forEach((c, i) => {
      const id = "choice-" + i;
      const input = el("input", { type, name: "choice", id, value: c.key });
      const label = el("label", { for: id, class: "choice" });
      label.append(input, el("span", { class: "key" }, String(i + 1)), document.createTextNode(" " + c.text));
      fieldset.append(label);
    });
    return fieldset;
  }

  function showQuestion(q) {
    const form = el("form", { id: "answer-form", "aria-labelledby": "q-title" });
    form.append(el("h2", { id: "q-title" }, `${t("Question")} ${q.number || ""} · ${t(q.kind.replace("_", " "))}`), body(q));
    if (q.kind === "short_answer") {
      form.append(el("label", { for: "short" }, t("Your answer")));
      form.append(el("textarea", { id: "short", name: "short", rows: "4", maxlength: "4000" }));
    } else {
      form.append(choiceInputs(q));
      if (q.kind === "multi_select") form.append(el("p", { class: "hint" }, t("Pick all that apply.")));
    }
    form.append(el("button", { type: "submit", class: "primary" }, t("Submit answer")));
    form.addEventListener("submit", (e) => { e.preventDefault(); submitAnswer(q); });
    pendingBox.replaceChildren(form);
  }

  function showLesson(ev) {
    const wrap = el("div");
    wrap.append(el("h2", {}, ev.title || t("Lesson")), body(ev));
    const go = el("button", { type: "button", class: "primary", id: "continue" }, t("Start practising (n)"));
    go.addEventListener("click", () => send("command", "continue", t("Continue")));
    wrap.append(go);
    pendingBox.replaceChildren(wrap);
    go.focus();
  }

  function showFinished() {
    const wrap = el("div");
    wrap.append(el("h2", {}, t("Session finished")), el("p", {}, t("Well done. Start a new session, or see your progress.")));
    const again = el("button", { type: "button", class: "primary" }, t("New session"));
    again.addEventListener("click", newSession);
    wrap.append(again);
    pendingBox.replaceChildren(wrap);
  }

  // The transcript so far (on opening or reloading a session): redrawn in place of the log.
  function redraw(history) {
    log.replaceChildren();
    for (const ev of history) {
      if (ev.type === "mine") addMine(ev.text);
      else addEvent(ev);
    }
  }

  function apply(result) {
    state.sessionId = result.session_id; state.turn = result.turn;
    state.pending = result.pending; state.finished = result.finished;
    if (result.history) redraw(result.history);
    for (const ev of result.events) {
      const isPending = result.pending && ev.awaiting && ev.type === result.pending.type &&
        ev.text === result.pending.text;
      if (!isPending) addEvent(ev);
    }
    if (state.finished) showFinished();
    else if (state.pending && state.pending.type === "question") showQuestion(state.pending);
    else if (state.pending) showLesson(state.pending);
    document.getElementById("hint").disabled = !(state.pending && state.pending.has_hint);
    document.getElementById("skip").disabled = !(state.pending && state.pending.type === "question");
    for (const id of ["ask", "ask-button"]) document.getElementById(id).disabled = state.finished;
    log.lastElementChild && log.lastElementChild.scrollIntoView({ block: "nearest" });
  }

  async function refresh() {
    const r = await call("GET", `/api/sessions/${state.sessionId}`);
    if (r.ok) apply({ ...r.data, history: undefined }); // after a refused answer: keep this tab's log as it is
  }

  async function send(kind, text, echo) {
    if (state.busy || !state.sessionId) return;
    state.busy = true; say(t("Working…"));
    pendingBox.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(`/api/sessions/${state.sessionId}/messages`, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "text/event-stream" },
        body: JSON.stringify({ kind, text, turn: state.turn }),
      });
      if (response.status === 401) { window.location.href = "/signin"; return; }
      if (!response.ok) {
        let detail = t("Something went wrong; try again.");
        try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
        say(detail, true);
        if (response.status === 409) await refresh();
        return;
      }
      await readStream(response, echo);
    } catch (e) {
      say(t("The server cannot be reached; your session is saved, try again."), true);
    } finally { state.busy = false; pendingBox.setAttribute("aria-busy", "false"); }
  }

  // Reads the server-sent events of one turn: coach events as they come, then "done" with the new state.
  async function readStream(response, echo) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", first = true;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
        const name = (block.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || "{}");
        if (name === "event" && first && data.type !== "error") {
          if (state.pending) addEvent(state.pending); // what was on the table moves into the log
          if (echo) addMine(echo);
          say("");
        }
        if (name === "event") { first = false; if (!data.awaiting) addEvent(data); }
        else if (name === "done") apply({ ...data, events: [] });
        else if (name === "problem") { say(data.detail, true); await refresh(); }
      }
    }
  }

  function submitAnswer(q) {
    let text;
    if (q.kind === "short_answer") text = document.getElementById("short").value;
    else text = [...pendingBox.querySelectorAll("input[name=choice]:checked")].map((i) => i.value).join(",");
    if (!text.trim()) { say(t("Choose or type an answer first."), true); return; }
    const shown = q.kind === "short_answer" ? text :
      q.choices.filter((c) => text.split(",").includes(c.key)).map((c) => c.text).join("; ");
    send("answer", text, shown);
  }

  async function newSession() {
    const r = await call("POST", "/api/sessions", { new: true });
    if (r.ok) apply(r.data); else say(r.data.detail, true);
  }

  function pick(index) {
    const inputs = pendingBox.querySelectorAll("input[name=choice]");
    if (index < 0 || index >= inputs.length) return false;
    const input = inputs[index];
    input.checked = input.type === "checkbox" ? !input.checked : true;
    input.focus();
    return true;
  }

  function onKey(e) {
    const tag = (e.target.tagName || "").toLowerCase();
    if (tag === "textarea" || (tag === "input" && e.target.type === "text") || e.ctrlKey || e.metaKey || e.altKey) return;
    const q = state.pending && state.pending.type === "question" ? state.pending : null;
    const key = e.key.toLowerCase();
    let done = false;
    if (q && q.choices && q.choices.length) {
      if (/^[1-9]$/.test(key)) done = pick(Number(key) - 1);
      else if (q.kind === "true_false" && (key === "t" || key === "f")) done = pick(q.choices.findIndex((c) => c.key.startsWith(key)));
      else if (/^[a-z]$/.test(key) && q.kind !== "true_false") done = pick(q.choices.findIndex((c) => c.key === key));
    }
    if (!done && key === "n" && state.pending && state.pending.type === "lesson") { send("command", "continue", t("Continue")); done = true; }
    if (!done && key === "h" && q && q.has_hint) { send("command", "hint", t("Hint, please")); done = true; }
    if (!done && key === "s" && q) { send("command", "skip", t("Skip")); done = true; }
    if (!done && key === "?") { document.getElementById("ask").focus(); done = true; }
    if (!done && key === "enter" && q && e.target.closest && e.target.closest("#answer-form")) { submitAnswer(q); done = true; }
    if (done) e.preventDefault();
  }

  document.getElementById("hint").addEventListener("click", () => send("command", "hint", t("Hint, please")));
  document.getElementById("skip").addEventListener("click", () => send("command", "skip", t("Skip")));
  document.getElementById("new-session").addEventListener("click", newSession);
  document.getElementById("ask-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const box = document.getElementById("ask");
    if (box.value.trim()) { send("ask", box.value, box.value); box.value = ""; }
  });
  document.addEventListener("keydown", onKey);
  call("POST", "/api/sessions", {}).then((r) => { if (r.ok) apply(r.data); else say(r.data.detail, true); });
})();
