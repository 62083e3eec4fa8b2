// The daemon's memory by part, read from its /metrics: its resident size, the main
// thread's JavaScript heap and the memory V8 holds outside it (buffers), and for the
// embedded store the engine's WebAssembly heap and its thread's JavaScript heap.
// Resident size is the kernel's figure (VmRSS); the rest are what the runtime reports.
const MB = 1024 * 1024;

const gauge = (text, name) => {
  const m = new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text);
  return m ? Number(m[1]) / MB : undefined;
};

/** MB figures from a /metrics text; a part the daemon does not report is undefined. */
export function memoryParts(metricsText) {
  return {
    rss: gauge(metricsText, 'kgc_support_process_resident_memory_bytes'),
    heap_used: gauge(metricsText, 'kgc_support_nodejs_heap_size_used_bytes'),
    heap_total: gauge(metricsText, 'kgc_support_nodejs_heap_size_total_bytes'),
    external: gauge(metricsText, 'kgc_support_nodejs_external_memory_bytes'),
    engine_wasm: gauge(metricsText, 'kgc_support_store_engine_memory_bytes\\{part="wasm"\\}'),
    engine_js_heap: gauge(metricsText, 'kgc_support_store_engine_memory_bytes\\{part="js_heap"\\}'),
  };
}

/** "wasm 128, engine JS 13, heap 40/60, external 5 MB": the parts that are reported. */
export function describeParts(p) {
  const f = (x) => Math.round(x);
  return [
    p.engine_wasm !== undefined ? `engine wasm ${f(p.engine_wasm)}` : '',
    p.engine_js_heap !== undefined ? `engine JS heap ${f(p.engine_js_heap)}` : '',
    p.heap_used !== undefined ? `JS heap ${f(p.heap_used)}/${f(p.heap_total ?? 0)}` : '',
    p.external !== undefined ? `external ${f(p.external)}` : '',
  ]
    .filter(Boolean)
    .join(', ')
    .concat(' MB');
}
