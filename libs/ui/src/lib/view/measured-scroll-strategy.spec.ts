import type { ListRange } from '@angular/cdk/collections';
import type { CdkVirtualScrollViewport } from '@angular/cdk/scrolling';

import { MeasuredScrollStrategy } from './measured-scroll-strategy';

/** A ResizeObserver that reports, on `deliver()`, the observed elements' heights as `heightOf` gives them. */
class FakeResizeObserver {
  static current: FakeResizeObserver | null = null;
  /** Elements observed since the last delivery (a new observation reports once). */
  private fresh = new Set<Element>();
  readonly watched = new Set<Element>();
  constructor(private readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.current = this;
  }
  observe(el: Element): void {
    this.watched.add(el);
    this.fresh.add(el);
  }
  unobserve(el: Element): void {
    this.watched.delete(el);
    this.fresh.delete(el);
  }
  disconnect(): void {
    this.watched.clear();
  }
  deliver(heightOf: (el: Element) => number): void {
    const entries = [...this.fresh].map(
      (target) => ({ target, borderBoxSize: [{ blockSize: heightOf(target) }] }) as unknown as ResizeObserverEntry,
    );
    this.fresh.clear();
    if (entries.length > 0) this.callback(entries, this as unknown as ResizeObserver);
  }
}

/** The part of CdkVirtualScrollViewport the strategy uses, over a real DOM wrapper. */
function fakeViewport(height: number) {
  const host = document.createElement('div');
  const wrapper = host.appendChild(document.createElement('div'));
  const state = { scrollTop: 0, total: 0, range: { start: 0, end: 0 } as ListRange, offset: 0 };
  const viewport = {
    getElementRef: () => ({ nativeElement: host }),
    setTotalContentSize: (size: number) => (state.total = size),
    measureScrollOffset: () => state.scrollTop,
    getViewportSize: () => height,
    getRenderedRange: () => state.range,
    setRenderedRange: (range: ListRange) => (state.range = range),
    setRenderedContentOffset: (offset: number) => (state.offset = offset),
    scrollToOffset: (offset: number) => (state.scrollTop = offset),
  };
  /**
   * Puts elements for the rendered range into the wrapper, then lets the strategy observe them and
   * the browser lay them out: each is `heightOf(key)` px tall.
   */
  const render = (strategy: MeasuredScrollStrategy, keys: readonly string[], heightOf: (key: string) => number) => {
    wrapper.replaceChildren(
      ...keys.slice(state.range.start, state.range.end).map((key) => {
        const el = document.createElement('div');
        el.setAttribute('data-run-id', key);
        return el;
      }),
    );
    strategy.onContentRendered();
    FakeResizeObserver.current?.deliver((el) => heightOf(el.getAttribute('data-run-id') ?? ''));
  };
  return { viewport: viewport as unknown as CdkVirtualScrollViewport, state, render };
}

describe('MeasuredScrollStrategy', () => {
  const keys = Array.from({ length: 10_000 }, (_, i) => `r${i}`);
  let frames: FrameRequestCallback[] = [];
  const nextFrame = () => {
    const due = frames;
    frames = [];
    for (const callback of due) callback(0);
  };

  beforeEach(() => {
    frames = [];
    jest.spyOn(window, 'requestAnimationFrame').mockImplementation((callback) => frames.push(callback));
    jest.spyOn(window, 'cancelAnimationFrame').mockImplementation(() => undefined);
    Object.assign(globalThis, { ResizeObserver: FakeResizeObserver });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    Reflect.deleteProperty(globalThis, 'ResizeObserver');
    FakeResizeObserver.current = null;
  });

  /** A strategy over `items` estimated at 100 px, in a viewport `height` px tall, rendering 200 px around it. */
  function setUp(items: readonly string[] = keys, height = 500) {
    const strategy = new MeasuredScrollStrategy(200);
    const fake = fakeViewport(height);
    strategy.attach(fake.viewport);
    strategy.setItems(
      items,
      (k) => k,
      () => 100,
    );
    return { strategy, ...fake };
  }

  it('renders the items in view first, and the buffer around them in the next frame', () => {
    const { strategy, state, render } = setUp();
    expect(state.total).toBe(1_000_000);
    expect(state.range).toEqual({ start: 0, end: 6 });

    render(strategy, keys, () => 100);
    nextFrame();
    expect(state.range).toEqual({ start: 0, end: 8 });
  });

  it('after a jump renders only what is in view in its frame', () => {
    const { strategy, state, render } = setUp();
    render(strategy, keys, () => 100);
    nextFrame();

    state.scrollTop = 500_000;
    strategy.onContentScrolled();
    expect(state.range).toEqual({ start: 5000, end: 5006 });
    expect(state.offset).toBe(500_000);

    render(strategy, keys, () => 100);
    nextFrame();
    expect(state.range).toEqual({ start: 4998, end: 5008 });
    expect(state.offset).toBe(499_800);
    expect(strategy.indexAt(500_050)).toBe(5000);
  });

  it('renders the buffer at once while what is in view was rendered already (wheel steps)', () => {
    const { strategy, state, render } = setUp();
    render(strategy, keys, () => 100);
    nextFrame();

    state.scrollTop = 300;
    strategy.onContentScrolled();
    expect(state.range).toEqual({ start: 1, end: 11 });
    expect(frames).toHaveLength(0);
  });

  it('renders the buffer at once in a viewport that is not laid out (no height)', () => {
    const { state } = setUp(keys, 0);
    expect(state.range).toEqual({ start: 0, end: 3 });
  });

  it('replaces estimates by measured heights and keeps the first visible item in place', () => {
    const { strategy, state, render } = setUp();
    state.scrollTop = 1000;
    strategy.onContentScrolled();
    render(strategy, keys, () => 100);
    nextFrame();
    expect(state.range).toEqual({ start: 8, end: 18 });

    // The entries above the first visible one (8 and 9) are 150 px, not 100: scroll 100 px further.
    render(strategy, keys, () => 150);
    expect(state.scrollTop).toBe(1100);
    expect(strategy.offsetOf(10)).toBe(1100);
    expect(strategy.totalSize).toBe(1_000_500);
  });

  it('measures an element again when the list recycles it for another item', () => {
    const { strategy, viewport, render } = setUp(['a', 'b', 'c', 'd']);
    render(strategy, ['a', 'b', 'c', 'd'], () => 100);
    const observer = FakeResizeObserver.current;
    if (!observer) throw new Error('no ResizeObserver');
    expect(observer.watched.size).toBe(4);

    // The element that showed "a" now shows "d", as tall as "a" was: the browser reports no resize.
    const wrapper = viewport.getElementRef().nativeElement.firstElementChild as HTMLElement;
    const [first, , , last] = Array.from(wrapper.children);
    last.remove();
    first.setAttribute('data-run-id', 'd');
    strategy.onContentRendered();
    expect(observer.watched.size).toBe(3);
    observer.deliver(() => 250);
    expect(strategy.offsetOf(3)).toBe(300);
    expect(strategy.totalSize).toBe(550);
  });

  it('keeps measured heights by key when the order changes and forgets items that left', () => {
    const few = ['a', 'b', 'c', 'd'];
    const { strategy, render } = setUp(few);
    render(strategy, few, (k) => (k === 'a' ? 300 : 100));
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
