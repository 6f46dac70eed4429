// settings.yaml accept: a matching warning becomes `accepted` (shown, never failing, in every
// output format); errors can never be accepted — the schema only lets `code` name a warning code.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../src/registry/load.js';
import { ACCEPTABLE_CODES } from '../src/registry/schema.js';
import { RULES, validateRegistry } from '../src/validate/index.js';
import { copyShipped, editHandles, editYaml, runCli, shippedTexts, type Texts } from './helpers.js';

function diagnose(texts: Texts) {
  const loaded = parseRegistry(texts, 'registry');
  if (!loaded.registry) return loaded.diagnostics;
  return validateRegistry(loaded.registry).diagnostics;
}

const withAccept = (accept: unknown) => editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['accept'], accept));

describe('accept targets', () => {
  it('an endpoint id covers the handles served from it, and nothing else', () => {
    const d = diagnose(withAccept([{ code: 'optillm-passthrough', target: 'ep_mlx_8103', reason: 'gemma is chat only' }]));
    const passthrough = d.filter((x) => x.code === 'optillm-passthrough');
    expect(passthrough.filter((x) => x.severity === 'accepted').map((x) => x.pointer)).toEqual(['/3']);
    expect(passthrough.filter((x) => x.severity === 'warning')).toHaveLength(14);
  });

  it('the OptiLLM endpoint id covers every ensemble row (they name it)', () => {
    const d = diagnose(withAccept([{ code: 'optillm-passthrough', target: 'ep_optillm_proxy_4020', reason: 'ensembles are text-only' }]));
    const accepted = d.filter((x) => x.severity === 'accepted').map((x) => x.pointer);
    expect(accepted).toEqual(['/12', '/13', '/14', '/15', '/16', '/17', '/18', '/19', '/20', '/21']);
  });

  it('the reason is shown with the accepted diagnostic', () => {
    const d = diagnose(withAccept([{ code: 'optillm-passthrough', target: 'opt-chat-balanced-m', reason: 'the family chat, text only' }]));
    const chat = d.find((x) => x.code === 'optillm-passthrough' && x.pointer === '/16')!;
    expect(chat.severity).toBe('accepted');
    expect(chat.hint).toContain('the family chat, text only');
  });
});

describe('errors are never accepted', () => {
  it('the acceptable codes are real rules, and error-only rules are not among them', () => {
    const codes = RULES.map((r) => r.code);
    for (const c of ACCEPTABLE_CODES) expect(codes, c).toContain(c);
    for (const c of ['client-route', 'routing-loop', 'routing-unresolved', 'handle-via-optillm', 'request-params', 'secret-literal', 'generated-drift']) {
      expect(ACCEPTABLE_CODES as readonly string[], c).not.toContain(c);
    }
  });

  it('the schema refuses an accept entry naming an error code', () => {
    const d = diagnose(withAccept([{ code: 'client-route', target: '*', reason: 'agents are fine' }]));
    expect(d).toContainEqual(expect.objectContaining({ code: 'registry-schema', file: 'registry/settings.yaml', pointer: '/accept/0/code' }));
  });

  it('a code that can both warn and fail: only its warnings are accepted', () => {
    let texts = withAccept([{ code: 'ensemble-members', target: '*', reason: 'weighting on purpose' }]);
    texts = editHandles(texts, (rows) => rows.map((r, i) => (i === 16 ? { ...r, members: ['mlx-gemma-3-27b-it-qat-4bit', 'mlx-gemma-3-27b-it-qat-4bit'] } : r)));
    const d = diagnose(texts).filter((x) => x.code === 'ensemble-members');
    expect(d.map((x) => [x.pointer, x.severity])).toEqual([['/16/members', 'error'], ['/16/members/1', 'accepted']]);
  });
});

describe('accepted in every output format', () => {
  it('json: ok, exit 0, severity "accepted"; github: a notice; text: counted apart', async () => {
    const dir = copyShipped();
    const json = await runCli(['validate', '--format', 'json'], dir);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.ok).toBe(true);
    expect(out.diagnostics.length).toBeGreaterThan(0);
    expect(out.diagnostics.every((x: { severity: string }) => x.severity === 'accepted')).toBe(true);

    const github = await runCli(['validate', '--format', 'github'], dir);
    expect(github.code).toBe(0);
    const lines = github.stdout.trim().split('\n');
    expect(lines.length).toBe(out.diagnostics.length);
    expect(lines.every((l) => l.startsWith('::notice file=registry/handles.jsonl,line='))).toBe(true);

    const text = await runCli(['validate'], dir);
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/^registry\/handles\.jsonl:14:89 accepted ensemble-reach /m);
    expect(text.stderr).toMatch(new RegExp(`^0 errors, 0 warnings, ${out.diagnostics.length} accepted$`, 'm'));
  });

  it('an unused entry is a warning that does not fail the run', async () => {
    const texts = editYaml(shippedTexts(), 'settings.yaml', (d) => d.addIn(['accept'], { code: 'ensemble-reach', target: 'opt-architect-high-xl', reason: 'plansearch' }));
    const r = await runCli(['validate', '--format', 'json'], copyShipped(texts));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).diagnostics).toContainEqual(expect.objectContaining({ code: 'accept-unused', severity: 'warning', pointer: '/accept/8' }));
  });
});

describe('text output of accepted trade-offs', () => {
  it('prints each accept reason once, however many diagnostics it covers, and every diagnostic', async () => {
    const { formatText } = await import('../src/cli/report.js');
    const { Chalk } = await import('chalk');
    const reason = 'hint: accepted in registry/settings.yaml (/accept/0): text-only chat';
    const d = (handle: string, hint: string, severity: 'accepted' | 'warning' = 'accepted') => ({ code: 'optillm-passthrough', severity, file: 'registry/handles.jsonl', pointer: '/0', line: 1, col: 1, message: `"${handle}" goes through OptiLLM`, hint: hint.replace(/^hint: /, '') });
    const text = formatText([d('mlx-a', reason), d('mlx-b', reason), d('mlx-c', 'hint: route it directly', 'warning'), d('mlx-d', 'hint: route it directly', 'warning')], new Chalk({ level: 0 }));
    expect(text.split('\n').filter((l) => l.includes('goes through OptiLLM'))).toHaveLength(4);
    expect(text.split(reason)).toHaveLength(2);
    // Warnings keep their hint every time: each is a separate thing to fix.
    expect(text.split('hint: route it directly')).toHaveLength(3);
    expect(text).toContain('0 errors, 2 warnings, 2 accepted');
  });
});

describe('accepting a reviewed passthrough block', () => {
  const withGuardrails = (accept: unknown[]) => editYaml(shippedTexts(), 'settings.yaml', (d) => {
    d.setIn(['gateway', 'passthrough'], { guardrails: [{ guardrail_name: 'pii', litellm_params: { guardrail: 'presidio', mode: 'pre_call' } }] });
    d.setIn(['accept'], [...(d.getIn(['accept']) as { toJSON(): unknown[] }).toJSON(), ...accept]);
  });
  const passthrough = (texts: Texts) => validateRegistry(parseRegistry(texts, 'registry').registry!).diagnostics.filter((d) => d.code === 'gateway-passthrough' || d.code === 'accept-unused');

  it('by the block name: the warning becomes accepted with the reason', () => {
    const d = passthrough(withGuardrails([{ code: 'gateway-passthrough', target: 'guardrails', reason: 'reviewed against the LiteLLM guardrails docs' }]));
    expect(d.map((x) => [x.code, x.severity])).toEqual([['gateway-passthrough', 'accepted']]);
    expect(d[0]!.hint).toContain('reviewed against the LiteLLM guardrails docs');
  });

  it('near miss: another block name leaves the warning and reports the idle entry', () => {
    const d = passthrough(withGuardrails([{ code: 'gateway-passthrough', target: 'callback_settings', reason: 'x' }]));
    expect(d.map((x) => [x.code, x.severity]).sort()).toEqual([['accept-unused', 'warning'], ['gateway-passthrough', 'warning']]);
  });
});
