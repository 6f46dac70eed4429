// What validate and compile read of --out: whether a file holds what compile renders is asked of
// its bytes first, and the answer must be the one comparing the decoded texts gives (that is what
// generated-drift, env-undefined, secret-literal and compile's "unchanged" rely on).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiskTexts, type GeneratedFile } from '../src/compile/render.js';
import { readGeneratedState } from '../src/io/outputs.js';
import { jsonlLocator, jsonValueOffset } from '../src/registry/locate.js';
import { tmpDir } from './helpers.js';

const file = (content: string): GeneratedFile => ({ path: 'a.txt', content });

/** What --out holds after writing `bytes` to a.txt, as readGeneratedState reads it. */
async function onDisk(bytes: string | Uint8Array, f: GeneratedFile): Promise<DiskTexts> {
  const out = tmpDir();
  writeFileSync(join(out, 'a.txt'), bytes);
  return (await readGeneratedState(out, [f])).onDisk;
}

describe('files under --out (DiskTexts)', () => {
  it('a file as compile writes it holds its content, and reads back as that text', async () => {
    const f = file('# Generated — by homelab\nkey: value\n');
    const disk = await onDisk(f.content, f);
    expect(disk.holds(f)).toBe(true);
    expect(disk.get('a.txt')).toBe(f.content);
    expect(disk.isAbsent('a.txt')).toBe(false);
  });

  it('an edited file does not hold it; a missing one is absent', async () => {
    const f = file('key: value\n');
    expect((await onDisk('key: edited\n', f)).holds(f)).toBe(false);
    const empty = (await readGeneratedState(tmpDir(), [f])).onDisk;
    expect(empty.isAbsent('a.txt')).toBe(true);
    expect(empty.get('a.txt')).toBeUndefined();
    expect(empty.holds(f)).toBe(false);
  });

  it('a lone surrogate in the content: compared as text, as before (its U+FFFD on disk is another text)', async () => {
    const f = file('name: a\ud800b\n');
    // Buffer.from encodes the lone surrogate as U+FFFD: the same bytes compile writes.
    const disk = await onDisk(Buffer.from(f.content, 'utf8'), f);
    expect(disk.holds(f)).toBe(false);
    expect(disk.get('a.txt')).toBe('name: a\ufffdb\n');
  });

  it('bytes that are not UTF-8 but decode to the content: compared as text, as before', async () => {
    const f = file('name: a\ufffdb\n');
    const disk = await onDisk(Buffer.from([...Buffer.from('name: a'), 0xff, ...Buffer.from('b\n')]), f);
    expect(disk.holds(f)).toBe(true);
  });

  it('holds() answers what comparing the decoded texts answers (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), (a, b, isSame) => {
        const f = file(a);
        const text = isSame ? a : b;
        const disk = new DiskTexts();
        disk.set('a.txt', Buffer.from(text, 'utf8'));
        expect(disk.holds(f)).toBe(Buffer.from(text, 'utf8').toString('utf8') === a);
      }),
      { numRuns: 500, seed: 20261124 },
    );
  });
});

describe('locating a row of handles.jsonl', () => {
  const lines = ['{"handle":"a"}', '  {"handle":"b"}', '', '\t {"handle":"c"}'];
  const locate = jsonlLocator(lines, [1, 2, 4]);

  it('a whole row points at its first non-blank character', () => {
    expect(locate('/0')).toEqual({ line: 1, col: 1 });
    expect(locate('/1')).toEqual({ line: 2, col: 3 });
    expect(locate('/2')).toEqual({ line: 4, col: 3 });
    expect(locate('/3')).toBeUndefined();
  });

  it('answers as the general path does for every row pointer', () => {
    for (const [i, line] of [1, 2, 4].entries()) {
      expect(locate(`/${i}`)).toEqual({ line, col: jsonValueOffset(lines[line - 1]!, []) + 1 });
      // "/01" is no row pointer of that form: the general path reads it as row 1 too.
      expect(locate(`/0${i}`)).toEqual(locate(`/${i}`));
    }
    expect(locate('/1/handle')).toEqual({ line: 2, col: 13 });
  });
});
