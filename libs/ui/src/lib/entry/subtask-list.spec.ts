import { CdkVirtualScrollViewport } from '@angular/cdk/scrolling';
import type { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import type { RunView } from '@onward/task-domain';

import { type FakeSocket, makeRun, nextRequest } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';
import type { MonitorClient } from '../client/monitor-client';
import { SubtaskList } from './subtask-list';

const TOTAL = 10_000;
const PAGE = 200;
const ROW = 32;
const VIEWPORT = 320;
/** Most rows the DOM may hold: the 10 in view and the viewport's buffer of up to 10 rows on each side. */
const WINDOW = 30;

describe('SubtaskList of a scheduler with 10 000 subtasks', () => {
  let client: MonitorClient;
  let socket: FakeSocket;
  let http: HttpTestingController;
  let parent: RunView;
  let rows: RunView[];

  beforeEach(() => {
    ({
      client,
      http,
      sockets: { last: socket },
    } = setupWidget());
    parent = makeRun({
      display: {},
      scheduler: { total: TOTAL, completed: 0, failed: 0, cancelled: 0, current: null },
    });
    rows = Array.from({ length: TOTAL }, (_, i) =>
      makeRun({ id: `${parent.id}-row-${i + 1}`, parentId: parent.id, status: 'queued', display: { row: i + 1 } }),
    );
  });

  afterEach(() => http.verify());

  /** The fake server's page of subtasks that `cursor` names ("p<start>"). */
  function answerPage(request: TestRequest): void {
    const start = Number(/cursor=p(\d+)/.exec(request.request.urlWithParams)?.[1]);
    const end = Math.min(TOTAL, start + PAGE);
    expect(request.request.params.get('limit')).toBe(String(PAGE));
    request.flush({ items: rows.slice(start, end), nextCursor: end < TOTAL ? `p${end}` : null });
  }

  async function render() {
    const expanding = client.expand(parent.id);
    (await nextRequest(http, `/api/runs/${parent.id}`)).flush({
      ...parent,
      children: rows.slice(0, PAGE),
      childrenCursor: `p${PAGE}`,
    });
    await expanding;
    const fixture = TestBed.createComponent(SubtaskList);
    fixture.componentRef.setInput('parent', parent);
    fixture.componentRef.setInput('label', 'Sales report');
    await fixture.whenStable();
    const viewport = fixture.debugElement.query(By.directive(CdkVirtualScrollViewport))
      .componentInstance as CdkVirtualScrollViewport;
    const scroller = viewport.elementRef.nativeElement;
    // jsdom has no layout: give the viewport the height the browser would and a scroll position.
    let top = 0;
    Object.defineProperty(scroller, 'clientHeight', { configurable: true, get: () => VIEWPORT });
    Object.defineProperty(scroller, 'scrollTop', {
      configurable: true,
      get: () => top,
      set: (value: number) => (top = value),
    });
    viewport.checkViewportSize();
    const el = fixture.nativeElement as HTMLElement;
    const rendered = () => [...el.querySelectorAll('li.child')];
    /** Waits frame by frame (the viewport reacts to scrolling in an animation frame) until `done`. */
    const until = async (done: () => boolean) => {
      for (let frame = 0; frame < 20 && !done(); frame++) {
        await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
        await fixture.whenStable();
      }
    };
    const scrollToEnd = () => {
      top = client.childrenOf(parent.id).length * ROW - VIEWPORT;
      scroller.dispatchEvent(new Event('scroll'));
    };
    return { fixture, el, rendered, until, scrollToEnd };
  }

  /** The subtask pages asked for and not answered yet (taken from the fake server's queue). */
  const pending = () => http.match((req) => req.url.endsWith('/children'));

  it('reads pages lazily as the user scrolls to the bottom, and keeps only a window of rows in the DOM', async () => {
    const { el, rendered, until, scrollToEnd } = await render();
    await until(() => rendered().length > 0);
    expect(rendered().length).toBeGreaterThan(0);
    expect(rendered().length).toBeLessThanOrEqual(WINDOW);
    expect(rendered()[0].getAttribute('aria-setsize')).toBe(String(TOTAL));
    // At the top, nothing more is read.
    expect(pending()).toEqual([]);

    let pages = 1;
    let mostRendered = 0;
    while (client.childrenOf(parent.id).length < TOTAL) {
      scrollToEnd();
      let requests: TestRequest[] = [];
      await until(() => (requests = [...requests, ...pending()]).length > 0);
      // One page at a time, never the whole list.
      expect(requests).toHaveLength(1);
      expect(pending()).toEqual([]);
      answerPage(requests[0]);
      pages++;
      await until(() => client.childrenOf(parent.id).length === pages * PAGE);
      expect(client.childrenOf(parent.id)).toHaveLength(Math.min(TOTAL, pages * PAGE));
      mostRendered = Math.max(mostRendered, rendered().length);
    }
    expect(pages).toBe(TOTAL / PAGE);

    scrollToEnd();
    await until(() => el.textContent?.includes(String(TOTAL)) ?? false);
    const last = rendered().at(-1);
    expect(last?.querySelector('.child-name')?.textContent?.trim()).toBe(String(TOTAL));
    expect(last?.getAttribute('aria-posinset')).toBe(String(TOTAL));
    expect(rendered().length).toBeLessThanOrEqual(WINDOW);
    expect(mostRendered).toBeLessThanOrEqual(WINDOW);
    // The end is reached: nothing more is asked for.
    expect(pending()).toEqual([]);
  });

  it('updates loaded rows live from run.updated', async () => {
    const { rendered, until, fixture } = await render();
    await until(() => rendered().length > 0);
    const first = rendered()[0];
    expect(first.textContent).toContain('Queued');
    socket.fire('run.updated', { ...rows[0], version: 2, status: 'running', progress: { percent: 64, message: null } });
    await fixture.whenStable();
    expect(rendered()[0]).toBe(first);
    expect(first.textContent).toContain('64%');
    expect(first.getAttribute('data-status')).toBe('running');
    expect(first.classList).toContain('onward-tone-active');
  });
});
