/**
 * The admin page's script: plain browser JavaScript, no framework, no build step.
 * It renders with textContent only (never innerHTML), so nothing the daemon returns
 * can inject markup. Every action is one call to /admin/api/ops/<operation>, the
 * same operation the CLI runs. Kept free of backticks and dollar-braces: it lives
 * in a TypeScript template string.
 */
export const ADMIN_JS = String.raw`(function () {
  'use strict';
  var TEXTS = window.KGC_I18N;
  var lang = pickLang();
  var csrf = null;
  var timer = null;
  var selected = new Set();
  var lastView = null;

  function $(id) { return document.getElementById(id); }
  function t(key, vars) {
    var s = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.en[key] || key;
    if (vars) Object.keys(vars).forEach(function (k) { s = s.split('{' + k + '}').join(String(vars[k])); });
    return s;
  }
  function pickLang() {
    var q = new URLSearchParams(location.search).get('lang');
    if (q === 'hu' || q === 'en') return q;
    try { var saved = localStorage.getItem('kgc-admin-lang'); if (saved === 'hu' || saved === 'en') return saved; } catch (e) { /* private mode */ }
    return 'hu';
  }
  function applyLang() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-lang]').forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang)); });
    document.title = t('title');
    if (lastView) renderAll(lastView);
  }
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'onclick') n.addEventListener('click', attrs[k]);
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return n;
  }
  function fill(tbody, rows, emptyKey, cols) {
    tbody.replaceChildren();
    if (rows.length === 0) { tbody.appendChild(el('tr', {}, [el('td', { colspan: String(cols), class: 'muted', text: t(emptyKey) })])); return; }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  function when(iso) {
    if (!iso) return '–';
    return new Date(iso).toLocaleString(lang === 'hu' ? 'hu-HU' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
  }
  function toast(msg, bad) {
    var n = $('toast');
    n.textContent = msg;
    n.className = bad ? 'toast bad' : 'toast';
    n.hidden = false;
    clearTimeout(toast.h);
    toast.h = setTimeout(function () { n.hidden = true; }, 6000);
  }

  function call(path, body) {
    var init = { credentials: 'same-origin', headers: {} };
    if (body !== undefined) {
      init.method = 'POST';
      init.headers['content-type'] = 'application/json';
      if (csrf) init.headers['x-csrf-token'] = csrf;
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = text ? JSON.parse(text) : null;
        if (res.ok) return data;
        var err = new Error((data && (data.detail || data.title)) || ('HTTP ' + res.status));
        err.status = res.status;
        err.code = data && data.code;
        throw err;
      });
    });
  }
  function op(name, input) {
    return call('/admin/api/ops/' + encodeURIComponent(name), input || {}).catch(function (err) {
      if (err.status === 401) { showLogin(t('sessionEnded')); }
      throw err;
    });
  }
  function act(promise, done) {
    return promise.then(function (r) { if (done) done(r); return refresh(); }).catch(function (err) { toast(t('error') + ': ' + err.message, true); });
  }

  function showLogin(message) {
    csrf = null;
    if (timer) { clearInterval(timer); timer = null; }
    $('app-view').hidden = true;
    $('login-view').hidden = false;
    ['who', 'refresh', 'logout'].forEach(function (id) { $(id).hidden = true; });
    var e = $('login-error');
    e.hidden = !message;
    e.textContent = message || '';
    $('login-password').value = '';
    $('login-password').focus();
  }
  function showApp(user) {
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    $('who').textContent = user;
    ['who', 'refresh', 'logout'].forEach(function (id) { $(id).hidden = false; });
    if (!timer) timer = setInterval(function () { refresh().catch(function () {}); }, 5000);
    return refresh();
  }

  function refresh() {
    var dlqType = $('dlq-type').value;
    var dlqSince = $('dlq-since').value;
    var dlqInput = { limit: 200 };
    if (dlqType) dlqInput.type = dlqType;
    if (dlqSince) dlqInput.since = dlqSince;
    return Promise.all([
      op('plugin.status'),
      call('/admin/api/info'),
      op('health.facts'),
      op('keys.list', { all: false }),
      op('dlq.list', dlqInput),
      op('events.list', { limit: 25 }),
      op('gdpr.status', { limit: 20 }),
      op('audit.query', { since: '7d', limit: 30 })
    ]).then(function (r) {
      lastView = { plugin: r[0], info: r[1], facts: r[2], keys: r[3], dlq: r[4], events: r[5], gdpr: r[6], audit: r[7] };
      renderAll(lastView);
      document.body.setAttribute('data-loaded', String(Date.now()));
    });
  }

  function renderAll(v) {
    renderModule(v.plugin);
    renderHealth(v.info, v.facts.events);
    renderKeys(v.keys, v.facts.keys_expiring);
    renderDlq(v.dlq);
    renderEvents(v.events);
    renderGdpr(v.gdpr);
    renderAudit(v.audit);
  }

  function renderModule(p) {
    var sw = $('module-switch');
    sw.setAttribute('aria-checked', String(p.enabled));
    $('module-label').textContent = t(p.enabled ? 'module.on' : 'module.off');
    $('module-changed').textContent = p.changed_at ? t('module.changed') + ': ' + p.changed_by + ', ' + when(p.changed_at) : '';
    // SUPPORT_MODULE_ENABLED disagreeing with the stored switch: the rule that decides, as the daemon says it.
    var env = p.environment || { agrees: true };
    $('module-env').hidden = env.agrees;
    $('module-env').textContent = env.agrees ? '' : env.detail;
    var b = (p.capabilities || {}).booking || { enabled: true };
    $('booking-switch').setAttribute('aria-checked', String(b.enabled));
    $('booking-label').textContent = t(b.enabled ? 'booking.on' : 'booking.off');
    $('booking-changed').textContent = b.changed_at ? t('module.changed') + ': ' + b.changed_by + ', ' + when(b.changed_at) : '';
  }

  function renderHealth(info, stats) {
    var s = info.support || {};
    var st = $('lifecycle-state');
    st.textContent = s.state || '?';
    st.className = 'state ' + String(s.state || '').toLowerCase();
    $('lifecycle-detail').textContent = s.detail || '';
    $('lifecycle-checked').textContent = when(s.checked_at);
    $('lifecycle-next').textContent = when(s.next_check_at);
    $('queue-facts').textContent = t('health.queueFacts', stats);
    fill($('components'), (s.components || []).map(function (c) {
      return el('tr', {}, [el('td', { text: c.component }), el('td', {}, [el('span', { class: 'badge ' + c.status, text: c.status })]),
        el('td', { text: c.latency_ms === null ? '–' : Math.round(c.latency_ms) + ' ms' }), el('td', { class: 'clip', text: c.output })]);
    }), 'health.output', 4);
  }

  function renderKeys(keys, expiring) {
    // Near expiry as health decides it (the window of KGC_SUPPORT_HEALTH_KEY_EXPIRY).
    var soonIds = new Set(expiring.map(function (e) { return e.id; }));
    fill($('key-rows'), keys.map(function (k) {
      var soon = soonIds.has(k.id);
      var exp = el('td', { class: soon ? 'soon' : null }, [when(k.expires_at), soon ? el('span', { class: 'badge warn', text: t('keys.expiresSoon') }) : null]);
      var actions = el('td', { class: 'actions' }, k.status === 'revoked' || k.status === 'expired' ? [] : [
        k.status === 'active' ? el('button', { type: 'button', 'data-action': 'rotate', 'data-id': k.id, text: t('keys.rotate'), onclick: function () { rotateKey(k.id); } }) : null,
        el('button', { type: 'button', class: 'danger', 'data-action': 'revoke', 'data-id': k.id, text: t('keys.revoke'), onclick: function () { revokeKey(k.id); } })
      ]);
      return el('tr', { 'data-key': k.id }, [el('td', {}, [el('code', { text: k.id })]), el('td', { text: k.name }), el('td', {}, [el('code', { text: k.prefix + '…' })]),
        el('td', { class: 'clip', text: k.scopes.join(', ') }), el('td', {}, [el('span', { class: 'badge ' + k.status, text: k.status })]), exp, el('td', { text: when(k.last_used_at) }), actions]);
    }), 'keys.none', 8);
  }
  function showNewKey(secret) {
    $('new-key-value').textContent = secret;
    $('new-key').hidden = false;
    $('new-key-copy').focus();
  }
  function rotateKey(id) {
    var grace = window.prompt(t('keys.graceAsk'), '24h');
    if (grace === null) return;
    act(op('keys.rotate', { id: id, grace: grace || '24h' }), function (r) { showNewKey(r.api_key); });
  }
  function revokeKey(id) {
    if (!window.confirm(t('keys.revokeAsk', { id: id }))) return;
    act(op('keys.revoke', { id: id }), function () { toast(t('keys.revoked', { id: id })); });
  }

  function statusBadge(e) { return el('span', { class: 'badge ' + e.status, text: e.in_flight ? t('events.inFlight') : e.status }); }
  function inspectButton(id) {
    return el('button', { type: 'button', 'data-action': 'inspect', 'data-id': id, text: t('inspect'), onclick: function () { inspect(id); } });
  }
  function renderDlq(list) {
    var present = new Set(list.map(function (e) { return e.id; }));
    selected.forEach(function (id) { if (!present.has(id)) selected.delete(id); });
    fill($('dlq-rows'), list.map(function (e) {
      var box = el('input', { type: 'checkbox', 'aria-label': t('dlq.select') + ' ' + e.id, 'data-id': e.id, checked: selected.has(e.id) });
      box.addEventListener('change', function () { if (box.checked) selected.add(e.id); else selected.delete(e.id); });
      return el('tr', { 'data-event': e.id }, [el('td', {}, [box]), el('td', {}, [el('code', { text: e.id })]), el('td', { text: e.event }), el('td', {}, [statusBadge(e)]),
        el('td', { text: when(e.created_at) }), el('td', { text: String(e.attempts) }), el('td', { class: 'clip', text: e.last_error || (e.last_status ? 'HTTP ' + e.last_status : '') }),
        el('td', { class: 'actions' }, [inspectButton(e.id), el('button', { type: 'button', 'data-action': 'replay', 'data-id': e.id, text: t('dlq.replay'), onclick: function () { replay({ ids: [e.id] }); } })])]);
    }), 'dlq.none', 8);
  }
  function replay(selector) {
    act(op('dlq.replay', selector), function (r) { toast(t('dlq.replayed', { n: r.replayed.length, skipped: r.skipped.length })); });
  }

  function renderEvents(list) {
    fill($('event-rows'), list.map(function (e) {
      return el('tr', { 'data-event': e.id, 'data-status': e.status }, [el('td', {}, [el('code', { text: e.id })]), el('td', { text: e.event }), el('td', {}, [statusBadge(e)]),
        el('td', { text: when(e.created_at) }), el('td', { text: String(e.attempts) }), el('td', { text: e.last_status === null ? '–' : String(e.last_status) }),
        el('td', { class: 'actions' }, [inspectButton(e.id)])]);
    }), 'events.none', 7);
  }
  function inspect(id) {
    op('events.show', { id: id }).then(function (d) {
      $('detail-id').textContent = id;
      fill($('detail-rows'), d.history.map(function (a) {
        return el('tr', {}, [el('td', { text: String(a.attempt) }), el('td', { text: when(a.at) }), el('td', {}, [el('span', { class: 'badge ' + a.outcome, text: a.outcome })]),
          el('td', { text: a.status === null ? '–' : String(a.status) }), el('td', { text: String(Math.round(a.duration_ms)) }), el('td', { class: 'clip', text: a.error || a.response || '' })]);
      }), 'detail.none', 6);
      $('detail').hidden = false;
      $('detail').focus();
    }).catch(function (err) { toast(t('error') + ': ' + err.message, true); });
  }

  function renderGdpr(list) {
    fill($('gdpr-rows'), list.map(function (g) {
      var steps = el('ul', { class: 'steps' }, g.steps.map(function (s) { return el('li', {}, [s.step + ': ', el('span', { class: 'badge ' + s.state, text: s.state })]); }));
      return el('tr', {}, [el('td', {}, [el('code', { text: g.request_id })]), el('td', {}, [el('span', { class: 'badge ' + g.state, text: g.state })]), el('td', { text: g.reason }),
        el('td', { text: when(g.received_at) }), el('td', {}, [steps])]);
    }), 'gdpr.none', 5);
  }

  function renderAudit(rows) {
    fill($('audit-rows'), rows.map(function (a) {
      return el('tr', {}, [el('td', { text: when(a.at) }), el('td', { text: a.kind }), el('td', { text: a.actor || a.key_id || '–' }),
        el('td', { text: (a.method ? a.method + ' ' : '') + a.route }), el('td', { text: a.resource_id || '–' }), el('td', { text: a.status === null ? '–' : String(a.status) })]);
    }), 'audit.none', 6);
  }

  function boot() {
    applyLang();
    document.querySelectorAll('[data-lang]').forEach(function (b) {
      b.addEventListener('click', function () {
        lang = b.getAttribute('data-lang');
        try { localStorage.setItem('kgc-admin-lang', lang); } catch (e) { /* private mode */ }
        applyLang();
      });
    });
    ['rental.started', 'rental.ended', 'service.quote_ready', 'service.repair_done', 'order.arrived', 'customer.deleted'].forEach(function (ty) {
      $('dlq-type').appendChild(el('option', { value: ty, text: ty }));
    });
    $('login-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      call('/admin/api/login', { user: $('login-user').value, password: $('login-password').value }).then(function (s) {
        csrf = s.csrf;
        $('login-password').value = '';
        return showApp(s.user);
      }).catch(function (err) {
        showLogin(err.status === 429 ? t('login.limited') : err.status === 401 ? t('login.failed') : err.message);
      });
    });
    $('logout').addEventListener('click', function () { call('/admin/api/logout', {}).finally(function () { showLogin(''); }); });
    $('refresh').addEventListener('click', function () { refresh().catch(function (err) { toast(err.message, true); }); });
    $('module-switch').addEventListener('click', function () {
      var on = $('module-switch').getAttribute('aria-checked') === 'true';
      act(op(on ? 'plugin.disable' : 'plugin.enable'));
    });
    $('booking-switch').addEventListener('click', function () {
      var on = $('booking-switch').getAttribute('aria-checked') === 'true';
      act(op(on ? 'plugin.disable' : 'plugin.enable', { capability: 'booking' }));
    });
    $('key-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var scopes = Array.prototype.map.call(document.querySelectorAll('#key-form input[name=scope]:checked'), function (c) { return c.value; });
      act(op('keys.create', { name: $('key-name').value, scopes: scopes, expires_in: $('key-expiry').value }), function (r) { $('key-name').value = ''; showNewKey(r.api_key); });
    });
    $('new-key-copy').addEventListener('click', function () {
      var text = $('new-key-value').textContent;
      var done = function () { toast(t('keys.copied')); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () { selectKey(); });
      else selectKey();
    });
    $('new-key-close').addEventListener('click', function () { $('new-key-value').textContent = ''; $('new-key').hidden = true; });
    $('detail-close').addEventListener('click', function () { $('detail').hidden = true; });
    $('dlq-filter').addEventListener('submit', function (ev) { ev.preventDefault(); refresh(); });
    $('dlq-replay-selected').addEventListener('click', function () {
      if (selected.size === 0) return toast(t('dlq.nothingSelected'), true);
      replay({ ids: Array.from(selected) });
    });
    $('dlq-replay-all').addEventListener('click', function () {
      var s = {};
      if ($('dlq-type').value) s.type = $('dlq-type').value;
      if ($('dlq-since').value) s.since = $('dlq-since').value;
      if (!s.type && !s.since) s.all = true;
      replay(s);
    });
    $('dlq-purge-selected').addEventListener('click', function () {
      if (selected.size === 0) return toast(t('dlq.nothingSelected'), true);
      if (!window.confirm(t('dlq.purgeAsk', { n: selected.size }))) return;
      act(op('dlq.purge', { ids: Array.from(selected) }), function (r) { toast(t('dlq.purged', { n: r.purged.length })); });
    });
    document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && !$('detail').hidden) $('detail').hidden = true; });
    call('/admin/api/session').then(function (s) { csrf = s.csrf; return showApp(s.user); }).catch(function () { showLogin(''); });
  }
  function selectKey() {
    var r = document.createRange();
    r.selectNodeContents($('new-key-value'));
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    try { document.execCommand('copy'); toast(t('keys.copied')); } catch (e) { /* selected for a manual copy */ }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
`;
