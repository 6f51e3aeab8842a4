// Marginalia's in-browser editor, injected by `marginalia serve` into article pages only
// (never written into site/). Plain JavaScript, no framework, no network but the
// server's own API. Every piece of data reaches the page through textContent or an
// attribute, never parsed as HTML: notes, names and article text are untrusted.
(() => {
  "use strict";

  // currentScript first: an element of the page with the same id must not stand in for it.
  const script = document.currentScript || document.getElementById("marginalia-editor");
  const body = document.querySelector(".story-body");
  if (!script || !body || !script.dataset.secret || !script.dataset.article) return;

  const API = "/__marginalia/api/";
  const EVENTS = "/__marginalia/events";
  const SECRET = script.dataset.secret;
  const ARTICLE = script.dataset.article;
  const CONTEXT = 300; // characters of text sent before and after a selection
  const SHORTCUT = "Alt+Shift+A";
  const KINDS = [
    ["note", "Note"],
    ["context", "Context"],
    ["fact-check", "Fact-check"],
    ["correction", "Correction"],
  ];
  const COLLECTIONS = {
    annotations: { tab: "note", one: "note" },
    quotes: { tab: "quote", one: "quote" },
    events: { tab: "event", one: "event" },
  };
  // Rendered by the build beside the text, not part of the text it anchors in.
  const NOT_TEXT = ".margin-note, .note-ref, .margin-quote, .dateline, .credits, " +
    "script, style, template, [data-marginalia-editor]";

  const state = {
    digest: script.dataset.digest || "",
    selection: null, // {exact, before, after} of the passage the panel acts on
    editing: null, // {collection, index, entry} while an existing entry is edited
    actors: null, // the registry, once loaded
    article: null, // the article's entries, once loaded
    busy: false,
    dirty: false,
    returnFocus: null,
  };

  // ---- DOM helpers -------------------------------------------------------------

  let uid = 0;
  function nextId(stem) {
    uid += 1;
    return `mge-${stem}-${uid}`;
  }

  // el("p", {class: "x"}, "text", child): attributes by setAttribute, text as text.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // A labelled control; shown is what goes on the page when it is not the control itself
  // (a combobox's input inside its wrapper).
  function field(labelText, control, hint, shown) {
    control.id = control.id || nextId("field");
    const parts = [el("label", { for: control.id }, labelText), shown || control];
    if (hint) {
      hint.id = hint.id || nextId("hint");
      control.setAttribute("aria-describedby", hint.id);
      parts.push(hint);
    }
    return el("div", { class: "mge-field" }, ...parts);
  }

  // ---- The article's text, as the build anchors in it --------------------------

  function textNodes() {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          return node.matches(NOT_TEXT) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  // The selected passage with the text right before and after it, or null when the
  // selection is empty or not inside the article's text.
  function readSelection() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!body.contains(range.startContainer) || !body.contains(range.endContainer)) return null;
    let text = "";
    let start = null;
    let end = null;
    for (const node of textNodes()) {
      const length = node.data.length;
      const from = node === range.startContainer ? range.startOffset
        : range.comparePoint(node, 0) < 0 ? null : 0;
      const to = node === range.endContainer ? range.endOffset
        : range.comparePoint(node, length) > 0 ? null : length;
      if (from !== null && to !== null && from < to) {
        if (start === null) start = text.length + from;
        end = text.length + to;
      }
      text += node.data;
    }
    if (start === null) return null;
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (start === end) return null;
    return {
      exact: text.slice(start, end),
      before: text.slice(Math.max(0, start - CONTEXT), start),
      after: text.slice(end, end + CONTEXT),
    };
  }

  // ---- The API ----------------------------------------------------------------

  async function api(method, path, payload) {
    const options = { method, headers: { "X-Marginalia-Secret": SECRET }, credentials: "same-origin" };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (error) {
      return { status: 0, data: { error: "the development server did not answer (is `marginalia serve` still running?)" } };
    }
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = { error: `the server answered ${response.status} without a readable message` };
    }
    return { status: response.status, data: data || {} };
  }

  function problem(result) {
    const reason = (result.data && typeof result.data.error === "string" && result.data.error) || "";
    switch (result.status) {
      case 0: return `Not saved: ${reason}.`;
      case 403: return `Refused by the server (403): ${reason || "editing is not allowed"}.`;
      case 409: return "Not saved: the article changed on disk since this page was loaded. Reload to see the new version.";
      case 413: return `Not saved: too much text for one entry (413). ${reason}`;
      case 422: return `Not saved: ${reason || "the server could not accept it"}`;
      default: return `Not saved: the server answered ${result.status}. ${reason}`;
    }
  }

  async function loadActors() {
    if (state.actors) return state.actors;
    const result = await api("GET", "actors");
    if (result.status === 200 && Array.isArray(result.data.actors)) {
      state.actors = result.data.actors.map((actor) => ({
        id: String(actor.id),
        name: String(actor.name || actor.id),
        type: actor.type ? String(actor.type) : "",
        aliases: Array.isArray(actor.aliases) ? actor.aliases.map(String) : [],
      }));
      for (const box of comboboxes) box.refresh();
    } else {
      say(`The actor registry could not be loaded: ${problem(result)}`, true);
    }
    return state.actors || [];
  }

  async function loadArticle() {
    const result = await api("GET", `article?path=${encodeURIComponent(ARTICLE)}`);
    if (result.status === 200) {
      state.article = result.data;
    } else {
      state.article = null;
      say(`The article's entries could not be loaded. ${problem(result)}`, true);
    }
    renderList();
  }

  // ---- Search as you type over the registry -------------------------------------

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function searchActors(query) {
    const wanted = fold(query);
    if (!wanted || !state.actors) return [];
    const scored = [];
    for (const actor of state.actors) {
      let best = null;
      for (const [label, alias] of [[actor.name, false], ...actor.aliases.map((a) => [a, true]), [actor.id, true]]) {
        const folded = fold(label);
        const at = folded.indexOf(wanted);
        if (at === -1) continue;
        const rank = (folded === wanted ? 0 : at === 0 ? 1 : 2) * 2 + (alias ? 1 : 0);
        if (!best || rank < best.rank) best = { rank, label: alias ? label : null };
      }
      if (best) scored.push({ actor, rank: best.rank, alias: best.label });
    }
    scored.sort((a, b) => a.rank - b.rank || a.actor.name.localeCompare(b.actor.name));
    return scored.slice(0, 8);
  }

  // The actor a typed name stands for: one whose name, alias or id it is, exactly.
  function resolveActor(typed) {
    const wanted = fold(typed);
    if (!wanted || !state.actors) return null;
    const found = state.actors.filter((actor) =>
      [actor.name, actor.id, ...actor.aliases].some((label) => fold(label) === wanted));
    return found.length === 1 ? found[0] : null;
  }

  const comboboxes = [];

  // A text input with a list of matching actors (the ARIA 1.2 combobox pattern).
  function actorCombobox(name, { allowName }) {
    const listId = nextId("options");
    const input = el("input", {
      type: "text", name, role: "combobox", autocomplete: "off", spellcheck: "false",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    });
    const list = el("ul", { id: listId, role: "listbox", class: "mge-options", hidden: true });
    const hint = el("p", { class: "mge-hint" });
    let chosen = null;
    let options = [];
    let active = -1;

    function describe() {
      const actor = chosen || resolveActor(input.value);
      if (actor) hint.textContent = `In the registry: ${actor.name} (${actor.id}).`;
      else if (!input.value.trim()) hint.textContent = allowName ? "Type to search the registry, or a name that is not in it." : "Type to search the registry.";
      else if (!list.hidden) hint.textContent = allowName ? "Choose a match (arrow keys, then Enter), or go on typing a name that is not in the registry." : "Choose a match (arrow keys, then Enter).";
      else if (allowName) hint.textContent = "Not in the registry: it will be saved as a name.";
      else hint.textContent = "Not in the registry: choose one of the matches.";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      active = index;
      [...list.children].forEach((option, at) => option.setAttribute("aria-selected", String(at === index)));
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function pick(actor) {
      chosen = actor;
      input.value = actor.name;
      close();
      describe();
      state.dirty = true;
    }

    function open() {
      options = searchActors(input.value);
      list.replaceChildren(...options.map(({ actor, alias }) => el(
        "li",
        { id: nextId("option"), role: "option", class: "mge-option", "aria-selected": "false",
          onmousedown: (event) => event.preventDefault(), onclick: () => pick(actor) },
        actor.name,
        el("span", { class: "mge-option-detail" }, alias ? ` (${alias}) ` : " ", actor.type || actor.id),
      )));
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    input.addEventListener("input", () => {
      chosen = null;
      open();
      describe();
    });
    input.addEventListener("focus", () => loadActors());
    input.addEventListener("blur", () => {
      close();
      describe();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) open();
        if (!options.length) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        pick(options[active].actor);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        event.stopPropagation(); // closes the list, not the panel
        close();
      }
    });

    const box = {
      input, list, hint,
      element: el("div", { class: "mge-combobox" }, input, list),
      refresh: describe,
      // {id} for an actor of the registry, {name} for one that is not, null when empty.
      value() {
        const actor = chosen || resolveActor(input.value);
        if (actor) return { id: actor.id };
        const typed = input.value.trim();
        return typed ? { name: typed } : null;
      },
      set(id, name) {
        chosen = (state.actors || []).find((actor) => actor.id === id) || null;
        input.value = chosen ? chosen.name : name || id || "";
        describe();
      },
    };
    describe();
    comboboxes.push(box);
    return box;
  }

  // ---- The panel ----------------------------------------------------------------

  const titleId = nextId("title");
  const statusLine = el("p", { class: "mge-status", role: "status", "aria-live": "polite" });
  const reloadButton = el("button", { type: "button", class: "mge-reload", hidden: true, onclick: () => reloadNow() }, "Reload the page");
  const passage = el("blockquote", { class: "mge-passage" });
  const passageNote = el("p", { class: "mge-hint mge-passage-note" });

  // Margin note.
  const kind = el("select", { name: "kind" }, ...KINDS.map(([value, label]) => el("option", { value }, label)));
  const note = el("textarea", { name: "note", rows: "4" });
  const claim = el("input", { type: "text", name: "claim" });
  const rating = el("input", { type: "text", name: "rating", placeholder: "e.g. True, Misleading, False" });
  const factCheck = el("fieldset", { class: "mge-fact-check", hidden: true },
    el("legend", {}, "Fact-check"), field("Claim checked", claim), field("Rating", rating));
  kind.addEventListener("change", () => { factCheck.hidden = kind.value !== "fact-check"; });

  // Quote.
  const speaker = actorCombobox("speaker", { allowName: true });
  const verb = el("input", { type: "text", name: "verb", placeholder: "e.g. said, told reporters" });

  // Event.
  const subject = actorCombobox("subject", { allowName: false });
  const action = el("input", { type: "text", name: "action", placeholder: "e.g. threatens sanctions on" });
  const object = actorCombobox("object", { allowName: false });
  const code = el("input", { type: "text", name: "code", inputmode: "numeric", pattern: "[0-9]{2,4}", placeholder: "e.g. 1312" });

  const forms = {
    note: el("div", { class: "mge-form-fields" },
      field("Kind", kind), field("Note (Markdown)", note), factCheck),
    quote: el("div", { class: "mge-form-fields" },
      field("Speaker", speaker.input, speaker.hint, speaker.element), field("Verb (optional)", verb)),
    event: el("div", { class: "mge-form-fields" },
      field("Subject", subject.input, subject.hint, subject.element), field("Action", action),
      field("Object", object.input, object.hint, object.element), field("CAMEO code (optional)", code)),
  };
  const fieldsByName = {
    kind, note, claim, rating, speaker: speaker.input, speaker_name: speaker.input, verb,
    subject: subject.input, action, object: object.input, code,
  };

  const tabs = {};
  const tabPanels = {};
  const tabList = el("div", { role: "tablist", class: "mge-tabs", "aria-label": "What to add" });
  const TAB_NAMES = [["note", "Note"], ["quote", "Quote"], ["event", "Event"], ["list", "In this article"]];
  for (const [name, label] of TAB_NAMES) {
    const tabId = nextId("tab");
    const panelId = nextId("tabpanel");
    tabs[name] = el("button", {
      type: "button", role: "tab", id: tabId, "aria-controls": panelId,
      "aria-selected": "false", tabindex: "-1", onclick: () => showTab(name, { focus: true }),
    }, label);
    tabPanels[name] = el("div", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, hidden: true, class: "mge-tabpanel" });
    tabList.append(tabs[name]);
  }
  tabList.addEventListener("keydown", (event) => {
    const names = TAB_NAMES.map(([name]) => name).filter((name) => !tabs[name].hidden);
    const at = names.indexOf(currentTab);
    let next = null;
    if (event.key === "ArrowRight") next = names[(at + 1) % names.length];
    else if (event.key === "ArrowLeft") next = names[(at - 1 + names.length) % names.length];
    else if (event.key === "Home") next = names[0];
    else if (event.key === "End") next = names[names.length - 1];
    if (next) {
      event.preventDefault();
      showTab(next, { focus: true });
      tabs[next].focus();
    }
  });

  const saveButton = el("button", { type: "submit", class: "mge-save" }, "Save");
  const cancelEdit = el("button", { type: "button", class: "mge-secondary", hidden: true, onclick: () => { stopEditing(); showTab("list", { focus: true }); } }, "Cancel edit");
  const noSelection = el("p", { class: "mge-hint mge-no-selection" },
    `Select words in the article text first, then press ${SHORTCUT} or the Annotate button.`);
  const editHeading = el("p", { class: "mge-editing", hidden: true });
  const form = el("form", { class: "mge-form", novalidate: true },
    editHeading, el("div", { class: "mge-passage-box" }, passage, passageNote), noSelection,
    ...Object.values(forms), el("div", { class: "mge-actions" }, saveButton, cancelEdit));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  form.addEventListener("input", () => { state.dirty = true; });
  for (const name of ["note", "quote", "event"]) tabPanels[name].dataset.form = name;

  const entryList = el("div", { class: "mge-list" });
  tabPanels.list.append(entryList);

  const closeButton = el("button", { type: "button", class: "mge-close", "aria-label": "Close the editor", onclick: () => closePanel() }, "×");
  const panel = el("section", {
    id: "marginalia-editor-panel", class: "mge-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": titleId, hidden: true, "data-marginalia-editor": true,
  },
  el("div", { class: "mge-header" }, el("h2", { id: titleId, class: "mge-title" }, "Annotate"), closeButton),
  tabList, form, ...Object.values(tabPanels),
  el("div", { class: "mge-status-box" }, statusLine, reloadButton));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      closePanel();
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !form.hidden) {
      event.preventDefault();
      save();
    }
  });

  // The button beside a selection, and the one that is always there.
  const selectionButton = el("button", {
    type: "button", class: "mge-annotate", hidden: true, "data-marginalia-editor": true,
    "aria-keyshortcuts": SHORTCUT, title: `Annotate the selection (${SHORTCUT})`,
    onmousedown: (event) => event.preventDefault(), // keeps the selection
    onclick: () => openPanel({ fromSelection: true }),
  }, "Annotate");
  const launcher = el("button", {
    type: "button", class: "mge-launcher", "data-marginalia-editor": true,
    "aria-keyshortcuts": SHORTCUT, title: `Notes, quotes and events of this article (${SHORTCUT} with words selected)`,
    onmousedown: (event) => event.preventDefault(),
    onclick: () => openPanel({ fromSelection: true }),
  }, "Edit annotations");

  let currentTab = "note";
  function showTab(name, { focus } = {}) {
    currentTab = name;
    for (const [other] of TAB_NAMES) {
      const on = other === name;
      tabs[other].setAttribute("aria-selected", String(on));
      tabs[other].tabIndex = on ? 0 : -1;
      tabPanels[other].hidden = !on;
    }
    const adding = name !== "list";
    form.hidden = !adding;
    if (adding) {
      // One form, moved under the tab that shows it.
      tabPanels[name].append(form);
      for (const [other, fields] of Object.entries(forms)) fields.hidden = other !== name;
      const usable = Boolean(state.editing || state.selection);
      noSelection.hidden = usable;
      forms[name].hidden = !usable;
      saveButton.hidden = !usable;
    }
    if (focus) {
      const first = adding ? forms[name].querySelector("select, input, textarea") : entryList.querySelector("button");
      if (first && !first.closest("[hidden]")) first.focus();
    }
  }

  function showPassage() {
    const shown = state.editing ? anchorText(state.editing.collection, state.editing.entry) : state.selection && state.selection.exact;
    passage.textContent = shown ? `“${shown}”` : "";
    passage.parentElement.hidden = !shown;
  }

  function anchorText(collection, entry) {
    return String((collection === "quotes" ? entry.text : entry.quote) || "");
  }

  async function checkAnchor(selection) {
    passageNote.textContent = "Checking that the build can find these words…";
    const result = await api("POST", "anchor", { path: ARTICLE, ...selection });
    if (state.selection !== selection) return;
    if (result.status === 200) {
      const { prefix, suffix } = result.data;
      if (prefix || suffix) {
        passageNote.textContent = "These words occur more than once; they will be saved with " +
          [prefix ? `the words before them (“${prefix}”)` : "", suffix ? `the words after them (“${suffix}”)` : ""]
            .filter(Boolean).join(" and ") + ". An event needs words that occur only once.";
      } else {
        passageNote.textContent = "These words occur once in the article.";
      }
    } else {
      passageNote.textContent = result.status === 422 ? `The build cannot anchor these words: ${result.data.error || ""}` : problem(result);
    }
  }

  function say(message, isError) {
    statusLine.textContent = message;
    statusLine.classList.toggle("mge-error", Boolean(isError));
  }

  function clearForm() {
    kind.value = "note";
    factCheck.hidden = true;
    for (const input of [note, claim, rating, verb, action, code]) input.value = "";
    for (const box of [speaker, subject, object]) box.set("", "");
    for (const input of Object.values(fieldsByName)) input.removeAttribute("aria-invalid");
  }

  function openPanel({ fromSelection, selection: given }) {
    if (state.busy) return;
    const selection = given || (fromSelection ? readSelection() : null);
    if (!panel.hidden && state.dirty && !state.editing && selection) {
      // Other words selected while writing: the text typed stays, the passage changes.
      state.selection = selection;
      showPassage();
      checkAnchor(selection);
      selectionButton.hidden = true;
      return;
    }
    if (panel.hidden) {
      const active = document.activeElement;
      state.returnFocus = active && active !== document.body && !panel.contains(active) && active !== selectionButton ? active : launcher;
    }
    stopEditing();
    state.selection = selection;
    state.dirty = false;
    clearForm();
    reloadButton.hidden = true;
    say("");
    panel.hidden = false;
    selectionButton.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    document.documentElement.classList.add("mge-open");
    showPassage();
    passageNote.textContent = "";
    loadActors();
    loadArticle();
    if (selection) {
      checkAnchor(selection);
      showTab(currentTab === "list" ? "note" : currentTab, { focus: true });
    } else {
      showTab("list", { focus: false });
      tabs.list.focus();
    }
  }

  function closePanel() {
    if (panel.hidden) return;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    document.documentElement.classList.remove("mge-open");
    stopEditing();
    state.dirty = false;
    const target = state.returnFocus && document.contains(state.returnFocus) ? state.returnFocus : launcher;
    target.focus();
  }

  function startEditing(collection, item) {
    const entry = { ...item };
    const index = entry.index;
    delete entry.index;
    state.editing = { collection, index, entry };
    state.dirty = false;
    clearForm();
    reloadButton.hidden = true;
    say("");
    const name = COLLECTIONS[collection].tab;
    for (const [other] of TAB_NAMES) tabs[other].hidden = other !== name && other !== "list";
    editHeading.hidden = false;
    editHeading.textContent = `Editing ${COLLECTIONS[collection].one} ${index + 1}`;
    cancelEdit.hidden = false;
    if (collection === "annotations") {
      kind.value = KINDS.some(([value]) => value === entry.kind) ? entry.kind : "note";
      note.value = entry.note || "";
      claim.value = entry.claim || "";
      rating.value = entry.rating || "";
      factCheck.hidden = kind.value !== "fact-check";
    } else if (collection === "quotes") {
      speaker.set(entry.speaker || "", entry.speaker_name || "");
      verb.value = entry.verb || "";
    } else {
      subject.set(entry.subject || "", "");
      action.value = entry.action || "";
      object.set(entry.object || "", "");
      code.value = entry.code || "";
    }
    showPassage();
    passageNote.textContent = "The passage stays as it is.";
    showTab(name, { focus: true });
  }

  function stopEditing() {
    state.editing = null;
    editHeading.hidden = true;
    cancelEdit.hidden = true;
    for (const [name] of TAB_NAMES) tabs[name].hidden = false;
    showPassage();
  }

  // ---- Entries from the form --------------------------------------------------

  // [collection, entry] from the visible form, or a message naming the field to fix.
  function readForm() {
    const name = state.editing ? COLLECTIONS[state.editing.collection].tab : currentTab;
    // Only the fields the page may set; the server keeps the passage (and anything else).
    const base = {};
    const text = (input) => input.value.trim();
    const setOrDrop = (entry, key, value) => {
      if (value) entry[key] = value;
      else delete entry[key];
    };
    if (name === "note") {
      const entry = base;
      entry.kind = kind.value;
      setOrDrop(entry, "note", note.value.trim());
      if (kind.value === "fact-check") {
        setOrDrop(entry, "claim", text(claim));
        setOrDrop(entry, "rating", text(rating));
      } else {
        delete entry.claim;
        delete entry.rating;
      }
      if (!entry.note && kind.value !== "fact-check") return { error: "Write the note first.", field: note };
      return { collection: "annotations", entry };
    }
    if (name === "quote") {
      const entry = base;
      const who = speaker.value();
      delete entry.speaker;
      delete entry.speaker_name;
      if (!who) return { error: "Name the speaker: search the registry or type a name.", field: speaker.input };
      if (who.id) entry.speaker = who.id;
      else entry.speaker_name = who.name;
      setOrDrop(entry, "verb", text(verb));
      return { collection: "quotes", entry };
    }
    const entry = base;
    const who = subject.value();
    const whom = object.value();
    if (!who || !who.id) return { error: "Choose the subject from the registry (search as you type).", field: subject.input };
    if (!text(action)) return { error: "Say what the subject did (the action).", field: action };
    if (!whom || !whom.id) return { error: "Choose the object from the registry (search as you type).", field: object.input };
    entry.subject = who.id;
    entry.action = text(action);
    entry.object = whom.id;
    setOrDrop(entry, "code", text(code));
    return { collection: "events", entry };
  }

  async function save() {
    if (state.busy || form.hidden || saveButton.hidden) return;
    for (const input of Object.values(fieldsByName)) input.removeAttribute("aria-invalid");
    reloadButton.hidden = true;
    const read = readForm();
    if (read.error) {
      say(read.error, true);
      read.field.setAttribute("aria-invalid", "true");
      read.field.focus();
      return;
    }
    const request = { path: ARTICLE, digest: state.digest, collection: read.collection, entry: read.entry };
    if (state.editing) {
      request.op = "update";
      request.index = state.editing.index;
    } else {
      request.op = "add";
      request.selection = state.selection;
    }
    await send(request, "Saving…");
  }

  async function remove(collection, index) {
    await send({ path: ARTICLE, digest: state.digest, op: "delete", collection, index }, "Deleting…");
  }

  async function send(request, progress) {
    state.busy = true;
    saveButton.disabled = true;
    say(progress);
    const reload = watchForReload();
    const result = await api("POST", "save", request);
    state.busy = false;
    saveButton.disabled = false;
    if (result.status === 200 && result.data.ok) {
      state.digest = result.data.digest || state.digest;
      state.dirty = false;
      const done = request.op === "delete" ? "Deleted." : "Saved.";
      if (request.collection === "annotations") {
        // The server answers once the page is rendered again: it can be shown now.
        reload.cancel();
        say(`${done} Reloading the page…`);
        reloadNow(result.data.url);
      } else {
        // Quotes and events appear in listings too: the page comes with the next build.
        say(`${done} The page reloads as soon as the site has been rebuilt…`);
        reload.then(() => reloadNow(result.data.url));
      }
      return;
    }
    reload.cancel();
    say(problem(result), true);
    if (result.status === 409) {
      reloadButton.hidden = false;
      reloadButton.focus();
    } else if (result.status === 422 && result.data.field && fieldsByName[result.data.field]) {
      const input = fieldsByName[result.data.field];
      input.setAttribute("aria-invalid", "true");
      if (!input.closest("[hidden]")) input.focus();
    }
  }

  // Resolves once the server has rebuilt this page after a save (its live-reload event),
  // or after 30 seconds whatever happens, so the reload does not show the old page and
  // never waits forever.
  function watchForReload() {
    const here = decodeURI(location.pathname).replace(/index\.html$/, "");
    let source = null;
    let done;
    const finished = new Promise((resolve) => { done = resolve; });
    let saved = false;
    let rebuilt = false;
    let first = null;
    const timer = setTimeout(() => finish(), 30000);
    function finish() {
      clearTimeout(timer);
      if (source) source.close();
      done();
    }
    try {
      source = new EventSource(EVENTS);
      source.onmessage = (message) => {
        let event;
        try { event = JSON.parse(message.data); } catch (error) { return; }
        if (first === null) { first = event.epoch; return; }
        if (event.epoch > first && Array.isArray(event.changed) && event.changed.includes(here)) {
          rebuilt = true;
          if (saved) finish();
        }
      };
      source.onerror = () => { if (saved) finish(); };
    } catch (error) {
      source = null;
    }
    return {
      then(callback) {
        saved = true;
        if (rebuilt || !source) finish();
        return finished.then(callback);
      },
      cancel() {
        clearTimeout(timer);
        if (source) source.close();
      },
    };
  }

  function reloadNow(url) {
    if (state.dirty) keepDraft();
    state.dirty = false;
    if (url && new URL(url, location.href).pathname !== location.pathname) location.assign(url);
    else location.reload();
  }

  // ---- Existing entries -----------------------------------------------------------

  function actorName(id) {
    const actor = (state.actors || []).find((candidate) => candidate.id === id);
    return actor ? actor.name : String(id || "");
  }

  function describeEntry(collection, entry) {
    if (collection === "annotations") {
      const label = (KINDS.find(([value]) => value === entry.kind) || [null, "Note"])[1];
      const rated = entry.kind === "fact-check" && entry.rating ? `: ${entry.rating}` : "";
      return [`${label}${rated}`, String(entry.note || entry.claim || "")];
    }
    if (collection === "quotes") {
      const who = entry.speaker ? actorName(entry.speaker) : String(entry.speaker_name || "");
      return [`${who}${entry.verb ? ` ${entry.verb}` : ""}`, ""];
    }
    const what = `${actorName(entry.subject)} ${entry.action || ""} ${actorName(entry.object)}`;
    return [entry.code ? `${what} (${entry.code})` : what, ""];
  }

  function renderList() {
    const article = state.article;
    if (!article) {
      entryList.replaceChildren(el("p", { class: "mge-hint" }, "Loading the article's entries…"));
      return;
    }
    const sections = [];
    for (const [collection, heading] of [["annotations", "Margin notes"], ["quotes", "Quotes"], ["events", "Events"]]) {
      const items = Array.isArray(article[collection]) ? article[collection] : [];
      const list = el("ul", { class: "mge-entries" });
      for (const item of items) {
        const [title, detail] = describeEntry(collection, item);
        const number = item.index + 1;
        const label = `${COLLECTIONS[collection].one} ${number}`;
        const confirm = el("span", { class: "mge-confirm", hidden: true },
          el("span", {}, `Delete ${label}? `),
          el("button", { type: "button", class: "mge-danger", onclick: () => remove(collection, item.index) }, "Yes, delete"),
          el("button", { type: "button", class: "mge-secondary", onclick: () => { confirm.hidden = true; deleteButton.hidden = false; deleteButton.focus(); } }, "No"));
        const deleteButton = el("button", {
          type: "button", class: "mge-secondary", "aria-label": `Delete ${label}`,
          onclick: () => { deleteButton.hidden = true; confirm.hidden = false; confirm.querySelector("button").focus(); },
        }, "Delete");
        list.append(el("li", { class: "mge-entry", "data-collection": collection, "data-index": item.index },
          el("p", { class: "mge-entry-title" }, el("strong", {}, `${number}. ${title}`)),
          el("p", { class: "mge-entry-quote" }, `“${anchorText(collection, item)}”`),
          detail ? el("p", { class: "mge-entry-detail" }, detail) : null,
          el("div", { class: "mge-entry-actions" },
            el("button", { type: "button", "aria-label": `Edit ${label}`, onclick: () => startEditing(collection, item) }, "Edit"),
            deleteButton, confirm)));
      }
      sections.push(el("h3", {}, `${heading} (${items.length})`),
        items.length ? list : el("p", { class: "mge-hint" }, "None yet."));
    }
    entryList.replaceChildren(...sections);
  }

  // ---- A note being written survives a reload ------------------------------------

  // Kept for this tab only (sessionStorage), and only until the page is back.
  const DRAFT_KEY = "marginalia-editor-draft";
  const DRAFT_FIELDS = { kind, note, claim, rating, verb, action, code };

  function keepDraft() {
    if (state.editing || !state.selection) return; // an edit is made again from the list
    const fields = {};
    for (const [name, input] of Object.entries(DRAFT_FIELDS)) fields[name] = input.value;
    for (const [name, box] of Object.entries({ speaker, subject, object })) fields[name] = box.input.value;
    try {
      sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ article: ARTICLE, tab: currentTab, selection: state.selection, fields }));
    } catch (error) {
      // Storage may be off or full: the browser's own prompt still guards the text.
    }
  }

  function restoreDraft() {
    let kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
      sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) {
      return;
    }
    const selection = kept && kept.selection;
    if (!kept || kept.article !== ARTICLE || !selection || typeof selection.exact !== "string") return;
    currentTab = ["note", "quote", "event"].includes(kept.tab) ? kept.tab : "note";
    openPanel({ selection: { exact: selection.exact, before: String(selection.before || ""), after: String(selection.after || "") } });
    const fields = kept.fields || {};
    for (const [name, input] of Object.entries(DRAFT_FIELDS)) {
      if (typeof fields[name] === "string") input.value = fields[name];
    }
    if (!KINDS.some(([value]) => value === kind.value)) kind.value = "note";
    factCheck.hidden = kind.value !== "fact-check";
    for (const [name, box] of Object.entries({ speaker, subject, object })) {
      if (typeof fields[name] === "string") box.set("", fields[name]);
    }
    state.dirty = true;
    say("What you were writing is back: the page now shows the article as it is on disk. Save again when ready.");
  }

  // ---- Selection tracking, shortcut, unsaved text -----------------------------------

  let pendingCheck = 0;
  function placeSelectionButton() {
    pendingCheck = 0;
    const selection = readSelection();
    if (!selection || !panel.hidden) {
      selectionButton.hidden = true;
      return;
    }
    const range = window.getSelection().getRangeAt(0);
    const rects = range.getClientRects();
    const rect = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
    selectionButton.hidden = false;
    const width = selectionButton.offsetWidth;
    const left = Math.max(4, Math.min(rect.right + window.scrollX - width / 2, window.scrollX + document.documentElement.clientWidth - width - 4));
    selectionButton.style.left = `${left}px`;
    selectionButton.style.top = `${rect.bottom + window.scrollY + 6}px`;
  }
  let pointerDown = false;
  function schedule() {
    if (!pendingCheck) pendingCheck = window.setTimeout(placeSelectionButton, 120);
  }
  // While the mouse drags, the button would land under the pointer and take the selection.
  document.addEventListener("pointerdown", (event) => {
    if (!panel.contains(event.target) && event.target !== selectionButton) pointerDown = true;
  });
  document.addEventListener("pointerup", () => {
    pointerDown = false;
    schedule();
  });
  document.addEventListener("selectionchange", () => {
    if (pointerDown) selectionButton.hidden = true;
    else schedule();
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.shiftKey && !event.ctrlKey && !event.metaKey && event.code === "KeyA") {
      event.preventDefault();
      if (!panel.hidden && panel.contains(document.activeElement) && !readSelection()) return;
      openPanel({ fromSelection: true });
    }
  });

  // A live reload (the article changed on disk) must not throw away a note being typed.
  window.addEventListener("pagehide", () => {
    if (state.dirty && !state.busy && !panel.hidden) keepDraft();
  });
  window.addEventListener("beforeunload", (event) => {
    if (state.dirty && !state.busy && !panel.hidden) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.body.append(selectionButton, launcher, panel);
  restoreDraft();
})();
