/**
 * The lifecycle in /metrics: one gauge per state (1 for the current one), when it was
 * entered and when Support was last checked. Read from the monitor at scrape time.
 */
import { Gauge, type Registry } from 'prom-client';
import type { LifecycleView } from './health.schema.js';
import { LIFECYCLE_STATES } from './health.schema.js';

export function registerLifecycleMetrics(registry: Registry, view: () => LifecycleView): void {
  const registers = [registry];
  const seconds = (iso: string | null) => (iso === null ? 0 : Date.parse(iso) / 1000);
  new Gauge({
    name: 'kgc_support_plugin_state',
    help: `The Support module's lifecycle state: 1 for the current one of ${LIFECYCLE_STATES.join(', ')}`,
    labelNames: ['state'],
    registers,
    collect() {
      const s = view().state;
      for (const x of LIFECYCLE_STATES) this.set({ state: x }, x === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kgc_support_plugin_state_since_seconds',
    help: 'When the Support module entered its current lifecycle state (Unix time)',
    registers,
    collect() {
      this.set(seconds(view().since));
    },
  });
  new Gauge({
    name: 'kgc_support_support_last_check_seconds',
    help: "When the daemon last checked Support's health (Unix time; 0 before the first check)",
    registers,
    collect() {
      this.set(seconds(view().checked_at));
    },
  });
}
