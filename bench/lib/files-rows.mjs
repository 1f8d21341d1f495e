// Rows per second of import-orders and export-orders through Onward (the built server on
// PostgreSQL), each beside the raw driver (pg) doing the same work in one process: the import
// parses the same CSV with csv-parse and upserts the rows in multi-row INSERTs of 1,000 inside one
// transaction; the export reads the orders through a server-side cursor (DECLARE / FETCH 5,000) and
// writes the same CSV with csv-stringify. Peak RSS: the Onward server's (VmRSS sampled every 100 ms),
// and the bench process's for the raw runs.
// The `files` section of bench/run.mjs uses it (lib/files.mjs); alone: node bench/lib/files-rows.mjs [rows]
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';

import { cleanupAll, login, pgSchema, request, round, rssPeak, startOnward, stopChild, tempDir } from './util.mjs';

const HEADER = 'reference,date,customer,product,quantity,unit_price';
const CUSTOMERS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark'];
const PRODUCTS = ['Laptop Pro 14', 'Training Day', '"Antivirus, 1 Year"', 'Cloud Backup 1 TB'];

/** Writes `rows` valid order lines (references BENCH-…) to `path`, streaming. */
export async function writeOrdersCsv(path, rows) {
  async function* lines() {
    yield `${HEADER}\n`;
    let block = '';
    for (let i = 0; i < rows; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      block += `BENCH-${String(i + 1).padStart(8, '0')},2025-06-${day},${CUSTOMERS[i % 5]},${PRODUCTS[i % 4]},${(i % 9) + 1},${(i % 500) + 10}.50\n`;
      if (block.length > 1 << 16) {
        yield block;
        block = '';
      }
    }
    yield block;
  }
  await pipeline(lines(), createWriteStream(path));
}

async function runToEnd(base, token, body) {
  const started = await request('POST', `${base}/api/runs`, { body, token });
  if (started.status !== 202) throw new Error(`start: ${started.status} ${started.text}`);
  for (;;) {
    const res = await request('GET', `${base}/api/runs/${started.json.id}/wait?timeout=30`, {
      token,
      timeoutMs: 40_000,
    });
    if (['completed', 'failed', 'cancelled'].includes(res.json.status)) return res.json;
  }
}

/** Stores `path` as alice's completed upload, the way the tus route leaves one. */
async function insertUpload(client, schema, dataDir, owner, path) {
  const id = randomUUID();
  const fileName = 'bench-orders.csv';
  mkdirSync(join(dataDir, 'results', id), { recursive: true });
  await pipeline(createReadStream(path), createWriteStream(join(dataDir, 'results', id, fileName)));
  const now = new Date().toISOString();
  await client.query(
    `INSERT INTO ${schema}.runs (id, task, title, kind, owner_id, owner_username, mode, status, parameters, display, ` +
      `progress_percent, result, created_at, started_at, finished_at, version, attempts) ` +
      `VALUES ($1, 'upload', 'Upload', 'upload', $2, 'alice', 'background', 'completed', '{}', $3, 100, $4, $5, $5, $5, 1, 0)`,
    [
      id,
      owner,
      JSON.stringify({ fileName }),
      JSON.stringify({ type: 'file', fileName, contentType: 'text/csv', size: statSync(path).size }),
      now,
    ],
  );
  return id;
}

/** The raw driver's import: the same file parsed and upserted in one transaction. */
async function rawImport(client, schema, path) {
  const ids = async (table) =>
    new Map((await client.query(`SELECT id, name FROM ${schema}.${table}`)).rows.map((r) => [r.name, r.id]));
  const customers = await ids('customers');
  const products = await ids('products');
  const flush = async (batch) => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${r * 6 + c}`).join(', ')})`).join(', ');
    await client.query(
      `INSERT INTO ${schema}.orders (reference, customer_id, product_id, ordered_on, quantity, unit_price_cents) VALUES ${values} ` +
        'ON CONFLICT (reference) DO UPDATE SET customer_id = excluded.customer_id, product_id = excluded.product_id, ' +
        'ordered_on = excluded.ordered_on, quantity = excluded.quantity, unit_price_cents = excluded.unit_price_cents',
      batch.flat(),
    );
  };
  await client.query('BEGIN');
  let batch = [];
  for await (const r of createReadStream(path).pipe(parse({ columns: true, bom: true }))) {
    batch.push([
      r.reference,
      customers.get(r.customer),
      products.get(r.product),
      r.date,
      Number(r.quantity),
      Math.round(Number(r.unit_price) * 100),
    ]);
    if (batch.length === 1000) {
      await flush(batch);
      batch = [];
    }
  }
  await flush(batch);
  await client.query('COMMIT');
}

/** The raw driver's export: a server-side cursor, 5,000 rows a fetch, into csv-stringify. */
async function rawExport(client, schema, path) {
  const names = async (table) =>
    new Map((await client.query(`SELECT id, name FROM ${schema}.${table}`)).rows.map((r) => [r.id, r.name]));
  const customers = await names('customers');
  const products = await names('products');
  const csv = stringify({ header: true, columns: HEADER.split(','), bom: true });
  const done = pipeline(csv, createWriteStream(path));
  await client.query('BEGIN');
  await client.query(
    `DECLARE bench_orders NO SCROLL CURSOR FOR SELECT reference, ordered_on, customer_id, product_id, quantity, unit_price_cents FROM ${schema}.orders ORDER BY id`,
  );
  let rows = 0;
  for (;;) {
    const page = await client.query('FETCH 5000 FROM bench_orders');
    if (page.rows.length === 0) break;
    for (const o of page.rows) {
      const cents = o.unit_price_cents;
      const line = [
        o.reference,
        o.ordered_on,
        customers.get(o.customer_id),
        products.get(o.product_id),
        o.quantity,
        `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      ];
      if (!csv.write(line)) await new Promise((r) => csv.once('drain', r));
      rows++;
    }
  }
  await client.query('COMMIT');
  csv.end();
  await done;
  return rows;
}

/**
 * (a) import-orders of `rows` rows through Onward vs the raw driver, (b) export-orders of every order
 * vs the raw driver's cursor. Returns rows/s and peak RSS (MB) of each.
 */
export async function filesRows({ rows = 1_000_000, log = console.log, nodeArgs = [] } = {}) {
  const schema = await pgSchema();
  const dir = tempDir('files-rows');
  const csvPath = join(dir, 'orders.csv');
  await writeOrdersCsv(csvPath, rows);
  const onward = await startOnward('files-rows', { env: { DATABASE_URL: schema.url }, nodeArgs });
  const client = new pg.Client({ connectionString: schema.plainUrl });
  await client.connect();
  try {
    const token = await login(onward.base, 'alice');
    const me = await request('GET', `${onward.base}/api/auth/me`, { token });
    const upload = await insertUpload(client, schema.name, onward.dataDir, me.json.id, csvPath);

    let stopRss = rssPeak(onward.child.pid);
    let t0 = performance.now();
    const imported = await runToEnd(onward.base, token, {
      task: 'import-orders',
      parameters: { file: upload },
      mode: 'background',
    });
    const onwardImportS = (performance.now() - t0) / 1000;
    const onwardImportRss = stopRss();
    if (imported.status !== 'completed')
      throw new Error(`import ${imported.status}: ${JSON.stringify(imported.error)}`);
    log(`import-orders: ${imported.progress.message} in ${round(onwardImportS, 1)} s`);

    // The raw import upserts the same references (the same work as a second import through Onward would do).
    await client.query(`DELETE FROM ${schema.name}.orders WHERE reference LIKE 'BENCH-%'`);
    await client.query(`VACUUM ${schema.name}.orders`);
    stopRss = rssPeak();
    t0 = performance.now();
    await rawImport(client, schema.name, csvPath);
    const rawImportS = (performance.now() - t0) / 1000;
    const rawImportRss = stopRss();

    const total = Number((await client.query(`SELECT COUNT(*) AS n FROM ${schema.name}.orders`)).rows[0].n);
    stopRss = rssPeak(onward.child.pid);
    t0 = performance.now();
    const exported = await runToEnd(onward.base, token, { task: 'export-orders', parameters: { format: 'csv' } });
    const onwardExportS = (performance.now() - t0) / 1000;
    const onwardExportRss = stopRss();
    if (exported.status !== 'completed')
      throw new Error(`export ${exported.status}: ${JSON.stringify(exported.error)}`);

    stopRss = rssPeak();
    t0 = performance.now();
    await rawExport(client, schema.name, join(dir, 'raw-export.csv'));
    const rawExportS = (performance.now() - t0) / 1000;
    const rawExportRss = stopRss();

    const result = {
      rows,
      import: {
        onwardRowsPerS: Math.round(rows / onwardImportS),
        rawRowsPerS: Math.round(rows / rawImportS),
        ratio: round(rawImportS / onwardImportS, 2),
        onwardPeakRssMb: onwardImportRss,
        rawPeakRssMb: rawImportRss,
      },
      export: {
        rows: total,
        onwardRowsPerS: Math.round(total / onwardExportS),
        rawRowsPerS: Math.round(total / rawExportS),
        ratio: round(rawExportS / onwardExportS, 2),
        onwardPeakRssMb: onwardExportRss,
        rawPeakRssMb: rawExportRss,
      },
    };
    log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    await client.end();
    await stopChild(onward.child);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  filesRows({ rows: Number(process.argv[2] ?? 1_000_000) })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => cleanupAll());
}
