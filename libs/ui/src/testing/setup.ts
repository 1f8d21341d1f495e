import { InteractivityChecker } from '@angular/cdk/a11y';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type Provider, provideZonelessChangeDetection, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';

import { MonitorClient } from '../lib/client/monitor-client';
import { ONWARD_MONITOR_CONFIG, resolveMonitorConfig } from '../lib/client/monitor-config';
import { SocketFactory } from '../lib/client/socket-factory';
import { provideOnwardMonitor } from '../lib/provide-onward-monitor';
import { FakeSocketFactory } from './fakes';

/** Configures TestBed with the widget, a fake socket layer and HttpTestingController. */
export function setupWidget(
  options: { token?: string | null; tabTitle?: boolean; documentTitle?: boolean; providers?: Provider[] } = {},
) {
  const token = signal<string | null>(options.token === undefined ? 'tok' : options.token);
  const sockets = new FakeSocketFactory();
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      provideOnwardMonitor({
        baseUrl: '',
        token: () => token(),
        documentTitle: options.documentTitle ?? options.tabTitle ?? false,
      }),
      { provide: SocketFactory, useValue: sockets },
      // Dialogs and toasts close at once instead of waiting for CSS animations jsdom never runs.
      { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      // jsdom has no layout, so CDK would think no dialog button is focusable.
      {
        provide: InteractivityChecker,
        useValue: { isFocusable: () => true, isTabbable: () => true, isVisible: () => true, isDisabled: () => false },
      },
      ...(options.providers ?? []),
    ],
  });
  const client = TestBed.inject(MonitorClient);
  TestBed.tick();
  return { token, sockets, client, http: TestBed.inject(HttpTestingController) };
}

/** Configures TestBed for the client's parts alone: HttpTestingController and the config, no socket, no client. */
export function setupClientParts(): HttpTestingController {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: ONWARD_MONITOR_CONFIG, useValue: resolveMonitorConfig({ baseUrl: '', token: () => 'tok' }) },
    ],
  });
  return TestBed.inject(HttpTestingController);
}
