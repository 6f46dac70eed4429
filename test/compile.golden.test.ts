// Golden tests: each fixture registry compiles to exactly its expected files (`vitest -u`
// refreshes them after an intended change). The shipped registry's expected output is the repo's
// own generated/, which CI also checks with `homelab compile --check`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll, readManifest, sha256 } from '../src/compile/index.js';
import { MANIFEST_PATH } from '../src/compile/layout.js';
import { HEADER_TEXT } from '../src/compile/render.js';
import { load, readTexts, ROOT } from './helpers.js';

const CASES: { name: string; registry: string; expected: string }[] = [
  { name: 'shipped', registry: join(ROOT, 'registry'), expected: join(ROOT, 'generated') },
  ...readdirSync(join(ROOT, 'test/fixtures'))
    // test/fixtures/import/ holds inputs of `homelab import` (test/import.test.ts), not registries.
    .filter((c) => !c.startsWith('_') && c !== 'import')
    .map((c) => ({ name: c, registry: join(ROOT, 'test/fixtures', c, 'registry'), expected: join(ROOT, 'test/fixtures', c, 'expected') })),
];

describe.each(CASES)('compile $name', ({ name, registry, expected }) => {
  const files = compileAll(load(readTexts(registry)));

  it.each(files.map((f) => [f.path, f] as const))('%s matches the expected file', async (_path, f) => {
    await expect(f.content).toMatchFileSnapshot(join(expected, f.path));
  });

  it('emits every output of docs/outputs.md, each with the generated header on line 1', () => {
    const paths = files.map((f) => f.path);
    for (const suffix of ['litellm-orch/router.yaml', 'litellm-orch/env.local', '/env', '/proxy_config.yaml', 'mcp-registry.json', 'clients/mcp.json', 'clients/tinyagents/agent.json', 'clients/tinyagents.env', 'docs/topology.md', 'manifest.json']) {
      expect(paths.some((p) => p.endsWith(suffix)), suffix).toBe(true);
    }
    // The three services homelab always runs, plus Open WebUI where its endpoint has run details
    // (only the one-host-webui fixture gives them).
    const units = paths.filter((p) => p.includes('/systemd/')).map((p) => p.split('/').pop());
    expect(units.length).toBe(name === 'one-host-webui' ? 4 : 3);
    expect(units.some((u) => u === 'webui.service' || u === 'open-webui.service')).toBe(name === 'one-host-webui');
    for (const f of files) {
      const first = f.content.split('\n')[0]!;
      // JSON has no comments: there the header is the first key's value, JSON-escaped.
      expect(first.includes(HEADER_TEXT) || first.includes(JSON.stringify(HEADER_TEXT)), `${f.path}: ${first}`).toBe(true);
      expect(f.content.endsWith('\n') && !f.content.endsWith('\n\n'), f.path).toBe(true);
      expect(f.content, f.path).not.toContain('\r');
    }
  });

  it('marks its manifest as homelab\'s, listing every other file with its sha256 (orphan removal trusts only this)', () => {
    const manifest = readManifest(files.find((f) => f.path === MANIFEST_PATH)!.content);
    expect(manifest.isHomelab).toBe(true);
    expect(manifest.entries.map((e) => [e.path, e.sha256])).toEqual(files.filter((f) => f.path !== MANIFEST_PATH).map((f) => [f.path, sha256(f.content)]));
    // A manifest without the mark (another tool's) is not homelab's.
    expect(readManifest(JSON.stringify({ files: manifest.entries })).isHomelab).toBe(false);
  });

  it('is deterministic: a second compile is byte-identical', () => {
    const again = compileAll(load(readTexts(registry)));
    expect(again.map((f) => [f.path, f.content])).toEqual(files.map((f) => [f.path, f.content]));
  });
});
