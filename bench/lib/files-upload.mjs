// Uploads: a tus upload of N bytes over loopback (plain http PATCHes of 8 MiB, as a tus client
// chunks) against two baselines on this machine: the same bytes written straight to a file with `fs`,
// and the same PATCHes sent to a bare node:http server that pipes each request into the file
// (bare-upload.mjs: the same stream to disk, without tus, auth or a database). Every side streams: the
// bytes come from one 8 MiB buffer, never from N bytes in memory.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { once } from 'node:events';

import {
  BENCH_DIR,
  freePort,
  login,
  nowMs,
  rssPeak,
  spawnNode,
  startOnward,
  stopChild,
  tempDir,
  waitForLog,
} from './util.mjs';

const CHUNK = 8 * 1024 * 1024;
const MB = 1e6;
/** The uncounted first upload of each contender. */
const WARM_UP_BYTES = 256 * 1024 * 1024;

/** One HTTP request with an optional body; resolves with status, headers and text. */
function send(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The tus side: create, then PATCH every chunk in order; returns the run id and the seconds it took. */
async function tusUpload(baseUrl, token, bytes, source) {
  const auth = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
  const started = nowMs();
  const created = await send(new URL('/api/uploads', baseUrl), 'POST', {
    ...auth,
    'Upload-Length': String(bytes),
    'Upload-Metadata': `filename ${Buffer.from('bench-upload.bin').toString('base64')}`,
  });
  if (created.status !== 201) throw new Error(`POST /api/uploads answered ${created.status}: ${created.text}`);
  const location = new URL(created.headers.location, baseUrl);
  const id = location.pathname.split('/').pop();
  for (let offset = 0; offset < bytes; offset += CHUNK) {
    const length = Math.min(CHUNK, bytes - offset);
    const res = await send(
      location,
      'PATCH',
      {
        ...auth,
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
        'Content-Length': String(length),
      },
      length === CHUNK ? source : source.subarray(0, length),
    );
    if (res.status !== 204) throw new Error(`PATCH at ${offset} answered ${res.status}: ${res.text}`);
  }
  return { id, seconds: (nowMs() - started) / 1000 };
}

/** The baseline: the same chunks to a file with a plain fs write stream. */
async function rawWrite(bytes, source) {
  const dir = tempDir('upload-baseline');
  const path = join(dir, 'baseline.bin');
  const started = nowMs();
  const out = createWriteStream(path);
  for (let offset = 0; offset < bytes; offset += CHUNK) {
    const length = Math.min(CHUNK, bytes - offset);
    if (!out.write(length === CHUNK ? source : source.subarray(0, length))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const seconds = (nowMs() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  return seconds;
}

/** The second baseline: the same PATCHes to a bare HTTP server writing each request stream to a file. */
async function bareUpload(bytes, source) {
  const dir = tempDir('upload-bare');
  const port = await freePort();
  const child = spawnNode('bare-upload', [join(BENCH_DIR, 'lib', 'bare-upload.mjs')], {
    env: { PORT: String(port), BARE_UPLOAD_DIR: dir },
  });
  try {
    await waitForLog(child, 'ready');
    return (await tusUpload(`http://127.0.0.1:${port}`, 'bare', bytes, source)).seconds;
  } finally {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Uploads `bytes` to Onward at `baseUrl` as `token`'s user and writes them to a file as a baseline.
 * Returns MB/s of both (decimal MB), their ratio, and the server's peak RSS during the upload when
 * `serverPid` is given (else null). The upload run is deleted afterwards.
 */
export async function benchUpload({ baseUrl, token, bytes, serverPid = null }) {
  const source = randomBytes(CHUNK);
  // One uncounted round each first, as the lifecycle section does: a new server's first upload is
  // slower than its next ones (JIT, buffers), and the raw write's first one meets a cold page cache.
  const warm = Math.min(bytes, WARM_UP_BYTES);
  await rawWrite(warm, source);
  await bareUpload(warm, source);
  const warmUp = await tusUpload(baseUrl, token, warm, source);
  await send(new URL(`/api/runs/${warmUp.id}`, baseUrl), 'DELETE', { Authorization: `Bearer ${token}` });
  const rawSeconds = await rawWrite(bytes, source);
  const bareSeconds = await bareUpload(bytes, source);
  const stopRss = serverPid ? rssPeak(serverPid) : null;
  let upload;
  let peak = Number.NaN;
  try {
    upload = await tusUpload(baseUrl, token, bytes, source);
  } finally {
    if (stopRss) peak = stopRss();
  }
  await send(new URL(`/api/runs/${upload.id}`, baseUrl), 'DELETE', { Authorization: `Bearer ${token}` });
  const onwardMBps = bytes / MB / upload.seconds;
  const rawFsMBps = bytes / MB / rawSeconds;
  const bareHttpMBps = bytes / MB / bareSeconds;
  return {
    bareHttpMBps: Math.round(bareHttpMBps * 10) / 10,
    onwardMBps: Math.round(onwardMBps * 10) / 10,
    rawFsMBps: Math.round(rawFsMBps * 10) / 10,
    ratio: Math.round((onwardMBps / rawFsMBps) * 100) / 100,
    peakRssMB: Number.isFinite(peak) ? peak : null,
  };
}

/** `benchUpload` against a new Onward server (embedded SQLite) named `name`, stopped afterwards. */
export async function benchUploadOnNewServer(name, bytes) {
  const server = await startOnward(name, {});
  try {
    const token = await login(server.base, 'alice');
    return await benchUpload({ baseUrl: server.base, token, bytes, serverPid: server.child.pid });
  } finally {
    await stopChild(server.child);
  }
}
