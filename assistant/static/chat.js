"use strict";
// The chat page: ask through POST /chat, show each answer with its markers, open a cited passage in its paper.
// The conversation is kept in this tab's sessionStorage so that the library and back do not lose it;
// changing the key drops it (api.js).

(() => {
  const { api, el, rich, formatDate, labelOf, CHAT } = Council;
  const $ = (id) => document.getElementById(id);
  const form = $("ask-form");
  const question = $("question");
  const status = $("ask-status");
  const log = $("conversation");
  const empty = $("empty");
  const newConversation = $("new-conversation");
  const filterInputs = {
    council: $("f-council"), body: $("f-body"), doc_type: $("f-type"), since: $("f-since"), until: $("f-until"),
  };
  const viewer = $("viewer");
  const viewerTitle = $("viewer-title");
  const viewerMeta = $("viewer-meta");
  const viewerBody = $("viewer-body");

  const fresh = () => ({ conversation_id: null, turns: [] });
  let state = fresh();
  try {
    state = JSON.parse(sessionStorage.getItem(CHAT)) || fresh();
  } catch {
    state = fresh();
  }
  const save = () => sessionStorage.setItem(CHAT, JSON.stringify(state));
  let busy = false;

  // --- filters ---------------------------------------------------------------------------------

  async function populateFilters() {
    let docs;
    try {
      docs = await api("/documents");
    } catch (err) {
      status.textContent = `The list of councils and committees could not be loaded: ${err.message}`;
      return;
    }
    const fill = (select, values) => {
      for (const value of [...new Set(values.filter(Boolean))].sort()) select.append(el("option", { value }, value));
    };
    fill(filterInputs.council, docs.map((d) => d.council));
    fill(filterInputs.body, docs.map((d) => d.body));
    fill(filterInputs.doc_type, docs.map((d) => d.doc_type));
  }

  function currentFilters() {
    const filters = {};
    for (const [name, input] of Object.entries(filterInputs)) if (input.value) filters[name] = input.value;
    return Object.keys(filters).length ? filters : null;
  }

  function describeFilters(filters) {
    if (!filters) return null;
    const parts = [filters.council, filters.body, filters.doc_type];
    if (filters.since) parts.push(`from ${formatDate(filters.since)}`);
    if (filters.until) parts.push(`to ${formatDate(filters.until)}`);
    return `Searched only in: ${parts.filter(Boolean).join(" · ")}`;
  }

  $("clear-filters").addEventListener("click", () => {
    for (const input of Object.values(filterInputs)) input.value = "";
    status.textContent = "Filters cleared: all papers are searched.";
  });

  // --- rendering an answer ---------------------------------------------------------------------

  function opener(c, ...children) {
    return el("button", { type: "button", class: "marker", dataset: { doc: c.doc_id, passage: c.passage_id } },
      ...children);
  }

  function answerText(answer) {
    const byN = new Map(answer.citations.map((c) => [c.n, c]));
    const p = el("p", { class: "answer-text" });
    for (const part of answer.answer.split(/(\[\d+\])/)) {
      const m = /^\[(\d+)\]$/.exec(part);
      const c = m && byN.get(Number(m[1]));
      if (c) {
        p.append(opener(c, `[${c.n}]`, el("span", { class: "visually-hidden" }, ` source: ${c.label}, ${c.title}`)));
      } else {
        p.append(...rich(part));
      }
    }
    return p;
  }

  function sourceItem(c, numbered) {
    const meta = [c.body, c.doc_type, formatDate(c.date), c.page !== null ? `page ${c.page}` : null];
    const excerpt = c.text.length > 220 ? `${c.text.slice(0, 220).trimEnd()}…` : c.text;
    return el("li", { class: "source" },
      el("button", { type: "button", class: "source-open", dataset: { doc: c.doc_id, passage: c.passage_id } },
        numbered ? `[${c.n}] ` : "", c.label, el("span", { class: "sep", "aria-hidden": "true" }, " · "),
        el("span", { class: "visually-hidden" }, ", "), c.title),
      el("p", { class: "source-meta" }, meta.filter(Boolean).join(" · ")),
      numbered ? null : el("p", { class: "excerpt" }, excerpt));
  }

  function renderTurn({ answer, filters }, index) {
    const id = `turn-${index + 1}`;
    const answered = !answer.abstained;
    const sources = answered ? answer.citations : answer.related;
    return el("article", { class: answered ? "turn" : "turn abstained", id, "aria-labelledby": `${id}-q` },
      el("h3", { class: "turn-question", id: `${id}-q` }, el("span", { class: "visually-hidden" }, "You asked: "),
        answer.question),
      describeFilters(filters) && el("p", { class: "turn-filters" }, describeFilters(filters)),
      answered ? null : el("p", { class: "not-found-tag" }, "Not found in the papers"),
      answerText(answer),
      sources.length
        ? [el("h4", {}, answered ? "Sources" : "Possibly related passages"),
          el("ol", { class: "sources" }, sources.map((c) => sourceItem(c, answered)))]
        : null);
  }

  function renderAll() {
    log.querySelectorAll(".turn").forEach((t) => t.remove());
    empty.hidden = state.turns.length > 0;
    newConversation.hidden = state.turns.length === 0;
    state.turns.forEach((turn, i) => log.append(renderTurn(turn, i)));
  }

  // --- asking ----------------------------------------------------------------------------------

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const text = question.value.trim();
    if (!text) {
      status.textContent = "Type a question first.";
      question.focus();
      return;
    }
    const filters = currentFilters();
    const request = { question: text };
    if (filters) request.filters = filters;
    if (state.conversation_id) request.conversation_id = state.conversation_id;
    busy = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = "Searching the papers…";
    try {
      const answer = await api("/chat", { method: "POST", json: request });
      state.conversation_id = answer.conversation_id;
      state.turns.push({ answer, filters });
      save();
      empty.hidden = true;
      newConversation.hidden = false;
      const turn = renderTurn(state.turns.at(-1), state.turns.length - 1);
      log.append(turn);
      question.value = "";
      status.textContent = answer.abstained ? "No answer in the papers." : "";
      turn.scrollIntoView({ block: "nearest" });
    } catch (err) {
      if (err.status === 404 && state.conversation_id) {
        state = fresh();
        save();
        renderAll();
        status.textContent = "That conversation is no longer available. Ask again to start a new one.";
      } else {
        status.textContent = `The question could not be answered: ${err.message}`;
      }
    } finally {
      busy = false;
      form.removeAttribute("aria-busy");
    }
  });

  newConversation.addEventListener("click", () => {
    state = fresh();
    save();
    renderAll();
    status.textContent = "New conversation started.";
    question.focus();
  });

  // --- the passage viewer ----------------------------------------------------------------------

  let returnTo = null;
  let request = 0;

  function contextItem(passage, cited) {
    return el("li", { class: cited ? "passage cited" : "passage", "aria-current": cited ? "true" : null },
      el("p", { class: "passage-label" }, labelOf(passage), cited ? el("span", { class: "tag" }, "cited") : null),
      el("div", { class: "passage-text" }, cited ? el("mark", {}, rich(passage.text)) : rich(passage.text)));
  }

  function renderView(view) {
    const d = view.document;
    const p = view.passage;
    const item = p.part_title && p.part_title !== d.title;
    const row = (name, value) => el("div", {}, el("dt", {}, name), el("dd", {}, value));
    viewerTitle.textContent = item ? p.part_title : d.title;
    viewerMeta.replaceChildren(...[
      item ? row("In", d.title) : null,
      row("Date", formatDate((item && p.part_date) || d.date)),
      row("Committee or body", d.body || "not recorded"),
      row("Type", d.doc_type),
      p.page !== null ? row("Page", String(p.page)) : null,
      p.section && p.section !== viewerTitle.textContent ? row("Section", p.section) : null,
      row("Paragraph", labelOf(p)),
    ].filter(Boolean));
    viewerMeta.hidden = false;
    const list = el("ol", { class: "context", "aria-label": "The cited paragraph and its neighbours" },
      view.before.map((x) => contextItem(x, false)), contextItem(p, true), view.after.map((x) => contextItem(x, false)));
    viewerBody.replaceChildren(list,
      el("p", { class: "viewer-foot" },
        el("a", { href: `/library/${encodeURIComponent(d.doc_id)}#p${p.ordinal}` },
          `Read the whole paper from ${labelOf(p)}`)));
    list.querySelector(".cited").scrollIntoView({ block: "center" });
  }

  async function openPassage(button) {
    const mine = ++request;
    returnTo = button;
    viewerTitle.textContent = "Loading the passage…";
    viewerMeta.hidden = true;
    viewerBody.replaceChildren();
    if (!viewer.open) viewer.showModal();
    viewerTitle.focus();
    const ordinal = button.dataset.passage.split(":").pop();
    try {
      const view = await api(`/documents/${encodeURIComponent(button.dataset.doc)}/passages/${ordinal}`);
      if (mine === request && viewer.open) renderView(view);
    } catch (err) {
      if (mine !== request) return;
      viewerTitle.textContent = "This passage could not be opened";
      viewerBody.replaceChildren(el("p", {}, err.message));
    }
  }

  log.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-passage]");
    if (button) openPassage(button);
  });
  $("viewer-close").addEventListener("click", () => viewer.close());
  viewer.addEventListener("click", (event) => {
    if (event.target === viewer) viewer.close(); // the backdrop: the dialog's own content fills the box
  });
  viewer.addEventListener("close", () => {
    if (viewer.open) return; // the close event is queued: the viewer may have been opened again since
    request++;
    if (returnTo && returnTo.isConnected) returnTo.focus();
    returnTo = null;
  });

  renderAll();
  populateFilters();
})();
