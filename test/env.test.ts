// Every os.environ/ reference of router.yaml is defined by an env file the gateway's unit loads
// or is a declared secret of the gateway; ${VAR} in ExecStart and proxy_config likewise for
// OptiLLM. Checked on the generated files the way systemd and LiteLLM would see them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../src/compile/index.js';
import { findSecrets } from '../src/core/secrets.js';
import { load, readTexts, ROOT } from './helpers.js';

const GEN = join(ROOT, 'generated');
const manifest = parseManifest(readFileSync(join(GEN, 'manifest.json'), 'utf8'));
const read = (p: string) => readFileSync(join(GEN, p), 'utf8');
const reg = load(readTexts(join(ROOT, 'registry')));

function definedFor(unitPath: string, service: string): Set<string> {
  const unit = read(unitPath);
  const names = new Set<string>();
  for (const [, file] of unit.matchAll(/^EnvironmentFile=-?(.*)$/gm)) {
    const generated = manifest.find((m) => m.install === file);
    if (generated) for (const [, k] of read(generated.path).matchAll(/^([A-Z0-9_]+)=/gm)) names.add(k!);
    else {
      // Not generated: it must be the service's declared secrets file.
      expect(reg.settings.secrets[service]?.file).toBe(file);
      reg.settings.secrets[service]!.names.forEach((n) => names.add(n));
    }
  }
  for (const [, k] of unit.matchAll(/^Environment="?([A-Z0-9_]+)=/gm)) names.add(k!);
  return names;
}

describe('generated/ of the shipped registry', () => {
  it('resolves every os.environ/ reference of router.yaml for litellm-orch', () => {
    const defined = definedFor('mini/systemd/litellm-orch.service', 'litellm-gateway');
    const refs = [...read('mini/litellm-orch/router.yaml').matchAll(/os\.environ\/([A-Z0-9_]+)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((r) => !defined.has(r))).toEqual([]);
  });

  it("resolves OptiLLM's ${VAR} references from its own secrets, never with OPTILLM_API_KEY in its environment", () => {
    const defined = definedFor('mini/systemd/optillm-proxy.service', 'optillm-proxy');
    const unit = read('mini/systemd/optillm-proxy.service');
    const refs = [...unit.matchAll(/\$\{([A-Z0-9_]+)\}/g), ...read('mini/optillm-proxy/proxy_config.yaml').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
    expect(refs).toContain('OPTILLM_PROXY_KEY');
    expect(refs.filter((r) => !defined.has(r))).toEqual([]);
    expect(defined.has('OPTILLM_API_KEY')).toBe(false);
    expect(unit).toMatch(/--optillm-api-key \$\{OPTILLM_PROXY_KEY\}/);
    expect(unit).not.toMatch(/--approach/);
  });

  it('keeps HOST, PORT, DEBUG and NUM_WORKERS out of env.local (the litellm command reads them)', () => {
    expect(read('mini/litellm-orch/env.local')).not.toMatch(/^(HOST|PORT|DEBUG|NUM_WORKERS)=/m);
  });

  it('contains no secret-looking value', () => {
    for (const m of manifest) {
      expect(findSecrets(read(m.path)), m.path).toEqual([]);
    }
  });

  it('the secret scanner finds planted keys (so a clean scan means something)', () => {
    const planted = ['api_key: sk-abcdefghijklmnopqrstuvwx', 'Authorization: Bearer abc.def.ghi12345', 'token=3f2a9c0e8b7d6a5f4e3d2c1b0a9f8e7d', 'k=QmFzZTY0VG9rZW5XaXRoTWl4ZWQxMjM0NTY3ODkw'];
    for (const p of planted) expect(findSecrets(p).length, p).toBeGreaterThan(0);
    expect(findSecrets('upstream: mlx-community/Qwen3-Next-80B-A3B-Instruct-4bit')).toEqual([]);
  });
});
