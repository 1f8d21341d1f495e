import type { ListRange } from '@angular/cdk/collections';
import type { CdkVirtualScrollViewport } from '@angular/cdk/scrolling';

import { MeasuredScrollStrategy } from './measured-scroll-strategy';

/** The part of CdkVirtualScrollViewport the strategy uses, over a real DOM wrapper with set heights. */
function fakeViewport(height: number) {
  const wrapper = document.createElement('div');
  const state = { scrollTop: 0, total: 0, range: { start: 0, end: 0 } as ListRange, offset: 0 };
  const viewport = {
    _contentWrapper: { nativeElement: wrapper },
    setTotalContentSize: (size: number) => (state.total = size),
    measureScrollOffset: () => state.scrollTop,
    getViewportSize: () => height,
    setRenderedRange: (range: ListRange) => (state.range = range),
    setRenderedContentOffset: (offset: number) => (state.offset = offset),
    scrollToOffset: (offset: number) => (state.scrollTop = offset),
  };
  /** Puts elements for the rendered range into the wrapper, each `heightOf(key)` px tall. */
  const render = (keys: readonly string[], heightOf: (key: string) => number) => {
    wrapper.replaceChildren(
      ...keys.slice(state.range.start, state.range.end).map((key) => {
        const el = document.createElement('div');
        el.setAttribute('data-run-id', key);
        el.getBoundingClientRect = () => ({ height: heightOf(key) }) as DOMRect;
        return el;
      }),
    );
  };
  return { viewport: viewport as unknown as CdkVirtualScrollViewport, state, render };
}

describe('MeasuredScrollStrategy', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `r${i}`);

  it('renders only the items in view and a buffer around them, from estimated heights', () => {
    const strategy = new MeasuredScrollStrategy(200);
    const { viewport, state } = fakeViewport(500);
    strategy.attach(viewport);
    strategy.setItems(
      keys,
      (k) => k,
      () => 100,
    );

    expect(state.total).toBe(1_000_000);
    expect(state.range).toEqual({ start: 0, end: 8 });

    state.scrollTop = 500_000;
    strategy.onContentScrolled();
    expect(state.range).toEqual({ start: 4998, end: 5008 });
    expect(state.offset).toBe(499_800);
    expect(strategy.indexAt(500_050)).toBe(5000);
  });

  it('replaces estimates by measured heights and keeps the first visible item in place', () => {
    const strategy = new MeasuredScrollStrategy(200);
    const { viewport, state, render } = fakeViewport(500);
    strategy.attach(viewport);
    strategy.setItems(
      keys,
      (k) => k,
      () => 100,
    );
    state.scrollTop = 1000;
    strategy.onContentScrolled();
    expect(state.range).toEqual({ start: 8, end: 18 });

    // The entries above the first visible one (8 and 9) are 150 px, not 100: scroll 100 px further.
    render(keys, () => 150);
    strategy.onContentRendered();
    expect(state.scrollTop).toBe(1100);
    expect(strategy.offsetOf(10)).toBe(1100);
    expect(strategy.totalSize).toBe(1_000_500);
  });

  it('keeps measured heights by key when the order changes and forgets items that left', () => {
    const strategy = new MeasuredScrollStrategy(200);
    const { viewport, render } = fakeViewport(500);
    strategy.attach(viewport);
    const few = ['a', 'b', 'c', 'd'];
    strategy.setItems(
      few,
      (k) => k,
      () => 100,
    );
    render(few, (k) => (k === 'a' ? 300 : 100));
    strategy.onContentRendered();
    expect(strategy.totalSize).toBe(600);

    strategy.setItems(
      ['b', 'c', 'a'],
      (k) => k,
      () => 100,
    );
    expect(strategy.offsetOf(2)).toBe(200);
    expect(strategy.totalSize).toBe(500);
  });
});
