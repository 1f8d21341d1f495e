// Baseline of the progress section: a bare Socket.IO server, namespace /runs, every client in one
// room, doing nothing but `io.of('/runs').to(room).emit('run.updated', view)` at a given rate.
// IPC: { cmd: 'emit', rate, durationMs, payload } -> [[key, t]] (emit times).
import http from 'node:http';
import { Server } from 'socket.io';

const nowMs = () => performance.timeOrigin + performance.now();
const server = http.createServer();
const io = new Server(server, { cors: { origin: true } });
const runs = io.of('/runs');
runs.use((socket, next) => (socket.handshake.auth?.token ? next() : next(new Error('unauthorized'))));
runs.on('connection', (socket) => socket.join('user:bench'));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));

async function emitAtRate({ rate, durationMs, payload }) {
  const emits = [];
  const start = nowMs();
  let sent = 0;
  const total = Math.round((rate * durationMs) / 1000);
  const runIds = Array.from({ length: 16 }, (_, i) => `bare-run-${i}`);
  const versions = new Map();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) * rate) / 1000) + 1);
    while (sent < due) {
      const id = runIds[sent % runIds.length];
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      const view = { ...payload, id, version, progress: { percent: sent % 100, message: `Step ${sent}` } };
      emits.push([`${id}:${version}`, nowMs()]);
      runs.to('user:bench').emit('run.updated', view);
      sent++;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, start + (sent * 1000) / rate - nowMs())));
  }
  return emits;
}

process.on('message', async (m) => {
  const data = m.cmd === 'emit' ? await emitAtRate(m) : null;
  process.send({ reply: m.id, data });
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
