// The loader: parse and schema errors come back as located diagnostics, never exceptions.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../src/registry/load.js';
import { editYaml, lineOf, shippedTexts } from './helpers.js';

describe('parseRegistry', () => {
  it('loads the shipped registry with no diagnostics', () => {
    const r = parseRegistry(shippedTexts(), 'registry');
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.registry!.endpoints)).toContain('ep_optillm_proxy_4020');
  });

  it('reports a duplicated YAML key at its line', () => {
    const texts = shippedTexts();
    const text = texts['hosts.yaml']!.replace('    os: linux\n', '    os: linux\n    os: macos\n');
    const r = parseRegistry({ ...texts, 'hosts.yaml': text }, 'registry');
    expect(r.registry).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'registry-parse', file: 'registry/hosts.yaml', line: lineOf(text, 'os: macos') });
  });

  it('reports a missing file', () => {
    const texts = shippedTexts();
    delete texts['ports.lock.yaml'];
    const r = parseRegistry(texts, 'registry');
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'registry-parse', file: 'registry/ports.lock.yaml' })]);
  });

  it('locates a wrong type at the value, with the value in the message', () => {
    const texts = editYaml(shippedTexts(), 'models.yaml', (d) => d.setIn(['models', 'ov-phi-4-mini-instruct-fp16', 'context_length'], 'lots'));
    const r = parseRegistry(texts, 'registry');
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'registry-schema', pointer: '/models/ov-phi-4-mini-instruct-fp16/context_length', line: lineOf(texts['models.yaml']!, 'context_length: lots') });
    expect(d.col).toBe(21);
    expect(d.message).toContain('"lots"');
  });

  it('locates a missing required key at its parent', () => {
    const texts = editYaml(shippedTexts(), 'hosts.yaml', (d) => d.deleteIn(['hosts', 'studio', 'ssh']));
    const d = parseRegistry(texts, 'registry').diagnostics[0]!;
    expect(d).toMatchObject({ code: 'registry-schema', pointer: '/hosts/studio/ssh', line: lineOf(texts['hosts.yaml']!, '  studio:') });
    expect(d.message).toContain('missing');
  });

  it('treats an empty file as a schema error, not a crash', () => {
    const r = parseRegistry({ ...shippedTexts(), 'settings.yaml': '' }, 'registry');
    expect(r.diagnostics[0]).toMatchObject({ code: 'registry-schema', file: 'registry/settings.yaml' });
  });
});
