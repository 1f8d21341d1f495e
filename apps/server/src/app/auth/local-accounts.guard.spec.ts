import { NotFoundError } from '../common/domain-errors';
import type { OnwardConfig } from '../config/onward-config';
import { LocalAccountsGuard } from './local-accounts.guard';

// Integration suites cannot sign in an admin in jwt mode without the host's keys; the rule is this guard's.
describe('LocalAccountsGuard', () => {
  const guard = (auth: OnwardConfig['auth']) => new LocalAccountsGuard({ auth } as OnwardConfig);

  it("lets password routes through for Onward's own users", () => {
    expect(guard({ mode: 'local' }).canActivate()).toBe(true);
  });

  it("answers 404 with the host application's identity, where Onward keeps no passwords", () => {
    const jwt = guard({
      mode: 'jwt',
      jwksUrl: null,
      publicKeyPem: '-----BEGIN PUBLIC KEY-----x-----END PUBLIC KEY-----',
      issuer: 'https://idp.example.com/',
      audience: 'onward',
      algorithms: ['RS256'],
      adminRole: 'onward-admin',
      claims: { id: 'sub', name: 'name', username: 'preferred_username', roles: 'roles' },
    });
    expect(() => jwt.canActivate()).toThrow(NotFoundError);
  });
});
