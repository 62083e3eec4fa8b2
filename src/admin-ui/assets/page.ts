/**
 * The admin page's one HTML document. Every text carries a data-i18n key (i18n.ts);
 * the script fills them in Hungarian by default or in English. No inline script or
 * style (the Content-Security-Policy forbids both), nothing from outside the daemon.
 */
export const ADMIN_HTML = `<!doctype html>
<html lang="hu">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KGC Support</title>
<link rel="stylesheet" href="/admin/assets/admin.css">
<script src="/admin/assets/i18n.js" defer></script>
<script src="/admin/assets/admin.js" defer></script>
</head>
<body>
<a class="skip" href="#main" data-i18n="skip">Ugrás a tartalomra</a>
<header class="top">
  <h1><span data-i18n="title">KGC Support – bővítménykezelő</span></h1>
  <div class="top-actions">
    <div role="group" aria-label="Nyelv / Language" class="lang">
      <button type="button" data-lang="hu" aria-pressed="true">HU</button>
      <button type="button" data-lang="en" aria-pressed="false">EN</button>
    </div>
    <span id="who" class="who" hidden></span>
    <button type="button" id="refresh" hidden data-i18n="refresh">Frissítés</button>
    <button type="button" id="logout" hidden data-i18n="logout">Kijelentkezés</button>
  </div>
</header>
<div id="toast" role="status" aria-live="polite" class="toast" hidden></div>
<main id="main" tabindex="-1">
<section id="login-view" class="card narrow" aria-labelledby="login-h" hidden>
  <h2 id="login-h" data-i18n="login.title">Bejelentkezés</h2>
  <p class="muted" data-i18n="login.hint">A jelszót a szerveren adja ki: kgc-support admin password</p>
  <form id="login-form" autocomplete="on">
    <label for="login-user" data-i18n="login.user">Felhasználó</label>
    <input id="login-user" name="user" value="admin" autocomplete="username" required>
    <label for="login-password" data-i18n="login.password">Jelszó</label>
    <input id="login-password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit" id="login-submit" data-i18n="login.submit">Belépés</button>
    <p id="login-error" class="error" role="alert" hidden></p>
  </form>
</section>
<div id="app-view" hidden>
<section class="card" aria-labelledby="module-h" id="module">
  <h2 id="module-h" data-i18n="module.title">Support modul</h2>
  <div class="row">
    <button type="button" role="switch" id="module-switch" aria-checked="false" class="switch">
      <span class="knob" aria-hidden="true"></span><span id="module-label"></span>
    </button>
    <span id="module-changed" class="muted"></span>
  </div>
  <p class="muted" data-i18n="module.help">Kikapcsolva a Pull API 503-at ad, az események kihagyottként rögzülnek, és később sem mennek ki.</p>
  <p id="module-env" class="env-warn" role="status" hidden></p>
  <div class="row">
    <button type="button" role="switch" id="booking-switch" aria-checked="true" class="switch" aria-describedby="booking-help">
      <span class="knob" aria-hidden="true"></span><span id="booking-label"></span>
    </button>
    <span id="booking-changed" class="muted"></span>
  </div>
  <p class="muted" id="booking-help" data-i18n="booking.help">Csak az időpontfoglalás (POST /api/service/appointments): kikapcsolva 503-at ad, a lekérdezések mennek tovább.</p>
</section>
<section class="card" aria-labelledby="health-h" id="health">
  <h2 id="health-h" data-i18n="health.title">Állapot és ellenőrzések</h2>
  <p><span data-i18n="health.state">Életciklus</span>: <strong id="lifecycle-state" class="state"></strong>
    <span id="lifecycle-detail" class="muted"></span></p>
  <p class="muted"><span data-i18n="health.checked">Utolsó ellenőrzés</span>: <span id="lifecycle-checked"></span>
    · <span data-i18n="health.next">Következő</span>: <span id="lifecycle-next"></span>
    · <span data-i18n="health.queue">Sor</span>: <span id="queue-facts"></span></p>
  <table><thead><tr><th data-i18n="health.component">Összetevő</th><th data-i18n="col.status">Állapot</th><th data-i18n="health.latency">Válaszidő</th><th data-i18n="health.output">Eredmény</th></tr></thead>
  <tbody id="components"></tbody></table>
</section>
<section class="card" aria-labelledby="keys-h" id="keys">
  <h2 id="keys-h" data-i18n="keys.title">API-kulcsok</h2>
  <form id="key-form" class="inline">
    <label for="key-name" data-i18n="keys.name">Név</label>
    <input id="key-name" required maxlength="100" placeholder="koko-chatbot">
    <fieldset><legend data-i18n="keys.scopes">Jogosultságok</legend>
      <label><input type="checkbox" name="scope" value="support:read" checked> support:read</label>
      <label><input type="checkbox" name="scope" value="support:appointments"> support:appointments</label>
      <label><input type="checkbox" name="scope" value="erp:publish"> erp:publish</label>
      <label><input type="checkbox" name="scope" value="erp:gdpr"> erp:gdpr</label>
    </fieldset>
    <label for="key-expiry" data-i18n="keys.expiresIn">Lejárat</label>
    <select id="key-expiry"><option value="30d">30 d</option><option value="90d" selected>90 d</option><option value="365d">365 d</option></select>
    <button type="submit" id="key-create" data-i18n="keys.create">Kulcs létrehozása</button>
  </form>
  <div id="new-key" class="secret" role="region" aria-labelledby="new-key-h" hidden>
    <h3 id="new-key-h" data-i18n="keys.once">Az új kulcs: csak most látható, mentse el!</h3>
    <code id="new-key-value"></code>
    <button type="button" id="new-key-copy" data-i18n="keys.copy">Másolás</button>
    <button type="button" id="new-key-close" data-i18n="close">Bezárás</button>
  </div>
  <table><thead><tr><th>ID</th><th data-i18n="keys.name">Név</th><th data-i18n="keys.prefix">Előtag</th><th data-i18n="keys.scopes">Jogosultságok</th><th data-i18n="col.status">Állapot</th><th data-i18n="keys.expires">Lejár</th><th data-i18n="keys.lastUsed">Utoljára használva</th><th data-i18n="col.actions">Műveletek</th></tr></thead>
  <tbody id="key-rows"></tbody></table>
</section>
<section class="card" aria-labelledby="dlq-h" id="dlq">
  <h2 id="dlq-h" data-i18n="dlq.title">Kézbesíthetetlen események (DLQ)</h2>
  <form id="dlq-filter" class="inline">
    <label for="dlq-type" data-i18n="col.type">Típus</label>
    <select id="dlq-type"><option value="" data-i18n="dlq.anyType">mind</option></select>
    <label for="dlq-since" data-i18n="dlq.since">Mióta</label>
    <select id="dlq-since"><option value="">—</option><option value="1h">1 h</option><option value="24h">24 h</option><option value="7d">7 d</option></select>
    <button type="submit" data-i18n="dlq.filter">Szűrés</button>
  </form>
  <div class="row">
    <button type="button" id="dlq-replay-selected" data-i18n="dlq.replaySelected">Kijelöltek újraküldése</button>
    <button type="button" id="dlq-replay-all" data-i18n="dlq.replayAll">Szűrtek újraküldése</button>
    <button type="button" id="dlq-purge-selected" class="danger" data-i18n="dlq.purgeSelected">Kijelöltek törlése</button>
  </div>
  <table><thead><tr><th><span class="sr" data-i18n="dlq.select">Kijelölés</span></th><th>ID</th><th data-i18n="col.type">Típus</th><th data-i18n="col.status">Állapot</th><th data-i18n="col.created">Létrehozva</th><th data-i18n="col.attempts">Próbálkozás</th><th data-i18n="col.lastError">Utolsó hiba</th><th data-i18n="col.actions">Műveletek</th></tr></thead>
  <tbody id="dlq-rows"></tbody></table>
</section>
<section class="card" aria-labelledby="events-h" id="events">
  <h2 id="events-h" data-i18n="events.title">Legutóbbi események és kézbesítésük</h2>
  <table><thead><tr><th>ID</th><th data-i18n="col.type">Típus</th><th data-i18n="col.status">Állapot</th><th data-i18n="col.created">Létrehozva</th><th data-i18n="col.attempts">Próbálkozás</th><th data-i18n="events.lastStatus">HTTP</th><th data-i18n="col.actions">Műveletek</th></tr></thead>
  <tbody id="event-rows"></tbody></table>
</section>
<section class="card" aria-labelledby="detail-h" id="detail" hidden tabindex="-1">
  <h2 id="detail-h"><span data-i18n="detail.title">Kézbesítési kísérletek</span>: <code id="detail-id"></code></h2>
  <table><thead><tr><th>#</th><th data-i18n="detail.at">Időpont</th><th data-i18n="detail.outcome">Kimenet</th><th>HTTP</th><th data-i18n="detail.duration">Idő (ms)</th><th data-i18n="detail.response">Válasz / hiba</th></tr></thead>
  <tbody id="detail-rows"></tbody></table>
  <button type="button" id="detail-close" data-i18n="close">Bezárás</button>
</section>
<section class="card" aria-labelledby="gdpr-h" id="gdpr">
  <h2 id="gdpr-h" data-i18n="gdpr.title">GDPR törlési kérelmek</h2>
  <table><thead><tr><th>ID</th><th data-i18n="col.status">Állapot</th><th data-i18n="gdpr.reason">Ok</th><th data-i18n="gdpr.received">Beérkezett</th><th data-i18n="gdpr.steps">Lépések</th></tr></thead>
  <tbody id="gdpr-rows"></tbody></table>
</section>
<section class="card" aria-labelledby="audit-h" id="audit">
  <h2 id="audit-h" data-i18n="audit.title">Napló (legutóbbi sorok)</h2>
  <table><thead><tr><th data-i18n="detail.at">Időpont</th><th data-i18n="audit.kind">Fajta</th><th data-i18n="audit.who">Ki</th><th data-i18n="audit.what">Mit</th><th data-i18n="audit.resource">Erőforrás</th><th data-i18n="col.status">Állapot</th></tr></thead>
  <tbody id="audit-rows"></tbody></table>
</section>
</div>
</main>
</body>
</html>
`;
