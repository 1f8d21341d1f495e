// Baseline of the start-latency section: a bare NestJS app (Fastify, as Onward) whose POST /api/runs does
// nothing but answer 202 with a small JSON body. PORT from the environment; prints "ready".
import { listenBareNest } from './bare-nest-app.mjs';

const app = await listenBareNest(Number(process.env.PORT), (body) => ({
  id: 'bare',
  task: body?.task ?? null,
  status: 'queued',
}));
console.log('ready');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => app.close().then(() => process.exit(0)));
