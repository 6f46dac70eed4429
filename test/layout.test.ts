// The layout (src/compile/layout.ts) is the one map of every output file: compile emits exactly
// its entries, with the host, install path, unit and mode the map gives, and the map never puts
// two files in one place.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll, parseManifest } from '../src/compile/index.js';
import { layout, layoutEntries, UNIT_DIR, type OutputEntry } from '../src/compile/layout.js';
import { planDeploy } from '../src/deploy/plan.js';
import type { Registry } from '../src/registry/load.js';
import { load, readTexts, ROOT, shippedTexts } from './helpers.js';

const fixtureDirs = readdirSync(join(ROOT, 'test/fixtures'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(ROOT, 'test/fixtures', d.name)).includes('registry'))
  .map((d) => d.name);

const cases: [string, () => Registry][] = [
  ['the shipped registry', () => load(shippedTexts())],
  ...fixtureDirs.map((name): [string, () => Registry] => [name, () => load(readTexts(join(ROOT, 'test/fixtures', name, 'registry')))]),
];

const entryOf = ({ content: _content, ...entry }: OutputEntry & { content?: string }): OutputEntry => entry;

describe('the layout map', () => {
  it('covers the shipped registry and every fixture', () => {
    expect(fixtureDirs).toEqual(expect.arrayContaining(['minimal-one-host', 'one-host-webui']));
  });

  for (const [name, get] of cases) {
    describe(name, () => {
      const reg = get();
      const lay = layout(reg);
      const entries = layoutEntries(lay);
      const files = compileAll(reg);

      it('compile emits exactly the entries of the map, each with the facts the map gives', () => {
        expect(files.map(entryOf)).toEqual(entries);
      });

      it('no two entries share a path, nor an install path on one host', () => {
        expect(new Set(entries.map((e) => e.path)).size).toBe(entries.length);
        const installed = entries.filter((e) => e.install);
        expect(new Set(installed.map((e) => `${e.host}\0${e.install}`)).size).toBe(installed.length);
      });

      it('an installed file names its host, an absolute path and a mode; a client or docs file none of them', () => {
        for (const e of entries) {
          if (e.install) {
            expect(reg.hosts[e.host!], e.path).toBeDefined();
            expect(e.install).toMatch(/^\//);
            expect(e.mode).toMatch(/^0[0-7]{3}$/);
            // generated/ keeps each host's files under the host's name.
            expect(e.path.startsWith(`${e.host}/`), e.path).toBe(true);
          } else {
            expect(e.host, e.path).toBeUndefined();
            expect(e.unit, e.path).toBeUndefined();
          }
        }
      });

      it('the unit a file names is a unit the map installs on the same host', () => {
        const units = new Set(entries.filter((e) => e.role === 'unit').map((e) => `${e.host}\0${e.unit}`));
        for (const e of entries) if (e.unit) expect(units.has(`${e.host}\0${e.unit}`), `${e.path} → ${e.unit}`).toBe(true);
        for (const e of entries.filter((x) => x.role === 'unit')) expect(e.install).toBe(`${UNIT_DIR}/${e.unit}.service`);
      });

      it('the manifest lists every other entry with the same host, install path, unit and mode', () => {
        const manifest = files.find((f) => f.path === lay.manifest.path)!;
        const listed = parseManifest(manifest.content).map(({ sha256: _s, ...rest }) => rest);
        expect(listed).toEqual(entries.filter((e) => e !== lay.manifest).map(({ role: _r, ...rest }) => rest));
      });

      it("a first deploy to a host installs exactly the map's files for that host", () => {
        for (const host of Object.keys(reg.hosts)) {
          const plan = planDeploy(reg, files, host, new Map());
          expect(plan.changes.map((c) => c.install).sort(), host).toEqual(entries.filter((e) => e.host === host).map((e) => e.install).sort());
          expect(plan.isDaemonReload, host).toBe(entries.some((e) => e.host === host && e.role === 'unit'));
        }
      });
    });
  }

  it('the gateway reads its files from its config directory and the selectors from /etc/<optillm unit>', () => {
    const lay = layout(load(shippedTexts()));
    expect(lay.router.host).toBe('mini');
    expect(lay.router.unit).toBe('litellm-orch');
    expect(lay.envLocal.install.replace(/env\.local$/, '')).toBe(lay.router.install.replace(/router\.yaml$/, ''));
    // router.yaml reads the selectors with os.environ/: they live on the gateway's host, restart the gateway.
    expect(lay.selectorEnv).toMatchObject({ host: lay.gatewayHost, unit: lay.gatewayUnit, install: `/etc/${lay.optillmUnit}/env` });
    expect(lay.proxyConfig).toMatchObject({ host: lay.optillmHost, unit: lay.optillmUnit });
  });
});
