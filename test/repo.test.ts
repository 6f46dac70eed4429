// The repository itself: generated/ is what the shipped registry compiles to, and the shipped
// registry is sound (no errors, no warnings but the accepted trade-offs) — the checks CI exists for.
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

describe('the shipped registry', () => {
  it('`homelab compile --check` exits 0: generated/ is current', async () => {
    const r = await runCli(['compile', '--check'], ROOT);
    expect(r.stdout + r.stderr).toContain('up to date');
    expect(r.code).toBe(0);
  });

  it('`homelab validate` reports nothing but the trade-offs settings.yaml accepts', async () => {
    const r = await runCli(['validate', '--format', 'json'], ROOT);
    const { ok, diagnostics } = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { severity: string }[] };
    expect(ok).toBe(true);
    // no error and no unaccepted warning: each remaining diagnostic carries the operator's reason
    expect(diagnostics.filter((d) => d.severity !== 'accepted')).toEqual([]);
    expect(r.code).toBe(0);
  });
});
