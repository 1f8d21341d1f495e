import {
  type EnvironmentProviders,
  inject,
  LOCALE_ID,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';

import { ONWARD_MONITOR_CONFIG, type OnwardMonitorOptions, resolveMonitorConfig } from './client/monitor-config';
import { applyOnwardLocale } from './i18n/languages';
import { RunLauncher } from './launch/run-launcher';
import { DocumentTitle } from './notify/document-title';
import { MonitorNotifier } from './notify/monitor-notifier';

/**
 * Sets up the Onward monitor widget: where the server is, how to get the user's token, and its
 * language (`locale: 'nl'`: Dutch texts and formats, applied before any component renders).
 * Pass the options, or a factory that may `inject()` the host's own services (e.g. its auth store).
 * The host also provides `provideHttpClient()`.
 */
export function provideOnwardMonitor(
  options: OnwardMonitorOptions | (() => OnwardMonitorOptions),
): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: ONWARD_MONITOR_CONFIG,
      useFactory: () => resolveMonitorConfig(typeof options === 'function' ? options() : options),
    },
    // The locale's texts and data are in place before the first template is created.
    { provide: LOCALE_ID, useFactory: () => localeOf(inject(ONWARD_MONITOR_CONFIG).locale) },
    provideEnvironmentInitializer(() => void inject(LOCALE_ID)),
    // Start listening at once, so toasts work on every page of the host.
    provideEnvironmentInitializer(() => inject(MonitorNotifier).start()),
    // The running count in the browser tab, when the host asked for it (`documentTitle`).
    provideEnvironmentInitializer(() => inject(DocumentTitle).start()),
    // After a reload, the dialogs of this tab's unfinished foreground runs open again.
    provideEnvironmentInitializer(() => void inject(RunLauncher)),
  ]);
}

/** The locale applied as soon as Angular reads `LOCALE_ID`, so its data is there for the first pipe. */
function localeOf(locale: string): string {
  applyOnwardLocale(locale);
  return locale;
}
