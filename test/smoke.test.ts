// The gateway URL smoke and sync-gateway's verify step call, chosen from where the command runs:
// the same host that decides whether the gateway is in reach at all (gatewayOutOfReach).
import { describe, expect, it } from 'vitest';
import { gatewayBaseUrl, gatewayOutOfReach } from '../src/app/smoke.js';
import { editYaml, load, shippedTexts } from './helpers.js';

/** The shipped mesh (mini at 192.168.1.71) with the gateway's bind and mini's address set. */
function mesh(bind: string, address = '192.168.1.71') {
  return load(editYaml(editYaml(shippedTexts(), 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_litellm_gateway_4000', 'bind'], bind)), 'hosts.yaml', (d) => d.setIn(['hosts', 'mini', 'address'], address)));
}

/** The URL called from `self`, or the refusal when the gateway is out of reach from there. */
function seen(bind: string, self: string | undefined, address?: string): string {
  const reg = mesh(bind, address);
  const far = gatewayOutOfReach(reg, self);
  return far ? `refused: ${far.why}` : gatewayBaseUrl(reg, self);
}

describe('the gateway URL seen from the machine the command runs on', () => {
  it.each([
    // bind          from      URL (or refusal)
    ['0.0.0.0', 'mini', 'http://127.0.0.1:4000'],
    ['0.0.0.0', 'studio', 'http://192.168.1.71:4000'],
    ['0.0.0.0', undefined, 'http://192.168.1.71:4000'],
    // On its own host a loopback gateway is called on loopback, not at the LAN address where it does not listen.
    ['localhost', 'mini', 'http://127.0.0.1:4000'],
    ['127.0.0.1', 'mini', 'http://127.0.0.1:4000'],
    ['192.168.1.71', 'mini', 'http://192.168.1.71:4000'],
    ['192.168.1.71', 'studio', 'http://192.168.1.71:4000'],
  ])('bind %s, from %s → %s', (bind, self, url) => {
    expect(seen(bind, self)).toBe(url);
  });

  it('refuses a loopback gateway from any other machine instead of calling that machine\'s own loopback', () => {
    for (const bind of ['localhost', '127.0.0.1']) {
      for (const self of ['studio', undefined]) expect(seen(bind, self)).toMatch(new RegExp(`^refused: litellm-gateway binds ${bind} \\(loopback\\) on mini`));
    }
  });

  it('a host whose address is loopback shares this machine: reached there from elsewhere, on 127.0.0.1 from itself', () => {
    expect(seen('localhost', 'studio', '127.0.0.9')).toBe('http://127.0.0.9:4000');
    expect(seen('localhost', 'mini', '127.0.0.9')).toBe('http://127.0.0.1:4000');
    expect(seen('0.0.0.0', 'mini', '127.0.0.9')).toBe('http://127.0.0.1:4000');
  });
});
