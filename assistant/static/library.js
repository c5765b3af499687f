"use strict";
// The library (/library) and one paper (/library/{doc_id}), both rendered from the JSON API with the tab's key,
// so a paper the key may not read is neither listed nor shown. Admins also get the upload form.

(() => {
  const { api, el, rich, formatDate, labelOf, role } = Council;
  const $ = (id) => document.getElementById(id);
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

  // --- /library --------------------------------------------------------------------------------

  async function showLibrary() {
    const status = $("library-status");
    const table = $("documents");
    let docs;
    try {
      docs = await api("/documents");
    } catch (err) {
      status.textContent = `The papers could not be listed: ${err.message}`;
      return;
    }
    const rows = docs.map((d) =>
      el("tr", { dataset: { docId: d.doc_id } },
        el("th", { scope: "row" },
          el("a", { href: `/library/${encodeURIComponent(d.doc_id)}` }, d.title),
          d.access === "public" ? null : el("span", { class: "tag restricted" }, d.access)),
        el("td", { class: "nowrap" }, formatDate(d.date)),
        el("td", {}, d.council || "not recorded"),
        el("td", {}, d.body || "not recorded"),
        el("td", {}, d.doc_type),
        el("td", { class: "num" }, String(d.passage_count))));
    table.tBodies[0].replaceChildren(...rows);
    $("documents-caption").textContent = `${plural(docs.length, "paper")} you can search, newest first`;
    table.hidden = docs.length === 0;
    status.textContent = docs.length ? "" : "There are no papers you can read yet.";
  }

  async function setUpUpload() {
    try {
      if ((await role()) !== "admin") return;
    } catch {
      return;
    }
    const section = $("upload");
    const form = $("upload-form");
    const status = $("upload-status");
    section.hidden = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("u-file");
      if (!file.files.length) {
        status.textContent = "Choose a file to upload.";
        file.focus();
        return;
      }
      const data = new FormData();
      for (const [name, value] of new FormData(form)) if (value instanceof File || value.trim()) data.append(name, value);
      status.textContent = "Uploading and indexing…";
      try {
        const report = await api("/documents", { method: "POST", form: data });
        const what = report.added.length ? "Added" : report.replaced.length ? "Replaced" : "Already indexed:";
        const name = [...report.added, ...report.replaced, ...report.unchanged][0] || file.files[0].name;
        status.textContent = `${what} ${name} (${plural(report.passages, "passage")}).`;
        form.reset();
        await showLibrary();
      } catch (err) {
        status.textContent = `The upload failed: ${err.message}`;
      }
    });
  }

  // --- /library/{doc_id} -----------------------------------------------------------------------

  async function showPaper() {
    const paper = $("paper");
    const status = $("paper-status");
    let doc;
    try {
      doc = await api(`/documents/${encodeURIComponent(paper.dataset.docId)}`);
    } catch (err) {
      // The same words for a missing paper and one this key may not read: the API gives both one answer.
      $("paper-title").textContent = err.status === 404 ? "No such paper" : "The paper could not be opened";
      status.textContent = err.status === 404
        ? "There is no paper at this address that you can read. It may need an API key."
        : err.message;
      return;
    }
    document.title = `${doc.title} – Council papers assistant`;
    $("paper-title").textContent = doc.title;
    const row = (name, value) => [el("dt", {}, name), el("dd", {}, value)];
    const meta = $("paper-meta");
    meta.replaceChildren(
      ...row("Date", formatDate(doc.date)),
      ...row("Council", doc.council || "not recorded"),
      ...row("Committee or body", doc.body || "not recorded"),
      ...row("Document type", doc.doc_type),
      ...row("Source file", doc.source),
      ...row("Passages", String(doc.passage_count)),
      ...(doc.access === "public" ? [] : row("Access", doc.access)));
    meta.hidden = false;
    status.textContent = "";

    const out = [];
    let part = null;
    let section = null;
    for (const p of doc.passages) {
      if (p.part_title && p.part_title !== part) {
        part = p.part_title;
        section = null;
        const when = p.part_date ? ` (${formatDate(p.part_date)})` : "";
        if (part !== doc.title) out.push(el("h2", { class: "part-heading" }, part, when));
      }
      if (p.section && p.section !== section) {
        section = p.section;
        if (section !== part) out.push(el("h3", { class: "section-heading" }, section));
      }
      out.push(el("div", { class: "passage", id: `p${p.ordinal}`, tabindex: "-1" },
        el("p", { class: "passage-label" }, labelOf(p), p.page !== null ? ` · page ${p.page}` : ""),
        el("div", { class: "passage-text" }, rich(p.text))));
    }
    $("paper-passages").replaceChildren(...out);
    showTarget();
    window.addEventListener("hashchange", showTarget);
  }

  /** The passage named by the address's #p<ordinal> (a citation's "read the whole paper" link), marked and focused. */
  function showTarget() {
    document.querySelectorAll(".passage.target").forEach((p) => p.classList.remove("target"));
    const id = window.location.hash.slice(1);
    const target = /^p\d+$/.test(id) && document.getElementById(id);
    if (!target) return;
    target.classList.add("target");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  if ($("paper")) {
    showPaper();
  } else {
    showLibrary();
    setUpUpload();
  }
})();
