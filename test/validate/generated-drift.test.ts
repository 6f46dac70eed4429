// generated-drift compares what compile would write with what is on disk.
import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/index.js';
import { DiskTexts } from '../../src/compile/render.js';
import { validateRegistry } from '../../src/validate/index.js';
import { load, shippedTexts } from '../helpers.js';

const reg = load(shippedTexts());
const files = compileAll(reg);
const disk = (edit: (m: Map<string, string | undefined>) => void, previousManifest: string[] = []) => {
  const onDisk = new Map<string, string | undefined>(files.map((f) => [f.path, f.content]));
  edit(onDisk);
  return { dir: 'generated', onDisk: DiskTexts.of(onDisk), previousManifest, previousSha: new Map<string, string>(), manifestWarnings: [], unsafe: new Map<string, string>() };
};
const drift = (generated: ReturnType<typeof disk>) =>
  validateRegistry(reg, { generated }).diagnostics.filter((d) => d.code === 'generated-drift').map((d) => d.file);

describe('rule generated-drift', () => {
  it('fires on a hand-edited file', () => {
    expect(drift(disk((m) => m.set('mini/optillm-proxy/env', 'edited\n')))).toEqual(['generated/mini/optillm-proxy/env']);
  });
  it('fires on a missing file', () => {
    expect(drift(disk((m) => m.set('docs/topology.md', undefined)))).toEqual(['generated/docs/topology.md']);
  });
  it('fires on a file the old manifest lists that is no longer produced', () => {
    expect(drift(disk((m) => m.set('mini/systemd/gone.service', 'x'), ['mini/systemd/gone.service']))).toEqual(['generated/mini/systemd/gone.service']);
  });
  it('says once that the directory holds nothing, rather than once per file', () => {
    expect(drift(disk((m) => { for (const k of m.keys()) m.set(k, undefined); }))).toEqual(['generated']);
  });
  it('near miss: an identical tree, and an old manifest entry already gone from disk', () => {
    expect(drift(disk(() => {}, ['mini/systemd/gone.service']))).toEqual([]);
  });
});
