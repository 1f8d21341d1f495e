import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Api } from '../support/api';
import { expectError } from '../support/contract';
import { type RunsSocket, connectRuns } from '../support/sockets';
import { TusClient } from '../support/uploads';
import { Cluster, type OnwardProcess, describeCluster, prepareCluster } from './support/cluster';

// Redis mode: two API processes share one PostgreSQL schema, one Redis prefix and one data folder; any
// of them may take any request of an upload. A worker runs the reconciler, which must leave uploads be.
describeCluster('cluster: uploads across API processes', () => {
  let cluster: Cluster;
  let apiA: OnwardProcess;
  let apiB: OnwardProcess;
  const sockets: RunsSocket[] = [];

  beforeAll(async () => {
    await prepareCluster();
    cluster = new Cluster();
    apiA = await cluster.start('api-A', 'api');
    apiB = await cluster.start('api-B', 'api');
    await cluster.start('worker-W', 'worker', { ONWARD_LOCK_MS: '1000' });
  }, 360_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.teardown();
  }, 60_000);

  it('takes PATCHes alternating between two API processes and completes on either', async () => {
    const aliceOnA = await Api.as(apiA.url, 'alice');
    const aliceOnB = new Api(apiB.url, aliceOnA.token, aliceOnA.login);
    const socket = await connectRuns(apiB.url, aliceOnA.token as string);
    sockets.push(socket);
    const onA = new TusClient(apiA.url, aliceOnA.token);
    const onB = new TusClient(apiB.url, aliceOnA.token);
    const bytes = randomBytes(1_000_000);
    const id = await onA.start(bytes.length, 'shared.bin');
    const chunk = 100_000;
    for (let at = 0, i = 0; at < bytes.length; at += chunk, i++) {
      const tus = i % 2 === 0 ? onB : onA;
      expect(await tus.offset(id)).toBe(at);
      await tus.send(id, bytes.subarray(0, at + chunk), at);
      if (at === 500_000) {
        // Half way, idle for longer than the worker's reconciler takes to adopt a run no worker holds
        // (a pass every 5 s, adopting after 1.5 locks): there is no event for "nothing happened".
        await sleep(8_000);
        expect((await aliceOnB.getRun(id)).status).toBe('running');
      }
    }
    const done = await socket.waitForRun(id, (run) => run.status === 'completed', 20_000);
    expect(done.result).toEqual({
      type: 'file',
      fileName: 'shared.bin',
      contentType: 'application/octet-stream',
      size: bytes.length,
    });
    const percents = socket.updates((run) => run.id === id).map((run) => run.progress.percent ?? 0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBeGreaterThanOrEqual(5);
    expect(Buffer.compare((await onA.download(id)).body as Buffer, bytes)).toBe(0);
  }, 120_000);

  it('stops an upload cancelled on one API process for PATCHes on the other', async () => {
    const aliceOnA = await Api.as(apiA.url, 'alice');
    const onB = new TusClient(apiB.url, aliceOnA.token);
    const id = await new TusClient(apiA.url, aliceOnA.token).start(1000);
    await onB.send(id, Buffer.alloc(100, 1));
    const res = await aliceOnA.post(`/api/runs/${id}/cancel`);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('cancelled');
    expectError(await onB.patch(id, 100, Buffer.alloc(100)), 410);
  }, 60_000);
});
