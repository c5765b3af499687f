"use strict";
// Shared by every page: the visitor's API key (this tab only), calls to the JSON API, and small DOM helpers.
// Papers' text is only ever set as textContent, never parsed as HTML.

const Council = (() => {
  const KEY = "council.apiKey";
  const CHAT = "council.chat";
  const FLASH = "council.flash";

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  const key = () => sessionStorage.getItem(KEY) || "";

  /** Call the API with the tab's key; never from the HTTP cache, since what a key may see differs. */
  async function api(path, { method = "GET", json, form, apiKey = key() } = {}) {
    const headers = { Accept: "application/json" };
    if (apiKey) headers["X-API-Key"] = apiKey;
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body, cache: "no-store", credentials: "omit" });
    } catch {
      throw new ApiError(0, "the service could not be reached");
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok) {
      const detail = data && typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`;
      throw new ApiError(response.status, detail);
    }
    return data;
  }

  /** An element with attributes (on* handlers excluded) and children (strings become text). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  /** "2022-04-26" as "26 April 2022" (parsed by hand: no time zone can shift the day). */
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return iso || "undated";
    return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
  }

  /** A citation's or passage's label with its part, as the API's citations spell it: "¶109 (part 3)". */
  function labelOf(passage) {
    return passage.part_no === null || passage.part_no === undefined
      ? passage.label
      : `${passage.label} (part ${passage.part_no})`;
  }

  /** A paper's text with its converted **bold** headings as <strong>; everything else stays plain text. */
  const rich = (text) => text.split(/\*\*(.+?)\*\*/s).map((s, i) => (i % 2 ? el("strong", {}, s) : s));

  let rolePromise = null;
  /** The role of the tab's key, asked once per page. */
  function role() {
    rolePromise = rolePromise || api("/whoami").then((r) => r.role);
    return rolePromise;
  }

  /** Change (or forget) the key: anything fetched with the old one is dropped by reloading the page. */
  function switchKey(newKey, message) {
    if (newKey) sessionStorage.setItem(KEY, newKey);
    else sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(CHAT);
    if (message) sessionStorage.setItem(FLASH, message);
    window.location.reload();
  }

  const ROLE_TEXT = {
    public: "Viewing public papers",
    member: "Signed in as a member: public and restricted papers",
    admin: "Signed in as an admin: all papers, and uploads",
  };

  async function initAccess() {
    const form = document.getElementById("key-form");
    const input = document.getElementById("api-key");
    const forget = document.getElementById("forget-key");
    const who = document.getElementById("who");
    const message = document.getElementById("key-message");
    const flash = sessionStorage.getItem(FLASH);
    if (flash) {
      message.textContent = flash;
      sessionStorage.removeItem(FLASH);
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const candidate = input.value.trim();
      if (!candidate) {
        message.textContent = "Enter an API key first.";
        input.focus();
        return;
      }
      try {
        const r = await api("/whoami", { apiKey: candidate });
        switchKey(candidate, `Key accepted. ${ROLE_TEXT[r.role] || r.role}.`);
      } catch (err) {
        message.textContent = err.status === 401 ? "That API key is not known to this service." : err.message;
        input.select();
      }
    });
    forget.addEventListener("click", () => switchKey("", "Key forgotten. Public papers only."));
    if (!key()) return;
    form.hidden = true;
    forget.hidden = false;
    try {
      who.textContent = ROLE_TEXT[await role()] || "Signed in";
    } catch (err) {
      if (err.status === 401) switchKey("", "Your API key is no longer accepted: public papers only.");
      else who.textContent = `Signed in (${err.message})`;
    }
  }

  initAccess();
  return { api, el, rich, formatDate, labelOf, role, ApiError, CHAT };
})();
