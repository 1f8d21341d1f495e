#!/usr/bin/env node
// Onward with the host application's identity (ONWARD_AUTH=jwt), on one machine: the demo identity
// provider (tools/demo-idp.mjs) on port 3100 stands for the host's sign-in, and Onward on PORT (3000)
// trusts its tokens. The monitor's login page then signs in there. Data goes to ./data-jwt-demo
// (ONWARD_DATA_DIR), apart from the local users' ./data. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { SERVER_NODE_FLAGS } from './server-node-flags.mjs';

const main = resolve('dist/apps/server/main.js');
if (!existsSync(main)) {
  console.error('dist/apps/server/main.js is missing: run `npm run build` first (npm run start:jwt-demo does).');
  process.exit(1);
}
const idpPort = process.env.DEMO_IDP_PORT ?? '3100';

/** Starts a child whose output is prefixed; resolves with the first line that matches `ready`. */
function start(name, args, env, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.on('exit', (code, signal) => {
    console.log(`[${name}] exited (${signal ?? code})`);
    if (!stopping) stop('a process ended');
  });
  return new Promise((resolveReady) => {
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          console.log(`[${name}] ${line}`);
          const match = ready.exec(line);
          if (match) resolveReady(match);
        }
      });
    }
  });
}

const children = [];
let stopping = false;
function stop(why) {
  if (stopping) return;
  stopping = true;
  console.log(`Stopping (${why})…`);
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 15_000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));

const [, issuer] = await start('idp', [resolve('tools/demo-idp.mjs')], { DEMO_IDP_PORT: idpPort }, /on (http:\/\/\S+)/);
await start(
  'onward',
  [...SERVER_NODE_FLAGS, main],
  {
    ONWARD_AUTH: 'jwt',
    ONWARD_JWT_JWKS_URL: `${issuer}/.well-known/jwks.json`,
    ONWARD_JWT_ISSUER: issuer,
    ONWARD_JWT_AUDIENCE: process.env.DEMO_IDP_AUDIENCE ?? 'onward',
    ONWARD_DEMO_IDP_URL: issuer,
    ONWARD_DATA_DIR: process.env.ONWARD_DATA_DIR ?? resolve('data-jwt-demo'),
  },
  /is listening on/,
);
console.log(
  `Onward trusts the demo identity provider at ${issuer}: open http://localhost:${process.env.PORT ?? 3000} and sign in with any name ("admin" is an admin). Ctrl-C stops both.`,
);
