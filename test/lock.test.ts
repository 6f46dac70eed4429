// homelab lock: the ledger only grows, comments and order stay, moves need a migration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLock } from '../src/app/lock.js';
import { copyShipped, diagnose, editYaml, load, runCli, shippedTexts, type Texts } from './helpers.js';

const withTts = (t = shippedTexts()) =>
  editYaml(t, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_tts_5000'], { service: 'tts', kind: 'searxng', host: 'mini', port: 5000, bind: '127.0.0.1' }));

describe('homelab lock', () => {
  it('appends a new assignment, keeping every existing line and comment', async () => {
    const dir = copyShipped(withTts());
    const before = readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8');
    const r = await runCli(['lock'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('locked mini:5000 tts');
    const after = readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8');
    const beforeLines = before.split('\n').filter((l) => l.trim() && !l.startsWith('reserved') && !l.startsWith('migrations'));
    for (const line of beforeLines) expect(after).toContain(line);
    expect(after.indexOf('{ host: mini, port: 5000, service: tts }')).toBeGreaterThan(after.indexOf('service: afm'));
    expect((await runCli(['validate', '--format', 'json'], dir)).stdout).not.toContain('port-unlocked');
    expect((await runCli(['lock'], dir)).stdout).toContain('already holds');
  });

  it('refuses a move without a migration and writes nothing', async () => {
    const dir = copyShipped(editYaml(shippedTexts(), 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_searxng_8888', 'port'], 8889)));
    const before = readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8');
    const r = await runCli(['lock'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('without a migration');
    expect(readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8')).toBe(before);
  });

  it('accepts a move with a migration and retires the old port to reserved', async () => {
    let texts = editYaml(shippedTexts(), 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_searxng_8888', 'port'], 8889));
    texts = editYaml(texts, 'ports.lock.yaml', (d) => d.setIn(['migrations'], [{ service: 'searxng', host: 'mini', from: 8888, to: 8889, reason: 'clash with a dev server' }]));
    const dir = copyShipped(texts);
    const r = await runCli(['lock'], dir);
    expect(r.code).toBe(0);
    const after = readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8');
    expect(after).toContain('{ host: mini, port: 8888, service: searxng }');
    expect(after).toContain('{ host: mini, port: 8889, service: searxng }');
    expect(after).toMatch(/reserved:\n\s+- \{ host: mini, port: 8888, service: searxng, reason: "?migrated to 8889/);
    const v = JSON.parse((await runCli(['validate', '--format', 'json'], dir)).stdout);
    expect(v.diagnostics.filter((d: { code: string }) => d.code.startsWith('port-'))).toEqual([]);
  });

  it('refuses to hand a reserved port to a new service', async () => {
    let texts = withTts();
    texts = editYaml(texts, 'ports.lock.yaml', (d) => d.setIn(['reserved'], [{ host: 'mini', port: 5000, service: 'old', reason: 'retired' }]));
    const r = await runCli(['lock'], copyShipped(texts));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reserved');
  });
});

describe('lock and the port-immutable rule read the ledger alike', () => {
  // Each case changes one port; `homelab lock` refuses exactly when validate's port-immutable
  // rule reports the endpoint (both read registry/ledger.ts portStanding).
  const move = (port: number) => (t: Texts) => editYaml(t, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_searxng_8888', 'port'], port));
  const ledger = (key: string, value: unknown) => (t: Texts) => editYaml(t, 'ports.lock.yaml', (d) => d.setIn([key], value));
  const cases: [string, (t: Texts) => Texts, boolean][] = [
    ['unchanged', (t) => t, false],
    ['moved without a migration', move(8889), true],
    ['moved with a migration', (t) => ledger('migrations', [{ service: 'searxng', host: 'mini', from: 8888, to: 8889, reason: 'r' }])(move(8889)(t)), false],
    ['a migration from a port it never held', (t) => ledger('migrations', [{ service: 'searxng', host: 'mini', from: 7000, to: 8889, reason: 'r' }])(move(8889)(t)), true],
    ['moved onto a reserved port', (t) => ledger('reserved', [{ host: 'mini', port: 8889, service: 'old', reason: 'r' }])(move(8889)(t)), true],
    ['moved onto the gateway port', move(4000), true],
  ];
  for (const [name, edit, refused] of cases) {
    it(`${name}: ${refused ? 'both refuse' : 'neither refuses'}`, () => {
      const reg = load(edit(shippedTexts()));
      const rule = diagnose(edit(shippedTexts())).filter((d) => d.code === 'port-immutable' && d.pointer === '/endpoints/ep_searxng_8888/port');
      expect(rule.length > 0).toBe(refused);
      expect(planLock(reg).refused.length > 0).toBe(refused);
    });
  }
});

describe('lock writes only a ledger validate accepts', () => {
  const studio = (id: string, service: string, port: number) => (t: Texts) =>
    editYaml(t, 'endpoints.yaml', (d) => d.setIn(['endpoints', id], { service, kind: 'optillm-local', host: 'studio', port, bind: '127.0.0.1', state: 'disabled' }));

  it('refuses two new services on one port (it once locked both, leaving a ledger nothing could repair)', async () => {
    const dir = copyShipped(studio('ep_svc_b_4050', 'svc-b', 4050)(studio('ep_svc_a_4050', 'svc-a', 4050)(shippedTexts())));
    const before = readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8');
    const r = await runCli(['lock'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('port-conflict');
    expect(r.stderr).toContain('nothing written');
    expect(readFileSync(join(dir, 'registry/ports.lock.yaml'), 'utf8')).toBe(before);
  });

  it('refuses a migration that would retire a port another endpoint of the service still uses', () => {
    const reg = load(
      editYaml(studio('ep_optillm_router_high_4050', 'optillm-router-high', 4050)(shippedTexts()), 'ports.lock.yaml', (d) =>
        d.setIn(['migrations'], [{ service: 'optillm-router-high', host: 'studio', from: 4040, to: 4050, reason: 'a second instance' }]),
      ),
    );
    const plan = planLock(reg);
    expect(plan.refused.map((d) => d.code)).toContain('port-immutable');
    expect(plan.text).toBe(reg.sources['ports.lock.yaml'].text);
  });
});
