import type { RuleCode } from '../../core/codes.js';
import { serviceOfUnit } from '../../compile/mesh.js';
import { unescapeSystemd } from '../../compile/systemd-units.js';
import type { GeneratedFile } from '../../compile/render.js';
import type { Registry } from '../../registry/load.js';
import { toPointer, type Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'env-undefined';

function envKeys(content: string): string[] {
  return [...content.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!);
}

/** The values of a unit setting, as systemd reads them: `%%` is one `%` (escapeSystemd). */
function unitValues(content: string, key: string): string[] {
  return [...content.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => unescapeSystemd(m[1]!));
}

interface UndefinedRead {
  reader: GeneratedFile;
  unit: GeneratedFile;
  service: string;
  name: string;
}

/**
 * Every variable a reader reads that no env file of its unit defines and its service does not
 * declare as a secret. `alsoDefined` adds names per unit (host\0unit), and `defined` collects them.
 */
function undefinedReads(reg: Registry, all: readonly GeneratedFile[], alsoDefined?: Map<string, Set<string>>, definedOut?: Map<string, Set<string>>): UndefinedRead[] {
  const found: UndefinedRead[] = [];
  const byInstall = new Map(all.filter((f) => f.install).map((f) => [`${f.host}\0${f.install}`, f]));
  const units = all.filter((f) => f.role === 'unit');
  for (const unit of units) {
    const service = serviceOfUnit(reg, unit.host, unit.unit!) ?? unit.unit!;
    const secrets = reg.settings.secrets[service];
    const defined = new Set<string>(unitValues(unit.content, 'Environment').map((v) => v.replace(/^"/, '').split('=')[0]!));
    alsoDefined?.get(`${unit.host}\0${unit.unit}`)?.forEach((k) => defined.add(k));
    definedOut?.set(`${unit.host}\0${unit.unit}`, defined);
    for (const path of unitValues(unit.content, 'EnvironmentFile')) {
      const file = byInstall.get(`${unit.host}\0${path.replace(/^-/, '')}`);
      if (file) envKeys(file.content).forEach((k) => defined.add(k));
      // Declared secrets count even where a generated file clashes with the secrets file
      // (output-conflict reports that): the fix is not to declare them again.
      if (secrets && path === secrets.file) secrets.names.forEach((k) => defined.add(k));
    }
    const readers: [GeneratedFile, RegExp][] = [[unit, /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g]];
    for (const f of all) {
      if (f.unit !== unit.unit || f.host !== unit.host || f === unit) continue;
      if (f.role === 'router') readers.push([f, /os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g]);
      if (f.role === 'proxy-config') readers.push([f, /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g]);
    }
    for (const [reader, pattern] of readers) {
      const missing = new Set<string>();
      for (const m of reader.content.matchAll(pattern)) if (!defined.has(m[1]!)) missing.add(m[1]!);
      for (const name of [...missing].sort()) found.push({ reader, unit, service, name });
    }
  }
  return found;
}

/**
 * Every variable a generated file reads — os.environ/X in router.yaml, ${X} in proxy_config.yaml
 * and in ExecStart — is defined by an env file its service's unit loads, or is a declared secret
 * of that service. Checked on the generated text itself (what is proven is what is installed), and
 * on the files on disk in generated/, which a hand edit may have changed.
 */
export const envUndefined: Rule = {
  code,
  check({ reg, files, generated }) {
    const out: Diagnostic[] = [];
    const all = files();
    const compiledDefined = new Map<string, Set<string>>();
    const compiled = undefinedReads(reg, all, undefined, compiledDefined);
    for (const { reader, unit, service, name } of compiled) {
      const secrets = reg.settings.secrets[service];
      const pointer = secrets ? toPointer(['secrets', service, 'names']) : '/secrets';
      out.push(
        at(reg, 'settings.yaml', pointer, {
          code,
          message: `${reader.path} reads ${name}, which no env file of ${unit.unit}.service defines and ${service} does not declare as a secret`,
          hint: `declare ${name} under secrets.${service}.names (its value lives in ${secrets?.file ?? `the service's secrets file`} on ${unit.host})`,
        }),
      );
    }
    if (!generated) return out;
    // Where every file on disk is absent or what compile writes, the pass below reads the same
    // texts with the same definitions and finds only what was reported above: skip it (it scans
    // router.yaml's 20,000 os.environ/ references again at 10,000 handles).
    if (all.every((f) => generated.onDisk.isAbsent(f.path) || generated.onDisk.holds(f))) return out;
    // On disk, a name counts as defined when the env files on disk or those compile writes define
    // it: a stale file set (a moved install path) is drift, which compile fixes; what is left is a
    // reference nothing defines, e.g. one added to router.yaml by hand.
    const onDisk = all.map((f) => ({ ...f, content: generated.onDisk.get(f.path) ?? f.content }));
    const known = new Set(compiled.map((r) => `${r.reader.path}\0${r.name}`));
    for (const { reader, unit, name } of undefinedReads(reg, onDisk, compiledDefined)) {
      if (known.has(`${reader.path}\0${name}`)) continue;
      const text = reader.content;
      const index = text.search(new RegExp(`(?:os\\.environ/|\\$\\{)${name}\\b`));
      const line = index < 0 ? undefined : text.slice(0, index).split('\n').length;
      out.push({
        code,
        severity: 'error',
        file: `${generated.dir}/${reader.path}`,
        pointer: '',
        ...(line ? { line, col: index - text.lastIndexOf('\n', index - 1) } : {}),
        message: `${generated.dir}/${reader.path} on disk reads ${name}, which no env file of ${unit.unit}.service on disk defines and no secret declares`,
        hint: 'run `homelab compile` to replace the hand edit; a new variable belongs in the registry',
      });
    }
    return out;
  },
};
