/** Position and size of the floating panel, in CSS pixels relative to the viewport. */
export interface PanelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The visible area the panel must stay inside. */
export interface Viewport {
  width: number;
  height: number;
}

/** An edge or corner the panel is resized from. */
export type ResizeHandle = 'n' | 's' | 'e' | 'w' | 'ne' | 'nw' | 'se' | 'sw';

/** What a pointer gesture does: move the panel, or resize it from a handle. */
export type GestureKind = 'move' | ResizeHandle;

/** Smallest size the panel may be resized to (the viewport may still force it smaller). */
export interface PanelLimits {
  minWidth: number;
  minHeight: number;
  /** Gap kept to the viewport edges by the default placement. */
  margin: number;
  /** Below this viewport width (a phone) the panel is a full-screen sheet: no floating, no drag. */
  sheetBelow: number;
}

export const DEFAULT_PANEL_LIMITS: PanelLimits = { minWidth: 300, minHeight: 220, margin: 16, sheetBelow: 600 };

/**
 * The pointer and resize math of the panel, free of the DOM so it can be unit-tested:
 * every result is kept inside the viewport and above the minimum size.
 */
export class PanelGeometry {
  constructor(readonly limits: PanelLimits = DEFAULT_PANEL_LIMITS) {}

  /** Whether the viewport is too narrow for a floating panel: it then fills the screen as a sheet. */
  isSheet(viewport: Viewport): boolean {
    return viewport.width < this.limits.sheetBelow;
  }

  /** The sheet's rect: the whole viewport, full height. */
  sheetRect(viewport: Viewport): PanelRect {
    return { x: 0, y: 0, width: Math.round(viewport.width), height: Math.round(viewport.height) };
  }

  /** The rect the panel takes: the sheet on a narrow viewport, else the stored one fitted, else the default place. */
  place(stored: PanelRect | null, viewport: Viewport): PanelRect {
    if (this.isSheet(viewport)) return this.sheetRect(viewport);
    return stored ? this.clamp(stored, viewport) : this.defaultRect(viewport);
  }

  /** Where a panel opens the first time: bottom-right, clear of the edges. */
  defaultRect(viewport: Viewport): PanelRect {
    const m = this.limits.margin;
    const width = Math.min(440, viewport.width - 2 * m);
    const height = Math.min(600, viewport.height - 2 * m - 48);
    return this.clamp({ x: viewport.width - width - m, y: viewport.height - height - m, width, height }, viewport);
  }

  /** Fits a rect into the viewport: shrinks it if it is too big, then moves it inside. */
  clamp(rect: PanelRect, viewport: Viewport): PanelRect {
    const width = Math.min(Math.max(rect.width, this.limits.minWidth), viewport.width);
    const height = Math.min(Math.max(rect.height, this.limits.minHeight), viewport.height);
    const x = Math.min(Math.max(rect.x, 0), Math.max(0, viewport.width - width));
    const y = Math.min(Math.max(rect.y, 0), Math.max(0, viewport.height - height));
    return { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
  }

  /** The rect moved by (dx, dy), kept inside the viewport with its size unchanged. */
  move(start: PanelRect, dx: number, dy: number, viewport: Viewport): PanelRect {
    return this.clamp({ ...start, x: start.x + dx, y: start.y + dy }, viewport);
  }

  /** The rect resized by dragging `handle` by (dx, dy); the opposite edges stay where they are. */
  resize(start: PanelRect, handle: ResizeHandle, dx: number, dy: number, viewport: Viewport): PanelRect {
    const { minWidth, minHeight } = this.limits;
    let { x, y, width, height } = start;
    const right = start.x + start.width;
    const bottom = start.y + start.height;
    if (handle.includes('e')) {
      width = clampNumber(start.width + dx, Math.min(minWidth, viewport.width - x), viewport.width - x);
    }
    if (handle.includes('w')) {
      x = clampNumber(start.x + dx, 0, Math.max(0, right - minWidth));
      width = right - x;
    }
    if (handle.includes('s')) {
      height = clampNumber(start.height + dy, Math.min(minHeight, viewport.height - y), viewport.height - y);
    }
    if (handle.includes('n')) {
      y = clampNumber(start.y + dy, 0, Math.max(0, bottom - minHeight));
      height = bottom - y;
    }
    return this.clamp({ x, y, width, height }, viewport);
  }

  /** Applies a gesture of either kind. */
  apply(kind: GestureKind, start: PanelRect, dx: number, dy: number, viewport: Viewport): PanelRect {
    return kind === 'move' ? this.move(start, dx, dy, viewport) : this.resize(start, kind, dx, dy, viewport);
  }
}

/** One drag or resize, from pointer-down to pointer-up: remembers where it started. */
export class PanelGesture {
  constructor(
    private readonly geometry: PanelGeometry,
    readonly kind: GestureKind,
    private readonly startRect: PanelRect,
    private readonly startX: number,
    private readonly startY: number,
  ) {}

  /** The rect for the pointer now at (clientX, clientY). */
  update(clientX: number, clientY: number, viewport: Viewport): PanelRect {
    return this.geometry.apply(this.kind, this.startRect, clientX - this.startX, clientY - this.startY, viewport);
  }
}

function clampNumber(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** Reads a stored rect back, or null when the stored value is not a usable rect. */
export function parseRect(value: unknown): PanelRect | null {
  if (typeof value !== 'object' || value === null) return null;
  const r = value as Record<string, unknown>;
  const nums = [r['x'], r['y'], r['width'], r['height']];
  if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  return { x: r['x'] as number, y: r['y'] as number, width: r['width'] as number, height: r['height'] as number };
}
