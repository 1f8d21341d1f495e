/** Where a tab keeps the ids of its open await-result dialogs across a reload. */
const KEY = 'onward.foreground-dialogs';

/**
 * The ids of the foreground runs whose dialog is open in this tab, kept in sessionStorage so a
 * reload can open them again: per tab, gone with the tab. The pop-out window (named
 * `onward-monitor` by the panel) starts with a copy of its opener's sessionStorage but shows no
 * dialogs, so it neither reads nor writes them.
 */
export class ForegroundDialogMemory {
  private readonly storage: Storage | null;

  constructor(win: Window | null) {
    this.storage = win && win.name !== POPOUT_WINDOW_NAME ? sessionStorageOf(win) : null;
  }

  /** The remembered ids, oldest first. */
  read(): string[] {
    try {
      const value: unknown = JSON.parse(this.storage?.getItem(KEY) ?? '[]');
      return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  remember(id: string): void {
    const ids = this.read();
    if (!ids.includes(id)) this.write([...ids, id]);
  }

  forget(id: string): void {
    const ids = this.read();
    if (ids.includes(id)) this.write(ids.filter((held) => held !== id));
  }

  private write(ids: string[]): void {
    try {
      if (ids.length === 0) this.storage?.removeItem(KEY);
      else this.storage?.setItem(KEY, JSON.stringify(ids));
    } catch {
      // Storage full or refused (private mode): the dialog works, it just won't come back after a reload.
    }
  }
}

/** The window name the panel's pop-out button opens the monitor under. */
export const POPOUT_WINDOW_NAME = 'onward-monitor';

function sessionStorageOf(win: Window): Storage | null {
  try {
    return win.sessionStorage;
  } catch {
    // Sandboxed frames may refuse storage access.
    return null;
  }
}
