import { randomUUID } from 'node:crypto';

import { dropSchema, postgresUrlWithSchema, uniqueSchemaName } from '../../../test/support/databases';
import { describeNeeding } from '../../../test/support/services';
import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { runRow } from './run-row.testing';
import { RunWriter } from './run-writer';
import { RunsRepository } from './runs.repository';

// The compare-and-set that lets only one API process push a moved place, on both databases.
for (const db of ['sqlite', 'postgres'] as const) {
  describeNeeding(db === 'postgres' ? ['postgres'] : [], `RunWriter.tellPlaces (${db})`, () => {
    const schema = uniqueSchemaName();
    let embedded: EmbeddedApp;
    let writer: RunWriter;
    let repository: RunsRepository;
    const ownerId = randomUUID();

    beforeAll(async () => {
      embedded = await startEmbeddedApp(
        'queue-told',
        db === 'postgres' ? { DATABASE_URL: postgresUrlWithSchema(schema) } : {},
      );
      writer = embedded.app.get(RunWriter);
      repository = embedded.app.get(RunsRepository);
    }, 60_000);

    afterAll(async () => {
      await embedded?.close();
      if (db === 'postgres') await dropSchema(schema);
    });

    it('stores a place once: only the runs still queued whose told place differs change, a version more', async () => {
      const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
      const [a, b] = [0, 1].map((i) => runRow(ownerId, { status: 'queued', createdAt: at(i), version: 1 }));
      const done = runRow(ownerId, { status: 'completed', createdAt: at(2), version: 1 });
      await writer.insert([a, b, done]);
      const told = new Map([
        [a.id, '1:user-limit'],
        [b.id, '2:user-limit'],
        [done.id, '3:user-limit'],
      ]);

      // Two processes telling the same places at once: each run is changed, and pushed, by one of them.
      const [first, second] = await Promise.all([writer.tellPlaces(told), writer.tellPlaces(told)]);
      const changed = [...first, ...second];
      expect(changed.map((run) => run.id).sort()).toEqual([a.id, b.id].sort());
      expect(changed.every((run) => run.version === 2)).toBe(true);
      expect(await writer.tellPlaces(told)).toEqual([]);

      const moved = await writer.tellPlaces(
        new Map([
          [a.id, '1:user-limit'],
          [b.id, '1:user-limit'],
        ]),
      );
      expect(moved.map((run) => [run.id, run.queueTold, run.version])).toEqual([[b.id, '1:user-limit', 3]]);
      const order = await repository.findQueueOrder(10);
      expect(order.filter((job) => job.ownerId === ownerId)).toEqual([
        { runId: a.id, ownerId, told: '1:user-limit' },
        { runId: b.id, ownerId, told: '1:user-limit' },
      ]);
      expect((await repository.findById(done.id))?.queueTold).toBeNull();
    });
  });
}
