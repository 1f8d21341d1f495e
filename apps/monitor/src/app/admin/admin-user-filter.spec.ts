import { MAX_USER_QUERIES, matchesUserPrefix, runCountText, userQueries, usersWithPrefix } from './admin-user-filter';

describe('the admin user filter', () => {
  const users = ['bob', 'alice', 'Bonnie', 'admin'];

  it('matches prefixes, ignoring case', () => {
    expect(matchesUserPrefix('bonnie', 'BO')).toBe(true);
    expect(matchesUserPrefix('alice', 'bo')).toBe(false);
    expect(matchesUserPrefix('alice', '  ')).toBe(true);
    expect(usersWithPrefix(users, 'b')).toEqual(['bob', 'Bonnie']);
  });

  it('reads each matching user exactly, or everyone when it cannot tell', () => {
    expect(userQueries('', users)).toEqual([null]);
    expect(userQueries('a', users)).toEqual(['admin', 'alice']);
    expect(userQueries('zed', users)).toEqual([]);
    expect(userQueries('a', null)).toEqual([null]);
    const many = Array.from({ length: MAX_USER_QUERIES + 1 }, (_, i) => `user${i}`);
    expect(userQueries('user', many)).toEqual([null]);
  });

  it('counts runs with the right plural', () => {
    expect(runCountText(0)).toBe('0 runs');
    expect(runCountText(1)).toBe('1 run');
    expect(runCountText(2)).toBe('2 runs');
  });
});
