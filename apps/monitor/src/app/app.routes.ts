import type { Route } from '@angular/router';

import { adminGuard, authGuard } from './auth/auth.guards';

// Module-level texts: main.ts loads the translations before this module is evaluated.
export const appRoutes: Route[] = [
  {
    path: 'login',
    title: $localize`:@@demo.title.login:Sign in · Onward`,
    loadComponent: () => import('./login/login-page').then((m) => m.LoginPage),
  },
  {
    // A run's own link, which its toasts and system notifications open.
    path: 'monitor/run/:id',
    title: $localize`:@@demo.title.run:Run · Onward`,
    canActivate: [authGuard],
    loadComponent: () => import('./popout/popout-page').then((m) => m.PopoutPage),
  },
  {
    path: 'monitor',
    title: $localize`:@@demo.title.monitor:Running tasks · Onward`,
    canActivate: [authGuard],
    loadComponent: () => import('./popout/popout-page').then((m) => m.PopoutPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: $localize`:@@demo.title.customers:Customers · Onward`,
        loadComponent: () => import('./customers/customers-page').then((m) => m.CustomersPage),
      },
      {
        path: 'admin',
        title: $localize`:@@demo.title.admin:Admin · Onward`,
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/admin-page').then((m) => m.AdminPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
