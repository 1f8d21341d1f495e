#!/usr/bin/env node
// Starts a local Onward cluster: 2 API processes (ports 3000 and 3001) and 2 workers, sharing the
// machine's Redis and PostgreSQL. Override REDIS_URL / DATABASE_URL / ONWARD_DATA_DIR / PORT as usual.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { SERVER_NODE_FLAGS } from './server-node-flags.mjs';

const main = resolve('dist/apps/server/main.js');
if (!existsSync(main)) {
  console.error('dist/apps/server/main.js is missing: run `npm run build` first (npm run start:cluster does).');
  process.exit(1);
}
const basePort = Number(process.env.PORT ?? 3000);
const shared = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test?schema=onward',
  ONWARD_DATA_DIR: process.env.ONWARD_DATA_DIR ?? resolve('data'),
  // As the README deploys it: two malloc arenas (less resident memory).
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
};
const processes = [
  { name: 'api-1', env: { ONWARD_ROLE: 'api', PORT: String(basePort) } },
  { name: 'api-2', env: { ONWARD_ROLE: 'api', PORT: String(basePort + 1) } },
  { name: 'worker-1', env: { ONWARD_ROLE: 'worker' } },
  { name: 'worker-2', env: { ONWARD_ROLE: 'worker' } },
];

// Migrations run under a PostgreSQL advisory lock, so all four may start at once.
const children = processes.map(({ name, env }) => {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, main], {
    env: { ...shared, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) console.log(prefix + line);
    });
  }
  child.on('exit', (code, signal) => console.log(`${prefix}exited (${signal ?? code})`));
  return { child };
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`Stopping the cluster (${signal})…`);
    for (const { child } of children) child.kill('SIGTERM');
    setTimeout(() => process.exit(0), 15_000).unref();
  });
}
console.log(`Onward cluster: API on http://localhost:${basePort} and :${basePort + 1}, 2 workers. Ctrl-C stops it.`);
