import { ruleTable } from './table.js';
import { expect, it } from 'vitest';
import { parseRegistry } from '../../src/registry/load.js';
import { DiskTexts } from '../../src/compile/render.js';
import { validateRegistry } from '../../src/validate/index.js';
import { lineOf, shippedTexts } from '../helpers.js';
import { set } from './edits.js';
import { secretAssignments } from '../../src/core/secrets.js';

ruleTable('secret-literal', [
  {
    name: 'an sk- key pasted into a LAN approval',
    edit: set('endpoints.yaml', ['endpoints', 'ep_open_webui_3000', 'lan', 'approved'], 'chat UI, key sk-proj-abcdefghijklmnop1234'),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '', line: 'sk-proj-' }],
  },
  {
    name: 'a long hex token as a model upstream',
    edit: set('models.yaml', ['models', 'mlx-deepseek-v3-1-4bit', 'upstream'], '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
    expected: [{ file: 'registry/models.yaml', pointer: '', line: '9f86d081884c7d659a2feaa0c55ad015' }],
  },
  {
    name: 'any value of a secret-named variable (PASSWORD) in a service environment, however short',
    edit: set('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'run', 'environment'], { OV_DB_PASSWORD: 'hunter2', OV_DEVICE_HINT: 'gpu' }),
    // Also where it lands: the OpenVINO server's runtime env file (line 3, after the header and its comment).
    expected: [
      { file: 'generated/mini/ov-server/env', pointer: '', line: 3 },
      { file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_ov_server_9000/run/environment/OV_DB_PASSWORD', line: 'OV_DB_PASSWORD: hunter2' },
    ],
  },
  {
    name: 'near miss: a secret-named variable that references a secret, and token counts',
    edit: set('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'run', 'environment'], { HF_TOKEN: '${HF_TOKEN}', OV_MAX_TOKENS: '4096' }),
    expected: [],
  },
  {
    name: 'near miss: names that only contain the word (StrictHostKeyChecking, KEYRING_DIR)',
    edit: (t) => set('hosts.yaml', ['hosts', 'mini', 'deploy', 'ssh_options'], ['-o', 'StrictHostKeyChecking=yes'])(set('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'run', 'environment'], { KEYRING_DIR: '/var/lib/ov' })(t)),
    expected: [],
  },
  {
    name: 'near miss: long mixed-case model names are not keys',
    edit: set('models.yaml', ['models', 'mlx-deepseek-v3-1-4bit', 'upstream'], 'mlx-community/DeepSeek-V3.1-Terminus-4bit-DWQ-Instruct2509'),
    expected: [],
  },
]);

it('finds a key that reaches a generated file, at its line there', () => {
  const texts = set('settings.yaml', ['mcp', 'web-fetch', 'command'], ['uv', 'run', 'web-fetch', '--header', 'Bearer abcdefgh12345678'])(shippedTexts());
  const reg = parseRegistry(texts, 'registry').registry!;
  const { diagnostics, files } = validateRegistry(reg);
  const gen = (suffix: string) => files.find((f) => f.path.endsWith(suffix))!.content;
  const hits = diagnostics.filter((d) => d.code === 'secret-literal').map((d) => ({ file: d.file, line: d.line }));
  // The MCP command reaches all three MCP formats: each file is reported where it holds the key.
  expect(hits).toEqual([
    { file: 'generated/clients/mcp.json', line: lineOf(gen('clients/mcp.json'), 'Bearer') },
    { file: 'generated/clients/tinyagents/agent.json', line: lineOf(gen('tinyagents/agent.json'), 'Bearer') },
    { file: 'generated/mini/mcp-registry.json', line: lineOf(gen('mcp-registry.json'), 'Bearer') },
    { file: 'registry/settings.yaml', line: lineOf(texts['settings.yaml']!, 'Bearer') },
  ]);
});

function onDisk(edit: (path: string, text: string) => string) {
  const reg = parseRegistry(shippedTexts(), 'registry').registry!;
  const files = validateRegistry(reg).files;
  const disk = new Map<string, string | undefined>(files.map((f) => [f.path, edit(f.path, f.content)]));
  const generated = { dir: 'generated', onDisk: DiskTexts.of(disk), previousManifest: [], previousSha: new Map<string, string>(), manifestWarnings: [], unsafe: new Map<string, string>() };
  return validateRegistry(reg, { generated }).diagnostics;
}

it('names a key pasted into generated/ on disk as a secret, not only as drift', () => {
  const d = onDisk((p, t) => (p.endsWith('env.local') ? `${t}OPENAI_API_KEY=hunter2\n` : t));
  const hit = d.filter((x) => x.code === 'secret-literal');
  expect(hit).toEqual([expect.objectContaining({ file: 'generated/mini/litellm-orch/env.local', line: 4 })]);
  expect(hit[0]!.message).toContain('OPENAI_API_KEY');
  expect(hit[0]!.message).not.toContain('hunter2');
  expect(d.some((x) => x.code === 'generated-drift' && x.file === 'generated/mini/litellm-orch/env.local')).toBe(true);
});

it('finds a literal key in a hand-edited router.yaml on disk', () => {
  const d = onDisk((p, t) => (p.endsWith('router.yaml') ? t.replace('os.environ/LITELLM_MASTER_KEY', 'sk-live-abcdefghijklmnopqrstu') : t));
  expect(d.filter((x) => x.code === 'secret-literal').map((x) => x.file)).toEqual(['generated/mini/litellm-orch/router.yaml', 'generated/mini/litellm-orch/router.yaml']);
});

it('env-undefined checks the files on disk too: a hand-added os.environ/ reference', () => {
  const d = onDisk((p, t) => (p.endsWith('router.yaml') ? t.replace('json_logs: true', 'json_logs: true\n  success_callback: os.environ/UNDECLARED_THING') : t));
  const hit = d.filter((x) => x.code === 'env-undefined');
  expect(hit).toEqual([expect.objectContaining({ file: 'generated/mini/litellm-orch/router.yaml' })]);
  expect(hit[0]!.message).toContain('UNDECLARED_THING');
});

it('secret-named arguments (--api-key VALUE, PASSWD=VALUE, --client-secret=VALUE) in the registry, and where they reach generated files', () => {
  const texts = set('settings.yaml', ['mcp', 'web-fetch', 'command'], ['uv', 'run', 'web-fetch', '--api-key', 'abc123', 'SMTP_PASSWD=pw', '--client-secret=s3'])(shippedTexts());
  const d = validateRegistry(parseRegistry(texts, 'registry').registry!).diagnostics.filter((x) => x.code === 'secret-literal');
  const lines = ['abc123', 'SMTP_PASSWD=pw', '--client-secret=s3'].map((v) => lineOf(texts['settings.yaml']!, v));
  expect(d.filter((x) => x.file.startsWith('registry/')).map((x) => [x.pointer, x.line])).toEqual([4, 5, 6].map((i, j) => [`/mcp/web-fetch/command/${i}`, lines[j]]));
  // The generated MCP files carry them too (the seeds' registry, the mcpServers file and the
  // tiny-agents agent all hold the command line): each is named there as well.
  expect(d.filter((x) => x.file.startsWith('generated/')).map((x) => x.file).sort()).toEqual([
    'generated/clients/mcp.json', 'generated/clients/mcp.json',
    'generated/clients/tinyagents/agent.json', 'generated/clients/tinyagents/agent.json',
    'generated/mini/mcp-registry.json', 'generated/mini/mcp-registry.json',
  ]);
});

it('a value compile would write from the registry is blamed on the registry, not on a hand edit', () => {
  const texts = set('settings.yaml', ['mcp', 'web-fetch', 'command'], ['uv', 'run', 'web-fetch', 'SMTP_PASSWD=pw'])(shippedTexts());
  const d = validateRegistry(parseRegistry(texts, 'registry').registry!).diagnostics.filter((x) => x.code === 'secret-literal' && x.file.startsWith('generated/'));
  expect(d.length).toBe(3); // the MCP registry, clients/mcp.json, the tiny-agents agent
  for (const x of d) {
    expect(x.hint).toContain('from the registry');
    expect(x.hint).not.toContain('hand edit');
  }
  // A key pasted into a file on disk (compile would not write it) is the hand edit.
  const pasted = onDisk((p, t) => (p.endsWith('env.local') ? `${t}OPENAI_API_KEY=hunter2\n` : t)).filter((x) => x.code === 'secret-literal');
  expect(pasted[0]!.hint).toContain('hand edit');
});

it('a secret-named line that comes back (one per router.yaml entry) is named at every place it appears', () => {
  // secretAssignments reads each distinct line once: the hits of a repeated line must still land
  // on each copy's own offset, and a reference on the same kind of line must still be skipped.
  const line = '      api_key: hunter2';
  const text = `a: 1\n${line}\nb: 2\n${line}\n      api_key: os.environ/X\n${line}`;
  const hits = secretAssignments(text);
  const starts = [...text.matchAll(/api_key: hunter2/g)].map((m) => m.index);
  expect(hits.map((h) => h.index)).toEqual(starts);
  expect(hits.every((h) => h.name === 'api_key' && h.value === 'hunter2')).toBe(true);
});
