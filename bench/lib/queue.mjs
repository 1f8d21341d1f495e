// The `queue` section of bench/run.mjs: what places in the queue cost a dequeue, with 100 and with
// 10,000 queued runs, each beside the same server with places off (ONWARD_QUEUE_PLACES=false) in the
// same run. Two users (alice, bob) share 2 workers with a limit of 1 run each; every run is a
// bench-pause held until cancelled. A dequeue = cancel alice's running run; measured until the next
// one of hers runs (time per dequeue), then until the sockets have been quiet for a second (run.updated
// events per dequeue on alice's and bob's sockets, the server's CPU per dequeue).
import { io } from 'socket.io-client';

import { cpuPerRun, login, nowMs, request, sleep, startOnward, stopChild } from './util.mjs';

const HELD = { task: 'bench-pause', parameters: { steps: 1, ms: 600_000 }, mode: 'background' };
const QUIET_MS = 1_000;

const agg = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), reps: values };
};
const median = (values) => agg(values).median;

async function socketOf(base, token) {
  const socket = io(`${base}/runs`, { auth: { token }, transports: ['websocket'], forceNew: true });
  const events = { count: 0, last: nowMs(), running: new Set() };
  socket.on('run.updated', (view) => {
    events.count++;
    events.last = nowMs();
    if (view.status === 'running') events.running.add(view.id);
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (e) => reject(new Error(`socket: ${e.message}`)));
  });
  return { socket, events };
}

async function untilQuiet(sockets) {
  while (sockets.some((s) => nowMs() - s.events.last < QUIET_MS)) await sleep(100);
}

/** Starts `count` held runs for each token, `parallel` requests at a time. */
async function fill(base, tokens, count, parallel = 16) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      for (const token of tokens) {
        const res = await request('POST', `${base}/api/runs`, { body: HELD, token });
        if (res.status !== 202) throw new Error(`start: ${res.status} ${res.text}`);
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function runningOf(base, token) {
  const res = await request('GET', `${base}/api/runs?status=running&limit=10`, { token });
  return res.json.items.map((r) => r.id);
}

/** One server, `queued` runs per user, `dequeues` dequeues: medians of ms, events and CPU µs per dequeue. */
async function measure({ name, queued, places, dequeues, log }) {
  const server = await startOnward(name, {
    env: { ONWARD_CONCURRENCY: '2', ONWARD_USER_CONCURRENCY: '1', ONWARD_QUEUE_PLACES: String(places) },
  });
  try {
    const alice = await login(server.base, 'alice');
    const bob = await login(server.base, 'bob');
    const sockets = [await socketOf(server.base, alice), await socketOf(server.base, bob)];
    const filledAt = nowMs();
    await fill(server.base, [alice, bob], queued);
    log(`queue ${name}: ${2 * queued} runs queued in ${Math.round(nowMs() - filledAt)} ms`);
    await untilQuiet(sockets);
    const ms = [];
    const events = [];
    // CPU over all the dequeues: one alone is a few of the kernel's 10 ms ticks.
    const cpu = cpuPerRun(server.child.pid);
    for (let i = 0; i < dequeues; i++) {
      const [running] = await runningOf(server.base, alice);
      const before = sockets.reduce((n, s) => n + s.events.count, 0);
      const startedBefore = new Set(sockets[0].events.running);
      const t0 = nowMs();
      await request('POST', `${server.base}/api/runs/${running}/cancel`, { token: alice });
      while (![...sockets[0].events.running].some((id) => !startedBefore.has(id) && id !== running)) await sleep(1);
      ms.push(nowMs() - t0);
      await untilQuiet(sockets);
      // The cancel's own updates (cancelling, cancelled) and the next run's start are counted too.
      events.push(sockets.reduce((n, s) => n + s.events.count, 0) - before);
    }
    // The quiet seconds cost the idle server little, and both cases alike.
    const cpuUs = cpu(dequeues).process;
    for (const s of sockets) s.socket.close();
    return { ms: median(ms), events: median(events), cpuUs };
  } finally {
    await stopChild(server.child);
  }
}

export async function sectionQueue({ opts, row, log }) {
  const sizes = [100, 10_000];
  const dequeues = opts.quick ? 5 : 10;
  const raw = {};
  for (const queued of sizes) {
    for (const places of [true, false]) {
      const key = `${queued}-${places ? 'on' : 'off'}`;
      raw[key] = [];
      for (let rep = 0; rep < opts.reps; rep++) {
        const result = await measure({ name: `queue-${key}-${rep}`, queued: queued / 2, places, dequeues, log });
        log(`queue ${key} rep ${rep + 1}: ${JSON.stringify(result)}`);
        raw[key].push(result);
      }
    }
    const on = raw[`${queued}-on`];
    const off = raw[`${queued}-off`];
    const pick = (list, field) => agg(list.map((r) => r[field]));
    const note = 'baseline: ONWARD_QUEUE_PLACES=false';
    row('queue', `time per dequeue, ${queued} queued`, pick(on, 'ms'), pick(off, 'ms'), 'ms', '', note);
    row('queue', `run.updated per dequeue, ${queued} queued`, pick(on, 'events'), pick(off, 'events'), '', '', note);
    row('queue', `server CPU per dequeue, ${queued} queued`, pick(on, 'cpuUs'), pick(off, 'cpuUs'), 'µs', '', note);
  }
  return raw;
}
