/** The admin page's stylesheet: system fonts, high contrast, visible focus, no external resources. */
export const ADMIN_CSS = String.raw`
:root { --fg: #1d2430; --muted: #5b6575; --bg: #f4f6f9; --card: #fff; --line: #d8dee8; --accent: #0b5cad;
  --ok: #17703a; --warn: #8a5a00; --bad: #b3261e; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font-size: 15px; line-height: 1.45; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; z-index: 10; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.top { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: .75rem 1.25rem;
  background: #12335b; color: #fff; flex-wrap: wrap; }
.top h1 { font-size: 1.15rem; margin: 0; }
.top-actions { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.who { opacity: .85; }
main { padding: 1rem 1.25rem 3rem; display: grid; gap: 1rem; max-width: 1400px; margin: 0 auto; }
#app-view { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); }
#app-view[hidden] { display: none; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; overflow-x: auto; }
.card.narrow { max-width: 420px; margin: 2rem auto; }
.card h2 { font-size: 1.05rem; margin: 0 0 .75rem; }
.card h3 { font-size: .95rem; margin: 0 0 .5rem; }
.muted { color: var(--muted); }
.error { color: var(--bad); font-weight: 600; }
.env-warn { color: var(--warn); font-weight: 600; }
.row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-bottom: .75rem; }
form#login-form { display: grid; gap: .4rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .25rem .6rem; display: flex; gap: .6rem; flex-wrap: wrap; }
legend { font-size: .85rem; color: var(--muted); }
input, select, button { font: inherit; }
input:not([type=checkbox]), select { padding: .35rem .5rem; border: 1px solid #9aa5b5; border-radius: 5px; background: #fff; }
button { padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 5px; background: var(--accent); color: #fff; cursor: pointer; }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
.top button, .lang button { background: transparent; border-color: #9fb6d6; color: #fff; }
.lang button[aria-pressed=true] { background: #fff; color: #12335b; }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.actions { white-space: nowrap; }
td.actions button { margin-right: .25rem; padding: .2rem .55rem; }
td.clip { max-width: 28rem; white-space: normal; overflow-wrap: anywhere; }
td.soon { color: var(--warn); font-weight: 600; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85em; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 99px; font-size: .8rem; border: 1px solid currentColor; margin-left: .25rem; }
.badge.pass, .badge.delivered, .badge.active, .badge.done, .badge.completed { color: var(--ok); }
.badge.warn, .badge.pending, .badge.retry, .badge.rotated, .badge.partial, .badge.held, .badge.skipped { color: var(--warn); }
.badge.fail, .badge.dead, .badge.rejected, .badge.revoked, .badge.expired, .badge.failed { color: var(--bad); }
.state { padding: .1rem .5rem; border-radius: 4px; background: #e8edf4; }
.state.healthy, .state.active { background: #dff3e6; color: var(--ok); }
.state.degraded, .state.discovery { background: #fff1d6; color: var(--warn); }
.state.down { background: #fde2e0; color: var(--bad); }
.switch { display: inline-flex; align-items: center; gap: .6rem; background: #fff; color: var(--fg); border: 1px solid #9aa5b5; }
.switch .knob { width: 2.4rem; height: 1.3rem; border-radius: 99px; background: #b9c1cc; position: relative; }
.switch .knob::after { content: ""; position: absolute; top: .15rem; left: .15rem; width: 1rem; height: 1rem; border-radius: 50%; background: #fff; transition: left .15s; }
.switch[aria-checked=true] .knob { background: var(--ok); }
.switch[aria-checked=true] .knob::after { left: 1.25rem; }
.secret { border: 2px solid var(--warn); background: #fff8e8; border-radius: 6px; padding: .75rem; margin: .5rem 0 1rem; }
.secret code { display: block; font-size: 1rem; padding: .4rem; background: #fff; border: 1px dashed var(--warn); margin-bottom: .5rem; overflow-wrap: anywhere; }
.steps { margin: 0; padding-left: 1rem; }
.toast { position: fixed; right: 1rem; bottom: 1rem; background: #12335b; color: #fff; padding: .6rem 1rem; border-radius: 6px; max-width: 30rem; z-index: 5; }
.toast.bad { background: var(--bad); }
#keys, #dlq, #events, #detail, #gdpr, #audit { grid-column: 1 / -1; }
`;
