import { ruleTable } from './table.js';
import { expect, it } from 'vitest';
import { parseRegistry } from '../../src/registry/load.js';
import { validateRegistry } from '../../src/validate/index.js';
import { lineOf, shippedTexts } from '../helpers.js';
import { set } from './edits.js';

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
