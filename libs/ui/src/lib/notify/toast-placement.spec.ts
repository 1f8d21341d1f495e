import { toastPlacement } from './toast-placement';

const viewport = { width: 1280, height: 860 };
const overlaps = (
  place: ReturnType<typeof toastPlacement>,
  height: number,
  p: { x: number; y: number; width: number; height: number },
) =>
  place.mode === 'float' &&
  place.left < p.x + p.width &&
  p.x < place.left + place.width &&
  place.top < p.y + p.height &&
  p.y < place.top + height;

describe('toastPlacement', () => {
  it('puts the toasts bottom-left when the panel is closed or sits bottom-right', () => {
    expect(toastPlacement(null, viewport, 200)).toEqual({ mode: 'float', left: 16, top: 860 - 16 - 200, width: 360 });
    const panel = { x: 824, y: 196, width: 440, height: 600 };
    expect(toastPlacement({ rect: panel, sheet: false }, viewport, 200)).toMatchObject({ left: 16 });
  });

  it('moves them to the other corner when the panel was dragged bottom-left', () => {
    const panel = { x: 0, y: 300, width: 440, height: 560 };
    const place = toastPlacement({ rect: panel, sheet: false }, viewport, 200);
    expect(place).toMatchObject({ mode: 'float', left: 1280 - 16 - 360 });
    expect(overlaps(place, 200, panel)).toBe(false);
  });

  it('goes above, beside or below a panel that spans the bottom of the window', () => {
    const wide = { x: 0, y: 500, width: 1280, height: 360 };
    const place = toastPlacement({ rect: wide, sheet: false }, viewport, 200);
    expect(place.mode).toBe('float');
    expect(overlaps(place, 200, wide)).toBe(false);
    const tall = { x: 300, y: 0, width: 600, height: 860 };
    const beside = toastPlacement({ rect: tall, sheet: false }, viewport, 200);
    expect(overlaps(beside, 200, tall)).toBe(false);
  });

  it('shows them inside a phone sheet, and above a minimised one', () => {
    const phone = { width: 390, height: 844 };
    expect(toastPlacement({ rect: { x: 0, y: 0, width: 390, height: 844 }, sheet: true }, phone, 200)).toEqual({
      mode: 'inside',
    });
    const bar = { x: 0, y: 796, width: 390, height: 48 };
    const place = toastPlacement({ rect: bar, sheet: true }, phone, 200);
    expect(place).toMatchObject({ mode: 'float', width: 358 });
    expect(overlaps(place, 200, bar)).toBe(false);
  });
});
