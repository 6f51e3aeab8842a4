// The index is static JSON built with the site (generator/search.py says how it is laid
// out), read from the site itself: no other server, nothing from elsewhere.
const form = document.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const more = document.querySelector(".search-more");
const INDEX = form.dataset.index;
const BASE = form.dataset.base;
const PAGE = 20;
const EXCERPT_BEFORE = 10;
const EXCERPT_WORDS = 32;
const PREFIX_WEIGHT = 0.5; // "sanction" finds "sanctions", below an exact match
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
const TOKEN = /[\p{L}\p{N}]+/gu;
// As generator/search.py words(): lowercase, no accents, runs of 2 letters or digits or more.
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

function parseQuery(text) {
  for (const [pattern, parts] of DATE_FORMS) {
    const match = text.match(pattern);
    const date = match && isoDate(...parts(match));
    if (date) {
      const rest = text.slice(0, match.index) + " " + text.slice(match.index + match[0].length);
      return { date, text: rest.trim() };
    }
  }
  return { date: null, text: text.trim() };
}

function longDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return `${day} ${MONTHS[month - 1]} ${year}`;
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
  }
  return meta;
}

function shardFile(key) {
  if (/^[a-z0-9]+$/.test(key)) return key;
  return "x" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Article number -> weight of the best word that a query word matches in it.
async function postingsOf(term) {
  const letters = Array.from(term);
  const key = letters.slice(0, meta.shardLetters).join("");
  const found = new Map();
  if (!meta.shardSet.has(key)) return found;
  const terms = await getJson(`terms/${shardFile(key)}.json`);
  const prefix = letters.length >= meta.shardLetters;
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

// Article numbers, best first: every query word must match; a date keeps its day only.
async function rank(terms, date) {
  let range = null;
  if (date) {
    const day = meta.dates.find((entry) => entry[0] === date);
    if (!day) return [];
    range = [day[1], day[1] + day[2]];
  }
  if (terms.length === 0) {
    return Array.from({ length: range[1] - range[0] }, (_, i) => range[0] + i);
  }
  let scores = null;
  for (const found of await Promise.all(terms.map(postingsOf))) {
    const next = new Map();
    for (const [number, score] of found) {
      if (range && (number < range[0] || number >= range[1])) continue;
      if (scores === null) next.set(number, score);
      else if (scores.has(number)) next.set(number, scores.get(number) + score);
    }
    scores = next;
  }
  return Array.from(scores).sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([number]) => number);
}

async function describe(number) {
  const docs = await getJson(`docs/${Math.floor(number / meta.docsPerFile)}.json`);
  const [path, title, date] = docs[number % meta.docsPerFile];
  return { path, title, date };
}

function matches(token, terms) {
  const word = normalise(token);
  return terms.some((term) => word === term || (Array.from(term).length >= meta.shardLetters && word.startsWith(term)));
}

// Words around the first match in the article's text, matches marked; text nodes only.
function fillExcerpt(target, text, terms) {
  const tokens = Array.from(text.matchAll(TOKEN));
  if (tokens.length === 0) return;
  const hit = tokens.findIndex((token) => matches(token[0], terms));
  const first = Math.max(0, hit - EXCERPT_BEFORE);
  const last = Math.min(tokens.length, first + EXCERPT_WORDS) - 1;
  const nodes = [first > 0 ? "… " : ""];
  let at = tokens[first].index;
  for (const token of tokens.slice(first, last + 1)) {
    if (!matches(token[0], terms)) continue;
    const mark = document.createElement("mark");
    mark.textContent = token[0];
    nodes.push(text.slice(at, token.index), mark);
    at = token.index + token[0].length;
  }
  nodes.push(text.slice(at, tokens[last].index + tokens[last][0].length));
  nodes.push(last < tokens.length - 1 ? " …" : "");
  target.replaceChildren(...nodes);
}

// The article's topics as its page lists them: names as text, addresses from the site.
function fillTopics(target, page) {
  // Only links into the site; filtered first, so a skipped one leaves no stray comma.
  const links = Array.from(page.querySelectorAll(".story-topics a[href]")).filter((source) =>
    source.getAttribute("href").startsWith(BASE),
  );
  if (links.length === 0) return;
  const nodes = ["Topics: "];
  links.forEach((source, index) => {
    const link = document.createElement("a");
    link.href = source.getAttribute("href");
    link.textContent = source.textContent;
    nodes.push(index > 0 ? ", " : "", link);
  });
  target.replaceChildren(...nodes);
  target.hidden = false;
}

// The article's own page gives the excerpt and the topics; parsed inert, read as text only.
async function loadExcerpt(target, topics, path, terms) {
  try {
    const response = await fetch(BASE + path);
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    fillTopics(topics, page);
    const body = page.querySelector(".story-body");
    if (!body) return;
    const chrome = ".dateline, .margin-note, .margin-quote, .note-ref, .visually-hidden";
    body.querySelectorAll(chrome).forEach((node) => node.remove());
    fillExcerpt(target, body.textContent.replace(/\s+/g, " ").trim(), terms);
  } catch {
    // A result without an excerpt is still a result.
  }
}

function resultItem(doc, terms) {
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
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  const topics = document.createElement("p");
  topics.className = "search-topics";
  topics.hidden = true;
  item.append(heading, byline, excerpt, topics);
  loadExcerpt(excerpt, topics, doc.path, terms);
  return item;
}

let latest = 0;
let pending = [];
let pendingTerms = [];

async function showMore(run) {
  const batch = pending.splice(0, PAGE);
  const docs = await Promise.all(batch.map(describe));
  if (run !== latest) return;
  for (const doc of docs) list.append(resultItem(doc, pendingTerms));
  more.hidden = pending.length === 0;
}

async function search(query) {
  const run = ++latest;
  const { date, text } = parseQuery(query);
  const terms = Array.from(new Set(words(text)));
  list.replaceChildren();
  more.hidden = true;
  if (!date && terms.length === 0) {
    status.textContent = text ? "Type a word of two letters or more." : "";
    return;
  }
  status.textContent = "Searching…";
  let numbers;
  try {
    await loadMeta();
    numbers = await rank(terms, date);
  } catch (error) {
    if (run === latest) status.textContent = "The search index could not be loaded: build the site again.";
    return;
  }
  if (run !== latest) return;
  pending = numbers;
  pendingTerms = terms;
  const what = [text ? `for “${text}”` : "", date ? `on ${longDate(date)}` : ""].filter(Boolean).join(" ");
  const count = numbers.length;
  status.textContent = count === 0
    ? `No articles found ${what}.`
    : `${count} article${count === 1 ? "" : "s"} found ${what}.`;
  await showMore(run);
}

let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => search(input.value), 250);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  const url = new URL(window.location.href);
  url.searchParams.set("q", input.value);
  window.history.replaceState(null, "", url);
  search(input.value);
});
more.addEventListener("click", () => showMore(latest));

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
