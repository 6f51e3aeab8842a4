// The index is static JSON built with the site (generator/plan/search.py says how it is
// laid out), read from the site itself: no other server, nothing from elsewhere.
// Text from the index and from pages is only ever set as textContent, never as markup.
const form = document.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const fromInput = form.querySelector("input[name=from]");
const toInput = form.querySelector("input[name=to]");
const sortSelect = form.querySelector("select[name=sort]");
const facetsBox = form.querySelector(".search-facets");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const more = document.querySelector(".search-more");
const INDEX = form.dataset.index;
const BASE = form.dataset.base;
const PAGE = 20;
const EXCERPT_BEFORE = 10;
const EXCERPT_WORDS = 32;
const FACET_SHOWN = 10; // values per facet, the most frequent, with any checked ones
const PREFIX_WEIGHT = 0.5; // "sanction" finds "sanctions", below an exact match
const FACETS = [["actor", "Actors"], ["source", "Sources"], ["topic", "Topics"]];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December"];
const ORDINAL = "(?:st|nd|rd|th)?";
// A date in the query keeps the articles of that day: 2023-09-11, 11 September 2023,
// 11th Sep 2023, September 11, 2023 or Sep 11th, 2023.
const DATE_FORMS = [
  [/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/, (m) => [m[1], m[2], m[3]]],
  [new RegExp(`\\b(\\d{1,2})${ORDINAL}\\s+([a-z]{3,9})\\.?,?\\s+(\\d{4})\\b`, "i"),
    (m) => [m[3], monthNumber(m[2]), m[1]]],
  [new RegExp(`\\b([a-z]{3,9})\\.?\\s+(\\d{1,2})${ORDINAL},?\\s+(\\d{4})\\b`, "i"),
    (m) => [m[3], monthNumber(m[1]), m[2]]],
];
const PHRASE = /["“”„]([^"“”„]*)["“”„]?/g;
const TOKEN = /[\p{L}\p{N}]+/gu;
// As generator/plan/search.py words(): lowercase, no accents, runs of 2 letters or more.
const INDEXED_WORD = /[\p{L}\p{N}]{2,}/gu;
const ACCENTS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;

function normalise(text) {
  return text.toLowerCase().normalize("NFKD").replace(ACCENTS, "");
}
function words(text) {
  return normalise(text).match(INDEXED_WORD) || [];
}

function monthNumber(name) {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((month) => month.toLowerCase().startsWith(lower));
  return index < 0 ? null : index + 1;
}

function isoDate(year, month, day) {
  if (!month) return null;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) return null;
  return date.toISOString().slice(0, 10);
}

// The query's phrases (in quotes, two words or more), its date and its other words.
function parseQuery(text) {
  const phrases = [];
  const rest = text.replace(PHRASE, (_, inside) => {
    const found = words(inside);
    if (found.length > 1) phrases.push(found);
    return ` ${found.length === 1 ? found[0] : ""} `;
  });
  for (const [pattern, parts] of DATE_FORMS) {
    const match = rest.match(pattern);
    const date = match && isoDate(...parts(match));
    if (date) {
      const left = rest.slice(0, match.index) + " " + rest.slice(match.index + match[0].length);
      const shown = text.replace(pattern, " ").replace(/\s+/g, " ").trim();
      return { date, phrases, loose: words(left), text: shown };
    }
  }
  return { date: null, phrases, loose: words(rest), text: text.trim() };
}

function longDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
}

// The search as the address has it: ?q=…&actor=…&source=…&topic=…&from=…&to=…&sort=…
function readParams(search) {
  const params = new URLSearchParams(search);
  const day = (name) => (ISO_DAY.test(params.get(name) || "") ? params.get(name) : "");
  const state = { q: params.get("q") || "", from: day("from"), to: day("to"),
    sort: params.get("sort") === "newest" ? "newest" : "" };
  for (const [facet] of FACETS) state[facet] = Array.from(new Set(params.getAll(facet)));
  return state;
}

function writeParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [facet] of FACETS) for (const value of state[facet]) params.append(facet, value);
  for (const name of ["from", "to", "sort"]) if (state[name]) params.set(name, state[name]);
  const query = params.toString();
  return window.location.pathname + (query ? `?${query}` : "");
}

function readControls() {
  const state = { q: input.value.trim(), from: fromInput.value, to: toInput.value,
    sort: sortSelect.value };
  for (const [facet] of FACETS) {
    const checked = facetsBox.querySelectorAll(`input[name="${facet}"]:checked`);
    // Values checked before their facet was drawn are kept.
    state[facet] = facetsBox.querySelector(`input[name="${facet}"]`)
      ? Array.from(checked, (box) => box.value) : current[facet] || [];
  }
  return state;
}

function setControls(state) {
  input.value = state.q;
  fromInput.value = state.from;
  toInput.value = state.to;
  sortSelect.value = state.sort;
  for (const box of facetsBox.querySelectorAll("input[type=checkbox]")) {
    box.checked = state[box.name].includes(box.value);
  }
}

let meta = null;
const fetched = new Map();
async function getJson(path) {
  if (!fetched.has(path)) {
    fetched.set(path, fetch(`${INDEX}${path}?v=${meta.version}`).then((response) => {
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.json();
    }));
  }
  return fetched.get(path);
}

async function loadMeta() {
  if (meta === null) {
    const response = await fetch(INDEX + "meta.json", { cache: "no-cache" });
    if (!response.ok) throw new Error(`meta.json: ${response.status}`);
    meta = await response.json();
    meta.shardSet = new Set(meta.shards);
    const days = meta.dates;
    if (days.length) {
      for (const box of [fromInput, toInput]) {
        box.min = days[0][0];
        box.max = days[days.length - 1][0];
      }
    }
  }
  return meta;
}

// A facet file: [[id, name, article numbers delta-encoded], ...], decoded once.
const facetData = new Map();
function loadFacet(facet) {
  if (!facetData.has(facet)) {
    facetData.set(facet, getJson(`facets/${facet}.json`).then((values) => values.map(
      ([id, name, deltas]) => {
        const numbers = new Int32Array(deltas.length);
        let number = 0;
        deltas.forEach((delta, i) => { number += delta; numbers[i] = number; });
        return { id, name, numbers };
      })));
  }
  return facetData.get(facet);
}

function shardFile(key) {
  if (/^[a-z0-9]+$/.test(key)) return key;
  return "x" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Article number -> weight of the best word that a query word matches in it. A word of a
// phrase is matched whole; any other word also as the start of longer ones.
async function postingsOf(term, exact) {
  const letters = Array.from(term);
  const key = letters.slice(0, meta.shardLetters).join("");
  const found = new Map();
  if (!meta.shardSet.has(key)) return found;
  const terms = await getJson(`terms/${shardFile(key)}.json`);
  const prefix = !exact && letters.length >= meta.shardLetters;
  for (const [word, postings] of Object.entries(terms)) {
    if (word !== term && !(prefix && word.startsWith(term))) continue;
    const weight = Math.log(1 + meta.count / postings.length) * (word === term ? 1 : PREFIX_WEIGHT);
    let number = 0;
    for (const value of postings) {
      number += value >> 4;
      const score = (value & 15) * weight;
      if (score > (found.get(number) || 0)) found.set(number, score);
    }
  }
  return found;
}

// The article numbers [first, end) of the days from `from` to `to`, both kept.
function dayRange(from, to) {
  let first = meta.count;
  let end = 0;
  for (const [day, start, count] of meta.dates) {
    if ((from && day < from) || (to && day > to)) continue;
    first = Math.min(first, start);
    end = Math.max(end, start + count);
  }
  return first < end ? [first, end] : [0, 0];
}

// What a search keeps before any facet: article number -> score (0 without words).
async function baseScores(query, state) {
  let range = [0, meta.count];
  const narrow = (next) => { range = [Math.max(range[0], next[0]), Math.min(range[1], next[1])]; };
  if (query.date) narrow(dayRange(query.date, query.date));
  if (state.from || state.to) narrow(dayRange(state.from, state.to));
  const exact = new Set(query.phrases.flat());
  const terms = Array.from(new Set([...exact, ...query.loose]));
  const scores = new Map();
  if (terms.length === 0) {
    for (let number = range[0]; number < range[1]; number++) scores.set(number, 0);
    return scores;
  }
  const all = await Promise.all(terms.map((term) => postingsOf(term, exact.has(term))));
  all.sort((a, b) => a.size - b.size);
  for (const [number, score] of all[0]) {
    if (number >= range[0] && number < range[1]) scores.set(number, score);
  }
  for (const found of all.slice(1)) {
    for (const [number, score] of scores) {
      const more = found.get(number);
      if (more === undefined) scores.delete(number);
      else scores.set(number, score + more);
    }
  }
  return scores;
}

// The file of one facet value, named as generator/plan/search.py facet_value_file does.
function valueFile(facet, id) {
  const name = /^[a-z0-9][a-z0-9-]*$/.test(id) ? id
    : "_" + Array.from(new TextEncoder().encode(id), (b) => b.toString(16).padStart(2, "0")).join("");
  return `facets/${facet}/${name}.json`;
}

// The checked values' names, from their own files, for when the facets have no counts.
const valueNames = new Map();

// A mask of the articles with any of the checked values of a facet; null: not narrowed.
// Each value is read from its own small file; a value the index does not have keeps none.
async function facetMask(facet, checked) {
  if (checked.length === 0) return null;
  const mask = new Uint8Array(meta.count);
  const rows = await Promise.all(checked.map((id) => getJson(valueFile(facet, id)).catch(() => [])));
  rows.flat().forEach(([id, name, deltas]) => {
    if (!checked.includes(id)) return; // another value with the same file name
    valueNames.set(`${facet}\0${id}`, name);
    let number = 0;
    for (const delta of deltas) { number += delta; mask[number] = 1; }
  });
  return mask;
}

function inMasks(number, masks) {
  return masks.every((mask) => mask === null || mask[number] === 1);
}

// Past this many bytes of facet files, counts are read only when asked for.
const FACET_AUTO_BYTES = 200000;
let countsWanted = false;
let lastFacets = null;

// How many results each value of each facet would have, with the other facets' filters:
// checking a second value of the same facet adds its articles.
async function drawFacets(run, scores, masks, state) {
  lastFacets = [run, scores, masks, state];
  const bytes = Object.values(meta.facetBytes || {}).reduce((a, b) => a + b, 0);
  const counting = countsWanted || bytes <= FACET_AUTO_BYTES;
  const all = counting ? await Promise.all(FACETS.map(([facet]) => loadFacet(facet))) : null;
  if (run !== latest) return;
  const focused = document.activeElement;
  const refocus = focused && focused.type === "checkbox" ? [focused.name, focused.value] : null;
  const sets = FACETS.map(([facet, legend], k) => {
    const checked = new Set(state[facet]);
    if (!all) {
      const values = state[facet].map((id) => ({ id, name: valueNames.get(`${facet}\0${id}`) || id }));
      return facetFieldset(facet, legend, values, checked, false);
    }
    const kept = new Uint8Array(meta.count);
    const others = masks.filter((_, j) => j !== k);
    for (const number of scores.keys()) if (inMasks(number, others)) kept[number] = 1;
    const counted = all[k].map((value) => {
      let count = 0;
      for (const number of value.numbers) count += kept[number];
      return { ...value, count };
    });
    // A checked value the index does not have stays shown, so it can be unchecked.
    const known = new Set(all[k].map((value) => value.id));
    for (const id of checked) if (!known.has(id)) counted.push({ id, name: id, count: 0 });
    const shown = counted.filter((value) => value.count > 0 || checked.has(value.id))
      .sort((a, b) => Number(checked.has(b.id)) - Number(checked.has(a.id))
        || b.count - a.count || a.name.localeCompare(b.name))
      .slice(0, Math.max(FACET_SHOWN, checked.size));
    return facetFieldset(facet, legend, shown, checked, true);
  });
  if (!all) {
    const ask = document.createElement("button");
    ask.type = "button";
    ask.className = "search-count-facets";
    ask.textContent = `Count the results by actor, source and topic (${Math.round(bytes / 1000)} KB to load)`;
    ask.addEventListener("click", () => {
      countsWanted = true;
      drawFacets(...lastFacets).then(() => {
        const first = facetsBox.querySelector("input[type=checkbox]");
        if (first) first.focus();
      });
    });
    sets.push(ask);
  }
  facetsBox.replaceChildren(...sets);
  facetsBox.hidden = false;
  if (refocus) {
    const again = Array.from(facetsBox.querySelectorAll("input[type=checkbox]"))
      .find((box) => box.name === refocus[0] && box.value === refocus[1]);
    if (again) again.focus();
  }
}

function facetFieldset(facet, legendText, values, checked, counted) {
  const fieldset = document.createElement("fieldset");
  fieldset.className = `search-facet search-facet-${facet}`;
  const legend = document.createElement("legend");
  legend.textContent = legendText;
  const items = document.createElement("ul");
  values.forEach((value, index) => {
    const item = document.createElement("li");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = facet;
    box.value = value.id;
    box.id = `facet-${facet}-${index}`;
    box.checked = checked.has(value.id);
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "search-facet-label";
    const count = document.createElement("span");
    count.className = "search-facet-count";
    label.append(value.name);
    if (value.count !== undefined) {
      count.textContent = ` (${value.count})`;
      label.append(count);
    }
    item.append(box, label);
    items.append(item);
  });
  if (values.length === 0) {
    const none = document.createElement("li");
    none.textContent = counted ? "None in these results." : "None checked.";
    items.append(none);
  }
  fieldset.append(legend, items);
  return fieldset;
}

async function describe(number) {
  const docs = await getJson(`docs/${Math.floor(number / meta.docsPerFile)}.json`);
  const [path, title, date, source] = docs[number % meta.docsPerFile];
  return { number, path, title, date, source };
}

// The article's own page, fetched once: its text as words (for phrases and excerpts),
// and its actors and topics. Parsed inert and read as text only.
const pages = new Map();
function readPage(path) {
  if (!pages.has(path)) {
    pages.set(path, fetch(BASE + path).then(async (response) => {
      if (!response.ok) return null;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const body = page.querySelector(".story-body");
      if (body) {
        const chrome = ".dateline, .margin-note, .margin-quote, .note-ref, .visually-hidden, .footnotes";
        body.querySelectorAll(chrome).forEach((node) => node.remove());
      }
      const parts = [".headline", ".dek", ".story-body"].map((selector) => page.querySelector(selector));
      const text = (body ? body.textContent : "").replace(/\s+/g, " ").trim();
      const every = parts.filter(Boolean).map((node) => node.textContent).join(" \n ");
      return { text, words: tokenWords(every).map(([, word]) => word),
        actors: siteLinks(page, ".story-actors a[href]"),
        topics: siteLinks(page, ".story-topics a[href]") };
    }).catch(() => null));
  }
  return pages.get(path);
}

// Only links into the site, as [address, name].
function siteLinks(page, selector) {
  return Array.from(page.querySelectorAll(selector))
    .map((link) => [link.getAttribute("href"), link.textContent.trim()])
    .filter(([href]) => href.startsWith(BASE));
}

// Each indexed word of a text with the number of the token it comes from.
function tokenWords(text) {
  const found = [];
  Array.from(text.matchAll(TOKEN)).forEach((token, index) => {
    for (const word of words(token[0])) found.push([index, word]);
  });
  return found;
}

function phraseAt(sequence, phrase, from = 0) {
  outer: for (let i = from; i + phrase.length <= sequence.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (sequence[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}

function hasPhrases(info, phrases) {
  return phrases.every((phrase) => phraseAt(info.words, phrase) >= 0);
}

function matchesTerm(word, query) {
  return query.phrases.some((phrase) => phrase.includes(word)) || query.loose.some((term) =>
    word === term || (Array.from(term).length >= meta.shardLetters && word.startsWith(term)));
}

// Words around the first match in the article's text, matches marked; text nodes only.
function fillExcerpt(target, text, query) {
  const tokens = Array.from(text.matchAll(TOKEN));
  if (tokens.length === 0) return;
  const pairs = tokenWords(text);
  const sequence = pairs.map(([, word]) => word);
  const marked = new Set();
  let hit = -1;
  for (const phrase of query.phrases) {
    for (let at = phraseAt(sequence, phrase); at >= 0; at = phraseAt(sequence, phrase, at + 1)) {
      if (hit < 0) hit = pairs[at][0];
      for (let j = 0; j < phrase.length; j++) marked.add(pairs[at + j][0]);
    }
  }
  for (const [token, word] of pairs) {
    if (query.loose.length && matchesTerm(word, { phrases: [], loose: query.loose })) {
      marked.add(token);
      if (hit < 0) hit = token;
    }
  }
  const first = Math.max(0, hit - EXCERPT_BEFORE);
  const last = Math.min(tokens.length, first + EXCERPT_WORDS) - 1;
  const nodes = [first > 0 ? "… " : ""];
  let at = tokens[first].index;
  for (let index = first; index <= last; index++) {
    if (!marked.has(index)) continue;
    const mark = document.createElement("mark");
    mark.textContent = tokens[index][0];
    nodes.push(text.slice(at, tokens[index].index), mark);
    at = tokens[index].index + tokens[index][0].length;
  }
  nodes.push(text.slice(at, tokens[last].index + tokens[last][0].length));
  nodes.push(last < tokens.length - 1 ? " …" : "");
  target.replaceChildren(...nodes);
}

function fillLinks(target, label, links) {
  if (links.length === 0) return;
  const nodes = [`${label}: `];
  links.forEach(([href, name], index) => {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = name;
    nodes.push(index > 0 ? ", " : "", link);
  });
  target.replaceChildren(...nodes);
  target.hidden = false;
}

function resultItem(doc, query) {
  const item = document.createElement("li");
  item.className = "article-summary search-result";
  const heading = document.createElement("h2");
  heading.className = "article-summary-title";
  const link = document.createElement("a");
  link.href = BASE + doc.path;
  link.textContent = doc.title;
  heading.append(link);
  const byline = document.createElement("p");
  byline.className = "article-summary-meta";
  const time = document.createElement("time");
  time.dateTime = doc.date;
  time.textContent = longDate(doc.date);
  byline.append(time);
  if (doc.source) {
    const source = document.createElement("span");
    source.className = "search-source";
    source.textContent = doc.source;
    byline.append(" · ", source);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  const actors = document.createElement("p");
  actors.className = "search-actors";
  actors.hidden = true;
  const topics = document.createElement("p");
  topics.className = "search-topics";
  topics.hidden = true;
  item.append(heading, byline, excerpt, actors, topics);
  readPage(doc.path).then((info) => {
    if (!info) return; // a result without an excerpt is still a result
    fillExcerpt(excerpt, info.text, query);
    fillLinks(actors, "Actors", info.actors);
    fillLinks(topics, "Topics", info.topics);
  });
  return item;
}

let latest = 0;
let current = readParams(window.location.search);
let pending = [];
let shown = 0;
let pendingQuery = null;

// The next results: with a phrase, each candidate's page is read to check it is there.
async function showMore(run) {
  const found = [];
  while (found.length < PAGE && pending.length > 0) {
    const batch = pending.splice(0, PAGE - found.length);
    const docs = await Promise.all(batch.map(describe));
    if (pendingQuery.phrases.length === 0) {
      found.push(...docs);
      continue;
    }
    const infos = await Promise.all(docs.map((doc) => readPage(doc.path)));
    docs.forEach((doc, i) => { if (infos[i] && hasPhrases(infos[i], pendingQuery.phrases)) found.push(doc); });
  }
  if (run !== latest) return;
  for (const doc of found) list.append(resultItem(doc, pendingQuery));
  shown += found.length;
  more.hidden = pending.length === 0;
  return found.length;
}

function describeSearch(query, state) {
  const what = [];
  if (query.text) what.push(`for “${query.text}”`);
  if (query.date) what.push(`on ${longDate(query.date)}`);
  if (state.from && state.to) what.push(`from ${longDate(state.from)} to ${longDate(state.to)}`);
  else if (state.from) what.push(`from ${longDate(state.from)}`);
  else if (state.to) what.push(`until ${longDate(state.to)}`);
  return what.join(" ");
}

async function search(state) {
  const run = ++latest;
  current = state;
  const query = parseQuery(state.q);
  list.replaceChildren();
  more.hidden = true;
  const narrowed = FACETS.some(([facet]) => state[facet].length > 0) || state.from || state.to;
  if (!query.date && query.phrases.length === 0 && query.loose.length === 0 && !narrowed) {
    status.textContent = state.q ? "Type a word of two letters or more." : "";
    return;
  }
  status.textContent = "Searching…";
  let scores;
  let masks;
  try {
    await loadMeta();
    [scores, masks] = await Promise.all([
      baseScores(query, state),
      Promise.all(FACETS.map(([facet]) => facetMask(facet, state[facet]))),
    ]);
  } catch (error) {
    if (run === latest) status.textContent = "The search index could not be loaded: build the site again.";
    return;
  }
  if (run !== latest) return;
  const kept = Array.from(scores).filter(([number]) => inMasks(number, masks));
  kept.sort(state.sort === "newest"
    ? (a, b) => b[0] - a[0]
    : (a, b) => b[1] - a[1] || b[0] - a[0]);
  pending = kept.map(([number]) => number);
  pendingQuery = query;
  shown = 0;
  candidates = pending.length;
  await showMore(run);
  if (run !== latest) return;
  showCount(query, state);
  drawFacets(run, scores, masks, state).catch(() => {});
}

let candidates = 0;
// The count, read out by screen readers (the status is aria-live). With a phrase, only
// the candidates read so far are known to have it.
function showCount(query, state) {
  const what = describeSearch(query, state);
  const filtered = FACETS.some(([facet]) => state[facet].length > 0) ? ", with the filters checked" : "";
  if (query.phrases.length > 0 && pending.length > 0) {
    status.textContent = `${shown} article${shown === 1 ? "" : "s"} found so far ${what}${filtered}, of ${candidates} with all its words; More results checks the rest.`;
  } else {
    const count = query.phrases.length > 0 ? shown : candidates;
    status.textContent = count === 0
      ? `No articles found ${what}${filtered}.`
      : `${count} article${count === 1 ? "" : "s"} found ${what}${filtered}.`;
  }
}

// Every change of the search is a new entry in the history, so Back undoes it.
function commit(state, { replace = false } = {}) {
  const url = writeParams(state);
  if (url !== window.location.pathname + window.location.search) {
    if (replace) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
  }
  search(state);
}

let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => commit(readControls(), { replace: true }), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  commit(readControls());
});
form.addEventListener("change", (event) => {
  if (event.target === input) return;
  clearTimeout(typing);
  commit(readControls());
});
more.addEventListener("click", async () => {
  const run = latest;
  await showMore(run);
  if (run === latest && pendingQuery.phrases.length > 0) showCount(pendingQuery, current);
});
window.addEventListener("popstate", () => {
  const state = readParams(window.location.search);
  setControls(state);
  search(state);
});

setControls(current);
if (window.location.search) search(current);
