/**
 * Where an embedded engine's memory is, for /metrics: its WebAssembly heap (PostgreSQL's
 * shared buffers and working memory; it never shrinks) and its thread's JavaScript heap.
 * The process's own heap and resident size are the default metrics beside them.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../context/db.js';

export function registerEngineMetrics(registry: Registry, db: Db): void {
  const read = db.engineMemory?.bind(db);
  if (!read) return;
  new Gauge({
    name: 'kgc_support_store_engine_memory_bytes',
    help: "The embedded store engine's memory by part: wasm (its WebAssembly heap) or js_heap (its thread's JavaScript heap in use)",
    labelNames: ['part'],
    registers: [registry],
    async collect() {
      const m = await read().catch(() => undefined);
      if (!m) return;
      this.set({ part: 'wasm' }, m.wasm);
      this.set({ part: 'js_heap' }, m.js_heap);
    },
  });
}
