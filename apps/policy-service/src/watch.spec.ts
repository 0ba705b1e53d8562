import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { watchFile, type FileWatch } from './watch.ts';

/**
 * Real fs.watch on a temp dir. Each callback records the file's text when it ran, so "exactly
 * one callback for a burst" is checked by order, not by timing: a sentinel write after the first
 * callback must be the second and last entry.
 */

const dir = mkdtempSync(join(tmpdir(), 'sipctx-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: FileWatch[] = [];
afterEach(() => open.splice(0).forEach((w) => w.close()));

const DEBOUNCE_MS = 100;

/**
 * Watches `name` in the temp dir (written first, when `text` is given); `seen` holds the file's
 * text at each callback. Watches on one directory share libuv's inotify watch, so a write made just
 * before a second watch opens may still reach it: tests write their files before watching them.
 */
function watched(name: string, text?: string, debounceMs = DEBOUNCE_MS) {
  const path = join(dir, name);
  if (text !== undefined) writeFileSync(path, text);
  const seen: string[] = [];
  open.push(watchFile(path, () => seen.push(readFileSync(path, 'utf8')), debounceMs));
  return { path, seen };
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('watchFile', () => {
  it('calls back once for a burst of writes', async () => {
    // Writes a few milliseconds apart, so inotify cannot merge them into one event itself; the
    // debounce is long beside the gaps.
    const { path, seen } = watched('burst.yaml', 'a', 500);
    for (const text of ['b', 'c', 'd']) {
      writeFileSync(path, text);
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => seen.length > 0, 'the burst');
    writeFileSync(path, 'sentinel');
    await until(() => seen.includes('sentinel'), 'the sentinel');
    expect(seen).toEqual(['d', 'sentinel']);
  });

  it('sees a file replaced by rename, as editors save', async () => {
    const { path, seen } = watched('renamed.yaml', 'old');
    const tmp = join(dir, '.renamed.yaml.swp');
    writeFileSync(tmp, 'new');
    renameSync(tmp, path);
    await until(() => seen.length > 0, 'the rename');
    // The watch survives the replacement: the new file's changes are seen too.
    writeFileSync(path, 'newer');
    await until(() => seen.includes('newer'), 'a write after the rename');
    expect(seen).toEqual(['new', 'newer']);
  });

  it('ignores other files in the same directory', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'a0');
    writeFileSync(join(dir, 'b.yaml'), 'b0');
    const a = watched('a.yaml');
    const b = watched('b.yaml');
    writeFileSync(a.path, 'a1');
    await until(() => a.seen.length > 0, 'a.yaml');
    writeFileSync(b.path, 'b1');
    await until(() => b.seen.length > 0, 'b.yaml');
    writeFileSync(a.path, 'a2');
    await until(() => a.seen.includes('a2'), 'a.yaml again');
    expect([a.seen, b.seen]).toEqual([['a1', 'a2'], ['b1']]);
  });

  it('is silent once closed', async () => {
    const closed = watched('closed.yaml', 'x0');
    open.pop()?.close();
    writeFileSync(closed.path, 'x1');
    // A second watch on the same file: when it has seen a later change, the closed one would have
    // fired too (its timer would have started earlier).
    const live = watched('closed.yaml');
    writeFileSync(closed.path, 'x2');
    await until(() => live.seen.includes('x2'), 'the live watch');
    expect(closed.seen).toEqual([]);
  });
});
