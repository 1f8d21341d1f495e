// One upload figure on its own, for trying server settings: a new Onward server (embedded SQLite), a
// tus upload of N MiB in PATCHes of 8 MiB against the same bytes written with `fs` and sent to a bare
// HTTP server (the `files` section's upload, without its imports and exports). Server flags come from
// BENCH_SERVER_NODE_ARGS (for example `--max-semi-space-size=4 --trace-gc`; the server's log is
// bench/results/logs/01-upload.log), another build from BENCH_SERVER_MAIN.
// Usage: node bench/upload.mjs [--mib 1024]
import { parseArgs } from 'node:util';

import { benchUploadOnNewServer } from './lib/files-upload.mjs';
import { cleanupAll } from './lib/util.mjs';

const { values: flags } = parseArgs({ options: { mib: { type: 'string', default: '1024' } } });
try {
  console.log(JSON.stringify(await benchUploadOnNewServer('upload', Number(flags.mib) * 2 ** 20)));
} finally {
  await cleanupAll();
}
