// Deploy planning is pure: desired vs observed → changes, diffs (secrets never shown), restarts.
import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/index.js';
import { planDeploy, renderPlan, unifiedDiff } from '../../src/deploy/plan.js';
import { Chalk } from 'chalk';
import { load, shippedTexts } from '../helpers.js';

const reg = load(shippedTexts());
const files = compileAll(reg);
const installed = new Map(files.filter((f) => f.host === 'mini' && f.install).map((f) => [f.install!, f.content]));

describe('planDeploy', () => {
  it('plans nothing when the host has exactly the compiled files', () => {
    const plan = planDeploy(reg, files, 'mini', installed);
    expect(plan.changes).toEqual([]);
    expect(plan.restarts).toEqual([]);
  });

  it('restarts only the units whose files changed, in dependency order, and reloads for a unit file', () => {
    const observed = new Map(installed);
    const unit = files.find((f) => f.path === 'mini/systemd/optillm-proxy.service')!;
    const router = files.find((f) => f.path.endsWith('router.yaml'))!;
    observed.set(unit.install!, 'old\n');
    observed.set(router.install!, 'old\n');
    const plan = planDeploy(reg, files, 'mini', observed);
    expect(plan.changes.map((c) => c.path).sort()).toEqual(['mini/litellm-orch/router.yaml', 'mini/systemd/optillm-proxy.service']);
    expect(plan.restarts).toEqual(['litellm-orch', 'optillm-proxy']);
    expect(plan.isDaemonReload).toBe(true);
  });

  it('never shows a secret in a diff, even one a person left in an installed file', () => {
    const envLocal = files.find((f) => f.path.endsWith('env.local'))!;
    const diff = unifiedDiff({ path: envLocal.path, install: envLocal.install!, mode: '0644', beforeDigest: '-', before: 'LITELLM_MASTER_KEY=hunter2-very-secret\nX=sk-abcdefghijklmnopqrstu\n', after: envLocal.content });
    expect(diff).not.toContain('hunter2');
    expect(diff).not.toContain('sk-abcdefghijklmnopqrstu');
    expect(diff).toContain('-LITELLM_MASTER_KEY=<redacted>');
    expect(diff).toContain('+SEARXNG_API_BASE=http://127.0.0.1:8888');
  });

  it('renders a plan that names each file, its unit and the restart order', () => {
    const observed = new Map(installed);
    observed.delete(files.find((f) => f.path === 'mini/mcp-registry.json')!.install!);
    const text = renderPlan(planDeploy(reg, files, 'mini', observed), new Chalk({ level: 0 }));
    expect(text).toContain('create /etc/homelab-llm/mcp-registry.json');
    expect(text).toContain('no unit to restart');
    expect(text).toContain('not managed by homelab');
  });
});

describe('remoteHost', () => {
  it('uses the documented defaults for a host without a deploy block', async () => {
    const { remoteHost } = await import('../../src/deploy/remote.js');
    const { readTexts, ROOT } = await import('../helpers.js');
    const example = load(readTexts(`${ROOT}/test/fixtures/_example-no-deploy/registry`));
    expect(example.hosts.mini!.deploy).toBeUndefined();
    expect(remoteHost(example, 'mini')).toMatchObject({ sudo: ['sudo', '-n'], systemctl: ['sudo', '-n', 'systemctl'], stateDir: '/var/lib/homelab-deploy', root: '/', keepBackups: 10 });
  });
});
