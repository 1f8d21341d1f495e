import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { type EmbeddedApp, startEmbeddedApp } from '../app.testing';
import { HostUsers } from './host-users.service';
import { UserEntity } from './user.entity';

// The users of the host's tokens are written when new or changed, never once per request: every
// request carries a token, and most tokens are of users already stored.
describe('HostUsers', () => {
  let embedded: EmbeddedApp;
  let users: HostUsers;
  let repository: Repository<UserEntity>;
  let writes: jest.SpyInstance[];
  const written = (): number => writes.reduce((sum, spy) => sum + spy.mock.calls.length, 0);

  beforeAll(async () => {
    embedded = await startEmbeddedApp('host-users');
    users = embedded.app.get(HostUsers);
    repository = embedded.app.get(getRepositoryToken(UserEntity));
  }, 60_000);
  afterAll(() => embedded?.close());

  beforeEach(() => {
    writes = [jest.spyOn(repository, 'update'), jest.spyOn(repository, 'createQueryBuilder')];
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes a new user once, however many requests arrive at once, and not again while nothing changes', async () => {
    const identity = { id: 'h-1', username: 'hana', displayName: 'Hana', admin: false };
    const burst = await Promise.all(Array.from({ length: 10 }, () => users.sync(identity)));
    expect(new Set(burst.map((u) => JSON.stringify(u))).size).toBe(1);
    expect(burst[0]).toEqual({ id: 'h-1', username: 'hana', displayName: 'Hana', roles: ['user'] });
    expect(written()).toBe(1);
    // Known since: no write, and not even a read (this is every request's path).
    const reads = jest.spyOn(repository, 'findOneBy');
    for (let i = 0; i < 5; i++) await users.sync({ ...identity });
    expect(written()).toBe(1);
    expect(reads).not.toHaveBeenCalled();
    expect(await repository.countBy({ id: 'h-1' })).toBe(1);
  });

  it('writes once per change of name or roles', async () => {
    const identity = { id: 'h-2', username: 'ivo', displayName: 'Ivo', admin: false };
    await users.sync(identity);
    const before = written();
    expect((await users.sync({ ...identity, admin: true })).roles).toEqual(['user', 'admin']);
    await users.sync({ ...identity, admin: true });
    expect(written()).toBe(before + 1);
    expect(await repository.findOneByOrFail({ id: 'h-2' })).toMatchObject({
      roles: ['user', 'admin'],
      passwordHash: null,
    });
    await users.sync({ ...identity, admin: true, displayName: 'Ivo I.' });
    expect(written()).toBe(before + 2);
    expect((await repository.findOneByOrFail({ id: 'h-2' })).displayName).toBe('Ivo I.');
  });
});
