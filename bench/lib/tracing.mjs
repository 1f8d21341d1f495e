// The `tracing` section of bench/run.mjs: lifecycle runs/s (bench-noop, embedded SQLite, in-process
// queue) with traces off (no OTEL_* variables: no SDK) beside the same build with traces on, exported
// over OTLP/HTTP (the SDK's default protobuf) to a receiver in this process. Both servers run side by
// side and are measured in turns, so that drift of the machine hits both alike.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { context, trace } from '@opentelemetry/api';

import { agg, BENCH_DIR, login, startOnward, stopChild } from './util.mjs';

/** Accepts OTLP exports and counts their requests and bytes, as a collector's front door would. */
async function startReceiver() {
  const seen = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (seen.bytes += chunk.length));
    req.on('end', () => {
      seen.requests++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, url: `http://127.0.0.1:${server.address().port}` };
}

/**
 * What traces off cost: a run opens 6 spans (start, enqueue, execute, claim, handler, final write);
 * without an SDK each is a no-op span of the global API. Nanoseconds per span, in this process.
 */
function noopSpanNs() {
  const tracer = trace.getTracer('onward');
  const n = 200_000;
  const run = () => {
    const began = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      tracer.startActiveSpan('x', { attributes: { 'onward.run_id': 'id' } }, context.active(), (span) => span.end());
    }
    return Number(process.hrtime.bigint() - began) / n;
  };
  run(); // warm-up
  return agg([run(), run(), run()]);
}

/** CPU µs of one run's six spans recorded and exported, in a process of their own (the receiver's excluded). */
async function recordedSpansUs(receiverUrl, runs) {
  const { stdout } = await promisify(execFile)(process.execPath, [join(BENCH_DIR, 'lib', 'tracing-span-cost.mjs')], {
    env: { ...process.env, RUNS: String(runs), OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl },
  });
  return agg(JSON.parse(stdout).cpuUsPerRun);
}

export async function sectionTracing({ opts, row, log, onwardLifecycle }) {
  const runs = Math.min(opts.runs, opts.quick ? 500 : 2000);
  const reps = opts.quick ? 2 : 5;
  const receiver = await startReceiver();
  const modes = {
    off: await startOnward('tracing-off', { env: { ONWARD_CONCURRENCY: '10' } }),
    on: await startOnward('tracing-on', {
      env: { ONWARD_CONCURRENCY: '10', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'onward-bench' },
    }),
  };
  const measured = { off: [], on: [] };
  try {
    const tokens = {};
    for (const [mode, server] of Object.entries(modes)) {
      tokens[mode] = await login(server.base, 'alice');
      await onwardLifecycle(server, tokens[mode], 200); // warm-up: JIT, caches, the first connections
    }
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of ['off', 'on']) {
        const result = await onwardLifecycle(modes[mode], tokens[mode], runs);
        if (result.failed > 0) throw new Error(`${mode}: ${result.failed} runs failed`);
        measured[mode].push(result);
        log(`tracing ${mode} rep ${rep + 1}: ${result.perSecond.toFixed(0)} runs/s, ${result.cpu.process} µs CPU/run`);
      }
    }
  } finally {
    await Promise.all(Object.values(modes).map((server) => stopChild(server.child)));
  }
  const perSecond = (mode) => agg(measured[mode].map((r) => r.perSecond));
  const cpuPerRun = (mode) => agg(measured[mode].map((r) => r.cpu.process));
  const note = `${runs} runs × ${reps}; ${receiver.seen.requests} OTLP exports, ${receiver.seen.bytes} bytes received`;
  row('tracing', 'lifecycle runs/s, traces on vs off', perSecond('on'), perSecond('off'), 'runs/s', '≥ 0.9×', note);
  row('tracing', 'server CPU per run, traces on vs off', cpuPerRun('on'), cpuPerRun('off'), 'µs', '');
  const recorded = await recordedSpansUs(receiver.url, opts.quick ? 5_000 : 20_000);
  receiver.server.close();
  const onNote = `${((recorded.median / cpuPerRun('off').median) * 100).toFixed(1)} % of a run's ${cpuPerRun('off').median} µs CPU (traces off)`;
  row('tracing', "one run's 6 spans recorded and exported (CPU)", recorded, null, 'µs', '', onNote);
  const noop = noopSpanNs();
  const offNote = `6 no-op spans a run: ${((6 * noop.median) / 1000).toFixed(2)} µs of ${cpuPerRun('off').median} µs CPU/run`;
  row('tracing', 'a no-op span (traces off)', noop, null, 'ns', '', offNote);
  return { runs, reps, measured, receiver: receiver.seen, recordedSpansUs: recorded, noopSpanNs: noop };
}
