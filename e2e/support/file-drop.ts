import type { Locator } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Drops files on an element the way a person drags them from their desktop: a `drop` event carrying
 * a DataTransfer with the files' bytes. Answers whether the page cancelled the event's default (a
 * browser opens a dropped video and leaves the page unless it does).
 */
export async function dropFiles(target: Locator, files: ReadonlyArray<{ path: string; name?: string; type?: string }>): Promise<{ defaultPrevented: boolean }> {
  const payload = await Promise.all(
    files.map(async (f) => ({ name: f.name ?? path.basename(f.path), type: f.type ?? 'video/mp4', base64: (await readFile(f.path)).toString('base64') })),
  );
  return target.evaluate((element, list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type, lastModified: 1_700_000_000_000 }));
    const over = new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data });
    element.dispatchEvent(over);
    const drop = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data });
    element.dispatchEvent(drop);
    return { defaultPrevented: drop.defaultPrevented };
  }, payload);
}
