import type { Route } from '@angular/router';

import { adminGuard, authGuard } from './auth/auth.guards';

export const appRoutes: Route[] = [
  {
    path: 'login',
    title: 'Sign in · Onward',
    loadComponent: () => import('./login/login-page').then((m) => m.LoginPage),
  },
  {
    // A run's own link, which its toasts and system notifications open.
    path: 'monitor/run/:id',
    title: 'Run · Onward',
    canActivate: [authGuard],
    loadComponent: () => import('./popout/popout-page').then((m) => m.PopoutPage),
  },
  {
    path: 'monitor',
    title: 'Running tasks · Onward',
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
        title: 'Customers · Onward',
        loadComponent: () => import('./customers/customers-page').then((m) => m.CustomersPage),
      },
      {
        path: 'admin',
        title: 'Admin · Onward',
        canActivate: [adminGuard],
        loadComponent: () => import('./admin/admin-page').then((m) => m.AdminPage),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
