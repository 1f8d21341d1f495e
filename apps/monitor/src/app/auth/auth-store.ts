import { HttpClient } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import type { MonitorUser } from '@onward/ui';
import { firstValueFrom } from 'rxjs';

const TOKEN_KEY = 'onward.token';
const USER_KEY = 'onward.user';

interface LoginAnswer {
  accessToken: string;
  user: MonitorUser;
}

/** The host's login state; the token lives in sessionStorage (a pop-out window gets a copy). */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly http = inject(HttpClient);

  readonly token = signal<string | null>(read(TOKEN_KEY));
  readonly user = signal<MonitorUser | null>(readUser());
  readonly isAdmin = computed(() => this.user()?.roles.includes('admin') ?? false);

  async login(username: string, password: string): Promise<void> {
    const answer = await firstValueFrom(this.http.post<LoginAnswer>('/api/auth/login', { username, password }));
    this.setSession(answer.accessToken, answer.user);
  }

  /** Signs the user in with a token obtained elsewhere (the host's identity provider). */
  setSession(token: string, user: MonitorUser): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    this.user.set(user);
    this.token.set(token);
  }

  /** A fresh token of the same user (a refresh before the old one expires). */
  replaceToken(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    this.token.set(token);
  }

  logout(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    this.token.set(null);
    this.user.set(null);
  }
}

function read(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function readUser(): MonitorUser | null {
  const raw = read(USER_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as MonitorUser;
  } catch {
    return null;
  }
}
