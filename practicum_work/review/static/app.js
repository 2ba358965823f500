// petseg review: one flagged sample at a time (or a grid), decided with the keyboard.
// Every decision is POSTed at once; the server writes decisions.json atomically.
// The session brings the first samples; the others load in the background, a page at a time,
// so that a review of thousands of samples opens as fast as one of fifty.
'use strict';

const PAGE = 1000;

const DESCRIBE = {
  accept: 'accept the proposal',
  keep: 'keep the mask as given',
  swap: 'swap cat \u2194 dog (whole mask)',
  drop: 'drop from the cleaned copy',
  relabel: 'needs relabelling',
};

const state = {
  session: null, items: [], shown: [], index: 0, grid: false, keyOf: {},
  total: 0, unloadedDecided: 0, // all samples; decided ones among those not loaded yet
  seekUndecided: false, // every loaded sample was decided at start: go to the first one left
};
const $ = (id) => document.getElementById(id);
// This run's secret, put in the page by the server: every API call carries it in a header
// (the pictures carry it in the cookie the page came with). Not left in the address bar.
const TOKEN = document.querySelector('meta[name="petseg-token"]').content;
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', '/');

function toast(text) {
  const box = $('toast');
  box.textContent = text;
  box.classList.remove('hidden');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.add('hidden'), 4000);
}

async function api(path, body) {
  const headers = { 'X-Petseg-Token': TOKEN };
  const options = body === undefined ? { headers } : {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function picture(kind, item) {
  return `/picture/${kind}/${encodeURIComponent(item.split)}/${encodeURIComponent(item.stem)}`;
}

function matches(item) {
  const issue = $('filter-issue').value;
  const split = $('filter-split').value;
  const wanted = $('filter-state').value;
  return (!issue || item.issues.includes(issue)) && (!split || item.split === split) &&
    (!wanted || (wanted === 'decided') === Boolean(item.decision));
}

function applyFilters() {
  const current = state.shown[state.index];
  state.shown = state.items.filter(matches);
  const kept = current ? state.shown.indexOf(current) : -1;
  state.index = kept >= 0 ? kept : 0;
  render();
}

const countDecided = (items) => items.filter((item) => item.decision).length;

function picturesShown() {
  // resolves once the sample on screen has its pictures (loaded or failed)
  return Promise.all(['pic-image', 'pic-given', 'pic-proposed'].map((id) => {
    const img = $(id);
    if (img.complete) return null;
    return new Promise((resolve) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', resolve, { once: true });
    });
  }));
}

async function loadRest() {
  // the samples after the session's first page, in order, appended to the filtered list
  while (state.items.length < state.total) {
    let page;
    try {
      page = await api(`/api/items?offset=${state.items.length}&limit=${PAGE}`);
    } catch (err) {
      toast(`could not load all samples: ${err.message}`);
      return;
    }
    if (!page.items.length) return;
    state.items.push(...page.items);
    state.unloadedDecided -= countDecided(page.items);
    const wasEmpty = state.shown.length === 0;
    state.shown.push(...page.items.filter(matches));
    const next = state.seekUndecided ? state.shown.findIndex((item) => !item.decision) : -1;
    if (next >= 0) {
      state.seekUndecided = false;
      state.index = next;
      render();
    } else if (wasEmpty || state.grid) {
      render();
    } else {
      renderProgress();
      $('position').textContent = `${state.index + 1} of ${state.shown.length}`;
    }
  }
}

function fillSelect(select, values) {
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }
}

function renderProgress() {
  const saved = state.unloadedDecided +
    state.items.filter((item) => item.decision && !item.decision.pending).length;
  const saving = state.items.filter((item) => item.decision && item.decision.pending).length;
  const total = state.total;
  const decided = saved + saving;
  $('progress-text').textContent = `${saved} decided / ${total - decided} to decide` +
    (saving ? ` (saving ${saving})` : '');
  $('progress-bar').style.width = total ? `${(100 * decided) / total}%` : '0';
}

function renderActions(item) {
  const box = $('actions');
  box.replaceChildren();
  for (const [key, action] of Object.entries(state.session.keys)) {
    const button = document.createElement('button');
    button.dataset.action = action;
    let hint = DESCRIBE[action];
    if (action === 'accept') hint += `: ${item.proposal}`;
    button.innerHTML = `<kbd>${key}</kbd> ${hint}`;
    if (action === 'accept') button.classList.add('suggested');
    if (item.decision && item.decision.action === action) button.classList.add('chosen');
    button.addEventListener('click', () => decide(action));
    box.appendChild(button);
  }
}

function renderSingle(item) {
  $('position').textContent = `${state.index + 1} of ${state.shown.length}`;
  $('item-id').textContent = item.id;
  $('item-status').textContent = `${item.status}: ${item.issues.join(', ') || 'flagged'}`;
  const decision = $('item-decision');
  decision.textContent = item.decision ? `decided: ${DESCRIBE[item.decision.action]}` : 'undecided';
  decision.classList.toggle('made', Boolean(item.decision));
  $('pic-image').src = picture('image', item);
  $('pic-given').src = picture('given', item);
  $('pic-proposed').src = picture('proposed', item);
  $('proposed-caption').textContent = `proposed: ${item.proposal}`;
  $('reasons').replaceChildren(...item.reasons.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
  const rows = Object.entries(item.evidence).map(([name, value]) => {
    const tr = document.createElement('tr');
    const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : value;
    tr.innerHTML = '<td></td><td></td>';
    tr.children[0].textContent = name;
    tr.children[1].textContent = shown === null ? '\u2013' : String(shown);
    return tr;
  });
  $('evidence').replaceChildren(...rows);
  renderActions(item);
}

function renderGrid() {
  const grid = $('grid');
  grid.replaceChildren(...state.shown.map((item, index) => {
    const card = document.createElement('div');
    card.className = 'card' + (index === state.index ? ' current' : '');
    const decided = item.decision ? `<span class="d">${item.decision.action}</span>`
      : '<span class="u">undecided</span>';
    card.innerHTML = '<img loading="lazy" alt=""><div class="meta"><span class="id"></span>' +
      `${decided}</div><div class="issue"></div>`;
    card.querySelector('img').src = picture('given', item);
    card.querySelector('.meta .id').textContent = item.id;
    card.querySelector('.issue').textContent = item.issues.join(', ');
    card.addEventListener('click', () => { state.index = index; setGrid(false); });
    return card;
  }));
  const current = grid.children[state.index];
  if (current) current.scrollIntoView({ block: 'nearest' });
}

function render() {
  renderProgress();
  const empty = state.shown.length === 0;
  $('empty').classList.toggle('hidden', !empty);
  $('single').classList.toggle('hidden', empty || state.grid);
  $('grid').classList.toggle('hidden', empty || !state.grid);
  $('toggle-view').innerHTML = state.grid ? 'one by one <kbd>g</kbd>' : 'grid <kbd>g</kbd>';
  if (empty) return;
  if (state.grid) renderGrid(); else renderSingle(state.shown[state.index]);
}

function setGrid(on) { state.grid = on; render(); }

function move(step) {
  state.seekUndecided = false;
  if (!state.shown.length) return;
  state.index = Math.min(Math.max(state.index + step, 0), state.shown.length - 1);
  render();
}

function nextUndecided() {
  const n = state.shown.length;
  for (let step = 1; step <= n; step += 1) {
    const index = (state.index + step) % n;
    if (!state.shown[index].decision) return index;
  }
  return Math.min(state.index + 1, n - 1);
}

async function decide(action) {
  // Optimistic: the next sample comes up at once, so fast typing never decides one sample twice;
  // the POST goes on in the background and a failure puts the old decision back, with a message.
  const item = state.shown[state.index];
  if (!item) return;
  state.seekUndecided = false;
  const previous = item.decision;
  item.decision = { action, pending: true };
  state.index = nextUndecided();
  render();
  try {
    const answer = await api('/api/decide', { id: item.id, action });
    if (item.decision && item.decision.pending && item.decision.action === action) {
      item.decision = answer.decision;
    }
  } catch (err) {
    item.decision = previous;
    toast(`${item.id} not saved: ${err.message}`);
  }
  render();
}

async function undo() {
  const item = state.shown[state.index];
  if (!item) return;
  try {
    const answer = await api('/api/undo', { id: item.id });
    item.decision = answer.decision;
    render();
  } catch (err) {
    toast(`undo failed: ${err.message}`);
  }
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.tagName === 'SELECT') return;
  const key = event.key;
  if (state.keyOf[key]) { event.preventDefault(); decide(state.keyOf[key]); return; }
  if (key === 'u') undo();
  else if (key === 'ArrowRight' || key === 'n') move(1);
  else if (key === 'ArrowLeft' || key === 'p') move(-1);
  else if (key === 'g') setGrid(!state.grid);
  else return;
  event.preventDefault();
}

async function start() {
  const session = await api('/api/session');
  state.session = session;
  state.items = session.items;
  state.total = session.total;
  state.unloadedDecided = session.decided - countDecided(session.items);
  state.keyOf = session.keys;
  $('dataset').textContent = `${session.dataset} \u00b7 ${session.kind}`;
  $('report-folder').textContent = session.report;
  $('decisions-file').textContent = session.decisions_file;
  fillSelect($('filter-issue'), session.issues);
  fillSelect($('filter-split'), session.splits);
  $('legend').replaceChildren(...session.legend.map(([name, colour]) => {
    const li = document.createElement('li');
    li.innerHTML = '<i></i><span></span>';
    li.querySelector('i').style.background = `rgb(${colour.join(',')})`;
    li.querySelector('span').textContent = name;
    return li;
  }));
  for (const id of ['filter-issue', 'filter-split', 'filter-state']) {
    // a filter picked, the keys decide again (a focused list would take them as a search)
    $(id).addEventListener('change', (event) => { applyFilters(); event.target.blur(); });
  }
  $('toggle-view').addEventListener('click', () => setGrid(!state.grid));
  $('prev').addEventListener('click', () => move(-1));
  $('next').addEventListener('click', () => move(1));
  $('undo').addEventListener('click', undo);
  document.addEventListener('keydown', onKey);
  state.shown = state.items.slice();
  const first = state.items.findIndex((item) => !item.decision);
  state.index = first >= 0 ? first : 0;
  state.seekUndecided = first < 0 && state.items.length < state.total;
  document.body.dataset.ready = 'yes';
  render();
  picturesShown().then(loadRest); // the first sample's pictures before the other samples
}

start().catch((err) => toast(`could not load the review: ${err.message}`));
