// kdrv console: one page, hash routes, the REST API under /kdrv/api/ and its event stream. No framework, no build.
// Every value from the API is inserted as text (textContent), never as HTML.
'use strict';

const API = '/kdrv/api/';
const VIEWS = ['overview', 'devices', 'kthreads', 'gpio', 'sensors', 'events', 'deploy'];
const WINDOW_MS = 10 * 60 * 1000;
const state = { view: null, timer: null, series: {}, historySince: 0, events: [], paused: false, deployed: null };

// ------------------------------------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function replace(id, ...children) {
  const target = document.getElementById(id);
  target.replaceChildren(...children.flat(Infinity));
  return target;
}

function token() {
  const m = document.cookie.match(/(?:^|;\s*)kdrv_token=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const t = token();
  if (t) headers['X-Kdrv-Token'] = t;
  const resp = await fetch(API + path, Object.assign({}, options, { headers, credentials: 'same-origin' }));
  let body = null;
  try { body = await resp.json(); } catch (e) { body = null; }
  if (!resp.ok) {
    const err = new Error((body && body.error) || (resp.status + ' ' + resp.statusText));
    err.status = resp.status;
    throw err;
  }
  return body;
}

function post(path, json) {
  return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json || {}) });
}

function showError(e) {
  const bar = document.getElementById('error-bar');
  if (!e) { bar.classList.add('hidden'); return; }
  bar.textContent = e.message || String(e);
  bar.classList.remove('hidden');
}

function badge(s) { return el('span', { class: 'badge ' + s, text: s }); }

function duration(ms) {
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + m + 'm ' + (s % 60) + 's';
}

function fmt(v, unit) {
  if (v === null || v === undefined) return '–';
  if (unit === 'on/off') return v ? 'on' : 'off';
  if (unit === 'Pa') return (v / 100).toFixed(1) + ' hPa';
  return (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2)) + (unit ? ' ' + unit : '');
}

function timeOf(ms) { return new Date(ms).toLocaleTimeString(); }

// ------------------------------------------------------------------------------------------------ router

function route() {
  const v = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'overview';
  state.view = v;
  for (const name of VIEWS) {
    document.getElementById('view-' + name).classList.toggle('active', name === v);
  }
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === v);
  refresh();
}

async function refresh() {
  clearTimeout(state.timer);
  const v = state.view;
  try {
    await RENDER[v]();
    showError(null);
  } catch (e) {
    showError(e);
  }
  if (state.view === v) state.timer = setTimeout(refresh, v === 'events' ? 3000 : 1000);
}

// ------------------------------------------------------------------------------------------------ overview

const STATE_COLORS = { BOUND: '#1f9d55', PROBING: '#d98b00', DEFERRED: '#e0b000', FAILED: '#d64545', UNBOUND: '#8796a8', REMOVING: '#b07cc6' };

function donut(svgId, counts) {
  const svg = document.getElementById(svgId);
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const r = 80, c = 2 * Math.PI * r;
  let offset = 0;
  const ring = document.createElementNS(ns, 'circle');
  ring.setAttribute('cx', 110); ring.setAttribute('cy', 110); ring.setAttribute('r', r);
  ring.setAttribute('fill', 'none'); ring.setAttribute('stroke', '#e8edf3'); ring.setAttribute('stroke-width', 28);
  svg.append(ring);
  for (const [s, n] of Object.entries(counts)) {
    const seg = document.createElementNS(ns, 'circle');
    seg.setAttribute('cx', 110); seg.setAttribute('cy', 110); seg.setAttribute('r', r);
    seg.setAttribute('fill', 'none'); seg.setAttribute('stroke', STATE_COLORS[s] || '#888'); seg.setAttribute('stroke-width', 28);
    seg.setAttribute('stroke-dasharray', (c * n / total) + ' ' + c);
    seg.setAttribute('stroke-dashoffset', -offset);
    seg.setAttribute('transform', 'rotate(-90 110 110)');
    svg.append(seg);
    offset += c * n / total;
  }
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', 110); label.setAttribute('y', 118); label.setAttribute('text-anchor', 'middle');
  label.setAttribute('font-size', 26); label.setAttribute('font-weight', 700); label.setAttribute('fill', '#1d2633');
  label.textContent = total;
  svg.append(label);
  replace('state-legend', Object.entries(counts).map(([s, n]) =>
    el('span', {}, el('i', { style: null, class: 'sw-' + s }), s + ' ' + n)));
  for (const [s] of Object.entries(counts)) {
    for (const i of document.querySelectorAll('#state-legend .sw-' + s)) i.style.background = STATE_COLORS[s] || '#888';
  }
}

async function renderOverview() {
  const [o, r] = await Promise.all([api('overview'), api('readings')]);
  document.getElementById('hdr-platform').textContent = o.platform ? 'on ' + o.platform : '';
  const card = (k, v, id) => el('div', { class: 'card' }, el('div', { class: 'k', text: k }), el('div', { class: 'v', id, text: v }));
  replace('overview-cards',
    card('platform', o.platform || 'no board', 'ov-platform'),
    card('board model', o.boardModel),
    card('uptime', duration(o.uptimeMs), 'ov-uptime'),
    card('kdrv version', o.kdrvVersion || '?'),
    card('devices', o.devices + ' (' + (o.deviceStates.BOUND || 0) + ' bound)', 'ov-devices'),
    card('drivers', o.drivers),
    card('kthreads', o.kthreads),
    card('java', o.java),
    card('framework', o.framework),
    card('listening', (o.endpoints || []).join(' ') || '?'));
  donut('state-donut', o.deviceStates);
  replace('overview-readings', r.readings.flatMap(d => Object.entries(d.values).map(([ch, x]) =>
    el('div', { class: 'reading' }, el('div', { class: 'dev', text: d.device + ' · ' + ch }), el('div', { class: 'val', text: fmt(x.value, x.unit) })))));
}

// ------------------------------------------------------------------------------------------------ devices

async function deviceAction(name, action) {
  try {
    await post('devices/' + encodeURIComponent(name) + '/' + action);
    showError(null);
  } catch (e) {
    showError(e);
  }
  refresh();
}

async function renderDevices() {
  const [d, drv, def] = await Promise.all([api('devices'), api('drivers'), api('deferred')]);
  replace('devices-body', d.devices.map(x => el('tr', { id: 'dev-' + x.name, 'data-state': x.state },
    el('td', { class: 'mono', text: x.name }),
    el('td', { class: 'state' }, badge(x.state)),
    el('td', { class: 'mono', text: x.compatible.join(', ') }),
    el('td', { class: 'mono', text: x.driver ? x.driver.split('/')[0] : '–', title: x.driver || '' }),
    el('td', { text: x.reason || '' }),
    el('td', { text: x.probes }),
    el('td', {}, x.state === 'BOUND' || x.state === 'FAILED' || x.state === 'DEFERRED'
      ? el('button', { class: 'unbind', 'data-device': x.name, type: 'button', text: 'Unbind', onclick: () => deviceAction(x.name, 'unbind') })
      : el('button', { class: 'bind primary', 'data-device': x.name, type: 'button', text: 'Bind', onclick: () => deviceAction(x.name, 'bind') })))));
  replace('drivers-body', drv.drivers.map(x => el('tr', {},
    el('td', { class: 'mono', text: x.id.split('/').pop().split('.').pop() , title: x.id }),
    el('td', { class: 'mono', text: x.compatible.join(', ') }),
    el('td', { class: 'mono', text: x.bundle }),
    el('td', { text: x.devices.join(', ') || '–' }))));
  replace('deferred-list', def.deferred.length ? def.deferred.map(x => el('li', {}, el('b', { text: x.name }), ': ' + (x.reason || '')))
    : [el('li', { class: 'muted', text: 'nothing deferred' })]);
}

// ------------------------------------------------------------------------------------------------ kthreads

async function renderKthreads() {
  const k = await api('kthreads');
  const max = Math.max(1, ...k.kthreads.map(x => x.cpuTimeMs || 0));
  document.getElementById('kthread-count').textContent = k.kthreads.length + ' live';
  replace('kthreads-body', k.kthreads.map(x => el('tr', {},
    el('td', { class: 'mono', text: x.name }),
    el('td', {}, badge(x.state)),
    el('td', { class: 'mono', text: x.cpus }),
    el('td', { text: x.owner || '' }),
    el('td', { text: x.wakeups }),
    el('td', {}, el('div', { class: 'bar', title: (x.cpuTimeMs || 0).toFixed(1) + ' ms' },
      el('div', { class: 'fill', 'data-w': (100 * (x.cpuTimeMs || 0) / max).toFixed(1) })),
      el('span', { class: 'muted', text: x.cpuTimeMs === null ? '?' : x.cpuTimeMs.toFixed(1) + ' ms' })))));
  for (const f of document.querySelectorAll('#kthreads-body .fill')) f.style.width = f.dataset.w + '%';
}

// ------------------------------------------------------------------------------------------------ gpio

function histogram(canvas, counts, bounds) {
  const ctx = setupCanvas(canvas, 120);
  const w = canvas.clientWidth, h = 120, n = counts.length, max = Math.max(1, ...counts);
  ctx.clearRect(0, 0, w, h);
  const bw = (w - 10) / n;
  ctx.font = '10px sans-serif';
  ctx.textAlign = 'center';
  for (let i = 0; i < n; i++) {
    const bh = (h - 34) * counts[i] / max;
    ctx.fillStyle = '#2b7de9';
    ctx.fillRect(5 + i * bw + 2, h - 20 - bh, bw - 4, bh);
    ctx.fillStyle = '#6b7785';
    const b = i < bounds.length ? '<' + (bounds[i] >= 1000 ? bounds[i] / 1000 + 'ms' : bounds[i] + 'µs') : '≥100ms';
    ctx.fillText(b, 5 + i * bw + bw / 2, h - 6);
    if (counts[i]) ctx.fillText(counts[i], 5 + i * bw + bw / 2, h - 24 - bh);
  }
}

async function renderGpio() {
  const g = await api('gpio');
  const byLine = Object.fromEntries(g.lines.map(l => [l.line, l]));
  const pins = [];
  for (let i = 0; i < g.lineCount; i++) {
    const l = byLine[i];
    pins.push(el('div', { class: 'pin' + (l ? ' claimed' : ''), title: l ? l.owner + ' (' + l.direction + ')' : 'free' },
      el('div', { class: 'n', text: i }), el('span', { class: 'led' + (l && l.level === 1 ? ' on' : '') }),
      el('div', { class: 'muted', text: l ? l.direction : '' })));
  }
  replace('gpio-pins', pins);
  replace('gpio-lines', g.lines.map(l => {
    const counters = [['edges', l.edges], ['handled', l.handled], ['lost', l.lost], ['overflow', l.overflows], ['debounced', l.debounced]]
      .filter(([, v]) => v !== undefined && v !== null);
    const max = Math.max(1, ...counters.map(([, v]) => v));
    // a line of a driver's GPIO controller is named as in the board file ("expander0:3"); its number is internal
    const name = l.label || String(l.line);
    const card = el('div', { class: 'card', id: 'line-' + l.line },
      el('h2', {}, el('span', { class: 'led' + (l.level === 1 ? ' on' : '') }), ' GPIO ' + name + ' · ' + l.owner + ' · ' + l.direction),
      el('div', { class: 'muted mono', text: l.irqThread ? 'IRQ kthread ' + l.irqThread : 'no IRQ' }),
      el('div', { class: 'counters' }, counters.map(([k, v]) => [el('span', { text: k }),
        el('div', { class: 'bar' }, el('div', { class: 'fill', 'data-w': (100 * v / max).toFixed(1) })),
        el('span', { class: 'num ' + 'cnt-' + k, text: v })])),
      l.latency ? [el('div', { class: 'muted', text: 'edge → event delivered (latency histogram)' }), el('canvas', { class: 'hist' })] : null,
      g.simulated && l.direction === 'in' && name === String(l.line) // the simulator drives SoC lines only
        ? el('button', { type: 'button', class: 'pulse', 'data-line': l.line, text: 'Pulse (simulate press)',
          onclick: () => post('gpio/' + l.line + '/simulate', { 'pulse-ms': 60 }).then(refresh, showError) }) : null);
    return card;
  }));
  for (const f of document.querySelectorAll('#gpio-lines .fill')) f.style.width = f.dataset.w + '%';
  for (const l of g.lines) {
    const c = document.querySelector('#line-' + l.line + ' canvas.hist');
    if (c) histogram(c, l.latency, g.latencyBoundsUs);
  }
  replace('i2c-list', g.i2c.length ? g.i2c.map(d => el('li', { class: 'mono', text: 'i2c-' + d.bus + ' ' + d.address + ' → ' + d.owner }))
    : [el('li', { class: 'muted', text: 'none claimed' })]);
}

// ------------------------------------------------------------------------------------------------ sensors

function setupCanvas(canvas, height) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 400;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.height = height + 'px';
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

function niceSpan(points, now) {
  // the last 10 minutes at most; a young series fills the plot instead of hugging its right edge
  const oldest = points.length ? points[0][0] : now;
  const minutes = Math.min(10, Math.max(1, Math.ceil((now - oldest) / 60000)));
  return minutes * 60000;
}

function plot(canvas, points, unit, now) {
  const h = 150, ctx = setupCanvas(canvas, h), w = canvas.clientWidth || 400;
  const left = 62, right = 8, top = 8, bottom = 20;
  ctx.clearRect(0, 0, w, h);
  const span = niceSpan(points, now), t0 = now - span;
  const vis = points.filter(p => p[0] >= t0 && p[1] !== null);
  const scale = unit === 'Pa' ? 0.01 : 1;
  let lo = Math.min(...vis.map(p => p[1] * scale)), hi = Math.max(...vis.map(p => p[1] * scale));
  if (unit === 'on/off') { lo = 0; hi = 1; }
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08; lo -= pad; hi += pad;
  const decimals = Math.max(0, Math.min(4, Math.ceil(-Math.log10((hi - lo) / 4))));
  const x = t => left + (w - left - right) * (t - t0) / span;
  const y = v => top + (h - top - bottom) * (1 - (v - lo) / (hi - lo));
  ctx.strokeStyle = '#e8edf3'; ctx.fillStyle = '#6b7785'; ctx.font = '10px sans-serif'; ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4, yy = y(v);
    ctx.beginPath(); ctx.moveTo(left, yy); ctx.lineTo(w - right, yy); ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(unit === 'on/off' ? (i === 0 ? 'off' : i === 4 ? 'on' : '') : v.toFixed(decimals), left - 6, yy + 3);
  }
  ctx.textAlign = 'center';
  const stepS = span / 1000 / 5;
  for (let k = 5; k >= 0; k--) {
    const ago = k * stepS;
    const label = k === 0 ? 'now' : ago >= 60 ? '-' + (ago / 60).toFixed(ago % 60 ? 1 : 0) + ' min' : '-' + ago + ' s';
    ctx.fillText(label, Math.min(w - right - 12, Math.max(left + 12, x(now - ago * 1000))), h - 6);
  }
  ctx.strokeStyle = '#2b7de9'; ctx.lineWidth = 2; ctx.beginPath();
  vis.forEach((p, i) => {
    if (unit === 'on/off' && i > 0) ctx.lineTo(x(p[0]), y(vis[i - 1][1] * scale));
    i ? ctx.lineTo(x(p[0]), y(p[1] * scale)) : ctx.moveTo(x(p[0]), y(p[1] * scale));
  });
  if (unit === 'on/off' && vis.length) ctx.lineTo(x(now), y(vis[vis.length - 1][1]));
  ctx.stroke();
}

async function renderSensors() {
  const hist = await api('readings/history?since=' + state.historySince);
  state.historySince = hist.now - 1500; // a little overlap: samples stamped just before "now" may arrive late
  for (const [dev, channels] of Object.entries(hist.devices)) {
    for (const [ch, c] of Object.entries(channels)) {
      const key = dev + '/' + ch;
      const s = state.series[key] || (state.series[key] = { dev, ch, unit: c.unit, points: [] });
      const last = s.points.length ? s.points[s.points.length - 1][0] : -1;
      for (const p of c.points) if (p[0] > last) s.points.push(p);
      while (s.points.length && s.points[0][0] < hist.now - WINDOW_MS) s.points.shift();
    }
  }
  const container = document.getElementById('sensor-plots');
  for (const s of Object.values(state.series).sort((a, b) => (a.dev + a.ch).localeCompare(b.dev + b.ch))) {
    const id = 'plot-' + s.dev + '-' + s.ch;
    let card = document.getElementById(id);
    if (!card) {
      card = el('div', { class: 'card', id },
        el('div', { class: 'plot-head' }, el('h2', { text: s.dev + ' · ' + s.ch + (s.unit ? ' (' + (s.unit === 'Pa' ? 'hPa' : s.unit) + ')' : '') }),
          el('span', { class: 'plot-value' })),
        el('canvas', {}));
      container.append(card);
    }
    const lastPoint = s.points[s.points.length - 1];
    card.querySelector('.plot-value').textContent = lastPoint ? fmt(lastPoint[1], s.unit) : '–';
    card.dataset.points = s.points.length;
    card.dataset.last = lastPoint ? lastPoint[0] : '';
    plot(card.querySelector('canvas'), s.points, s.unit, hist.now);
  }
  if (!container.children.length) container.replaceChildren(el('p', { class: 'muted', text: 'no readings yet' }));
  else for (const p of container.querySelectorAll(':scope > p')) p.remove();
}

// ------------------------------------------------------------------------------------------------ events

let source = null;

function connectEvents() {
  if (source) source.close();
  // EventSource sends cookies, not headers: off loopback the token cookie set by /kdrv/?token=... is used
  source = new EventSource(API + 'events?backlog=100&topic=kdrv/*');
  source.onopen = () => document.getElementById('conn').classList.add('live');
  source.onerror = () => document.getElementById('conn').classList.remove('live');
  source.onmessage = m => {
    const e = JSON.parse(m.data);
    state.events.push(e);
    if (state.events.length > 1000) state.events.shift();
    if (state.view === 'events' && !state.paused) renderEventLog();
    if (state.view === 'deploy' && e.topic.startsWith('kdrv/device/')) refresh();
  };
}

function topicMatches(filter, topic) {
  return filter.split(',').map(s => s.trim()).filter(Boolean).some(p =>
    p === '*' || p === topic || (p.endsWith('/*') && topic.startsWith(p.slice(0, -1))) || (!p.includes('*') && topic.includes(p)));
}

function renderEventLog() {
  const filter = document.getElementById('event-filter').value || '*';
  const shown = state.events.filter(e => topicMatches(filter, e.topic)).slice(-300).reverse();
  document.getElementById('event-count').textContent = shown.length + ' shown, ' + state.events.length + ' received';
  replace('event-log', shown.map(e => el('li', { 'data-topic': e.topic },
    el('span', { class: 't', text: timeOf(e.time) }), el('span', { class: 'topic', text: e.topic }),
    Object.entries(e.properties).filter(([k]) => k !== 'timestamp' && k !== 'timestamp.nanos')
      .map(([k, v]) => k + '=' + (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v)).join('  '))));
}

async function renderEvents() { if (!state.paused) renderEventLog(); }

// ------------------------------------------------------------------------------------------------ deploy

async function upload() {
  const file = document.getElementById('deploy-file').files[0];
  const result = document.getElementById('deploy-result');
  if (!file) { result.className = 'result bad'; result.textContent = 'choose a bundle jar first'; return; }
  result.className = 'result'; result.textContent = 'uploading ' + file.name + '…';
  try {
    const r = await api('deploy', { method: 'POST', headers: { 'Content-Type': 'application/java-archive' }, body: file });
    state.deployed = r.bundle;
    result.className = 'result ok';
    result.textContent = 'deployed ' + r.bundle + ' ' + r.version + ': watch its devices below';
  } catch (e) {
    result.className = 'result bad'; result.textContent = e.message;
  }
  refresh();
}

async function renderDeploy() {
  const [d, devs, drv] = await Promise.all([api('deploy'), api('devices'), api('drivers')]);
  document.getElementById('deploy-dir').textContent = d.directory;
  replace('deploy-body', d.bundles.length ? d.bundles.map(b => el('tr', { 'data-bundle': b.bundle || '' },
    el('td', { class: 'mono', text: b.file }), el('td', { class: 'mono', text: b.bundle || '–' }), el('td', { text: b.version || '' }),
    el('td', {}, badge(b.state)),
    el('td', {}, b.bundle ? el('button', { type: 'button', class: 'undeploy', text: 'Remove',
      onclick: () => api('deploy/' + encodeURIComponent(b.bundle), { method: 'DELETE' }).then(refresh, showError) }) : null)))
    : [el('tr', {}, el('td', { class: 'muted', text: 'nothing deployed', colspan: 5 }))]);
  const fromDeployed = new Set(drv.drivers.filter(x => state.deployed && x.bundle.startsWith(state.deployed + ' ')).flatMap(x => x.devices));
  replace('deploy-devices', devs.devices.map(x => el('span', { class: 'chip' + (fromDeployed.has(x.name) ? ' claimed' : ''), id: 'deploy-dev-' + x.name, 'data-state': x.state },
    x.name + ' ', badge(x.state), x.reason ? ' ' + x.reason : '')));
}

const RENDER = { overview: renderOverview, devices: renderDevices, kthreads: renderKthreads, gpio: renderGpio,
  sensors: renderSensors, events: renderEvents, deploy: renderDeploy };

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('event-filter').addEventListener('input', renderEventLog);
  document.getElementById('event-pause').addEventListener('click', ev => {
    state.paused = !state.paused;
    ev.target.textContent = state.paused ? 'Resume' : 'Pause';
    if (!state.paused) renderEventLog();
  });
  document.getElementById('event-clear').addEventListener('click', () => { state.events = []; renderEventLog(); });
  document.getElementById('deploy-button').addEventListener('click', upload);
  connectEvents();
  api('overview').then(o => { document.getElementById('hdr-platform').textContent = o.platform ? 'on ' + o.platform : ''; }, () => {});
  route();
});
