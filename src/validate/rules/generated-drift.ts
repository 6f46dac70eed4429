import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';

const code: RuleCode = 'generated-drift';

/** generated/ is exactly what compile writes: no hand edits, no stale or orphaned files. */
export const generatedDrift: Rule = {
  code,
  check({ files, generated }) {
    if (!generated) return [];
    const out: Diagnostic[] = [];
    const all = files();
    if (!generated.previousManifest.length && all.every((f) => generated.onDisk.isAbsent(f.path))) {
      return [{ code, severity: 'error', file: generated.dir, pointer: '', message: `${generated.dir}/ holds no compiled files`, hint: 'run `homelab compile` and commit the result' }];
    }
    for (const message of generated.manifestWarnings ?? []) {
      out.push({ code, severity: 'warning', file: `${generated.dir}/manifest.json`, pointer: '', message, hint: 'run `homelab compile`: it writes homelab\'s own manifest' });
    }
    const produced = new Set<string>();
    for (const f of all) {
      produced.add(f.path);
      const unsafe = generated.unsafe?.get(f.path);
      if (unsafe) {
        out.push({ code, severity: 'error', file: `${generated.dir}/${f.path}`, pointer: '', message: `${generated.dir}/${f.path} is reached through a symbolic link (${unsafe}): homelab neither reads nor writes it`, hint: 'replace the link with a plain directory; compile writes only inside --out' });
        continue;
      }
      if (generated.onDisk.holds(f)) continue;
      const isMissing = generated.onDisk.isAbsent(f.path);
      out.push({
        code,
        severity: 'error',
        file: `${generated.dir}/${f.path}`,
        pointer: '',
        message: isMissing ? `${generated.dir}/${f.path} is missing` : `${generated.dir}/${f.path} differs from what the registry compiles to`,
        hint: 'run `homelab compile` and commit the result; never edit generated files by hand',
      });
    }
    for (const path of generated.previousManifest) {
      if (produced.has(path) || generated.onDisk.isAbsent(path)) continue;
      out.push({ code, severity: 'error', file: `${generated.dir}/${path}`, pointer: '', message: `${generated.dir}/${path} is no longer produced by the registry`, hint: 'run `homelab compile` (it removes files the manifest no longer lists)' });
    }
    return out;
  },
};
