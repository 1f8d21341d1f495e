// What the per-user socket limit (ONWARD_MAX_SOCKETS_PER_USER) costs a handshake: time from
// `io()` to `connect` for sockets opened one after another by one user, who holds 10 open sockets
// meanwhile. Embedded (no Redis: the count is this process's room, no round trip) against Redis
// mode with one and with two API processes (the count is `fetchSockets` on the user's room: a
// request over Redis that every API process answers).
// Usage: node bench/socket-handshake.mjs [--handshakes 300]
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';

import {
  cleanupAll,
  login,
  nowMs,
  percentile,
  pgSchema,
  redisPrefix,
  round,
  startOnward,
  stopChild,
} from './lib/util.mjs';

const { values: flags } = parseArgs({ options: { handshakes: { type: 'string', default: '300' } } });
const HANDSHAKES = Number(flags.handshakes);

function connect(base, token) {
  return new Promise((resolve, reject) => {
    const socket = io(`${base}/runs`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

async function measure(name, env, processes) {
  const servers = [];
  for (let i = 0; i < processes; i++) servers.push(await startOnward(`handshake-${name}-${i}`, { env }));
  const token = await login(servers[0].base, 'alice');
  const held = [];
  for (let i = 0; i < 10; i++) held.push(await connect(servers[i % processes].base, token));
  const samples = [];
  for (let i = 0; i < HANDSHAKES + 50; i++) {
    const t = nowMs();
    const socket = await connect(servers[0].base, token);
    if (i >= 50) samples.push(nowMs() - t); // the first 50 warm up
    socket.close();
  }
  for (const socket of held) socket.close();
  for (const server of servers) await stopChild(server.child);
  samples.sort((a, b) => a - b);
  const result = { name, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  console.log(`${name.padEnd(34)} | handshake p50 ${round(result.p50, 2)} ms, p99 ${round(result.p99, 2)} ms`);
  return result;
}

try {
  const limits = { ONWARD_MAX_SOCKETS_PER_USER: '1000' };
  await measure('embedded (local count)', limits, 1);
  const schema = await pgSchema();
  const redis = await redisPrefix();
  const shared = { ...limits, DATABASE_URL: schema.url, REDIS_URL: redis.url };
  await measure('Redis, 1 API process (fetchSockets)', shared, 1);
  await measure('Redis, 2 API processes (fetchSockets)', shared, 2);
} finally {
  await cleanupAll();
}
