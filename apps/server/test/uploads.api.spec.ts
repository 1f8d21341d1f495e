import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { Api } from './support/api';
import { type RunView, expectError, expectFieldError, expectRunView } from './support/contract';
import { describeEachDatabase } from './support/databases';
import { useServer } from './support/server';
import { type RunsSocket, connectRuns } from './support/sockets';
import { TUS, TusClient } from './support/uploads';

const MAX_UPLOAD = 4 * 1024 * 1024;

describeEachDatabase('uploads (tus)', (db) => {
  const server = useServer(db, {
    ONWARD_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    ONWARD_BENCH_TASKS: 'true',
  });
  let alice: Api;
  let bob: Api;
  let tus: TusClient;
  let bobTus: TusClient;
  let socket: RunsSocket;

  beforeAll(async () => {
    alice = await Api.as(server.url, 'alice');
    bob = await Api.as(server.url, 'bob');
    tus = new TusClient(server.url, alice.token);
    bobTus = new TusClient(server.url, bob.token);
    socket = await connectRuns(server.url, alice.token as string);
  });
  afterAll(() => socket?.close());

  const folder = (id: string): string => join(server.dataDir, 'results', id);

  it('creates a run, takes the bytes in chunks, shows progress and completes with the file', async () => {
    const bytes = randomBytes(300_000);
    const res = await tus.create(bytes.length, 'orders 2025.csv', 'text/csv');
    expect(res.status).toBe(201);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    const id = /^\/api\/uploads\/([0-9a-f-]{36})$/.exec(res.headers['location'])?.[1] as string;
    expect(id).toBeDefined();

    const created = await alice.getRun(id);
    expect(created).toMatchObject({
      id,
      kind: 'upload',
      task: 'upload',
      status: 'running',
      mode: 'background',
      display: { fileName: 'orders 2025.csv' },
      owner: { username: 'alice' },
      result: null,
    });
    expect(created.progress.percent).toBe(0);
    expect((await alice.list('?status=running')).items.map((run) => run.id)).toContain(id);

    await tus.send(id, bytes.subarray(0, 200_000), 0, 100_000);
    expect(await tus.offset(id)).toBe(200_000);
    const half = await alice.getRun(id);
    expect(half.status).toBe('running');
    expect(half.progress.percent).toBeCloseTo(66.7, 1);
    expect(half.progress.message).toBe('200.0 of 300.0 kB');

    await tus.send(id, bytes, 200_000);
    const done = expectRunView(await alice.getRun(id));
    expect(done).toMatchObject({
      status: 'completed',
      progress: { percent: 100 },
      result: { type: 'file', fileName: 'orders 2025.csv', contentType: 'text/csv', size: bytes.length },
    });
    const download = await tus.download(id);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toMatch(/^text\/csv/);
    expect(Buffer.compare(download.body as Buffer, bytes)).toBe(0);
    // A HEAD after the end still says every byte is in; a further PATCH is refused.
    const head = await tus.head(id);
    expect(head.status).toBe(200);
    expect(head.headers['upload-offset']).toBe(String(bytes.length));
    expectError(await tus.patch(id, bytes.length, Buffer.from('x')), 409);

    // The socket heard the run's progress rise to the end, versions rising.
    const updates = socket.updates((run) => run.id === id);
    const percents = updates.map((run) => run.progress.percent ?? 0);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    expect(updates[updates.length - 1].status).toBe('completed');
    const versions = updates.map((run) => run.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('resumes after a dropped connection from the offset HEAD answers', async () => {
    const bytes = randomBytes(2 * 1024 * 1024);
    const id = await tus.start(bytes.length, 'big.bin');
    await tus.droppedPatch(id, 0, bytes, 1024 * 1024, async () => {
      const run = await alice.getRun(id);
      return (run.progress.percent ?? 0) > 0;
    });
    // The server notices the drop and keeps what it received.
    let offset = 0;
    const deadline = Date.now() + 20_000;
    do {
      const head = await tus.head(id);
      if (head.status === 200) offset = Number(head.headers['upload-offset']);
    } while ((offset === 0 || offset > 1024 * 1024) && Date.now() < deadline);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(1024 * 1024);
    expect((await alice.getRun(id)).status).toBe('running');
    await tus.send(id, bytes, offset);
    const done = await alice.getRun(id);
    expect(done.status).toBe('completed');
    expect(Buffer.compare((await tus.download(id)).body as Buffer, bytes)).toBe(0);
  });

  it('answers 409 for a wrong offset, changing nothing', async () => {
    const id = await tus.start(100);
    await tus.send(id, Buffer.alloc(40, 1));
    const res = await tus.patch(id, 10, Buffer.alloc(10, 2));
    expectError(res, 409);
    expect(await tus.offset(id)).toBe(40);
    expect((await tus.terminate(id)).status).toBe(204);
  });

  it('answers 413 for an upload over ONWARD_MAX_UPLOAD_BYTES and for bytes beyond the declared length', async () => {
    const before = (await alice.list('?limit=200')).items.length;
    const res = await tus.create(MAX_UPLOAD + 1);
    const body = expectError(res, 413);
    expect(body.message).toMatch(/ONWARD_MAX_UPLOAD_BYTES/);
    expect((await alice.list('?limit=200')).items.length).toBe(before);

    const id = await tus.start(10);
    expectError(await tus.patch(id, 0, Buffer.alloc(20)), 413);
    expect((await tus.terminate(id)).status).toBe(204);
  });

  it('refuses a creation without a file name, and any request without a token', async () => {
    const res = await tus.create(10, 'x', undefined, { 'Upload-Metadata': 'filetype dGV4dC9wbGFpbg==' });
    expect(expectError(res, 400).message).toMatch(/filename/);
    const anonymous = new TusClient(server.url, null);
    expectError(await anonymous.create(10), 401);
    const id = await tus.start(10);
    expect((await anonymous.head(id)).status).toBe(401);
    expectError(await anonymous.patch(id, 0, Buffer.alloc(10)), 401);
    expect((await tus.terminate(id)).status).toBe(204);
  });

  it("answers 404 for another user's upload, and leaves it as it was", async () => {
    const id = await tus.start(20);
    await tus.send(id, Buffer.alloc(5, 7));
    expectError(await bobTus.patch(id, 5, Buffer.alloc(5)), 404);
    expect((await bobTus.head(id)).status).toBe(404);
    expectError(await bobTus.terminate(id), 404);
    expectError(await bob.get(`/api/runs/${id}`), 404);
    expect(await tus.offset(id)).toBe(5);
    expect((await alice.getRun(id)).status).toBe('running');
    expect((await tus.terminate(id)).status).toBe(204);
  });

  it('terminates with DELETE: the run ends cancelled, the partial file goes, later requests answer 410', async () => {
    const id = await tus.start(1000, 'half.bin');
    await tus.send(id, Buffer.alloc(500, 3));
    expect(existsSync(join(folder(id), '.partial'))).toBe(true);
    const res = await tus.terminate(id);
    expect(res.status).toBe(204);
    expect(res.headers['tus-resumable']).toBe('1.0.0');
    const run = await alice.getRun(id);
    expect(run).toMatchObject({ status: 'cancelled', result: null, cancelledBy: { username: 'alice', admin: false } });
    expect(existsSync(folder(id))).toBe(false);
    expectError(await tus.patch(id, 500, Buffer.alloc(500)), 410);
    expect((await tus.head(id)).status).toBe(410);
  });

  it('stops on a cancel of the run, and goes with a delete of the run', async () => {
    const cancelled = await tus.start(1000);
    await tus.send(cancelled, Buffer.alloc(100, 1));
    const res = await alice.post(`/api/runs/${cancelled}/cancel`);
    expect(res.status).toBe(202);
    expect((res.body as RunView).status).toBe('cancelled');
    expect(existsSync(folder(cancelled))).toBe(false);
    expectError(await tus.patch(cancelled, 100, Buffer.alloc(10)), 410);

    const deleted = await tus.start(1000);
    await tus.send(deleted, Buffer.alloc(100, 1));
    expect((await alice.delete(`/api/runs/${deleted}`)).status).toBe(204);
    expectError(await alice.get(`/api/runs/${deleted}`), 404);
    expect((await tus.head(deleted)).status).toBe(404);
    expect(existsSync(folder(deleted))).toBe(false);
  });

  it('keeps the upload out of the catalogue; a start of it is an unknown task', async () => {
    const tasks = (await alice.get('/api/tasks')).body as { id: string }[];
    expect(tasks.map((task) => task.id)).not.toContain('upload');
    expectError(await alice.post('/api/runs', { task: 'upload', parameters: {} }), 404);
  });

  it("takes as a file parameter only the caller's own completed upload", async () => {
    const bytes = Buffer.from('line,status,reason\n');
    const done = await tus.start(bytes.length, 'report.csv', 'text/csv');
    await tus.send(done, bytes);
    const unfinished = await tus.start(10);
    const bobs = await bobTus.start(1);
    await bobTus.send(bobs, Buffer.from('x'));
    const notAnUpload = (await alice.runToEnd({ task: 'bench-upload-digest', parameters: { file: done } })) as RunView;
    expect(notAnUpload.status).toBe('completed');
    const value = notAnUpload.result?.type === 'value' ? (notAnUpload.result.value as Record<string, unknown>) : {};
    expect(value).toMatchObject({ fileName: 'report.csv', size: bytes.length, contentType: 'text/csv' });

    for (const file of [unfinished, bobs, notAnUpload.id, '0b6f3d0e-4a59-4d8e-9d5c-2f1f3b9b7a10', 'report.csv']) {
      const res = await alice.post('/api/runs', { task: 'bench-upload-digest', parameters: { file } });
      expectFieldError(res, 'parameters.file');
    }
    const rows = await alice.post('/api/runs', {
      task: 'bench-upload-digest',
      rows: [{ file: done }, { file: unfinished }],
    });
    expectFieldError(rows, 'rows[1].file');
    expect((await tus.terminate(unfinished)).status).toBe(204);
  });

  it('answers tus discovery without a token, and refuses an unsupported extension with a 4xx', async () => {
    const res = await new TusClient(server.url, null).create(0).set('Origin', 'https://elsewhere.example');
    expect(res.status).toBe(401);
    const options = await Api.anonymous(server.url).get('/api/uploads').set(TUS);
    expect([404, 405]).toContain(options.status);
    const concat = await tus.create(10, 'x', undefined, { 'Upload-Concat': 'partial' });
    expectError(concat, 400);
  });

  it('leaves nothing behind in the results folder but the completed files', async () => {
    for (const name of readdirSync(join(server.dataDir, 'results'))) {
      const partial = readdirSync(folder(name)).filter((file) => file.startsWith('.'));
      const status = partial.length > 0 ? (await alice.get(`/api/runs/${name}`)).body : null;
      expect({ name, partial, status }).toEqual({ name, partial: [], status: null });
    }
  });
});

describeEachDatabase('uploads expire (tus)', (db) => {
  const server = useServer(db, { ONWARD_UPLOAD_EXPIRY: '2s', ONWARD_UPLOAD_SWEEP_MS: '200' });

  it('cancels an upload that received nothing for ONWARD_UPLOAD_EXPIRY and removes its partial file', async () => {
    const alice = await Api.as(server.url, 'alice');
    const tus = new TusClient(server.url, alice.token);
    const id = await tus.start(1000);
    await tus.send(id, Buffer.alloc(10));
    const run = await alice.pollRun(id, (r) => r.status === 'cancelled', 20_000, 'expired');
    expect(run.progress.message).toMatch(/^Expired: nothing received for 2s/);
    expect(run.cancelledBy).toBeNull();
    expect(existsSync(join(server.dataDir, 'results', id))).toBe(false);
    expectError(await tus.patch(id, 10, Buffer.alloc(10)), 410);
  });

  it('keeps an upload whose small PATCHes keep coming for longer than ONWARD_UPLOAD_EXPIRY', async () => {
    const alice = await Api.as(server.url, 'alice');
    const tus = new TusClient(server.url, alice.token);
    const id = await tus.start(1000);
    // A PATCH every 150 ms for 3 s: the server tells the database at most every 500 ms (a quarter of
    // the expiry), and the sweep (every 200 ms) must never take the upload for abandoned.
    for (let offset = 0; offset < 20; offset++) {
      expect((await tus.patch(id, offset, Buffer.alloc(1))).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect((await alice.getRun(id)).status).toBe('running');
    expect(await tus.offset(id)).toBe(20);
  });
});
