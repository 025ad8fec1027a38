// vmesos web UI: plain JavaScript, no build step. The cluster comes from the operator API's SUBSCRIBE
// stream (POST /api/v1, RecordIO of JSON events), starting from its SUBSCRIBED event's get_state; the
// dominant shares from the vmesos extension API's SUBSCRIBE stream (POST /api/v1/vmesos). Outstanding
// offers, roles and the fairness panels are not in any event: they are asked for again (GET_AGENTS,
// GET_FRAMEWORKS, GET_ROLES, GET_PENDING ...) when an event or a share sample arrives, at most once a second.
'use strict';

(() => {
  const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR',
    'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNREACHABLE']);
  const MAX_COMPLETED_TASKS = 1000;
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#bcbd22', '#7f7f7f'];

  // ---------------------------------------------------------------- state

  const S = {
    master: null,            // GET_MASTER's master_info
    masterSince: null,       // GET_MASTER's elected_time (or start_time), seconds
    flags: {},               // GET_FLAGS, name -> value
    metrics: {},             // GET_METRICS, name -> value
    agents: new Map(),       // agent id -> GET_AGENTS agent
    goneAgents: new Map(),   // agent id -> {agent, removed: Date}: AGENT_REMOVED while the page was open
    frameworks: new Map(),   // framework id -> GET_FRAMEWORKS framework
    completedFrameworks: new Map(),
    tasks: new Map(),        // framework id/task id -> Task
    completedTasks: [],      // newest first
    roles: [],               // GET_ROLES roles
    quota: new Map(),        // role -> QuotaConfig
    shares: {interval: 1, capacity: 600, samples: []},
    pending: null, pendingError: null,
    fragmentation: null, fragmentationError: null,
    operatorEvents: 0, shareEvents: 0,
  };
  const ui = window.vmesos = {state: S, charts: {}};

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);
  const esc = (v) => String(v ?? '').replace(/[&<>"']/g,
      (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  const id = (x) => (x && typeof x === 'object' ? x.value : x) ?? '';
  const taskKey = (frameworkId, taskId) => frameworkId + '/' + taskId;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const fmt = (n, digits = 2) => (n === undefined || n === null || Number.isNaN(n)) ? '' :
      (Math.round(n * 10 ** digits) / 10 ** digits).toString();
  const mb = (n) => n === undefined ? '' : n >= 1024 ? fmt(n / 1024, 1) + ' GB' : fmt(n, 0) + ' MB';
  const time = (t) => t ? new Date(t * 1000).toLocaleString() : '';
  const nanos = (t) => t && t.nanoseconds !== undefined ? Number(t.nanoseconds) / 1e9 : undefined;

  /** Scalars of a Resource list summed by name ({cpus: 1.5, mem: 512}); ranges as text. */
  function resources(list) {
    const out = {};
    for (const r of list || []) {
      if (r.type === 'SCALAR' || r.scalar) {
        out[r.name] = (out[r.name] || 0) + Number(r.scalar?.value || 0);
      } else if (r.ranges) {
        const text = (r.ranges.range || []).map((x) => x.begin + '-' + x.end).join(',');
        out[r.name] = out[r.name] ? out[r.name] + ',' + text : text;
      }
    }
    return out;
  }

  function add(a, b) {
    const out = {...a};
    for (const [k, v] of Object.entries(b)) {
      if (typeof v === 'number') {
        out[k] = (out[k] || 0) + v;
      }
    }
    return out;
  }

  function scalarsText(r) {
    const parts = [];
    if (r.cpus !== undefined) parts.push('cpus ' + fmt(r.cpus));
    if (r.mem !== undefined) parts.push('mem ' + mb(r.mem));
    if (r.disk !== undefined) parts.push('disk ' + mb(r.disk));
    if (r.gpus) parts.push('gpus ' + fmt(r.gpus));
    return parts.join(', ');
  }

  function table(tableId, columns, rows, empty) {
    if (!rows.length) {
      return `<p class="empty" id="${tableId}-empty">${esc(empty || 'None.')}</p>`;
    }
    const head = columns.map((c) => `<th>${esc(c[0])}</th>`).join('');
    const body = rows.map((row) => `<tr data-id="${esc(row.key)}">` +
        columns.map((c) => `<td class="${esc(c[2] || '')}">${c[1](row)}</td>`).join('') + '</tr>').join('');
    return `<table id="${tableId}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }

  // ---------------------------------------------------------------- HTTP and streams

  async function call(path, body) {
    const response = await fetch(path, {method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'}, body: JSON.stringify(body)});
    if (!response.ok) {
      throw new Error(`${body.type}: ${response.status} ${(await response.text()).slice(0, 200)}`);
    }
    return response.json();
  }
  const operator = (type) => call('api/v1', {type});
  const extension = (type) => call('api/v1/vmesos', {type});

  /** Reads RecordIO records ("<length>\n<bytes>") of JSON from a fetch() response until it ends. */
  async function readRecords(response, onRecord) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = new Uint8Array(0);
    for (;;) {
      const {value, done} = await reader.read();
      if (done) {
        return;
      }
      const joined = new Uint8Array(buffer.length + value.length);
      joined.set(buffer);
      joined.set(value, buffer.length);
      buffer = joined;
      for (;;) {
        const newline = buffer.indexOf(10);
        if (newline < 0) {
          break;
        }
        const header = decoder.decode(buffer.subarray(0, newline)).trim();
        if (!/^\d+$/.test(header)) {
          throw new Error('bad RecordIO record length: ' + header.slice(0, 20));
        }
        const length = Number(header);
        if (buffer.length < newline + 1 + length) {
          break;
        }
        const record = decoder.decode(buffer.subarray(newline + 1, newline + 1 + length));
        buffer = buffer.slice(newline + 1 + length);
        onRecord(JSON.parse(record));
      }
    }
  }

  /**
   * Keeps one subscription open: on its end or failure, subscribes again after a backoff that doubles
   * up to 15 s (reset by a SUBSCRIBED event). A stream silent for three heartbeats is given up.
   */
  function subscribe(path, label, statusEl, onRecord) {
    let backoff = 500;
    const setStatus = (state, text) => {
      const el = $(statusEl);
      el.dataset.state = state;
      el.textContent = label + text;
      el.title = text;
    };
    (async () => {
      for (;;) {
        const abort = new AbortController();
        let watchdog;
        const arm = (seconds) => {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => abort.abort(), seconds * 3000);
        };
        try {
          setStatus('connecting', 'connecting');
          arm(15);
          const response = await fetch(path, {method: 'POST', credentials: 'same-origin', signal: abort.signal,
            headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
            body: JSON.stringify({type: 'SUBSCRIBE'})});
          if (!response.ok) {
            throw new Error(response.status + ' ' + (await response.text()).slice(0, 200));
          }
          await readRecords(response, (event) => {
            arm(event.subscribed?.heartbeat_interval_seconds || 15);
            if (event.type === 'SUBSCRIBED') {
              backoff = 500;
              setStatus('live', 'live');
            }
            onRecord(event);
          });
          throw new Error('stream ended');
        } catch (e) {
          setStatus('reconnecting', `reconnecting in ${backoff / 1000} s (${abort.signal.aborted ?
              'no heartbeat' : e.message})`);
          console.warn(path, 'subscription:', e);
        } finally {
          clearTimeout(watchdog);
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 15000);
      }
    })();
  }

  // ---------------------------------------------------------------- operator events

  function onOperatorEvent(event) {
    S.operatorEvents++;
    switch (event.type) {
      case 'SUBSCRIBED':
        loadState(event.subscribed.get_state || {});
        refreshMaster();
        break;
      case 'TASK_ADDED':
        addTask(event.task_added.task);
        break;
      case 'TASK_UPDATED':
        updateTask(event.task_updated);
        break;
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED': {
        const framework = (event.framework_added || event.framework_updated).framework;
        S.frameworks.set(id(framework.framework_info.id), framework);
        break;
      }
      case 'FRAMEWORK_REMOVED': {
        const info = event.framework_removed.framework_info;
        const frameworkId = id(info.id);
        const framework = S.frameworks.get(frameworkId) || {framework_info: info};
        S.frameworks.delete(frameworkId);
        S.completedFrameworks.set(frameworkId, {...framework, active: false, connected: false});
        for (const [key, task] of S.tasks) {
          if (id(task.framework_id) === frameworkId) {
            S.tasks.delete(key);
            S.completedTasks.unshift(task);
          }
        }
        break;
      }
      case 'AGENT_ADDED': {
        const agent = event.agent_added.agent;
        S.agents.set(id(agent.agent_info.id), agent);
        S.goneAgents.delete(id(agent.agent_info.id));
        refreshMetrics();
        break;
      }
      case 'AGENT_REMOVED': {
        const agentId = id(event.agent_removed.agent_id);
        const agent = S.agents.get(agentId);
        S.agents.delete(agentId);
        S.goneAgents.set(agentId, {agent, removed: new Date()});
        refreshMetrics();
        break;
      }
      case 'HEARTBEAT':
        return;
      default:
        break;
    }
    refreshSoon();
    render();
  }

  function loadState(state) {
    S.agents.clear();
    for (const agent of state.get_agents?.agents || []) {
      S.agents.set(id(agent.agent_info.id), agent);
    }
    S.frameworks.clear();
    for (const framework of state.get_frameworks?.frameworks || []) {
      S.frameworks.set(id(framework.framework_info.id), framework);
    }
    S.completedFrameworks.clear();
    for (const framework of state.get_frameworks?.completed_frameworks || []) {
      S.completedFrameworks.set(id(framework.framework_info.id), framework);
    }
    S.tasks.clear();
    for (const task of state.get_tasks?.tasks || []) {
      S.tasks.set(taskKey(id(task.framework_id), id(task.task_id)), task);
    }
    S.completedTasks = [...(state.get_tasks?.completed_tasks || [])].reverse();
    refreshMetrics();
  }

  function addTask(task) {
    S.tasks.set(taskKey(id(task.framework_id), id(task.task_id)), task);
  }

  function updateTask(update) {
    const key = taskKey(id(update.framework_id), id(update.status.task_id));
    const task = S.tasks.get(key);
    if (!task) {
      return;
    }
    task.state = update.state || update.status.state;
    task.statuses = [...(task.statuses || []), update.status];
    if (TERMINAL.has(task.state)) {
      S.tasks.delete(key);
      S.completedTasks.unshift(task);
      S.completedTasks.length = Math.min(S.completedTasks.length, MAX_COMPLETED_TASKS);
    }
  }

  // ---------------------------------------------------------------- share events

  function onShareEvent(event) {
    S.shareEvents++;
    if (event.type === 'SUBSCRIBED') {
      const shares = event.subscribed.get_shares || {};
      S.shares = {interval: shares.interval_seconds || 1, capacity: shares.capacity || 600,
        samples: [...(shares.samples || [])]};
    } else if (event.type === 'SHARES') {
      S.shares.samples.push(event.shares);
      if (S.shares.samples.length > S.shares.capacity) {
        S.shares.samples.splice(0, S.shares.samples.length - S.shares.capacity);
      }
    } else {
      return;
    }
    updateCharts();
    refreshSoon();
    refreshFairness();
    if (current().page !== 'shares') {
      render();
    }
  }

  // ---------------------------------------------------------------- what no event carries

  let refreshing = false;
  let refreshAgain = false;
  let lastRefresh = 0;

  /** Offers, allocations and roles: asked for again after events, at most once a second. */
  function refreshSoon() {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    const wait = Math.max(0, 1000 - (Date.now() - lastRefresh));
    setTimeout(async () => {
      lastRefresh = Date.now();
      try {
        const [agents, frameworks, roles, quota] = await Promise.all([operator('GET_AGENTS'),
          operator('GET_FRAMEWORKS'), operator('GET_ROLES'), operator('GET_QUOTA')]);
        for (const agent of agents.get_agents?.agents || []) {
          const known = S.agents.get(id(agent.agent_info.id));
          if (known) {
            known.offered_resources = agent.offered_resources;
            known.allocated_resources = agent.allocated_resources;
          }
        }
        for (const framework of frameworks.get_frameworks?.frameworks || []) {
          const known = S.frameworks.get(id(framework.framework_info.id));
          if (known) {
            known.offers = framework.offers;
            known.allocated_resources = framework.allocated_resources;
            known.offered_resources = framework.offered_resources;
          }
        }
        S.roles = roles.get_roles?.roles || [];
        S.quota = new Map((quota.get_quota?.status?.configs || []).map((c) => [c.role, c]));
      } catch (e) {
        console.warn('refresh:', e);
      } finally {
        refreshing = false;
        render();
        if (refreshAgain) {
          refreshAgain = false;
          refreshSoon();
        }
      }
    }, wait);
  }

  async function refreshMaster() {
    try {
      const [master, flags] = await Promise.all([operator('GET_MASTER'), operator('GET_FLAGS')]);
      S.master = master.get_master?.master_info;
      S.masterSince = master.get_master?.elected_time || master.get_master?.start_time;
      S.flags = Object.fromEntries((flags.get_flags?.flags || []).map((f) => [f.name, f.value]));
      render();
    } catch (e) {
      console.warn('GET_MASTER:', e);
    }
  }

  async function refreshMetrics() {
    try {
      const metrics = await operator('GET_METRICS');
      S.metrics = Object.fromEntries((metrics.get_metrics?.metrics || []).map((m) => [m.name, m.value]));
      render();
    } catch (e) {
      console.warn('GET_METRICS:', e);
    }
  }

  let fairnessBusy = false;

  /** Why pending and fragmentation, asked for again with each share sample. */
  async function refreshFairness() {
    if (fairnessBusy) {
      return;
    }
    fairnessBusy = true;
    try {
      const [pending, fragmentation] = await Promise.allSettled([extension('GET_PENDING'),
        extension('GET_FRAGMENTATION')]);
      if (pending.status === 'fulfilled') {
        S.pending = pending.value.get_pending;
        S.pendingError = null;
      } else {
        S.pendingError = pending.reason.message;
      }
      if (fragmentation.status === 'fulfilled') {
        S.fragmentation = fragmentation.value.get_fragmentation;
        S.fragmentationError = null;
      } else {
        S.fragmentationError = fragmentation.reason.message;
      }
      if (current().page === 'shares') {
        renderFairnessPanels();
      }
    } finally {
      fairnessBusy = false;
    }
  }

  // ---------------------------------------------------------------- derived figures

  function frameworkName(frameworkId) {
    const f = S.frameworks.get(frameworkId) || S.completedFrameworks.get(frameworkId);
    return f ? f.framework_info.name : frameworkId;
  }

  function frameworkRoles(info) {
    return info.roles?.length ? info.roles : [info.role || '*'];
  }

  function usedOn(predicate) {
    let used = {};
    for (const task of S.tasks.values()) {
      if (predicate(task)) {
        used = add(used, resources(task.resources));
      }
    }
    return used;
  }

  function lastSample() {
    return S.shares.samples[S.shares.samples.length - 1];
  }

  function roleWeight(role) {
    const known = S.roles.find((r) => r.name === role);
    return known ? known.weight : 1;
  }

  function quotaText(role) {
    const config = S.quota.get(role);
    if (!config) {
      return '';
    }
    const text = (m) => Object.entries(m || {}).map(([k, v]) => `${k} ${fmt(v.value)}`).join(', ');
    const parts = [];
    if (config.guarantees && Object.keys(config.guarantees).length) parts.push('guarantee ' + text(config.guarantees));
    if (config.limits && Object.keys(config.limits).length) parts.push('limit ' + text(config.limits));
    return parts.join('; ');
  }

  // ---------------------------------------------------------------- pages

  function current() {
    const hash = location.hash.replace(/^#\/?/, '');
    const [page, query] = hash.split('?');
    return {page: page || 'overview', params: new URLSearchParams(query || '')};
  }

  let renderTimer = null;

  function render() {
    if (renderTimer === null) {
      renderTimer = setTimeout(() => {
        renderTimer = null;
        renderNow();
      }, 30);
    }
  }

  const PAGES = {overview: renderOverview, agents: renderAgents, frameworks: renderFrameworks, tasks: renderTasks,
    roles: renderRoles, shares: renderShares, sandbox: renderSandbox};

  function renderNow() {
    const {page} = current();
    for (const link of document.querySelectorAll('#nav a')) {
      link.classList.toggle('active', link.dataset.page === page);
    }
    (PAGES[page] || renderOverview)();
  }

  let viewHtml = null;

  function setView(page, html) {
    const view = $('view');
    if (view.dataset.page !== page) {
      destroyCharts();
    }
    view.dataset.page = page;
    // Unchanged pages are left alone, so that what the user points at or selects stays put.
    if (viewHtml !== html) {
      viewHtml = html;
      view.innerHTML = html;
    }
  }

  function renderOverview() {
    const total = [...S.agents.values()].reduce((sum, a) => add(sum, resources(a.total_resources)), {});
    const used = usedOn(() => true);
    const offered = [...S.agents.values()].reduce((sum, a) => add(sum, resources(a.offered_resources)), {});
    const master = S.master;
    const quorum = Number(S.flags.quorum || 1);
    const standbys = quorum > 1 ? `${2 * quorum - 2} standby masters elect with it (--quorum=${quorum} of ` +
        `${2 * quorum - 1}); the operator API names only the leader, as Mesos's GET_MASTER does`
        : 'none: a single master (--quorum=1)';
    setView('overview', `
      <h1>Cluster</h1>
      <dl class="facts" id="overview-facts">
        <dt>Leading master</dt><dd id="leader">${master ? esc(`${master.hostname}:${master.port}`) +
            ` <span class="muted">${esc(master.id)}, version ${esc(master.version || '')}, since ` +
            `${esc(time(S.masterSince))}</span>` : 'unknown'}</dd>
        <dt>Standby masters</dt><dd id="standbys">${esc(standbys)}</dd>
        <dt>Agents</dt><dd id="agent-count">${S.agents.size} registered, ` +
            `${fmt(S.metrics['master/slaves_unreachable'] ?? 0, 0)} unreachable</dd>
        <dt>Frameworks</dt><dd>${S.frameworks.size} active, ${S.completedFrameworks.size} completed</dd>
        <dt>Tasks</dt><dd id="task-count">${S.tasks.size} active, ${S.completedTasks.length} completed</dd>
        <dt>Resources</dt><dd>total: ${esc(scalarsText(total))}<br>used: ${esc(scalarsText(used))}<br>
            offered: ${esc(scalarsText(offered) || 'nothing')}</dd>
        <dt>Event stream</dt><dd>${S.operatorEvents} operator events, ${S.shareEvents} share samples</dd>
      </dl>`);
  }

  function renderAgents() {
    const rows = [...S.agents.values()].map((a) => {
      const agentId = id(a.agent_info.id);
      const total = resources(a.total_resources);
      const used = usedOn((t) => id(t.agent_id) === agentId);
      const offered = resources(a.offered_resources);
      const free = {};
      for (const k of ['cpus', 'mem', 'disk']) {
        if (total[k] !== undefined) free[k] = Math.max(0, total[k] - (used[k] || 0) - (offered[k] || 0));
      }
      return {key: agentId, a, total, used, offered, free,
        tasks: [...S.tasks.values()].filter((t) => id(t.agent_id) === agentId).length};
    });
    const gone = [...S.goneAgents.entries()].map(([key, g]) => ({key, g}));
    setView('agents', `
      <h1>Agents <span class="muted">${S.agents.size} registered, ` +
        `${fmt(S.metrics['master/slaves_unreachable'] ?? 0, 0)} unreachable</span></h1>
      ${table('agents-table', [
        ['ID', (r) => esc(r.key), 'mono'],
        ['Host', (r) => esc(`${r.a.agent_info.hostname}:${r.a.agent_info.port}`)],
        ['Registered', (r) => esc(time(nanos(r.a.registered_time)))],
        ['Tasks', (r) => r.tasks, 'num'],
        ['CPUs used / total', (r) => `${fmt(r.used.cpus || 0)} / ${fmt(r.total.cpus)}`, 'num'],
        ['Mem used / total', (r) => `${mb(r.used.mem || 0)} / ${mb(r.total.mem)}`, 'num'],
        ['Disk used / total', (r) => `${mb(r.used.disk || 0)} / ${mb(r.total.disk)}`, 'num'],
        ['Offered', (r) => esc(scalarsText(r.offered))],
        ['Free', (r) => esc(scalarsText(r.free))],
        ['Ports', (r) => esc(r.total.ports || '')],
      ], rows, 'No agents registered.')}
      <h2>Unreachable or removed agents</h2>
      <p class="muted">The master counts ${fmt(S.metrics['master/slaves_unreachable'] ?? 0, 0)} unreachable ` +
        `agents; those removed while this page was open:</p>
      ${table('gone-agents-table', [
        ['ID', (r) => esc(r.key), 'mono'],
        ['Host', (r) => esc(r.g.agent ? `${r.g.agent.agent_info.hostname}:${r.g.agent.agent_info.port}` : '')],
        ['Removed', (r) => esc(r.g.removed.toLocaleString())],
      ], gone, 'None.')}`);
  }

  function frameworkRows(map) {
    return [...map.values()].map((f) => {
      const info = f.framework_info;
      const frameworkId = id(info.id);
      const roles = frameworkRoles(info);
      const offers = f.offers || [];
      const offered = offers.reduce((sum, o) => add(sum, resources(o.resources)), {});
      const share = lastSample()?.frameworks?.find((s) => s.framework_id === frameworkId);
      return {key: frameworkId, f, info, roles, offers, offered, share,
        tasks: [...S.tasks.values()].filter((t) => id(t.framework_id) === frameworkId).length,
        used: usedOn((t) => id(t.framework_id) === frameworkId)};
    });
  }

  function renderFrameworks() {
    const columns = [
      ['ID', (r) => esc(r.key), 'mono'],
      ['Name', (r) => esc(r.info.name)],
      ['Roles', (r) => esc(r.roles.join(', '))],
      ['Weight', (r) => esc(r.roles.map((role) => fmt(roleWeight(role))).join(', ')), 'num'],
      ['Quota', (r) => esc(r.roles.map(quotaText).filter(Boolean).join('; '))],
      ['Principal', (r) => esc(r.info.principal || '')],
      ['State', (r) => esc(r.f.active === false ? 'inactive' : r.f.connected === false ? 'disconnected' : 'active')],
      ['Tasks', (r) => r.tasks, 'num'],
      ['Used', (r) => esc(scalarsText(r.used))],
      ['Outstanding offers', (r) => `${r.offers.length}${r.offers.length ? ': ' + esc(scalarsText(r.offered)) : ''}`],
      ['Dominant share', (r) => r.share ? fmt(r.share.share, 3) : '', 'num'],
      ['Registered', (r) => esc(time(nanos(r.f.registered_time)))],
    ];
    setView('frameworks', `
      <h1>Frameworks <span class="muted">${S.frameworks.size} active</span></h1>
      ${table('frameworks-table', columns, frameworkRows(S.frameworks), 'No frameworks.')}
      <h2>Completed frameworks</h2>
      ${table('completed-frameworks-table', columns.slice(0, 3), frameworkRows(S.completedFrameworks), 'None.')}`);
  }

  function taskColumns() {
    return [
      ['ID', (r) => esc(id(r.t.task_id)), 'mono'],
      ['Name', (r) => esc(r.t.name)],
      ['Framework', (r) => esc(frameworkName(id(r.t.framework_id)))],
      ['Agent', (r) => esc(id(r.t.agent_id)), 'mono'],
      ['State', (r) => `<span class="state ${esc(r.t.state)}">${esc(r.t.state)}</span>`],
      ['Resources', (r) => esc(scalarsText(resources(r.t.resources)))],
      ['Sandbox', (r) => id(r.t.agent_id) ? `<a class="sandbox-link" href="#/sandbox?${new URLSearchParams({
        agent: id(r.t.agent_id), framework: id(r.t.framework_id), task: id(r.t.task_id)})}">browse</a>` : ''],
    ];
  }

  function taskRows(list) {
    return list.map((t) => ({key: taskKey(id(t.framework_id), id(t.task_id)), t}));
  }

  function renderTasks() {
    setView('tasks', `
      <h1>Tasks <span class="muted">${S.tasks.size} active, ${S.completedTasks.length} completed</span></h1>
      ${table('tasks-table', taskColumns(), taskRows([...S.tasks.values()]), 'No active tasks.')}
      <h2>Completed tasks</h2>
      ${table('completed-tasks-table', taskColumns(), taskRows(S.completedTasks.slice(0, 200)), 'None.')}`);
  }

  function renderRoles() {
    const sample = lastSample();
    const rows = S.roles.map((r) => ({key: r.name, r,
      share: sample?.roles?.find((s) => s.role === r.name)}));
    for (const role of S.quota.keys()) {
      if (!rows.some((row) => row.key === role)) {
        rows.push({key: role, r: {name: role, weight: 1, frameworks: []}});
      }
    }
    setView('roles', `
      <h1>Roles</h1>
      ${table('roles-table', [
        ['Role', (x) => esc(x.r.name)],
        ['Weight', (x) => fmt(x.r.weight ?? 1), 'num'],
        ['Frameworks', (x) => esc((x.r.frameworks || []).map((f) => frameworkName(id(f))).join(', '))],
        ['Allocated', (x) => esc(scalarsText(resources(x.r.resources)))],
        ['Quota', (x) => esc(quotaText(x.r.name))],
        ['Dominant share (weighted)', (x) => x.share ? fmt(x.share.share, 3) : '', 'num'],
      ], rows, 'No roles yet.')}`);
  }

  // ---------------------------------------------------------------- the share charts

  function destroyCharts() {
    for (const chart of Object.values(ui.charts)) {
      chart.plot.destroy();
    }
    ui.charts = {};
  }

  /** [times, series...] of the samples, one series per role or framework (null where it is absent). */
  function chartData(kind) {
    const samples = S.shares.samples;
    const keys = new Map();
    for (const s of samples) {
      for (const e of (kind === 'roles' ? s.roles : s.frameworks) || []) {
        const key = kind === 'roles' ? e.role : e.framework_id;
        if (!keys.has(key)) {
          keys.set(key, kind === 'roles' ? e.role : `${e.name || e.framework_id} (${e.role})`);
        }
      }
    }
    const data = [samples.map((s) => s.time)];
    for (const key of keys.keys()) {
      data.push(samples.map((s) => {
        const e = ((kind === 'roles' ? s.roles : s.frameworks) || [])
            .find((x) => (kind === 'roles' ? x.role : x.framework_id) === key);
        return e ? e.share : null;
      }));
    }
    return {labels: [...keys.values()], keys: [...keys.keys()], data};
  }

  function updateCharts() {
    if (current().page !== 'shares') {
      return;
    }
    for (const kind of ['roles', 'frameworks']) {
      const el = $('chart-' + kind);
      if (!el) {
        continue;
      }
      const {labels, keys, data} = chartData(kind);
      let chart = ui.charts[kind];
      if (chart && chart.keys.join('\n') !== keys.join('\n')) {
        chart.plot.destroy();
        chart = null;
      }
      if (!chart) {
        el.innerHTML = '';
        const plot = new uPlot({
          width: Math.max(400, el.clientWidth - 16), height: 260, legend: {live: false},
          scales: {y: {range: (u, min, max) => [0, Math.max(0.1, max * 1.1)]}},
          series: [{}, ...labels.map((label, i) => ({label, stroke: COLORS[i % COLORS.length], width: 2,
            value: (u, v) => v === null || v === undefined ? '-' : v.toFixed(3)}))],
          axes: [{}, {label: kind === 'roles' ? 'weighted dominant share' : 'dominant share'}],
        }, data, el);
        chart = ui.charts[kind] = {plot, keys};
      } else {
        chart.plot.setData(data);
      }
      chart.data = data;
    }
  }

  function renderShares() {
    if ($('view').dataset.page !== 'shares') {
      setView('shares', `
        <h1>Dominant share over time</h1>
        <p class="muted">Sampled every ${fmt(S.shares.interval)} s by the master (last ${S.shares.capacity}
          samples); the live stream is the vmesos extension API's SUBSCRIBE.</p>
        <h2>Per role</h2><div class="chart" id="chart-roles"></div>
        <h2>Per framework</h2><div class="chart" id="chart-frameworks"></div>
        <h2>Why pending</h2><div id="pending-panel"></div>
        <h2>Fragmentation</h2><div id="fragmentation-panel"></div>`);
    }
    updateCharts();
    renderFairnessPanels();
  }

  function renderFairnessPanels() {
    const pending = $('pending-panel');
    const fragmentation = $('fragmentation-panel');
    if (!pending || !fragmentation) {
      return;
    }
    if (S.pendingError) {
      pending.innerHTML = `<p class="error">${esc(S.pendingError)}</p>`;
    } else if (S.pending) {
      pending.innerHTML = table('pending-table', [
        ['Framework', (r) => esc(r.f.name || r.f.framework_id)],
        ['Role', (r) => esc(r.f.role)],
        ['Suppressed', (r) => r.f.suppressed ? 'yes' : 'no'],
        ['Since last used offer', (r) => r.f.seconds_since_last_used_offer === undefined ? 'never' :
            fmt(r.f.seconds_since_last_used_offer, 1) + ' s', 'num'],
        ['Held back by', (r) => (r.f.reasons || []).map((x) =>
            `<span class="reason ${esc(x.kind)}">${esc(x.kind)}</span> ${esc(x.message || '')}`).join('<br>')],
      ], (S.pending.frameworks || []).map((f) => ({key: f.framework_id, f})), 'No frameworks.');
    }
    if (S.fragmentationError) {
      fragmentation.innerHTML = `<p class="error">${esc(S.fragmentationError)}</p>`;
    } else if (S.fragmentation) {
      const total = S.fragmentation.total || {};
      fragmentation.innerHTML = `<p id="fragmentation-total">Free: ${esc(scalarsText(total.free || {}))};
        unusable by every framework: <strong>${esc(scalarsText(total.unusable || {})) || 'nothing'}</strong></p>` +
        table('fragmentation-table', [
          ['Agent', (r) => esc(r.a.hostname || r.a.agent_id)],
          ['Free', (r) => esc(scalarsText(r.a.free || {}))],
          ['Unusable', (r) => esc(scalarsText(r.a.unusable || {}))],
        ], (S.fragmentation.agents || []).map((a) => ({key: a.agent_id, a})), 'No agents.');
    }
  }

  // ---------------------------------------------------------------- the sandbox browser

  let sandboxShown = '';

  function renderSandbox() {
    const {params} = current();
    const agent = params.get('agent');
    const task = params.get('task');
    if (!agent || !task) {
      sandboxShown = '';
      const all = [...S.tasks.values(), ...S.completedTasks].filter((t) => id(t.agent_id));
      setView('sandbox', `<h1>Sandboxes</h1><p class="muted">Pick a task to browse its sandbox.</p>
        ${table('sandbox-tasks-table', taskColumns(), taskRows(all), 'No tasks.')}`);
      return;
    }
    // The sandbox view reads from agents, not from the event stream: drawn once per location.
    if (sandboxShown === location.hash && $('view').dataset.page === 'sandbox') {
      return;
    }
    sandboxShown = location.hash;
    setView('sandbox', `<h1>Sandbox of task <span class="mono">${esc(task)}</span></h1>
      <p class="muted">Agent <span class="mono">${esc(agent)}</span>, framework
        <span class="mono">${esc(params.get('framework') || '')}</span>; read through the master's relay.</p>
      <div id="sandbox-listing">Loading...</div><div id="sandbox-file"></div>`);
    showSandbox(agent, params.get('framework'), task, params.get('path'), params.get('file')).catch((e) => {
      $('sandbox-listing').innerHTML = `<p class="error" id="sandbox-error">${esc(e.message)}</p>`;
    });
  }

  async function get(url) {
    const response = await fetch(url, {credentials: 'same-origin'});
    if (!response.ok) {
      throw new Error(`${url}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    }
    return response.json();
  }

  /** The task's sandbox directory, from the agent's /state (as Mesos's UI finds it). */
  async function sandboxOf(agent, frameworkId, taskId) {
    const state = await get(`agents/${encodeURIComponent(agent)}/state`);
    const matches = (t) => t.id === taskId && (!frameworkId || t.framework_id === frameworkId);
    for (const f of state.frameworks || []) {
      for (const t of [...(f.tasks || []), ...(f.completed_tasks || [])]) {
        if (matches(t) && t.sandbox) return t.sandbox;
      }
      for (const e of [...(f.executors || []), ...(f.completed_executors || [])]) {
        if ([...(e.tasks || []), ...(e.completed_tasks || [])].some((t) => t.id === taskId) && e.directory) {
          return e.directory;
        }
      }
    }
    for (const t of state.completed_tasks || []) {
      if (matches(t) && t.sandbox) return t.sandbox;
    }
    throw new Error(`Agent ${agent} does not know task ${taskId} (its sandbox may have been removed)`);
  }

  function sandboxLink(path, file) {
    const params = current().params;
    params.set('path', path);
    if (file) params.set('file', file); else params.delete('file');
    return '#/sandbox?' + params.toString();
  }

  async function showSandbox(agent, frameworkId, taskId, path, file) {
    const root = await sandboxOf(agent, frameworkId, taskId);
    const dir = path && path.startsWith(root) ? path : root;
    const listing = await get(`agents/${encodeURIComponent(agent)}/files/browse?path=${encodeURIComponent(dir)}`);
    listing.sort((a, b) => a.path.localeCompare(b.path));
    const up = dir !== root ? `<a id="sandbox-up" href="${esc(sandboxLink(dir.replace(/\/[^/]+$/, '')))}">..</a>` : '';
    $('sandbox-listing').innerHTML = `<p class="mono" id="sandbox-dir">${esc(dir)}</p>${up}` +
      table('sandbox-table', [
        ['Name', (r) => {
          const name = r.e.path.split('/').pop();
          const isDir = String(r.e.mode || '').startsWith('d');
          return `<a class="${isDir ? 'sandbox-dir' : 'sandbox-file'}" data-name="${esc(name)}" href="${esc(isDir ?
              sandboxLink(r.e.path) : sandboxLink(dir, r.e.path))}">${esc(name)}${isDir ? '/' : ''}</a>`;
        }],
        ['Mode', (r) => esc(r.e.mode), 'mono'],
        ['Size', (r) => fmt(r.e.size, 0), 'num'],
        ['Modified', (r) => esc(time(r.e.mtime))],
        ['', (r) => String(r.e.mode || '').startsWith('d') ? '' :
            `<a href="agents/${encodeURIComponent(agent)}/files/download?path=${encodeURIComponent(r.e.path)}">download</a>`],
      ], listing.map((e) => ({key: e.path, e})), 'Empty directory.');
    if (file) {
      const entry = listing.find((e) => e.path === file);
      const length = 65536;
      const offset = entry && entry.size > length ? entry.size - length : 0;
      const read = await get(`agents/${encodeURIComponent(agent)}/files/read?path=${encodeURIComponent(file)}` +
          `&offset=${offset}&length=${length}`);
      $('sandbox-file').innerHTML = `<h2 class="mono">${esc(file.split('/').pop())}` +
        (offset ? ` <span class="muted">(last ${length} bytes)</span>` : '') + `</h2>` +
        `<pre id="file-content">${esc(read.data)}</pre>`;
    }
  }

  // ---------------------------------------------------------------- start

  window.addEventListener('hashchange', () => {
    renderNow();
  });
  window.addEventListener('resize', () => {
    destroyCharts();
    updateCharts();
  });
  renderNow();
  subscribe('api/v1', '', 'stream-status', onOperatorEvent);
  subscribe('api/v1/vmesos', 'shares: ', 'shares-status', onShareEvent);
})();
