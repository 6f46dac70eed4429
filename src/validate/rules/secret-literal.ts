import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { MANIFEST_PATH } from '../../compile/layout.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';
import type { RegistryFileName } from '../../registry/load.js';
import { toPointer } from '../../core/diagnostic.js';
import { findSecrets, secretAssignments, secretValues } from '../../core/secrets.js';

const code: RuleCode = 'secret-literal';

function position(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, col: index - before.lastIndexOf('\n') };
}

function redact(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

const REGISTRY_HINT = 'secrets never go in the registry: declare the name in settings.yaml secrets and keep the value in the service\'s secrets file on the host; rotate the exposed key';
const GENERATED_HINT = 'a generated file must reference secrets by name (os.environ/X, ${X}); find the registry value it came from, or run `homelab compile` to replace a hand edit';
const COMPILED_HINT = 'compile writes this value here from the registry: remove it there (declare the name in settings.yaml secrets and keep the value in the service\'s secrets file); generated files reference secrets by name';

/**
 * Nothing that looks like a key or token, and no value of a secret-named variable, in the
 * registry, in what compile would write, or in the files on disk in generated/.
 */
export const secretLiteral: Rule = {
  code,
  check({ reg, files, generated }) {
    const out: Diagnostic[] = [];
    const scan = (file: string, text: string, hint: string, isGenerated: boolean) => {
      for (const hit of findSecrets(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.kind} literal: ${redact(hit.value)}`, hint });
      }
      if (!isGenerated) return;
      for (const hit of secretAssignments(text)) {
        out.push({ code, severity: 'error', file, pointer: '', ...position(text, hit.index), message: `${hit.name} holds a value (${redact(hit.value)}): its name says it is a secret`, hint });
      }
    };
    for (const src of Object.values(reg.sources)) scan(src.file, src.text, REGISTRY_HINT, false);
    const data: [RegistryFileName, string[], unknown][] = [
      ['hosts.yaml', ['hosts'], reg.hosts],
      ['endpoints.yaml', ['endpoints'], reg.endpoints],
      ['models.yaml', ['models'], reg.models],
      ['handles.jsonl', [], reg.handles],
      ['settings.yaml', [], reg.settings],
    ];
    for (const [file, root, value] of data) {
      const found: { path: (string | number)[]; name: string }[] = [];
      secretValues(value, root, found);
      for (const f of found) {
        out.push(at(reg, file, toPointer(f.path), { code, message: `${f.name} holds a value: its name says it is a secret, and secrets never go in the registry`, hint: REGISTRY_HINT }));
      }
    }
    const dir = generated?.dir ?? 'generated';
    for (const f of files()) {
      // The manifest's sha256 digests are hex by design.
      if (f.path === MANIFEST_PATH) continue;
      scan(`${dir}/${f.path}`, f.content, COMPILED_HINT, true);
      // What is on disk may hold a pasted key that compile would not write: name it as a secret, not only as drift.
      if (!generated || generated.onDisk.isAbsent(f.path) || generated.onDisk.holds(f)) continue;
      scan(`${dir}/${f.path}`, generated.onDisk.get(f.path)!, GENERATED_HINT, true);
    }
    return out;
  },
};
