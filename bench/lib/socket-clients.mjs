// K Socket.IO clients in one process (the browsers of the progress section). Driven over IPC:
//   { cmd: 'connect', url, token, k }       -> { connected }
//   { cmd: 'reset' }                         -> forget what was received
//   { cmd: 'compute', emits: [[key, t]] }    -> delivery latency of every (emit, client) pair
//   { cmd: 'close' }
// A received `run.updated` is keyed "<id>:<version>" and stamped with the receipt time.
import { io } from 'socket.io-client';

const nowMs = () => performance.timeOrigin + performance.now();
let sockets = [];
let receipts = []; // per client: Map key -> t
let sample = null;

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function connect({ url, token, k, path }) {
  sockets = [];
  receipts = [];
  const pending = [];
  for (let i = 0; i < k; i++) {
    const received = new Map();
    receipts.push(received);
    const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, path });
    socket.on('run.updated', (view) => {
      const t = nowMs();
      received.set(`${view.id}:${view.version}`, t);
      if (!sample && view.progress && view.progress.message) sample = view;
    });
    sockets.push(socket);
    pending.push(
      new Promise((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      }),
    );
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 10));
  }
  const results = await Promise.all(pending);
  return { connected: results.filter(Boolean).length };
}

function compute({ emits }) {
  const latencies = [];
  let delivered = 0;
  for (const received of receipts) {
    for (const [key, t] of emits) {
      const r = received.get(key);
      if (r !== undefined) {
        delivered++;
        latencies.push(r - t);
      }
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    emitted: emits.length,
    expected: emits.length * receipts.length,
    delivered,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    sample,
  };
}

process.on('message', async (m) => {
  let data = null;
  if (m.cmd === 'connect') data = await connect(m);
  else if (m.cmd === 'reset') for (const r of receipts) r.clear();
  else if (m.cmd === 'compute') data = compute(m);
  else if (m.cmd === 'close') {
    for (const s of sockets) s.close();
    process.send({ reply: m.id, data: null }, () => process.exit(0));
    return;
  }
  process.send({ reply: m.id, data });
});
