import { DataSource, type DataSourceOptions } from 'typeorm';

import { UserEntity } from '../../auth/user.entity';
import { createDemoDatabase, type DemoDatabase, describeEachDemoDatabase } from '../../demo/demo-databases.testing';
import { RunDeletionEntity } from '../../persistence/run-deletion.entity';
import { RunEntity } from '../../persistence/run.entity';
import { CoreTables1730000000000 } from './1730000000000-core-tables';
import { RunDeletions1730000000200 } from './1730000000200-run-deletions';
import { UserAccounts1730000000300 } from './1730000000300-user-accounts';
import { HostIdentity1730000000400 } from './1730000000400-host-identity';
import { RunReadableColumns1730000001200 } from './1730000001200-run-readable-columns';
import { RunRerunOf1730000001300 } from './1730000001300-run-rerun-of';
import { RunLocale1730000001500 } from './1730000001500-run-locale';
import { RunQueueTold1730000001600 } from './1730000001600-run-queue-told';

const LONG_ID = `host|${'x'.repeat(250)}`;

function run(id: string, ownerId: string): Omit<Partial<RunEntity>, 'result' | 'scheduler'> {
  return {
    id,
    task: 'recalculate-prices',
    title: 'Recalculate prices',
    kind: 'task',
    ownerId,
    ownerUsername: 'ann',
    mode: 'background',
    status: 'completed',
    parameters: {},
    display: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    attempts: 0,
  };
}

/** Inserts a run naming only the columns these migrations made (the entity has gained more since). */
async function insertRun(dataSource: DataSource, id: string, ownerId: string): Promise<void> {
  const row = run(id, ownerId);
  // updateEntity(false): no read-back of the entity's defaulted columns, which these tables lack.
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(RunEntity, Object.keys(row))
    .values(row)
    .updateEntity(false)
    .execute();
}

// An installation upgraded to the host identity keeps its users and runs, and then takes users
// without a password and ids of up to 255 characters.
describeEachDemoDatabase('migration HostIdentity1730000000400', (kind) => {
  let database: DemoDatabase;
  const open = (migrations: DataSourceOptions['migrations']): Promise<DataSource> =>
    new DataSource({
      ...database.options,
      entities: [UserEntity, RunEntity, RunDeletionEntity],
      migrations,
      migrationsRun: true,
    } as DataSourceOptions).initialize();

  beforeAll(async () => {
    database = await createDemoDatabase(kind);
  });
  afterAll(() => database?.dispose());

  it('keeps what was stored, then stores host users with long ids and no password', async () => {
    const before = await open([CoreTables1730000000000, RunDeletions1730000000200, UserAccounts1730000000300]);
    await before.getRepository(UserEntity).insert({
      id: '0b9f4c1e-0000-4000-8000-000000000001',
      username: 'ann',
      displayName: 'Ann',
      roles: ['user'],
      passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await insertRun(before, '0b9f4c1e-0000-4000-8000-00000000000a', '0b9f4c1e-0000-4000-8000-000000000001');
    await before.destroy();

    const after = await open([
      CoreTables1730000000000,
      RunDeletions1730000000200,
      UserAccounts1730000000300,
      HostIdentity1730000000400,
      // Later columns, so that the tables can match today's entities below.
      RunReadableColumns1730000001200,
      RunRerunOf1730000001300,
      RunLocale1730000001500,
      RunQueueTold1730000001600,
    ]);
    try {
      expect(await after.getRepository(UserEntity).findOneByOrFail({ username: 'ann' })).toMatchObject({
        displayName: 'Ann',
        passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      });
      expect(
        await after.getRepository(RunEntity).findOneByOrFail({ ownerId: '0b9f4c1e-0000-4000-8000-000000000001' }),
      ).toMatchObject({ cancelledBy: null });

      await after.getRepository(UserEntity).insert({
        id: LONG_ID,
        username: 'host-user',
        displayName: 'Host User',
        roles: ['user'],
        passwordHash: null,
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      await insertRun(after, '0b9f4c1e-0000-4000-8000-00000000000b', LONG_ID);
      await after.getRepository(RunDeletionEntity).insert({
        id: '0b9f4c1e-0000-4000-8000-00000000000c',
        ownerId: LONG_ID,
        deletedAt: '2026-01-02T00:00:00.000Z',
      });
      expect((await after.getRepository(UserEntity).findOneByOrFail({ id: LONG_ID })).passwordHash).toBeNull();
      expect(await after.getRepository(RunEntity).countBy({ ownerId: LONG_ID })).toBe(1);
      if (kind === 'postgres') {
        // The tables now match the entities (SQLite does not keep varchar lengths apart).
        const pending = await after.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      }
    } finally {
      await after.destroy();
    }
  });
});
