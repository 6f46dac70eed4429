import type { Diagnostic } from '../diagnostic.js';
import { MANIFEST_PATH } from '../../compile/index.js';
import type { Rule } from '../context.js';

const code = 'secret-literal';

const PREFIXED: [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_-]{16,}/g, 'an API key (sk-…)'],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, 'a bearer token'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, 'a JSON web token'],
  [/\b(?:ghp|gho|ghs|hf|xox[abp])_[A-Za-z0-9]{20,}/g, 'an access token'],
];

/**
 * Words of token characters, matched greedily with no length bound so the scan stays linear
 * (a `{32,}` bound makes the engine retry every start inside each shorter word).
 */
const WORD = /[A-Za-z0-9+]+={0,2}/g;

function classifyWord(word: string): string | undefined {
  if (word.length < 32) return undefined;
  if (/^[0-9a-fA-F]+$/.test(word)) return 'a long hex token';
  if (/[A-Z]/.test(word) && /[a-z]/.test(word) && /[0-9]/.test(word)) return 'a base64 token';
  return undefined;
}

export function findSecrets(text: string): { index: number; kind: string; value: string }[] {
  const hits: { index: number; kind: string; value: string }[] = [];
  if (text.includes('sk-') || text.includes('Bearer') || text.includes('eyJ') || text.includes('_')) {
    for (const [pattern, kind] of PREFIXED) for (const m of text.matchAll(pattern)) hits.push({ index: m.index!, kind, value: m[0] });
  }
  for (const m of text.matchAll(WORD)) {
    const kind = classifyWord(m[0]);
    if (kind && !hits.some((h) => h.index <= m.index! && m.index! < h.index + h.value.length)) hits.push({ index: m.index!, kind, value: m[0] });
  }
  return hits.sort((a, b) => a.index - b.index);
}

function position(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

function redact(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

/** Nothing that looks like a key or token in the registry or the generated files. */
export const secretLiteral: Rule = {
  code,
  check({ reg, files, generated }) {
    const out: Diagnostic[] = [];
    const scan = (file: string, text: string, hint: string) => {
      for (const hit of findSecrets(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.kind} literal: ${redact(hit.value)}`, hint });
      }
    };
    for (const src of Object.values(reg.sources)) {
      scan(src.file, src.text, 'secrets never go in the registry: declare the name in settings.yaml secrets and keep the value in the service\'s secrets file on the host; rotate the exposed key');
    }
    const dir = generated?.dir ?? 'generated';
    for (const f of files()) {
      // The manifest's sha256 digests are hex by design.
      if (f.path === MANIFEST_PATH) continue;
      scan(`${dir}/${f.path}`, f.content, 'a generated file must reference secrets by name (os.environ/X, ${X}); find the registry value it came from');
    }
    return out;
  },
};
