// The `files` section of bench/run.mjs: uploads, imports and exports, each beside the same work
// without Onward, in the same run.
// - upload: a tus upload over loopback (PATCHes of 8 MiB) against the same bytes written with `fs`, and
//   against the same PATCHes to a bare HTTP server writing them to a file;
// - import: import-orders of N rows against the raw pg driver upserting the same rows in one transaction;
// - export: export-orders of every order against a raw pg cursor writing the same CSV;
// - the server's peak RSS during each (target: under 300 MB whatever the size).
// Each figure is one measurement per repetition (an upload of 1 GiB, an import of 1M rows take minutes).
import { benchUploadOnNewServer } from './files-upload.mjs';
import { filesRows } from './files-rows.mjs';
import { agg } from './util.mjs';

const MIB = 2 ** 20;
/**
 * The heap bound of the second import/export measurement (`--max-old-space-size`, as the README's
 * deployment section suggests for a memory budget): without one, V8 lets the old generation grow to
 * about 260 MB under an import's allocation rate before it collects, though little of it is live.
 */
const HEAP_BOUND_MB = 160;
const one = (v) => ({ median: v, min: v, max: v, reps: [v] });

export async function sectionFiles({ opts, row, log }) {
  const bytes = (opts.quick ? 256 : 1024) * MIB;
  const rows = opts.quick ? 100_000 : 1_000_000;
  const raw = { upload: [], rows: [], bounded: [] };
  for (let rep = 0; rep < Math.min(opts.reps, 2); rep++) {
    const upload = await benchUploadOnNewServer(`files-upload-${rep}`, bytes);
    log(`files upload rep ${rep + 1}: ${JSON.stringify(upload)}`);
    raw.upload.push(upload);
    const measured = await filesRows({ rows, log: () => undefined });
    log(`files rows rep ${rep + 1}: ${JSON.stringify(measured)}`);
    raw.rows.push(measured);
    const bounded = await filesRows({
      rows,
      log: () => undefined,
      nodeArgs: [`--max-old-space-size=${HEAP_BOUND_MB}`],
    });
    log(`files rows, heap bounded to ${HEAP_BOUND_MB} MB, rep ${rep + 1}: ${JSON.stringify(bounded)}`);
    raw.bounded.push(bounded);
  }
  const size = `${bytes / MIB} MiB`;
  row(
    'files',
    `upload throughput, ${size}`,
    agg(raw.upload.map((u) => u.onwardMBps)),
    agg(raw.upload.map((u) => u.rawFsMBps)),
    'MB/s',
    '≥ 0.5× raw fs',
    `a tus upload over loopback in PATCHes of 8 MiB on embedded SQLite; baseline: the same bytes written with fs`,
  );
  row(
    'files',
    `upload throughput, ${size}, against a bare HTTP server`,
    agg(raw.upload.map((u) => u.onwardMBps)),
    agg(raw.upload.map((u) => u.bareHttpMBps)),
    'MB/s',
    'reported',
    'baseline: the same PATCHes to a node:http server piping each request into the file (no tus, auth, database)',
  );
  row('files', 'upload: server peak RSS', agg(raw.upload.map((u) => u.peakRssMB)), one(NaN), 'MB', '< 300 MB');
  row(
    'files',
    `import-orders, ${rows.toLocaleString('en-US')} rows`,
    agg(raw.rows.map((r) => r.import.onwardRowsPerS)),
    agg(raw.rows.map((r) => r.import.rawRowsPerS)),
    'rows/s',
    '≥ 0.5× raw driver',
    'PostgreSQL; baseline: csv-parse and multi-row upserts of 1,000 in one transaction with raw pg',
  );
  row(
    'files',
    'import: server peak RSS',
    agg(raw.rows.map((r) => r.import.onwardPeakRssMb)),
    one(NaN),
    'MB',
    '< 300 MB',
  );
  row(
    'files',
    'export-orders, every order to CSV',
    agg(raw.rows.map((r) => r.export.onwardRowsPerS)),
    agg(raw.rows.map((r) => r.export.rawRowsPerS)),
    'rows/s',
    '≥ 0.5× raw driver',
    'PostgreSQL; baseline: a raw pg cursor (FETCH 5,000) through csv-stringify to a file',
  );
  row(
    'files',
    'export: server peak RSS',
    agg(raw.rows.map((r) => r.export.onwardPeakRssMb)),
    one(NaN),
    'MB',
    '< 300 MB',
  );
  const bound = `heap bounded to ${HEAP_BOUND_MB} MB`;
  for (const [what, key] of [
    ['import-orders', 'import'],
    ['export-orders', 'export'],
  ]) {
    row(
      'files',
      `${what}, ${bound}`,
      agg(raw.bounded.map((r) => r[key].onwardRowsPerS)),
      agg(raw.bounded.map((r) => r[key].rawRowsPerS)),
      'rows/s',
      '≥ 0.5× raw driver',
      `the same, the server started with --max-old-space-size=${HEAP_BOUND_MB}`,
    );
    row(
      'files',
      `${key}: server peak RSS, ${bound}`,
      agg(raw.bounded.map((r) => r[key].onwardPeakRssMb)),
      one(NaN),
      'MB',
      '< 300 MB',
    );
  }
  return raw;
}
