import { PanelGeometry, PanelGesture, type PanelRect, parseRect } from './panel-geometry';

const viewport = { width: 1000, height: 800 };
const limits = { minWidth: 300, minHeight: 200, margin: 16, sheetBelow: 600 };

describe('PanelGeometry', () => {
  const geometry = new PanelGeometry(limits);
  const start: PanelRect = { x: 400, y: 300, width: 400, height: 300 };

  it('opens bottom-right, clear of the edges', () => {
    const rect = geometry.defaultRect(viewport);
    expect(rect.x + rect.width).toBe(1000 - 16);
    expect(rect.y + rect.height).toBe(800 - 16);
    expect(rect.width).toBe(440);
  });

  it('moves by the pointer delta', () => {
    expect(geometry.move(start, 50, -100, viewport)).toEqual({ x: 450, y: 200, width: 400, height: 300 });
  });

  it('keeps a moved panel inside the viewport without changing its size', () => {
    expect(geometry.move(start, 5000, 5000, viewport)).toEqual({ x: 600, y: 500, width: 400, height: 300 });
    expect(geometry.move(start, -5000, -5000, viewport)).toEqual({ x: 0, y: 0, width: 400, height: 300 });
  });

  it('resizes from the east and south edges up to the viewport', () => {
    expect(geometry.resize(start, 'e', 100, 0, viewport)).toEqual({ ...start, width: 500 });
    expect(geometry.resize(start, 's', 0, 1000, viewport)).toEqual({ ...start, height: 500 });
    expect(geometry.resize(start, 'se', 1000, 1000, viewport)).toEqual({ x: 400, y: 300, width: 600, height: 500 });
  });

  it('resizes from the west and north edges keeping the opposite edges in place', () => {
    const w = geometry.resize(start, 'w', -100, 0, viewport);
    expect(w).toEqual({ x: 300, y: 300, width: 500, height: 300 });
    const n = geometry.resize(start, 'n', 0, 50, viewport);
    expect(n.y + n.height).toBe(start.y + start.height);
    expect(n).toEqual({ x: 400, y: 350, width: 400, height: 250 });
    const nw = geometry.resize(start, 'nw', -1000, -1000, viewport);
    expect(nw).toEqual({ x: 0, y: 0, width: 800, height: 600 });
  });

  it('never shrinks below the minimum size, whichever edge is dragged', () => {
    expect(geometry.resize(start, 'e', -1000, 0, viewport).width).toBe(300);
    expect(geometry.resize(start, 's', 0, -1000, viewport).height).toBe(200);
    const w = geometry.resize(start, 'w', 1000, 0, viewport);
    expect(w).toEqual({ x: 500, y: 300, width: 300, height: 300 });
    const n = geometry.resize(start, 'n', 0, 1000, viewport);
    expect(n).toEqual({ x: 400, y: 400, width: 400, height: 200 });
  });

  it('fits a remembered rect into a smaller window', () => {
    expect(geometry.clamp({ x: 900, y: 700, width: 400, height: 300 }, { width: 640, height: 480 })).toEqual({
      x: 240,
      y: 180,
      width: 400,
      height: 300,
    });
  });

  it('fills a window narrower than the minimum width', () => {
    expect(geometry.clamp({ x: 50, y: 0, width: 400, height: 300 }, { width: 280, height: 600 })).toEqual({
      x: 0,
      y: 0,
      width: 280,
      height: 300,
    });
    expect(geometry.defaultRect({ width: 280, height: 600 }).width).toBe(280);
  });

  it('follows the pointer through a gesture from where it started', () => {
    const gesture = new PanelGesture(geometry, 'move', start, 100, 100);
    expect(gesture.update(130, 90, viewport)).toEqual({ ...start, x: 430, y: 290 });
    // Each update is relative to the start, not to the previous position.
    expect(gesture.update(100, 100, viewport)).toEqual(start);
    const resize = new PanelGesture(geometry, 'sw', start, 0, 0);
    expect(resize.update(-50, 40, viewport)).toEqual({ x: 350, y: 300, width: 450, height: 340 });
  });

  it('reads back only well-formed stored rects', () => {
    expect(parseRect({ x: 1, y: 2, width: 3, height: 4 })).toEqual({ x: 1, y: 2, width: 3, height: 4 });
    expect(parseRect({ x: 1, y: 2, width: '3', height: 4 })).toBeNull();
    expect(parseRect(null)).toBeNull();
    expect(parseRect({ x: Number.NaN, y: 2, width: 3, height: 4 })).toBeNull();
  });

  it('becomes a full-height sheet below 600 px, whatever place was stored', () => {
    const phone = { width: 390, height: 844 };
    expect(geometry.isSheet(phone)).toBe(true);
    expect(geometry.isSheet({ width: 600, height: 800 })).toBe(false);
    expect(geometry.place({ x: 20, y: 30, width: 300, height: 400 }, phone)).toEqual({
      x: 0,
      y: 0,
      width: 390,
      height: 844,
    });
    expect(geometry.place(null, viewport)).toEqual(geometry.defaultRect(viewport));
  });
});
