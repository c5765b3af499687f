"use strict";
// The council's record (/record?view=...), rendered from GET /record/{view} with the tab's key: a restricted
// paper's meetings, recommendations, actions and inspections reach only a key that may read the paper.
// Every row links to the paragraph its value was read from (/library/{doc_id}#p{ordinal}).

(() => {
  const { api, el, formatDate } = Council;
  const $ = (id) => document.getElementById(id);
  const view = $("record").dataset.view;
  const status = $("record-status");
  const out = $("record-body");
  const params = new URLSearchParams(window.location.search);
  const FILTERS = ["council", "body", "since", "until"];
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

  /** A date as the paper gives it: a day, a month ("November 2017") or a year. */
  function when(iso) {
    const m = /^(\d{4})-(\d{2})$/.exec(iso || "");
    return m ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : formatDate(iso);
  }

  /** A link to the paragraph a value was read from, in its paper. */
  function cite(c) {
    const ordinal = c.passage_id.slice(c.passage_id.lastIndexOf(":") + 1);
    return el("a", { class: "cite", href: `/library/${encodeURIComponent(c.doc_id)}#p${ordinal}` },
      c.label, el("span", { class: "visually-hidden" }, `, ${c.title}`));
  }

  const value = (v) => (v ? v.value : "");

  /** Values with their citations, one per line. */
  function cited(values, show = (v) => v.value) {
    if (!values.length) return "";
    return el("ul", { class: "cited" }, values.map((v) => el("li", {}, show(v), " ", cite(v.cite))));
  }

  /** A table with a heading, or the heading and "None recorded." when there are no rows. */
  function section(id, heading, headers, rows, level = "h4") {
    const title = el(level, { id }, heading);
    if (!rows.length) return [title, el("p", { class: "none" }, "None recorded.")];
    return [title, el("div", { class: "table-wrap" },
      el("table", { class: "record-table", "aria-labelledby": id },
        el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, rows)))];
  }

  /** A row whose first cell heads it and whose last cell links to its cited paragraph. */
  const row = (first, cells, c) => el("tr", {}, el("th", { scope: "row" }, first),
    cells.map((cell) => el("td", {}, ...[cell].flat(Infinity))), el("td", { class: "cited-cell" }, c ? cite(c) : ""));

  // --- meetings --------------------------------------------------------------------------------

  const SIDES = ["For", "Against", "Abstain"];
  const ordinalOf = (c) => Number(c.passage_id.slice(c.passage_id.lastIndexOf(":") + 1));

  /** One division's sides (For, Against, Abstain, then any other the minutes name), each with its members and a
   *  link to the paragraph that names them. */
  function division(voted) {
    const sides = new Map();
    for (const v of voted) {
      if (!sides.has(v.detail)) sides.set(v.detail, []);
      sides.get(v.detail).push(v);
    }
    const rank = (side) => (SIDES.includes(side) ? SIDES.indexOf(side) : SIDES.length);
    return el("dl", { class: "division" }, [...sides.keys()].sort((a, b) => rank(a) - rank(b)).flatMap((side) => {
      const members = sides.get(side);
      const cites = [...new Map(members.map((v) => [v.cite.passage_id, v.cite])).values()];
      return [el("dt", {}, side), el("dd", {},
        members.flatMap((v, i) => [i ? ", " : "", el("span", { class: "voter" }, v.value)]),
        cites.flatMap((c) => [" ", cite(c)]))];
    }));
  }

  /** An item's votes, each with who voted how under it. An item may take several votes (Kent's minute 306 took
   *  four), so a member belongs to the vote whose paragraph last precedes theirs. */
  function votes(it) {
    const divisions = it.votes.map((v) => ({ vote: v, voted: [] }));
    const loose = [];
    for (const v of it.voted) {
      const d = divisions.findLast((x) => ordinalOf(x.vote.cite) <= ordinalOf(v.cite)) || divisions[0];
      (d ? d.voted : loose).push(v);
    }
    if (!divisions.length && !loose.length) return "";
    return el("ul", { class: "cited" },
      divisions.map((d) => el("li", {}, `Vote: ${d.vote.value} `, cite(d.vote.cite),
        d.voted.length ? division(d.voted) : null)),
      loose.length ? el("li", {}, "Who voted how", division(loose)) : null);
  }

  const meetingName = (m) => `${value(m.body) || m.paper.body || "Meeting"}, ${when(value(m.date) || m.paper.date)}`;

  function meetingView(m) {
    const meta = (name, v) => (v ? [el("dt", {}, name), el("dd", {}, v)] : []);
    const times = [...m.start_time.map(value), ...m.end_time.map(value)];
    // A chair the minutes also list as present ("Birchley" in the chair, "P Birchley" present) is one row.
    const same = (name, p) => p.value.toLowerCase() === name.toLowerCase()
      || p.value.toLowerCase().endsWith(` ${name.toLowerCase()}`);
    const roles = new Map();
    const apart = [];
    for (const [list, role] of [[m.chair, "Chair"], [m.vice_chair, "Vice-chair"]]) {
      for (const c of list) {
        const p = m.present.find((x) => same(c.value, x));
        if (p) roles.set(p, p.detail || role);
        else apart.push(row(c.value, [role], c.cite));
      }
    }
    const attendance = [...apart,
      ...m.present.map((p) => row(p.value, [roles.get(p) || p.detail || "Member"], p.cite))];
    const others = [...m.officers.map((p) => [p, "Officer"]), ...m.others.map((p) => [p, "Also present"])];
    return [
      el("h3", { id: "meeting-title" }, meetingName(m)),
      el("dl", { class: "meta" },
        ...meta("Title", value(m.title)), ...meta("Venue", value(m.venue)),
        ...meta("Time", times.length ? times.join(" to ") : null),
        ...meta("Minutes", el("a", { href: `/library/${encodeURIComponent(m.paper.doc_id)}` }, m.paper.title))),
      ...section("m-attendance", "Attendance", ["Name", "Role", "Cited paragraph"], attendance),
      ...section("m-apologies", "Apologies", ["Name", "Cited paragraph"],
        m.apologies.map((p) => row(p.value, [], p.cite))),
      ...section("m-substitutes", "Substitutes", ["Substitute", "In place of", "Cited paragraph"],
        m.substitutes.map((p) => row(p.value, [p.detail || ""], p.cite))),
      ...section("m-others", "Officers and others in attendance", ["Name", "Role", "As", "Cited paragraph"],
        others.map(([p, as]) => row(p.value, [p.detail || "", as], p.cite))),
      ...section("m-declarations", "Declarations of interest", ["Member", "Interest", "Cited paragraph"],
        m.declarations.map((p) => row(p.value, [p.detail || ""], p.cite))),
      ...section("m-items", "Items and resolutions", ["Item", "Title", "Resolutions and votes", "Cited paragraph"],
        m.items.map((it) => row(it.number || "", [value(it.title),
          [cited(it.resolutions), votes(it)]], it.title && it.title.cite))),
    ];
  }

  function showMeetings(meetings) {
    if (!meetings.length) return false;
    const pick = el("select", { id: "meeting-pick" },
      meetings.map((m) => el("option", { value: m.id }, meetingName(m))));
    const wanted = params.get("meeting");
    pick.value = meetings.some((m) => m.id === wanted) ? wanted : meetings[meetings.length - 1].id;
    const detail = el("article", { class: "meeting", id: "meeting", "aria-labelledby": "meeting-title" });
    const show = () => {
      const m = meetings.find((x) => x.id === pick.value);
      detail.replaceChildren(...meetingView(m));
      const url = new URL(window.location.href);
      url.searchParams.set("meeting", m.id);
      window.history.replaceState(null, "", url);
    };
    pick.addEventListener("change", show);
    out.replaceChildren(
      el("div", { class: "field pick" }, el("label", { for: "meeting-pick" },
        `Meeting (${plural(meetings.length, "meeting")}, oldest first)`), pick),
      detail);
    show();
    return true;
  }

  // --- recommendations -------------------------------------------------------------------------

  function statusCell(r) {
    if (!r.statuses.length) return el("span", { class: "muted" }, "No later status found");
    return el("ul", { class: "cited" }, r.statuses.map((s) => el("li", {},
      el("strong", { class: "status-word" }, s.status), ` in ${s.paper.title} (${when(s.cite.date)}) `, cite(s.cite))));
  }

  function showRecommendations(book) {
    if (!book.recommendations.length && !book.unlinked_statuses.length) return false;
    const rows = book.recommendations.map((r) => row(r.label,
      [value(r.text), value(r.made_by), value(r.made_to), when(value(r.date) || r.paper.date), statusCell(r)],
      (r.text || r.date || r.made_by || {}).cite));
    const unlinked = book.unlinked_statuses.map((s) => row(s.label,
      [s.status, s.refers_to || "", `${s.paper.title} (${when(s.cite.date)})`, s.unlinked_because || ""], s.cite));
    out.replaceChildren(
      ...section("recs", `Recommendations (${book.recommendations.length})`,
        ["Label", "Recommendation", "Made by", "Made to", "Date", "Status", "Cited paragraph"], rows, "h3"),
      ...(unlinked.length ? section("unlinked", "Statuses not linked to one recommendation",
        ["Label", "Status", "Refers to", "In", "Why not linked", "Cited paragraph"], unlinked, "h3") : []),
      ...(book.none.length ? [el("h3", {}, "Papers that make no recommendations"),
        cited(book.none.map((n) => ({ ...n.statement, value: `${n.paper.title}: ${n.statement.value}` })))] : []));
    return true;
  }

  // --- actions ---------------------------------------------------------------------------------

  function showActions(actions) {
    if (!actions.length) return false;
    const plans = new Map();
    for (const a of actions) {
      const name = `${value(a.plan) || a.paper.title} (${a.paper.title}, ${when(a.paper.date)})`;
      if (!plans.has(name)) plans.set(name, []);
      plans.get(name).push(a);
    }
    const join = (values) => values.map(value).join("; ");
    out.replaceChildren(...[...plans].flatMap(([name, list], i) => section(`plan-${i + 1}`, name,
      ["Ref", "Action", "Owner", "Due", "Status", "Cited paragraph"],
      list.map((a) => row(a.ref, [
        [value(a.action), a.updates.length || a.measure.length
          ? cited([...a.measure, ...a.updates], (v) => `${a.measure.includes(v) ? "Measure" : "Update"}: ${v.value}`)
          : null],
        join(a.owner), a.due.map((d) => when(d.value)).join("; "), join(a.status),
      ], (a.action || a.owner[0] || {}).cite)), "h3")));
    return true;
  }

  // --- the inspection timeline -----------------------------------------------------------------

  const DATES = [["start", "from"], ["end", "to"], ["published", "published"], ["letter_date", "letter of"]];
  const LISTS = [["improvements", "To improve"], ["priority_actions", "Priority actions"],
    ["requirements", "Requirements"], ["strengths", "Strengths"], ["previous", "Previous inspections"]];

  function inspectionView(i, id) {
    const what = value(i.kind) || (i.key === "inspection" ? "Inspection" : i.key);
    const line = (name, values, show) => (values.length ? [el("dt", {}, name), el("dd", {}, cited(values, show))] : []);
    return el("li", {}, el("article", { class: "inspection", "aria-labelledby": id },
      el("h4", { id }, i.when ? when(i.when) : "Date not stated", `: ${what}`),
      el("p", { class: "muted" }, [value(i.inspectorate), value(i.framework)].filter(Boolean).join(" · "),
        value(i.inspectorate) ? " · " : "", "reported in ",
        el("a", { href: `/library/${encodeURIComponent(i.paper.doc_id)}` }, i.paper.title), ` (${when(i.paper.date)})`),
      el("dl", { class: "meta" },
        ...line("Dates", DATES.filter(([k]) => i[k])
          .map(([k, name]) => ({ ...i[k], value: `${name} ${when(i[k].value)}` }))),
        ...line("Overall", i.overall),
        ...line("Lead inspector", i.lead_inspectors, (v) => (v.detail ? `${v.value} (${v.detail})` : v.value)),
        ...line("Inspectors", i.inspectors, (v) => (v.detail ? `${v.value} (${v.detail})` : v.value))),
      i.judgements.length ? section(`${id}-j`, "Judgements", ["Area", "Judgement", "Cited paragraph"],
        i.judgements.map((j) => row(j.detail || "Not stated", [j.value], j.cite)), "h5") : null,
      LISTS.filter(([k]) => i[k].length).map(([k, name]) => el("details", {},
        el("summary", {}, `${name} (${i[k].length})`),
        cited(i[k], (v) => (k === "previous" && v.detail ? `${v.value}: ${v.detail}` : v.value))))));
  }

  function showTimeline(councils) {
    if (!councils.length) return false;
    out.replaceChildren(...councils.flatMap((t, c) => [
      el("h3", {}, `${t.council || "Council not recorded"}: ${plural(t.inspections.length, "account")}`),
      el("ol", { class: "timeline" }, t.inspections.map((i, n) => inspectionView(i, `insp-${c + 1}-${n + 1}`))),
    ]));
    return true;
  }

  // --- loading ---------------------------------------------------------------------------------

  const SHOW = { meetings: showMeetings, recommendations: showRecommendations, actions: showActions,
    inspections: showTimeline };
  const PATH = { meetings: "meetings", recommendations: "recommendations", actions: "actions",
    inspections: "timeline" };

  async function populateCouncils() {
    const select = $("r-council");
    try {
      const docs = await api("/documents");
      for (const c of [...new Set(docs.map((d) => d.council).filter(Boolean))].sort()) {
        select.append(el("option", { value: c }, c));
      }
    } catch {
      // The record below says what went wrong; the select keeps "All councils".
    }
    select.value = params.get("council") || "";
  }

  async function load() {
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const input = $(`r-${name}`);
      const v = params.get(name);
      if (input && v) {
        query.set(name, v);
        if (name !== "council") input.value = v;
      }
    }
    await populateCouncils();
    let data;
    try {
      data = await api(`/record/${PATH[view]}${query.toString() ? `?${query}` : ""}`);
    } catch (err) {
      status.textContent = `The record could not be read: ${err.message}`;
      return;
    }
    const shown = SHOW[view](data);
    const filtered = query.toString() ? " for these filters" : "";
    status.textContent = shown ? "" : `There is nothing of this kind in the papers you can read${filtered}.`;
  }

  load();
})();
