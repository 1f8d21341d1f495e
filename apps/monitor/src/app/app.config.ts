import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideOnwardMonitor } from '@onward/ui';

import { appRoutes } from './app.routes';
import { AuthStore } from './auth/auth-store';
import { DemoIdp } from './auth/demo-idp';
import { unauthorizedInterceptor } from './auth/unauthorized.interceptor';
import { demoLocale } from './i18n/demo-locale';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(appRoutes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([unauthorizedInterceptor])),
    // A session signed in at the demo identity provider keeps renewing its token (also in a pop-out).
    provideAppInitializer(() => void inject(DemoIdp)),
    // The embedding a customer would write: same origin, token from the host's own login, the
    // running count in the browser tab, and the page's language.
    provideOnwardMonitor(() => {
      const auth = inject(AuthStore);
      return { baseUrl: '', token: () => auth.token(), documentTitle: true, locale: demoLocale() };
    }),
  ],
};
