import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideOnwardMonitor } from '@onward/ui';

import { appRoutes } from './app.routes';
import { AuthStore } from './auth/auth-store';
import { unauthorizedInterceptor } from './auth/unauthorized.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([unauthorizedInterceptor])),
    // The embedding a customer would write: same origin, token from the host's own login.
    provideOnwardMonitor(() => {
      const auth = inject(AuthStore);
      return { baseUrl: '', token: () => auth.token() };
    }),
  ],
};
