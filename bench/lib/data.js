// Bulk ERP data for the benchmarks: N customers with realistic names and phones,
// a rental for every fifth, a worklog for every third. Generated once per store
// (kept between runs), in chunks, with the trigram index built afterwards.

const FIRST = [
  'János',
  'Péter',
  'László',
  'István',
  'Zoltán',
  'Gábor',
  'Ferenc',
  'Attila',
  'Tamás',
  'Zsolt',
  'Éva',
  'Anna',
  'Katalin',
  'Erzsébet',
  'Ilona',
  'Mária',
  'Judit',
  'Ágnes',
  'Zsófia',
  'Eszter',
];
const LAST = [
  'Kovács',
  'Nagy',
  'Tóth',
  'Szabó',
  'Horváth',
  'Varga',
  'Kiss',
  'Molnár',
  'Németh',
  'Farkas',
  'Balogh',
  'Papp',
  'Takács',
  'Juhász',
  'Lakatos',
  'Mészáros',
  'Oláh',
  'Simon',
  'Rácz',
  'Fekete',
  'Szilágyi',
  'Török',
  'Fehér',
  'Balázs',
  'Gál',
  'Kis',
  'Szűcs',
  'Kocsis',
  'Orsós',
  'Pintér',
];

const sqlArray = (xs) => `ARRAY[${xs.map((x) => `'${x}'`).join(',')}]`;

export const benchPhone = (i) => `+3620${String(i).padStart(7, '0')}`;
export const benchWorklog = (i) => `M-B${i}`;

export async function ensureBulkData(db, n, log = () => {}) {
  const have = await db.query(`SELECT 1 FROM kgc_erp.customers WHERE id = $1`, [`C-B${n}`]);
  if (have.rows.length > 0) return false;
  const started = Date.now();
  await db.exec('DROP INDEX IF EXISTS kgc_erp.idx_customer_name_trgm');
  const chunk = 100_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await db.exec(`
      INSERT INTO kgc_erp.customers (id, name, phone, email, is_business, tax_number, id_card_number, balance, payment_status)
      SELECT 'C-B' || g,
             (${sqlArray(LAST)})[1 + g % ${LAST.length}] || ' ' || (${sqlArray(FIRST)})[1 + (g / ${LAST.length}) % ${FIRST.length}],
             '+3620' || lpad(g::text, 7, '0'), 'c' || g || '@example.com', g % 10 = 0,
             lpad((g::bigint * 7919 % 100000000)::text, 8, '0') || '-1-42', lpad(g::text, 6, '0') || 'AB', (g % 97) * 1000,
             CASE WHEN g % 50 = 0 THEN 'late' WHEN g % 97 = 0 THEN 'blocked' ELSE 'good' END
      FROM generate_series(${from}, ${to}) g
      ON CONFLICT (id) DO NOTHING;
      INSERT INTO kgc_erp.rentals (id, customer_id, machine_id, location_id, rental_start, rental_end, status)
      SELECT 'R-B' || g, 'C-B' || g, 'MAK-TV01', 'BP-01', date '2026-01-01' + (g % 300), date '2026-01-03' + (g % 300), 'active'
      FROM generate_series(${from}, ${to}) g WHERE g % 5 = 0
      ON CONFLICT (id) DO NOTHING;
      INSERT INTO kgc_erp.worklogs (id, customer_id, machine_name, machine_type, location_id, status, estimated_completion, quote_amount, quote_accepted, technician_notes)
      SELECT 'M-B' || g, 'C-B' || g, 'Husqvarna láncfűrész 450e', 'Láncfűrész', 'BP-01',
             (ARRAY['diagnosztika','árajánlat','javítás','kész'])[1 + g % 4], timestamptz '2026-02-01 17:00Z' + (g % 90) * interval '1 day',
             10000 + g % 50 * 500, g % 2 = 0, 'Lánc és láncvezető csere.'
      FROM generate_series(${from}, ${to}) g WHERE g % 3 = 0
      ON CONFLICT (id) DO NOTHING;`);
    log(`  generated ${to.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} customers`);
  }
  log('  building the trigram index');
  await db.exec(
    'CREATE INDEX IF NOT EXISTS idx_customer_name_trgm ON kgc_erp.customers USING gin (kgc_erp.fold(name) gin_trgm_ops); ANALYZE kgc_erp.customers; ANALYZE kgc_erp.rentals; ANALYZE kgc_erp.worklogs;',
  );
  log(`  data ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}

/** `count` pseudo-random members of 1..n, the same every run. */
export function sample(n, count, seed = 42) {
  let x = seed;
  const out = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1 + (x % n));
  }
  return out;
}
