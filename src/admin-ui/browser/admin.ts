/**
 * The admin page's script (served as /admin/assets/admin.js): browser code, no framework.
 * It renders with textContent only (never innerHTML), so nothing the daemon returns can
 * inject markup. Every action is one call to /admin/api/ops/<operation>, the same
 * operation the CLI runs.
 *
 * Four classic scripts (no import, no export) sharing one scope: types.ts, page.ts (state
 * and helpers), render.ts (the panels) and this file (login, refresh, the buttons, the
 * start). ./tsconfig.json type-checks them against the DOM, ESLint lints them like the
 * rest; scripts/admin-js.mjs joins them in that order inside one function and writes
 * ../assets/admin-js.generated.ts, which the daemon serves from memory
 * (test/admin-ui/admin-script.test.ts fails when it is stale).
 */

// The page's state that the user's actions change (page.ts reads it too).
let lang: Lang = pickLang();
let csrf: string | null = null;
let timer: number | null = null;
let lastView: View | null = null;

function showLogin(message: string): void {
  csrf = null;
  if (timer) {
    clearInterval(timer);
    timer = null;
  }
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  ['who', 'refresh', 'logout'].forEach(function (id) {
    $(id).hidden = true;
  });
  const e = $('login-error');
  e.hidden = !message;
  e.textContent = message || '';
  field('login-password').value = '';
  field('login-password').focus();
}
function showApp(user: string): Promise<void> {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('who').textContent = user;
  ['who', 'refresh', 'logout'].forEach(function (id) {
    $(id).hidden = false;
  });
  timer ??= window.setInterval(function () {
    refresh().catch(function () {});
  }, 5000);
  return refresh();
}

function refresh(): Promise<void> {
  const dlqInput: { limit: number; type?: string; since?: string } = { limit: 200 };
  if (field('dlq-type').value) dlqInput.type = field('dlq-type').value;
  if (field('dlq-since').value) dlqInput.since = field('dlq-since').value;
  return Promise.all([
    op<PluginStatus>('plugin.status'),
    call<Info>('/admin/api/info'),
    op<Facts>('health.facts'),
    op<Key[]>('keys.list', { all: false }),
    op<EventRow[]>('dlq.list', dlqInput),
    op<EventRow[]>('events.list', { limit: 25 }),
    op<Erasure[]>('gdpr.status', { limit: 20 }),
    op<AuditRow[]>('audit.query', { since: '7d', limit: 30 }),
  ]).then(function ([plugin, info, facts, keys, dlq, events, gdpr, audit]) {
    lastView = { plugin, info, facts, keys, dlq, events, gdpr, audit };
    renderAll(lastView);
    document.body.setAttribute('data-loaded', String(Date.now()));
  });
}

function selectKey(): void {
  const r = document.createRange();
  r.selectNodeContents($('new-key-value'));
  const sel = window.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(r);
  try {
    document.execCommand('copy');
    toast(t('keys.copied'));
  } catch {
    /* selected for a manual copy */
  }
}
function copyKey(): void {
  const text = $('new-key-value').textContent ?? '';
  if (navigator.clipboard && window.isSecureContext)
    navigator.clipboard.writeText(text).then(() => toast(t('keys.copied')), selectKey);
  else selectKey();
}

/** The login form, the language buttons, logout and refresh. */
function wireSession(): void {
  document.querySelectorAll('[data-lang]').forEach(function (b) {
    b.addEventListener('click', function () {
      const chosen = b.getAttribute('data-lang');
      if (!isLang(chosen)) return;
      lang = chosen;
      try {
        localStorage.setItem('kgc-admin-lang', lang);
      } catch {
        /* private mode */
      }
      applyLang();
    });
  });
  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    const login = { user: field('login-user').value, password: field('login-password').value };
    call<Session>('/admin/api/login', login)
      .then(function (s) {
        csrf = s.csrf;
        field('login-password').value = '';
        return showApp(s.user);
      })
      .catch(function (err: AdminApiError) {
        showLogin(
          err.status === 429
            ? t('login.limited')
            : err.status === 401
              ? t('login.failed')
              : err.message,
        );
      });
  });
  $('logout').addEventListener('click', function () {
    void call('/admin/api/logout', {}).finally(() => showLogin(''));
  });
  $('refresh').addEventListener('click', function () {
    refresh().catch((err: unknown) => toast(messageOf(err), true));
  });
}

/** The module and booking switches, and the key form with its one-time secret. */
function wireSwitchesAndKeys(): void {
  const flip = (id: string, input?: unknown) => () => {
    const on = $(id).getAttribute('aria-checked') === 'true';
    void act(op(on ? 'plugin.disable' : 'plugin.enable', input));
  };
  $('module-switch').addEventListener('click', flip('module-switch'));
  $('booking-switch').addEventListener('click', flip('booking-switch', { capability: 'booking' }));
  $('key-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    const scopes = Array.from(
      document.querySelectorAll<HTMLInputElement>('#key-form input[name=scope]:checked'),
      (c) => c.value,
    );
    const input = {
      name: field('key-name').value,
      scopes,
      expires_in: field('key-expiry').value,
    };
    void act(op<{ api_key: string }>('keys.create', input), function (r) {
      field('key-name').value = '';
      showNewKey(r.api_key);
    });
  });
  $('new-key-copy').addEventListener('click', copyKey);
  $('new-key-close').addEventListener('click', function () {
    $('new-key-value').textContent = '';
    $('new-key').hidden = true;
  });
}

/** The DLQ's filter, replay and purge, and the attempt detail. */
function wireDlq(): void {
  EVENT_TYPES.forEach(function (ty) {
    $('dlq-type').appendChild(el('option', { value: ty, text: ty }));
  });
  $('detail-close').addEventListener('click', function () {
    $('detail').hidden = true;
  });
  $('dlq-filter').addEventListener('submit', function (ev) {
    ev.preventDefault();
    void refresh();
  });
  $('dlq-replay-selected').addEventListener('click', function () {
    if (selected.size === 0) return toast(t('dlq.nothingSelected'), true);
    replay({ ids: Array.from(selected) });
  });
  $('dlq-replay-all').addEventListener('click', function () {
    const s: { type?: string; since?: string; all?: boolean } = {};
    if (field('dlq-type').value) s.type = field('dlq-type').value;
    if (field('dlq-since').value) s.since = field('dlq-since').value;
    if (!s.type && !s.since) s.all = true;
    replay(s);
  });
  $('dlq-purge-selected').addEventListener('click', function () {
    if (selected.size === 0) return toast(t('dlq.nothingSelected'), true);
    if (!window.confirm(t('dlq.purgeAsk', { n: selected.size }))) return;
    void act(op<{ purged: unknown[] }>('dlq.purge', { ids: Array.from(selected) }), (r) =>
      toast(t('dlq.purged', { n: r.purged.length })),
    );
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && !$('detail').hidden) $('detail').hidden = true;
  });
}

function boot(): void {
  applyLang();
  wireSession();
  wireSwitchesAndKeys();
  wireDlq();
  call<Session>('/admin/api/session')
    .then(function (s) {
      csrf = s.csrf;
      return showApp(s.user);
    })
    .catch(() => showLogin(''));
}
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
