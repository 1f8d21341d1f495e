import type { Role } from './user.entity';

/** The authenticated caller, as carried in the access token and the contract's `user`. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
}

export function isAdmin(user: AuthUser): boolean {
  return user.roles.includes('admin');
}
