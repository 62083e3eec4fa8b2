/** The page's panels drawn from one View, with the actions on their rows. */

function renderAll(v: View): void {
  renderModule(v.plugin);
  renderHealth(v.info, v.facts.events);
  renderKeys(v.keys, v.facts.keys_expiring);
  renderDlq(v.dlq);
  renderEvents(v.events);
  renderGdpr(v.gdpr);
  renderAudit(v.audit);
}

function changed(s: Switch): string {
  return s.changed_at
    ? t('module.changed') + ': ' + String(s.changed_by) + ', ' + when(s.changed_at)
    : '';
}
function renderModule(p: PluginStatus): void {
  $('module-switch').setAttribute('aria-checked', String(p.enabled));
  $('module-label').textContent = t(p.enabled ? 'module.on' : 'module.off');
  $('module-changed').textContent = changed(p);
  // SUPPORT_MODULE_ENABLED disagreeing with the stored switch: the rule that decides, as the daemon says it.
  const env = p.environment ?? { agrees: true };
  $('module-env').hidden = env.agrees;
  $('module-env').textContent = env.agrees ? '' : (env.detail ?? '');
  const b = p.capabilities?.booking ?? { enabled: true };
  $('booking-switch').setAttribute('aria-checked', String(b.enabled));
  $('booking-label').textContent = t(b.enabled ? 'booking.on' : 'booking.off');
  $('booking-changed').textContent = changed(b);
}

function renderHealth(info: Info, stats: Facts['events']): void {
  const s = info.support ?? {};
  const st = $('lifecycle-state');
  st.textContent = s.state ?? '?';
  st.className = 'state ' + (s.state ?? '').toLowerCase();
  $('lifecycle-detail').textContent = s.detail ?? '';
  $('lifecycle-checked').textContent = when(s.checked_at);
  $('lifecycle-next').textContent = when(s.next_check_at);
  $('queue-facts').textContent = t('health.queueFacts', stats);
  const rows = (s.components ?? []).map(function (c) {
    return el('tr', {}, [
      el('td', { text: c.component }),
      el('td', {}, [el('span', { class: 'badge ' + c.status, text: c.status })]),
      el('td', {
        text: c.latency_ms === null ? '–' : String(Math.round(c.latency_ms)) + ' ms',
      }),
      el('td', { class: 'clip', text: c.output }),
    ]);
  });
  fill($('components'), rows, 'health.output', 4);
}

function keyActions(k: Key): HTMLElement {
  if (k.status === 'revoked' || k.status === 'expired') return el('td', { class: 'actions' });
  const button = (action: string, cls: string | null, fn: () => void) =>
    el('button', {
      type: 'button',
      class: cls,
      'data-action': action,
      'data-id': k.id,
      text: t('keys.' + action),
      onclick: fn,
    });
  return el('td', { class: 'actions' }, [
    k.status === 'active' ? button('rotate', null, () => rotateKey(k.id)) : null,
    button('revoke', 'danger', () => revokeKey(k.id)),
  ]);
}
function renderKeys(keys: Key[], expiring: Facts['keys_expiring']): void {
  // Near expiry as health decides it (the window of KGC_SUPPORT_HEALTH_KEY_EXPIRY).
  const soonIds = new Set(expiring.map((e) => e.id));
  const rows = keys.map(function (k) {
    const soon = soonIds.has(k.id);
    const exp = el('td', { class: soon ? 'soon' : null }, [
      when(k.expires_at),
      soon ? el('span', { class: 'badge warn', text: t('keys.expiresSoon') }) : null,
    ]);
    return el('tr', { 'data-key': k.id }, [
      el('td', {}, [el('code', { text: k.id })]),
      el('td', { text: k.name }),
      el('td', {}, [el('code', { text: k.prefix + '…' })]),
      el('td', { class: 'clip', text: k.scopes.join(', ') }),
      el('td', {}, [el('span', { class: 'badge ' + k.status, text: k.status })]),
      exp,
      el('td', { text: when(k.last_used_at) }),
      keyActions(k),
    ]);
  });
  fill($('key-rows'), rows, 'keys.none', 8);
}
function showNewKey(secret: string): void {
  $('new-key-value').textContent = secret;
  $('new-key').hidden = false;
  $('new-key-copy').focus();
}
function rotateKey(id: string): void {
  const grace = window.prompt(t('keys.graceAsk'), '24h');
  if (grace === null) return;
  void act(op<{ api_key: string }>('keys.rotate', { id, grace: grace || '24h' }), (r) =>
    showNewKey(r.api_key),
  );
}
function revokeKey(id: string): void {
  if (!window.confirm(t('keys.revokeAsk', { id }))) return;
  void act(op('keys.revoke', { id }), () => toast(t('keys.revoked', { id })));
}

function statusBadge(e: EventRow): HTMLElement {
  return el('span', {
    class: 'badge ' + e.status,
    text: e.in_flight ? t('events.inFlight') : e.status,
  });
}
function inspectButton(id: string): HTMLElement {
  return el('button', {
    type: 'button',
    'data-action': 'inspect',
    'data-id': id,
    text: t('inspect'),
    onclick: () => inspect(id),
  });
}
function dlqRow(e: EventRow): HTMLElement {
  const box = el('input', {
    type: 'checkbox',
    'aria-label': t('dlq.select') + ' ' + e.id,
    'data-id': e.id,
    checked: selected.has(e.id),
  }) as HTMLInputElement;
  box.addEventListener('change', function () {
    if (box.checked) selected.add(e.id);
    else selected.delete(e.id);
  });
  const replayButton = el('button', {
    type: 'button',
    'data-action': 'replay',
    'data-id': e.id,
    text: t('dlq.replay'),
    onclick: () => replay({ ids: [e.id] }),
  });
  return el('tr', { 'data-event': e.id }, [
    el('td', {}, [box]),
    el('td', {}, [el('code', { text: e.id })]),
    el('td', { text: e.event }),
    el('td', {}, [statusBadge(e)]),
    el('td', { text: when(e.created_at) }),
    el('td', { text: String(e.attempts) }),
    el('td', {
      class: 'clip',
      text: e.last_error || (e.last_status ? 'HTTP ' + String(e.last_status) : ''),
    }),
    el('td', { class: 'actions' }, [inspectButton(e.id), replayButton]),
  ]);
}
function renderDlq(list: EventRow[]): void {
  const present = new Set(list.map((e) => e.id));
  selected.forEach(function (id) {
    if (!present.has(id)) selected.delete(id);
  });
  fill($('dlq-rows'), list.map(dlqRow), 'dlq.none', 8);
}
function replay(selector: ReplaySelector): void {
  void act(op<{ replayed: unknown[]; skipped: unknown[] }>('dlq.replay', selector), function (r) {
    toast(t('dlq.replayed', { n: r.replayed.length, skipped: r.skipped.length }));
  });
}

function renderEvents(list: EventRow[]): void {
  const rows = list.map(function (e) {
    return el('tr', { 'data-event': e.id, 'data-status': e.status }, [
      el('td', {}, [el('code', { text: e.id })]),
      el('td', { text: e.event }),
      el('td', {}, [statusBadge(e)]),
      el('td', { text: when(e.created_at) }),
      el('td', { text: String(e.attempts) }),
      el('td', { text: e.last_status === null ? '–' : String(e.last_status) }),
      el('td', { class: 'actions' }, [inspectButton(e.id)]),
    ]);
  });
  fill($('event-rows'), rows, 'events.none', 7);
}
function inspect(id: string): void {
  op<{ history: Attempt[] }>('events.show', { id })
    .then(function (d) {
      $('detail-id').textContent = id;
      const rows = d.history.map(function (a) {
        return el('tr', {}, [
          el('td', { text: String(a.attempt) }),
          el('td', { text: when(a.at) }),
          el('td', {}, [el('span', { class: 'badge ' + a.outcome, text: a.outcome })]),
          el('td', { text: a.status === null ? '–' : String(a.status) }),
          el('td', { text: String(Math.round(a.duration_ms)) }),
          el('td', { class: 'clip', text: a.error || a.response || '' }),
        ]);
      });
      fill($('detail-rows'), rows, 'detail.none', 6);
      $('detail').hidden = false;
      $('detail').focus();
    })
    .catch(function (err: unknown) {
      toast(t('error') + ': ' + messageOf(err), true);
    });
}

function renderGdpr(list: Erasure[]): void {
  const rows = list.map(function (g) {
    const steps = el(
      'ul',
      { class: 'steps' },
      g.steps.map((s) =>
        el('li', {}, [s.step + ': ', el('span', { class: 'badge ' + s.state, text: s.state })]),
      ),
    );
    return el('tr', {}, [
      el('td', {}, [el('code', { text: g.request_id })]),
      el('td', {}, [el('span', { class: 'badge ' + g.state, text: g.state })]),
      el('td', { text: g.reason }),
      el('td', { text: when(g.received_at) }),
      el('td', {}, [steps]),
    ]);
  });
  fill($('gdpr-rows'), rows, 'gdpr.none', 5);
}

function renderAudit(rows: AuditRow[]): void {
  const trs = rows.map(function (a) {
    return el('tr', {}, [
      el('td', { text: when(a.at) }),
      el('td', { text: a.kind }),
      el('td', { text: a.actor || a.key_id || '–' }),
      el('td', { text: (a.method ? a.method + ' ' : '') + a.route }),
      el('td', { text: a.resource_id || '–' }),
      el('td', { text: a.status === null ? '–' : String(a.status) }),
    ]);
  });
  fill($('audit-rows'), trs, 'audit.none', 6);
}
