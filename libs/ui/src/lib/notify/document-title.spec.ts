import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';

import { type FakeSocket, makeRun } from '../../testing/fakes';
import { setupWidget } from '../../testing/setup';

/** A 2D context that records what was drawn (jsdom has no canvas). */
function fakeCanvas() {
  const drawn: string[] = [];
  const context = {
    beginPath: () => undefined,
    arc: () => undefined,
    fill: () => drawn.push('dot'),
    stroke: () => undefined,
    drawImage: () => drawn.push('favicon'),
    fillText: (text: string) => drawn.push(text),
  };
  jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(context as unknown as CanvasRenderingContext2D);
  jest.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(() => `data:image/png;badge=${drawn.at(-1)}`);
  return drawn;
}

describe('DocumentTitle', () => {
  let socket: FakeSocket;
  let link: HTMLLinkElement;

  beforeEach(() => {
    link = document.createElement('link');
    link.rel = 'icon';
    link.href = 'http://localhost/favicon.ico';
    document.head.appendChild(link);
    // The favicon image "loads" at once.
    jest.spyOn(Image.prototype, 'src', 'set').mockImplementation(function (this: HTMLImageElement) {
      queueMicrotask(() => this.onload?.(new Event('load')));
    });
  });

  afterEach(() => {
    link.remove();
    jest.restoreAllMocks();
  });

  async function settle(): Promise<void> {
    await TestBed.inject(ApplicationRef).whenStable();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  it('is off unless the host opts in: neither title nor favicon changes', async () => {
    fakeCanvas();
    ({
      sockets: { last: socket },
    } = setupWidget({}));
    const title = TestBed.inject(Title);
    title.setTitle('Customers');
    socket.fire('run.updated', makeRun({ status: 'running' }));
    await settle();
    expect(title.getTitle()).toBe('Customers');
    expect(link.href).toBe('http://localhost/favicon.ico');
  });

  it('counts the running runs in the title and a badge over the favicon, and restores both', async () => {
    const drawn = fakeCanvas();
    ({
      sockets: { last: socket },
    } = setupWidget({ documentTitle: true }));
    const title = TestBed.inject(Title);
    title.setTitle('Customers');
    const first = makeRun({ status: 'running' });
    const second = makeRun({ status: 'queued', startedAt: null });
    socket.fire('run.updated', first);
    socket.fire('run.updated', second);
    await settle();
    expect(title.getTitle()).toBe('(2) Customers');
    expect(drawn.slice(-3)).toEqual(['favicon', 'dot', '2']);
    expect(link.href).toBe('data:image/png;badge=2');

    // The host changes its title: the count goes back in front of the new one.
    title.setTitle('Orders');
    await settle();
    expect(title.getTitle()).toBe('(2) Orders');

    socket.fire('run.updated', { ...first, version: 2, status: 'completed' });
    socket.fire('run.updated', { ...second, version: 2, status: 'cancelled' });
    await settle();
    expect(title.getTitle()).toBe('Orders');
    expect(link.href).toBe('http://localhost/favicon.ico');
  });

  it('writes "9+" on the badge beyond nine', async () => {
    const drawn = fakeCanvas();
    ({
      sockets: { last: socket },
    } = setupWidget({ documentTitle: true }));
    for (let i = 0; i < 12; i++) socket.fire('run.updated', makeRun({ status: 'running' }));
    await settle();
    expect(TestBed.inject(Title).getTitle()).toMatch(/^\(12\) /);
    expect(drawn.at(-1)).toBe('9+');
  });

  it('keeps the title count where the browser cannot draw', async () => {
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    ({
      sockets: { last: socket },
    } = setupWidget({ documentTitle: true }));
    TestBed.inject(Title).setTitle('Customers');
    socket.fire('run.updated', makeRun({ status: 'running' }));
    await settle();
    expect(TestBed.inject(Title).getTitle()).toBe('(1) Customers');
    expect(link.href).toBe('http://localhost/favicon.ico');
  });
});
