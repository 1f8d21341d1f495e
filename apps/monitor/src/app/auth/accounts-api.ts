import { HttpClient, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { firstValueFrom } from 'rxjs';

import { AuthStore } from './auth-store';

/** `GET /api/auth/options`: how users sign in, and the demo accounts that still open with their known password. */
export interface AuthOptions {
  mode: 'local' | 'jwt';
  demoUsers: string[];
}

/** A user as admins see them (`GET /api/admin/users`). */
export interface AccountView {
  id: string;
  username: string;
  displayName: string;
  roles: ('user' | 'admin')[];
  disabled: boolean;
  createdAt: string;
}

export interface NewAccount {
  username: string;
  displayName: string;
  password: string;
  roles: ('user' | 'admin')[];
}

export type AccountChange = Partial<Pick<AccountView, 'displayName' | 'roles' | 'disabled'>> & { password?: string };

/** The host's calls for Onward's own accounts: sign-in options, password change, the admins' user list. */
@Injectable({ providedIn: 'root' })
export class AccountsApi {
  private readonly http = inject(HttpClient);
  private readonly auth = inject(AuthStore);

  private headers(): HttpHeaders {
    const token = this.auth.token();
    return token ? new HttpHeaders({ Authorization: `Bearer ${token}` }) : new HttpHeaders();
  }

  options(): Promise<AuthOptions> {
    return firstValueFrom(this.http.get<AuthOptions>('/api/auth/options'));
  }

  /** Changes the caller's password; this session goes on, the user's other sessions end. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await firstValueFrom(
      this.http.post<void>('/api/auth/password', { currentPassword, newPassword }, { headers: this.headers() }),
    );
  }

  listUsers(): Promise<AccountView[]> {
    return firstValueFrom(this.http.get<AccountView[]>('/api/admin/users', { headers: this.headers() }));
  }

  createUser(account: NewAccount): Promise<AccountView> {
    return firstValueFrom(this.http.post<AccountView>('/api/admin/users', account, { headers: this.headers() }));
  }

  updateUser(id: string, change: AccountChange): Promise<AccountView> {
    return firstValueFrom(
      this.http.patch<AccountView>(`/api/admin/users/${encodeURIComponent(id)}`, change, { headers: this.headers() }),
    );
  }
}

/** The field errors of a 400 (`details`), by field. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof HttpErrorResponse) || error.status !== 400) return {};
  const details = (error.error as { details?: { field: string; message: string }[] } | null)?.details ?? [];
  return Object.fromEntries(details.map((d) => [d.field, d.message]));
}

/** The server's own sentence for an error, else a generic one. */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof HttpErrorResponse) {
    const message = (error.error as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && message) return message;
  }
  return fallback;
}
