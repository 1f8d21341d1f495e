import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import type { AuthUser } from '../auth/auth-user';
import { RunQueue } from '../queue/run-queue.port';
import { RunsRepository } from '../persistence/runs.repository';
import { RunStarter } from './run-starter.service';
import { RunsService } from './runs.service';

// Found by the soak: while Redis was away, cancelling or deleting a queued run answered 503, because
// removing its job failed, although the database alone can cancel it.
describe('RunsService: cancels and deletes while the queue is unreachable', () => {
  let embedded: EmbeddedApp;
  let service: RunsService;
  let starter: RunStarter;
  let queue: RunQueue;
  const alice: AuthUser = { id: 'alice-id', username: 'alice', displayName: 'Alice', roles: ['user'] };

  beforeAll(async () => {
    embedded = await startEmbeddedApp('service');
    service = embedded.app.get(RunsService);
    starter = embedded.app.get(RunStarter);
    queue = embedded.app.get(RunQueue);
  }, 60_000);

  afterAll(async () => {
    await embedded?.close();
  });

  afterEach(() => jest.restoreAllMocks());

  /** A queued run that no worker takes (the queue "is away" and keeps it). */
  async function queuedRun(): Promise<string> {
    jest.spyOn(queue, 'enqueue').mockRejectedValue(new Error('Connection is closed.'));
    const run = await starter.create(alice, { task: 'sales-report', parameters: { customer: 'Acme', year: 2024 } });
    jest.spyOn(queue, 'remove').mockRejectedValue(new Error('Connection is closed.'));
    return run.id;
  }

  it('cancels a queued run', async () => {
    const id = await queuedRun();
    const view = await service.cancel(alice, id);
    expect(view.status).toBe('cancelled');
    expect((await embedded.app.get(RunsRepository).findById(id))?.status).toBe('cancelled');
  });

  it('deletes a queued run', async () => {
    const id = await queuedRun();
    await service.delete(alice, id);
    expect(await embedded.app.get(RunsRepository).findById(id)).toBeNull();
  });
});
