import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processIo, readAll } from './io.ts';

describe('io', () => {
  afterEach(() => vi.restoreAllMocks());

  it('readAll joins string and byte chunks', async () => {
    const bytes = await readAll(Readable.from(['IN', Buffer.from('VITE')]));
    expect(Buffer.from(bytes).toString()).toBe('INVITE');
  });

  it('processIo reads files and writes to the process streams', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sipctx-io-'));
    writeFileSync(join(dir, 'm.sip'), 'OPTIONS');
    const io = processIo();
    try {
      expect(Buffer.from(await io.readFile(join(dir, 'm.sip'))).toString()).toBe('OPTIONS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(io.env).toBe(process.env);
    const out = vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const err = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    io.stdout('out\n');
    io.stderr('err\n');
    expect(out).toHaveBeenCalledWith('out\n');
    expect(err).toHaveBeenCalledWith('err\n');
  });

  it('processIo reads standard input', async () => {
    const stdin = Readable.from([Buffer.from('BYE')]);
    vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as unknown as typeof process.stdin);
    expect(Buffer.from(await processIo().readStdin()).toString()).toBe('BYE');
  });
});
