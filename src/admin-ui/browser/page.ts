/**
 * The page's state and its helpers: the texts, elements built with textContent only, and
 * the one way to the admin API (call, op, act).
 */
const TEXTS = window.KGC_I18N;
const EVENT_TYPES = [
  'rental.started',
  'rental.ended',
  'service.quote_ready',
  'service.repair_done',
  'order.arrived',
  'customer.deleted',
];
let toastTimer: number | undefined;
const selected = new Set<string>();

function $(id: string): HTMLElement {
  const n = document.getElementById(id);
  if (!n) throw new Error('the page has no #' + id);
  return n;
}
/** An input's or a select's element. */
function field(id: string): HTMLInputElement {
  return $(id) as HTMLInputElement;
}
function t(key: string, vars?: Record<string, unknown>): string {
  let s = TEXTS[lang]?.[key] || TEXTS.en[key] || key;
  if (vars)
    Object.keys(vars).forEach(function (k) {
      s = s.split('{' + k + '}').join(String(vars[k]));
    });
  return s;
}
function isLang(v: string | null): v is Lang {
  return v === 'hu' || v === 'en';
}
function pickLang(): Lang {
  const q = new URLSearchParams(location.search).get('lang');
  if (isLang(q)) return q;
  try {
    const saved = localStorage.getItem('kgc-admin-lang');
    if (isLang(saved)) return saved;
  } catch {
    /* private mode */
  }
  return 'hu';
}
function applyLang(): void {
  document.documentElement.lang = lang;
  document.querySelectorAll('[data-i18n]').forEach(function (n) {
    n.textContent = t(n.getAttribute('data-i18n') ?? '');
  });
  document.querySelectorAll('[data-lang]').forEach(function (b) {
    b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang));
  });
  document.title = t('title');
  if (lastView) renderAll(lastView);
}
function el(tag: string, attrs: Attrs, children?: readonly Child[]): HTMLElement {
  const n = document.createElement(tag);
  Object.keys(attrs).forEach(function (k) {
    const v = attrs[k];
    if (k === 'text') n.textContent = String(v);
    else if (typeof v === 'function') n.addEventListener('click', v);
    else if (v !== null && v !== undefined && v !== false) n.setAttribute(k, v === true ? '' : v);
  });
  (children ?? []).forEach(function (c) {
    if (c !== null) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  });
  return n;
}
function fill(tbody: HTMLElement, rows: HTMLElement[], emptyKey: string, cols: number): void {
  tbody.replaceChildren();
  if (rows.length === 0) {
    tbody.appendChild(
      el('tr', {}, [el('td', { colspan: String(cols), class: 'muted', text: t(emptyKey) })]),
    );
    return;
  }
  rows.forEach(function (r) {
    tbody.appendChild(r);
  });
}
function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(lang === 'hu' ? 'hu-HU' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}
function toast(msg: string, bad?: boolean): void {
  const n = $('toast');
  n.textContent = msg;
  n.className = bad ? 'toast bad' : 'toast';
  n.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(function () {
    n.hidden = true;
  }, 6000);
}
function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function call<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const init: RequestInit = { credentials: 'same-origin', headers };
  if (body !== undefined) {
    init.method = 'POST';
    headers['content-type'] = 'application/json';
    if (csrf) headers['x-csrf-token'] = csrf;
    init.body = JSON.stringify(body);
  }
  return fetch(path, init).then(function (res) {
    return res.text().then(function (text) {
      const data = (text ? JSON.parse(text) : null) as
        (T & { detail?: string; title?: string; code?: string }) | null;
      if (res.ok) return data as T;
      const err: AdminApiError = new Error(
        data?.detail ?? data?.title ?? 'HTTP ' + String(res.status),
      );
      err.status = res.status;
      if (data?.code) err.code = data.code;
      throw err;
    });
  });
}
function op<T>(name: string, input?: unknown): Promise<T> {
  return call<T>('/admin/api/ops/' + encodeURIComponent(name), input ?? {}).catch(function (
    err: AdminApiError,
  ) {
    if (err.status === 401) showLogin(t('sessionEnded'));
    throw err;
  });
}
function act<T>(promise: Promise<T>, done?: (r: T) => void): Promise<void> {
  return promise
    .then(function (r) {
      if (done) done(r);
      return refresh();
    })
    .catch(function (err: unknown) {
      toast(t('error') + ': ' + messageOf(err), true);
    });
}
