import { Directive, output, signal } from '@angular/core';

/**
 * Makes an element a drop target for files: while files are dragged over it, it has the class
 * `onward-drop-active` (and `dragging()` is true); dropping them emits `filesDropped`. Drags of
 * anything else (text, links) are left to the page.
 */
@Directive({
  selector: '[onwardFileDrop]',
  exportAs: 'onwardFileDrop',
  host: {
    '[class.onward-drop-active]': 'dragging()',
    '(dragenter)': 'enter($event)',
    '(dragover)': 'over($event)',
    '(dragleave)': 'leave($event)',
    '(drop)': 'drop($event)',
  },
})
export class OnwardFileDrop {
  /** The files dropped, in the order the browser gives them. */
  readonly filesDropped = output<File[]>();
  /** True while files are dragged over the element. */
  readonly dragging = signal(false);
  // dragenter and dragleave also fire for every child the pointer crosses: count them.
  private depth = 0;

  protected enter(event: DragEvent): void {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.depth++;
    this.dragging.set(true);
  }

  protected over(event: DragEvent): void {
    if (!hasFiles(event)) return;
    // Without preventDefault the browser would not allow the drop (and would open the file instead).
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }

  protected leave(event: DragEvent): void {
    if (!hasFiles(event)) return;
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.dragging.set(false);
  }

  protected drop(event: DragEvent): void {
    if (!hasFiles(event)) return;
    event.preventDefault();
    this.depth = 0;
    this.dragging.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) this.filesDropped.emit(files);
  }
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}
