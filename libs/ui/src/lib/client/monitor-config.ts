import { InjectionToken } from '@angular/core';

/** What a host tells the monitor widget: where the server is and how to authenticate. */
export interface OnwardMonitorOptions {
  /** Base URL of the Onward server without a trailing slash; `''` means the page's own origin. */
  baseUrl: string;
  /** Returns the current access token, or null when nobody is logged in. Reading a signal here makes the widget follow logins and logouts. */
  token: () => string | null;
  /** URL opened by the panel's pop-out button; defaults to `${baseUrl}/monitor`. */
  popoutUrl?: string;
  /** The link of one run, which toasts and system notifications open; defaults to `${popoutUrl}/run/:id`. */
  runUrl?: (id: string) => string;
  /** In-app toasts, system notifications and the live region; default true. */
  notifications?: boolean;
  /**
   * Show the number of running runs in the browser tab: "(2)" in front of the page title and a
   * badge over the page's favicon, both gone when none runs; default false.
   */
  documentTitle?: boolean;
  /**
   * The language and formats of the widget: 'en' (the default) or 'nl', or a regional id such as
   * 'nl-BE'. It becomes Angular's `LOCALE_ID` too (dates and numbers of the whole page); a host with
   * its own `LOCALE_ID` passes it here. A language the widget does not ship keeps English texts.
   */
  locale?: string;
  /** @deprecated The title's count alone, from before `documentTitle`; now the same as `documentTitle`. */
  tabTitle?: boolean;
}

/** The resolved options, with defaults applied. */
export type OnwardMonitorConfig = Required<OnwardMonitorOptions>;

/** DI token of the resolved monitor configuration. */
export const ONWARD_MONITOR_CONFIG = new InjectionToken<OnwardMonitorConfig>('ONWARD_MONITOR_CONFIG');

/** Applies the defaults to a host's options. */
export function resolveMonitorConfig(options: OnwardMonitorOptions): OnwardMonitorConfig {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const popoutUrl = options.popoutUrl ?? `${baseUrl}/monitor`;
  return {
    baseUrl,
    token: options.token,
    popoutUrl,
    runUrl: options.runUrl ?? ((id) => `${popoutUrl}/run/${encodeURIComponent(id)}`),
    notifications: options.notifications ?? true,
    documentTitle: options.documentTitle ?? options.tabTitle ?? false,
    tabTitle: options.documentTitle ?? options.tabTitle ?? false,
    locale: options.locale ?? 'en',
  };
}
