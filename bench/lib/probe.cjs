// Bench-only preload for dist/apps/server/main.js (`node --require bench/lib/probe.cjs …`).
// It changes nothing in apps/server/src and is never loaded outside the benchmark.
//
// BENCH_PROBE=1: records when the server hands each `run.updated` to Socket.IO
//   (BroadcastOperator.emit), keyed "<runId>:<version>", and answers over the IPC channel.
'use strict';

const { performance } = require('node:perf_hooks');
const nowMs = () => performance.timeOrigin + performance.now();

if (process.env.BENCH_PROBE === '1') {
  // Not in socket.io's "exports": loaded by file name, which is the same module instance the server uses.
  const { join, dirname } = require('node:path');
  const { BroadcastOperator } = require(join(dirname(require.resolve('socket.io')), 'broadcast-operator.js'));
  const original = BroadcastOperator.prototype.emit;
  let emits = [];
  BroadcastOperator.prototype.emit = function (event, ...args) {
    if (event === 'run.updated' && args[0] && typeof args[0] === 'object') {
      emits.push([`${args[0].id}:${args[0].version}`, nowMs(), args[0].status]);
    }
    return original.call(this, event, ...args);
  };
  process.on('message', (m) => {
    if (!m || !m.probeId) return;
    let data = null;
    if (m.cmd === 'reset') emits = [];
    else if (m.cmd === 'emits') data = emits.filter(([, t]) => t >= (m.from ?? 0) && t <= (m.to ?? Infinity));
    process.send({ probeReply: m.probeId, data });
  });
  // The IPC channel must not keep a stopping server alive.
  process.channel?.unref();
}
