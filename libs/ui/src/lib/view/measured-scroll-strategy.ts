import type { ListRange } from '@angular/cdk/collections';
import type { CdkVirtualScrollViewport, VirtualScrollStrategy } from '@angular/cdk/scrolling';
import { distinctUntilChanged, Subject } from 'rxjs';

/** Where the strategy finds an item's key on a rendered element. */
export const ITEM_KEY_ATTRIBUTE = 'data-run-id';

/**
 * A virtual-scroll strategy for items of different heights (a running entry is taller than a
 * finished one, an expanded scheduler much taller): every item starts with an estimated height,
 * rendered items are measured and remembered by key, and the offsets are the running sum. CDK's
 * own fixed-size strategy would need every entry to be one height; its autosize strategy lives in
 * cdk-experimental.
 *
 * Two rules keep a jump through a long list (the scroll bar dragged to the middle) within a frame:
 * - Heights come from a ResizeObserver on each rendered item, which the browser calls after its own
 *   layout of the frame. Reading them right after a render would force that layout early, inside
 *   Angular's change detection, and once more for every render until the heights settle.
 * - When nothing rendered is still in view, only the items in view are rendered at once; the buffer
 *   around them follows in the next frame. A jump renders half as many entries in its frame.
 *
 * The owner hands over the items' keys and estimates with `setItems` whenever the list changes
 * (order included: the viewport itself only reports changes of length).
 */
export class MeasuredScrollStrategy implements VirtualScrollStrategy {
  private readonly index = new Subject<number>();
  /** Index of the first item in view. */
  readonly scrolledIndexChange = this.index.pipe(distinctUntilChanged());

  private viewport: CdkVirtualScrollViewport | null = null;
  private keys: readonly string[] = [];
  private estimates: number[] = [];
  private positions = new Map<string, number>();
  private readonly measured = new Map<string, number>();
  /** offsets[i] = top of item i; offsets[n] = total height. */
  private offsets = new Float64Array(1);
  private resizeObserver: ResizeObserver | null = null;
  /** The key each observed element showed when observed: the list recycles elements for other items. */
  private readonly observed = new Map<Element, string>();
  /** After a jump: the frame that renders the buffer around the items in view. */
  private bufferFrame: number | null = null;
  private bufferPending = false;

  /** @param bufferPx how far beyond the visible area items are rendered, above and below. */
  constructor(private readonly bufferPx = 400) {}

  /**
   * The items in list order, with their keys and estimated heights (used until measured).
   * Cheap when only the items' content changed (same keys in the same order): a progress tick
   * in a list of 10 000 must not rebuild the index.
   */
  setItems<T>(items: readonly T[], key: (item: T) => string, estimate: (item: T) => number): void {
    const sameKeys = items.length === this.keys.length && items.every((item, i) => key(item) === this.keys[i]);
    if (!sameKeys) {
      const keys = items.map(key);
      const positions = new Map<string, number>();
      for (let i = 0; i < keys.length; i++) positions.set(keys[i], i);
      this.keys = keys;
      this.positions = positions;
      // Forget heights of items that left the list, so the map does not grow without bound.
      if (this.measured.size > keys.length) {
        for (const k of this.measured.keys()) if (!positions.has(k)) this.measured.delete(k);
      }
    }
    let estimatesChanged = !sameKeys;
    const estimates = sameKeys ? this.estimates.slice() : new Array<number>(items.length);
    for (let i = 0; i < items.length; i++) {
      const e = estimate(items[i]);
      if (estimates[i] !== e) {
        estimates[i] = e;
        if (!this.measured.has(this.keys[i])) estimatesChanged = true;
      }
    }
    this.estimates = estimates;
    if (!estimatesChanged) return;
    this.computeOffsets();
    this.update();
  }

  /** Top of item `index` in the scrolled content, in px. */
  offsetOf(index: number): number {
    return this.offsets[Math.max(0, Math.min(index, this.keys.length))];
  }

  /** Total height of the content, in px. */
  get totalSize(): number {
    return this.offsets[this.keys.length];
  }

  attach(viewport: CdkVirtualScrollViewport): void {
    this.viewport = viewport;
    // Also reports an entry that grows or shrinks later (a run finishing, subtasks expanded).
    if (typeof ResizeObserver !== 'undefined') this.resizeObserver = new ResizeObserver((sizes) => this.measure(sizes));
    this.update();
  }

  detach(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.observed.clear();
    if (this.bufferFrame !== null) cancelAnimationFrame(this.bufferFrame);
    this.bufferFrame = null;
    this.viewport = null;
  }

  onContentScrolled(): void {
    this.update();
  }

  onDataLengthChanged(): void {
    this.update();
  }

  onContentRendered(): void {
    this.observeRendered();
    if (this.bufferPending && this.bufferFrame === null) {
      // The items in view are in the DOM; the buffer around them renders in the next frame.
      this.bufferFrame = requestAnimationFrame(() => {
        this.bufferFrame = null;
        this.bufferPending = false;
        this.update();
      });
    }
  }

  onRenderedOffsetChanged(): void {
    // The offset is always set from `offsets`; nothing to correct.
  }

  scrollToIndex(index: number, behavior: ScrollBehavior): void {
    this.viewport?.scrollToOffset(this.offsetOf(index), behavior);
  }

  /** The index of the item at `offset` px from the top (binary search over the offsets). */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private computeOffsets(): void {
    const n = this.keys.length;
    const offsets = this.offsets.length === n + 1 ? this.offsets : new Float64Array(n + 1);
    let top = 0;
    for (let i = 0; i < n; i++) {
      offsets[i] = top;
      top += this.measured.get(this.keys[i]) ?? this.estimates[i];
    }
    offsets[n] = top;
    this.offsets = offsets;
  }

  /** Sets the total size and the rendered range for the current scroll position. */
  private update(): void {
    const viewport = this.viewport;
    if (!viewport) return;
    viewport.setTotalContentSize(this.totalSize);
    const n = this.keys.length;
    const scrollTop = viewport.measureScrollOffset();
    const height = viewport.getViewportSize();
    const inView: ListRange = { start: this.indexAt(scrollTop), end: this.endAt(scrollTop + height) };
    const rendered = viewport.getRenderedRange();
    // A jump: nothing rendered is in view any more (a first render is one too). A viewport that is not
    // laid out (no height: a hidden panel) has nothing in view to put first.
    const jump = height > 0 && n > 0 && (inView.end <= rendered.start || inView.start >= rendered.end);
    const range: ListRange =
      jump || this.bufferPending
        ? inView
        : {
            start: this.indexAt(Math.max(0, scrollTop - this.bufferPx)),
            end: this.endAt(scrollTop + height + this.bufferPx),
          };
    if (jump) this.bufferPending = true;
    viewport.setRenderedRange(range);
    viewport.setRenderedContentOffset(this.offsets[range.start]);
    this.index.next(inView.start);
  }

  /** The end (exclusive) of the items that reach down to `offset` px. */
  private endAt(offset: number): number {
    const n = this.keys.length;
    return n === 0 ? 0 : Math.min(n, this.indexAt(offset) + 1);
  }

  /**
   * Observes the rendered items' sizes: the ResizeObserver reports each newly observed element once,
   * after the browser's layout, then whenever its size changes. An element the list recycled for
   * another item is observed again, since the new item may be as tall as the old one.
   */
  private observeRendered(): void {
    const observer = this.resizeObserver;
    const viewport = this.viewport;
    if (!observer || !viewport) return;
    const rendered = new Set<Element>();
    // The rows are the children of the viewport's content wrapper, a child of the viewport's element
    // (its public `getElementRef`): two levels of children, not a search of every row's insides.
    const children = (el: Element): Element[] => Array.from(el.children);
    for (const el of children(viewport.getElementRef().nativeElement).flatMap(children)) {
      const key = el.getAttribute(ITEM_KEY_ATTRIBUTE);
      if (key === null) continue;
      rendered.add(el);
      if (this.observed.get(el) === key) continue;
      if (this.observed.has(el)) observer.unobserve(el);
      observer.observe(el, { box: 'border-box' });
      this.observed.set(el, key);
    }
    for (const el of this.observed.keys()) {
      if (rendered.has(el)) continue;
      observer.unobserve(el);
      this.observed.delete(el);
    }
  }

  /**
   * Takes the heights the ResizeObserver reported; when they differ from what the offsets assumed,
   * recomputes them and keeps the first visible item where it was on screen.
   */
  private measure(sizes: readonly ResizeObserverEntry[]): void {
    const viewport = this.viewport;
    if (!viewport) return;
    // Called after the browser's layout: reading the scroll offset costs no layout of its own.
    const scrollTop = viewport.measureScrollOffset();
    const firstVisible = this.indexAt(scrollTop);
    let changed = false;
    let shiftAbove = 0;
    for (const size of sizes) {
      const key = size.target.getAttribute(ITEM_KEY_ATTRIBUTE);
      const index = key === null ? undefined : this.positions.get(key);
      // The border box, as observed (the content rect leaves out the padding). Zero: taken out of the
      // list, or not laid out (a hidden panel); keep what is known.
      const height = size.borderBoxSize[0]?.blockSize ?? 0;
      if (key === null || index === undefined || height === 0) continue;
      const before = this.offsets[index + 1] - this.offsets[index];
      if (Math.abs(height - before) < 0.5) continue;
      this.measured.set(key, height);
      changed = true;
      if (index < firstVisible) shiftAbove += height - before;
    }
    if (!changed) return;
    this.computeOffsets();
    // Items above the first visible one changed height: scroll by as much, so what the user
    // looks at does not jump (what CSS scroll anchoring does for a normal list).
    if (shiftAbove !== 0 && scrollTop > 0) viewport.scrollToOffset(scrollTop + shiftAbove);
    this.update();
  }
}
