// The repository itself: generated/ is what the shipped registry compiles to, and the shipped
// registry is sound (CONTRACT: no errors, no warnings) — the checks CI exists for.
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

describe('the shipped registry', () => {
  it('`homelab compile --check` exits 0: generated/ is current', async () => {
    const r = await runCli(['compile', '--check'], ROOT);
    expect(r.stdout + r.stderr).toContain('up to date');
    expect(r.code).toBe(0);
  });

  it('`homelab validate` reports nothing at all', async () => {
    const r = await runCli(['validate', '--format', 'json'], ROOT);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, diagnostics: [] });
    expect(r.code).toBe(0);
  });
});
