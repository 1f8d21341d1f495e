/**
 * Where the toasts go so that they never cover the panel: a plain function of the panel's box,
 * the viewport and the toast column's size, free of the DOM so every case is unit-tested.
 */
import type { PanelRect, Viewport } from '../panel/panel-geometry';

/** The toast column floats at (left, top), or sits inside the panel when no free place is left (a phone's sheet). */
export type ToastPlacement = { mode: 'float'; left: number; top: number; width: number } | { mode: 'inside' };

/** The panel as the toasts see it: its box on screen, and whether it is a phone's full-screen sheet. */
export interface PanelBox {
  rect: PanelRect;
  sheet: boolean;
}

const MARGIN = 16;
const GAP = 8;
const WIDTH = 360;

/**
 * The first free place, in the order a user expects: the bottom-left corner (the panel opens
 * bottom-right), the bottom-right corner, above the panel, beside it, below it. Inside the
 * panel when none is free, and always inside a sheet (a sheet covers the whole screen).
 */
export function toastPlacement(panel: PanelBox | null, viewport: Viewport, height: number): ToastPlacement {
  const width = Math.max(0, Math.min(WIDTH, viewport.width - 2 * MARGIN));
  const bottom = viewport.height - MARGIN - height;
  const corner = { mode: 'float' as const, left: MARGIN, top: bottom, width };
  if (!panel) return corner;
  if (panel.sheet && panel.rect.height >= viewport.height) return { mode: 'inside' };
  const p = panel.rect;
  const alignRight = clamp(p.x + p.width - width, MARGIN, viewport.width - MARGIN - width);
  const candidates = [
    { left: MARGIN, top: bottom },
    { left: viewport.width - MARGIN - width, top: bottom },
    { left: alignRight, top: p.y - GAP - height },
    { left: p.x - GAP - width, top: clamp(p.y + p.height - height, MARGIN, bottom) },
    { left: p.x + p.width + GAP, top: clamp(p.y + p.height - height, MARGIN, bottom) },
    { left: alignRight, top: p.y + p.height + GAP },
  ];
  const free = candidates.find(
    (c) =>
      c.left >= 0 &&
      c.top >= 0 &&
      c.left + width <= viewport.width &&
      c.top + height <= viewport.height &&
      !overlaps({ x: c.left, y: c.top, width, height }, p),
  );
  return free ? { mode: 'float', left: Math.round(free.left), top: Math.round(free.top), width } : { mode: 'inside' };
}

function overlaps(a: PanelRect, b: PanelRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), Math.max(min, max));
}
