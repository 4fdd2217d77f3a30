// dashboard/app.js
//
// The dashboard of Herald's admin listener: apps, a live debug console, a channel explorer, an
// event creator, live charts and the node's state, all from /api/admin/... on this origin.
// Every string that comes from the server (and so, often, from a client) is put into the page
// with textContent or text nodes, never parsed as HTML.
'use strict';

(() => {
  const kMaxRows = 500;
  const kMaxPoints = 900;
  const kChannelsRefreshMs = 2000;
  const kNodeRefreshMs = 5000;
  const kStreamRetryMs = 2000;

  // The fields shown for each console kind, in order; other fields follow them.
  const kKindFields = {
    connection_opened: ['socket_id', 'remote_address', 'user_agent', 'client', 'protocol'],
    connection_closed: ['socket_id', 'code', 'reason'],
    subscribed: ['socket_id', 'channel', 'user_id'],
    unsubscribed: ['socket_id', 'channel', 'user_id'],
    api_message: ['channels', 'event', 'data', 'socket_id'],
    client_event: ['socket_id', 'channel', 'event', 'data', 'user_id'],
    signin: ['socket_id', 'user_id'],
    webhook_sent: ['url', 'events', 'status', 'error'],
    webhook_failed: ['url', 'events', 'status', 'error'],
    webhook_dead_lettered: ['url', 'events', 'status', 'error'],
    error: ['socket_id', 'code', 'message'],
    node_joined: ['node'],
    node_gone: ['node'],
  };
  const kFieldLabels = {
    socket_id: 'socket', remote_address: 'from', user_agent: 'user agent', user_id: 'user',
    channels: 'channels',
  };
  // Elements the page (and its tests) find rows' parts by.
  const kFieldClasses = { socket_id: 'socket-id', channels: 'channel', user_id: 'user-id' };

  const kCharts = [
    { key: 'connections', title: 'Connections' },
    { key: 'sent', title: 'Messages sent/s' },
    { key: 'received', title: 'Messages received/s' },
    { key: 'rest', title: 'REST requests/s' },
    { key: 'webhook_queue', title: 'Webhook queue' },
  ];
  // The time axis: whole seconds to quarter hours between ticks, labelled HH:MM:SS in UTC (as
  // the console's times).
  const kTimeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900];
  const timeLabels = (u, splits) => splits.map((s) => new Date(s * 1000).toISOString().slice(11, 19));
  const kChartStroke = '#1f5fa8';
  const kChartFill = 'rgba(31, 95, 168, 0.12)';

  const state = {
    csrf: null,
    tokenRequired: false,
    started: false,
    apps: [],
    appId: null,
    stream: null,
    streamRetry: null,
    paused: false,
    pending: [],
    pendingCount: 0,
    skipped: 0,
    selectedChannel: null,
    channelsVisible: true,
    timers: [],
    times: [],
    series: Object.fromEntries(kCharts.map((c) => [c.key, []])),
    charts: [],
  };

  const $ = (id) => document.getElementById(id);

  // An element with text content (never HTML) and attributes.
  function el(tag, { cls, text, attrs } = {}, children = []) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function setStatus(text) {
    $('status').textContent = text;
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function readJson(response) {
    const text = await response.text();
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      return { error: text };
    }
  }

  // Fetches an /api/admin path; resolves to the JSON answer or throws HttpError with the
  // server's error text. A 401 (the session ended) brings the login form back.
  async function api(path, { method = 'GET', body } = {}) {
    const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-Herald-CSRF'] = state.csrf ?? '';
      if (body !== undefined) init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const json = await readJson(response);
    if (response.status === 401 && state.started) showLogin();
    if (!response.ok) {
      throw new HttpError(response.status, json.error ?? `${response.status} ${response.statusText}`);
    }
    return json;
  }

  // ---------------------------------------------------------------------------------------------
  // Session: log in, log out

  async function checkSession() {
    let response;
    try {
      response = await fetch('/api/admin/session', { credentials: 'same-origin' });
    } catch (error) {
      setStatus(`Cannot reach the server: ${error.message}`);
      return;
    }
    const json = await readJson(response);
    if (response.status === 200 && json.authenticated) {
      start(json);
    } else if (response.status === 401) {
      setStatus('');
      showLogin();
    } else {
      setStatus(`The session check failed: ${json.error ?? response.status}`);
    }
  }

  function showLogin() {
    stop();
    $('views').hidden = true;
    $('nav').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('login-token').focus();
  }

  async function logIn(event) {
    event.preventDefault();
    const error = $('login-error');
    error.textContent = '';
    const body = new URLSearchParams({ token: $('login-token').value });
    let response;
    try {
      response = await fetch('/api/admin/login', {
        method: 'POST', credentials: 'same-origin', body,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      });
    } catch (e) {
      error.textContent = `Cannot reach the server: ${e.message}`;
      return;
    }
    const json = await readJson(response);
    if (response.ok && json.authenticated) {
      $('login-token').value = '';
      start(json);
      $('main').focus();  // the login form is gone: keep the keyboard in the content
    } else {
      error.textContent = json.error ?? `Login failed (${response.status})`;
    }
  }

  async function logOut() {
    try {
      await api('/api/admin/logout', { method: 'POST' });
    } catch (error) {
      if (error.status !== 401) {
        setStatus(`Log out failed: ${error.message}`);
        return;
      }
    }
    state.csrf = null;
    showLogin();
    setStatus('Logged out');
  }

  // ---------------------------------------------------------------------------------------------
  // Start and stop

  function start(session) {
    state.csrf = session.csrf;
    state.tokenRequired = Boolean(session.token_required);
    state.started = true;
    $('login').hidden = true;
    $('login-error').textContent = '';
    $('views').hidden = false;
    $('nav').hidden = false;
    $('logout').hidden = !state.tokenRequired;
    setStatus('');
    setUpCharts();
    loadStats();
    loadApps(true);
    refreshNode();
    state.timers.push(setInterval(() => {
      refreshNode();
      loadApps(false);
    }, kNodeRefreshMs));
    state.timers.push(setInterval(() => {
      if (state.channelsVisible && !document.hidden) refreshChannels();
    }, kChannelsRefreshMs));
  }

  function stop() {
    state.started = false;
    for (const timer of state.timers) clearInterval(timer);
    state.timers = [];
    closeStream();
  }

  // ---------------------------------------------------------------------------------------------
  // Apps

  async function loadApps(first) {
    let answer;
    try {
      answer = await api('/api/admin/apps');
    } catch (error) {
      if (error.status !== 401) setStatus(`Apps: ${error.message}`);
      return;
    }
    state.apps = answer.apps ?? [];
    renderApps();
    const ids = state.apps.map((a) => a.id);
    if (first || !ids.includes(state.appId)) chooseApp(ids[0] ?? null);
  }

  function yesNo(value) {
    return value ? 'on' : 'off';
  }

  function renderApps() {
    const rows = state.apps.map((app) => el('tr', {}, [
      el('td', { text: app.id }), el('td', { text: app.key }),
      el('td', { text: yesNo(app.client_events) }), el('td', { text: app.enabled ? 'yes' : 'no' }),
      el('td', { text: app.connections, cls: 'number' }),
    ]));
    $('apps-rows').replaceChildren(...rows);
    const select = $('app-select');
    const ids = state.apps.map((app) => String(app.id));
    if (ids.join('\n') !== [...select.options].map((o) => o.value).join('\n')) {
      select.replaceChildren(...ids.map((id) => el('option', { text: id, attrs: { value: id } })));
    }
    if (state.appId !== null) select.value = state.appId;
  }

  function chooseApp(id) {
    if (id === state.appId && state.stream) return;
    state.appId = id;
    if (id !== null) $('app-select').value = id;
    state.selectedChannel = null;
    $('channel-detail').hidden = true;
    clearConsole();
    openStream();
    refreshChannels();
  }

  // ---------------------------------------------------------------------------------------------
  // The live feed (Server-Sent Events)

  function openStream() {
    closeStream();
    const url = state.appId === null ? '/api/admin/stream'
      : `/api/admin/stream?app=${encodeURIComponent(state.appId)}`;
    const stream = new EventSource(url);
    state.stream = stream;
    stream.addEventListener('open', () => {
      $('console-status').textContent = state.appId === null ? 'Live feed open (no app)'
        : `Live feed open for app ${state.appId}`;
    });
    stream.addEventListener('console', (e) => onConsole(parse(e.data)));
    stream.addEventListener('stats', (e) => onStats(parse(e.data)));
    stream.addEventListener('skipped', (e) => onSkipped(parse(e.data)));
    stream.addEventListener('error', () => {
      if (stream.readyState !== EventSource.CLOSED) {
        $('console-status').textContent = 'Live feed interrupted, reconnecting';
        return;
      }
      // The server refused the stream (a closed session, for example): check and retry.
      $('console-status').textContent = 'Live feed closed';
      state.stream = null;
      state.streamRetry = setTimeout(async () => {
        state.streamRetry = null;
        try {
          await api('/api/admin/session');
          if (state.started) openStream();
        } catch {
          if (state.started) showLogin();
        }
      }, kStreamRetryMs);
    });
  }

  function closeStream() {
    if (state.streamRetry) clearTimeout(state.streamRetry);
    state.streamRetry = null;
    state.stream?.close();
    state.stream = null;
  }

  function parse(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Debug console

  function onConsole(event) {
    if (!event || typeof event !== 'object') return;
    if (state.paused) {
      state.pending.push(event);
      if (state.pending.length > kMaxRows) state.pending.shift();
      state.pendingCount += 1;
      $('console-status').textContent = `Paused: ${plural(state.pendingCount, 'new event')}`;
      return;
    }
    addRow(event);
  }

  function plural(n, noun) {
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
  }

  function onSkipped(report) {
    const count = Number(report?.count ?? 0);
    if (!count) return;
    state.skipped += count;
    const line = $('console-skipped');
    line.textContent = `${state.skipped} events skipped (over 200/s)`;
    line.hidden = false;
  }

  function formatTime(ms) {
    const date = new Date(Number(ms));
    return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(11, 23);
  }

  function fieldValue(value) {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
    return JSON.stringify(value);
  }

  function fieldNode(kind, name, value) {
    const cls = kFieldClasses[name] ?? name.replaceAll('_', '-');
    let label = kFieldLabels[name] ?? name.replaceAll('_', ' ');
    if (kind === 'api_message' && name === 'socket_id') label = 'excluded socket';
    const text = fieldValue(value);
    const valueNode = name === 'data' ? el('pre', { cls, text }) : el('code', { cls, text });
    return el('div', { cls: `field field-${cls}` }, [el('span', { cls: 'label', text: label }), valueNode]);
  }

  function rowChannels(event) {
    if (Array.isArray(event.channels)) return event.channels.map(String);
    return typeof event.channel === 'string' ? [event.channel] : [];
  }

  function addRow(event) {
    const kind = String(event.kind ?? 'unknown');
    const known = kKindFields[kind] ?? [];
    const names = [...known.filter((n) => n in event),
      ...Object.keys(event).filter((n) => n !== 'time' && n !== 'kind' && !known.includes(n))];
    const row = el('li', { cls: 'row', attrs: { 'data-kind': kind } }, [
      el('time', { cls: 'time', text: formatTime(event.time) }),
      el('span', { cls: 'kind', text: kind }),
      el('div', { cls: 'fields' }, names.filter((n) => event[n] !== null && event[n] !== undefined)
        .map((n) => fieldNode(kind, n, event[n]))),
    ]);
    row.dataset.channels = rowChannels(event).join('\n');
    row.hidden = !matchesFilter(row);
    const list = $('console-rows');
    list.prepend(row);
    while (list.childElementCount > kMaxRows) list.lastElementChild.remove();
  }

  function matchesFilter(row) {
    const channel = $('channel-filter').value.trim();
    const kind = $('kind-filter').value;
    if (kind && row.dataset.kind !== kind) return false;
    if (!channel) return true;
    return row.dataset.channels.split('\n').some((c) => c.includes(channel));
  }

  function applyFilter() {
    for (const row of $('console-rows').children) row.hidden = !matchesFilter(row);
  }

  function togglePause() {
    const button = $('pause');
    state.paused = !state.paused;
    button.textContent = state.paused ? 'Resume' : 'Pause';
    if (state.paused) {
      $('console-status').textContent = `Paused: ${plural(0, 'new event')}`;
      return;
    }
    const shown = state.pending.length;
    const total = state.pendingCount;
    for (const event of state.pending) addRow(event);
    state.pending = [];
    state.pendingCount = 0;
    $('console-status').textContent = total > shown
      ? `Resumed: ${shown} of the ${total} events received while paused are shown`
      : `Resumed: ${plural(total, 'event')} received while paused`;
  }

  function clearConsole() {
    $('console-rows').replaceChildren();
    state.pending = [];
    state.pendingCount = 0;
    state.skipped = 0;
    $('console-skipped').hidden = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Channel explorer

  function appPath(suffix = '') {
    return `/api/admin/apps/${encodeURIComponent(state.appId)}${suffix}`;
  }

  async function refreshChannels() {
    if (state.appId === null) {
      $('channels-rows').replaceChildren();
      $('channels-status').textContent = 'No app';
      return;
    }
    const appId = state.appId;
    let answer;
    try {
      answer = await api(appPath('/channels'));
    } catch (error) {
      if (error.status !== 401) $('channels-status').textContent = `Channels: ${error.message}`;
      return;
    }
    if (appId !== state.appId) return;
    const channels = answer.channels ?? [];
    channels.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    $('channels-status').textContent = channels.length ? '' : 'No occupied channels';
    // Rebuilt every refresh: the keyboard focus stays on the same channel's button.
    const focused = document.activeElement?.closest?.('#channels-rows') ? document.activeElement.textContent : null;
    $('channels-rows').replaceChildren(...channels.map(channelRow));
    if (focused !== null) {
      const again = [...$('channels-rows').querySelectorAll('button')].find((b) => b.textContent === focused);
      again?.focus();
    }
    if (state.selectedChannel !== null) showChannel(state.selectedChannel, false);
  }

  function channelRow(channel) {
    const button = el('button', { cls: 'link channel', text: channel.name, attrs: { type: 'button' } });
    button.addEventListener('click', () => showChannel(channel.name, true));
    if (channel.name === state.selectedChannel) button.setAttribute('aria-current', 'true');
    return el('tr', {}, [
      el('th', { attrs: { scope: 'row' } }, [button]),
      el('td', { text: channel.type }),
      el('td', { cls: 'number', text: channel.subscription_count ?? '' }),
      el('td', { cls: 'number', text: channel.user_count ?? '' }),
    ]);
  }

  function fact(term, value) {
    return [el('dt', { text: term }), el('dd', { text: value })];
  }

  async function showChannel(name, fromUser) {
    state.selectedChannel = name;
    let detail;
    try {
      detail = await api(appPath(`/channels/${encodeURIComponent(name)}`));
    } catch (error) {
      if (error.status === 404 && state.selectedChannel === name) {
        $('channels-status').textContent = `${name} is no longer occupied`;
        state.selectedChannel = null;
        $('channel-detail').hidden = true;
      } else if (error.status !== 401) {
        $('channels-status').textContent = `${name}: ${error.message}`;
      }
      return;
    }
    if (state.selectedChannel !== name) return;
    for (const button of $('channels-rows').querySelectorAll('button')) {
      if (button.textContent === name) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
    $('channel-detail-title').textContent = detail.name ?? name;
    const facts = [...fact('Type', detail.type), ...fact('Occupied', detail.occupied ? 'yes' : 'no'),
      ...fact('Subscriptions', detail.subscription_count ?? 0)];
    if (detail.user_count !== undefined) facts.push(...fact('Users', detail.user_count));
    $('channel-detail-facts').replaceChildren(...facts);

    const members = Array.isArray(detail.members) ? detail.members : null;
    $('members-title').hidden = members === null;
    $('channel-members').replaceChildren(...(members ?? []).map((m) => el('li', { cls: 'member' }, [
      el('code', { cls: 'user-id', text: m.id }),
      el('pre', { cls: 'user-info', text: JSON.stringify(m.info ?? null) }),
    ])));

    const cache = detail.cache ?? null;
    $('cache-title').hidden = cache === null;
    $('channel-cache').hidden = cache === null;
    $('cache-event').textContent = cache?.event ?? '';
    $('cache-data').textContent = cache ? fieldValue(cache.data) : '';
    $('channel-detail').hidden = false;
    if (fromUser) $('channel-detail-title').scrollIntoView({ block: 'nearest' });
  }

  // ---------------------------------------------------------------------------------------------
  // Event creator

  async function sendEvent(event) {
    event.preventDefault();
    const status = $('creator-status');
    const error = $('creator-error');
    status.textContent = '';
    error.textContent = '';
    if (state.appId === null) {
      error.textContent = 'No app to send to';
      return;
    }
    const body = {
      channel: $('creator-channel').value, event: $('creator-event').value, data: $('creator-data').value,
    };
    try {
      await api(appPath('/events'), { method: 'POST', body });
      status.textContent = 'Sent';
    } catch (e) {
      error.textContent = e.message;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Live charts (uPlot)

  function chartWidth() {
    const holder = document.querySelector('#chart-grid .chart-canvas');
    return Math.max(240, (holder?.clientWidth ?? 400) - 2);
  }

  function setUpCharts() {
    if (state.charts.length || typeof uPlot !== 'function') return;
    const holders = kCharts.map((chart) => {
      const holder = el('div', { cls: 'chart-canvas' });
      $('chart-grid').append(el('figure', { cls: 'chart', attrs: { id: `chart-${chart.key}` } },
        [el('figcaption', { text: chart.title }), holder]));
      return holder;
    });
    const width = chartWidth();
    kCharts.forEach((chart, i) => {
      const options = {
        width, height: 180, padding: [12, 28, 0, 0],
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
        series: [{}, { label: chart.title, stroke: kChartStroke, fill: kChartFill, width: 2 }],
        axes: [{ incrs: kTimeSteps, values: timeLabels, space: 60 }, { size: 50 }],
      };
      state.charts.push({ key: chart.key, plot: new uPlot(options, [[], []], holders[i]) });
    });
    window.addEventListener('resize', () => {
      for (const c of state.charts) c.plot.setSize({ width: 240, height: 180 });
      const w = chartWidth();
      for (const c of state.charts) c.plot.setSize({ width: w, height: 180 });
    });
  }

  async function loadStats() {
    let stats;
    try {
      stats = await api('/api/admin/stats');
    } catch {
      return;
    }
    const times = stats.times ?? [];
    state.times = times.slice(-kMaxPoints);
    for (const chart of kCharts) {
      state.series[chart.key] = (stats.series?.[chart.key] ?? []).slice(-kMaxPoints);
    }
    drawCharts();
  }

  function onStats(point) {
    if (!point || typeof point.time !== 'number') return;
    const last = state.times[state.times.length - 1];
    if (last !== undefined && point.time <= last) return;  // already in the seed
    state.times.push(point.time);
    for (const chart of kCharts) state.series[chart.key].push(Number(point[chart.key] ?? 0));
    if (state.times.length > kMaxPoints) {
      state.times.splice(0, state.times.length - kMaxPoints);
      for (const chart of kCharts) state.series[chart.key].splice(0, state.series[chart.key].length - kMaxPoints);
    }
    drawCharts();
  }

  function drawCharts() {
    for (const chart of state.charts) chart.plot.setData([state.times, state.series[chart.key]]);
  }

  // ---------------------------------------------------------------------------------------------
  // Node view

  function formatDuration(seconds) {
    const s = Math.floor(Number(seconds) || 0);
    const parts = [[Math.floor(s / 86400), 'd'], [Math.floor(s / 3600) % 24, 'h'],
      [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
    const from = parts.findIndex(([n]) => n > 0);
    return from < 0 ? '0s' : parts.slice(from).map(([n, u]) => `${n}${u}`).join(' ');
  }

  async function refreshNode() {
    let node;
    try {
      node = await api('/api/admin/node');
    } catch (error) {
      if (error.status !== 401) $('node-facts').replaceChildren(...fact('Error', error.message));
      return;
    }
    const started = node.started_at ? new Date(node.started_at * 1000).toISOString() : '';
    const facts = [...fact('Version', node.version), ...fact('Uptime', formatDuration(node.uptime_seconds)),
      ...fact('Started', started), ...fact('Workers', node.workers), ...fact('Connections', node.connections),
      ...fact('Ready', node.ready ? 'yes' : 'no')];
    if (!node.ready) facts.push(...fact('Why not ready', node.not_ready_reason ?? 'unknown'));
    if (node.cluster) facts.push(...fact('Cluster node', node.cluster.node));
    $('node-facts').replaceChildren(...facts);
    const nodes = node.cluster?.nodes ?? null;
    $('cluster').hidden = nodes === null;
    $('cluster-rows').replaceChildren(...(nodes ?? []).map((n) => el('tr', {}, [
      el('th', { attrs: { scope: 'row' }, text: n.self ? `${n.id} (this node)` : n.id }),
      el('td', { cls: 'number', text: n.connections }),
      el('td', { cls: 'number', text: `${Number(n.lease_age_seconds ?? 0).toFixed(1)} s` }),
    ])));
  }

  // ---------------------------------------------------------------------------------------------

  function watchChannelsVisibility() {
    if (!('IntersectionObserver' in window)) return;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) state.channelsVisible = entry.isIntersecting;
    });
    observer.observe($('channels'));
  }

  function init() {
    $('login-form').addEventListener('submit', logIn);
    $('logout').addEventListener('click', logOut);
    $('app-select').addEventListener('change', (e) => chooseApp(e.target.value));
    $('channel-filter').addEventListener('input', applyFilter);
    $('kind-filter').addEventListener('change', applyFilter);
    $('pause').addEventListener('click', togglePause);
    $('clear').addEventListener('click', clearConsole);
    $('channels-refresh').addEventListener('click', refreshChannels);
    $('creator-form').addEventListener('submit', sendEvent);
    watchChannelsVisibility();
    checkSession();
  }

  init();
})();
