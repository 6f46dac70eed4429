// Registry texts → typed registry + located diagnostics. Pure: the caller reads the files (from
// disk, or from git for `validate --against`), so the same code checks both.
import { CORE_SCHEMA, load as loadYaml, type YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { toPointer, type Diagnostic } from '../validate/diagnostic.js';
import { jsonlLocator, lazyYamlLocator, type Locator } from './locate.js';
import {
  REGISTRY_FILES,
  type Endpoint,
  type Handle,
  type Host,
  type Model,
  type PortsLock,
  type Settings,
} from './schema.js';
import { describeIssue } from './zod-issues.js';

export type RegistryFileName = (typeof REGISTRY_FILES)[number]['name'];

export interface SourceFile {
  /** Repo-relative POSIX path, e.g. 'registry/hosts.yaml'. */
  file: string;
  text: string;
  locate: Locator;
}

export interface Registry {
  /** The registry directory as the user named it (POSIX, repo-relative). */
  dir: string;
  sources: Record<RegistryFileName, SourceFile>;
  hosts: Record<string, Host>;
  endpoints: Record<string, Endpoint>;
  models: Record<string, Model>;
  handles: Handle[];
  settings: Settings;
  ports: PortsLock;
}

export interface LoadResult {
  registry?: Registry;
  diagnostics: Diagnostic[];
}

interface Parsed {
  value: unknown;
  locate: Locator;
  diagnostics: Diagnostic[];
}

/**
 * YAML registry files are read with js-yaml (YAML 1.2 core schema; a duplicated key is an error,
 * never a silent overwrite): ten times faster than building the yaml library's node tree, which
 * is built only when a diagnostic needs a line (see lazyYamlLocator).
 */
function parseYaml(file: string, text: string): Parsed {
  const locate = lazyYamlLocator(text);
  try {
    const value = loadYaml(text, { schema: CORE_SCHEMA, json: false, filename: file });
    return { value: value === undefined ? null : value, locate, diagnostics: [] };
  } catch (err) {
    const e = err as YAMLException;
    const line = (e.mark?.line ?? 0) + 1;
    const col = (e.mark?.column ?? 0) + 1;
    const reason = e.reason ?? e.message;
    const isDuplicate = /duplicated mapping key/.test(reason);
    return {
      value: undefined,
      locate,
      diagnostics: [{
        code: 'registry-parse',
        severity: 'error',
        file,
        pointer: '',
        line,
        col,
        message: `not valid YAML: ${isDuplicate ? 'a key is given twice in one mapping' : reason}`,
        hint: isDuplicate ? 'remove or rename the duplicated key' : 'fix the YAML syntax at this position',
      }],
    };
  }
}

function parseJsonl(file: string, text: string): Parsed {
  const lines = text.split('\n');
  const rows: unknown[] = [];
  const rowLines: number[] = [];
  const diagnostics: Diagnostic[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line));
      rowLines.push(i + 1);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const m = /position (\d+)/.exec(detail);
      diagnostics.push({
        code: 'registry-parse',
        severity: 'error',
        file,
        pointer: toPointer([rows.length]),
        line: i + 1,
        col: m ? Number(m[1]) + 1 : 1,
        message: `line ${i + 1} is not valid JSON: ${detail}`,
        hint: 'each line of a .jsonl file is one complete JSON object, e.g. {"handle":"mlx-foo"}',
      });
    }
  });
  return { value: rows, locate: jsonlLocator(lines, rowLines), diagnostics };
}

function schemaDiagnostics(file: string, schema: z.ZodType, value: unknown, locate: Locator): Diagnostic[] {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  const out: Diagnostic[] = [];
  for (const issue of result.error.issues) {
    for (const d of describeIssue(schema, issue)) {
      const pointer = toPointer(d.path);
      const pos = locate(pointer);
      out.push({ code: 'registry-schema', severity: 'error', file, pointer, ...pos, message: d.message, hint: d.hint });
    }
  }
  return out;
}

/**
 * Parse and schema-check every registry file. `texts` maps a file name to its text, or undefined
 * when the file does not exist. The registry is returned only when every file parsed and passed
 * its schema: rules run on typed data, never on half-checked input.
 */
export function parseRegistry(texts: Partial<Record<RegistryFileName, string>>, dir: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const values: Partial<Record<RegistryFileName, unknown>> = {};
  const sources: Partial<Record<RegistryFileName, SourceFile>> = {};
  for (const spec of REGISTRY_FILES) {
    const file = `${dir}/${spec.name}`;
    const text = texts[spec.name];
    if (text === undefined) {
      diagnostics.push({
        code: 'registry-parse',
        severity: 'error',
        file,
        pointer: '',
        message: `${file} does not exist`,
        hint: `every registry has ${REGISTRY_FILES.map((f) => f.name).join(', ')}; copy the missing one from the shipped registry/`,
      });
      continue;
    }
    const parsed = spec.format === 'jsonl' ? parseJsonl(file, text) : parseYaml(file, text);
    sources[spec.name] = { file, text, locate: parsed.locate };
    if (parsed.diagnostics.length) {
      diagnostics.push(...parsed.diagnostics);
      continue;
    }
    const schemaDiags = schemaDiagnostics(file, spec.schema, parsed.value, parsed.locate);
    diagnostics.push(...schemaDiags);
    if (!schemaDiags.length) values[spec.name] = parsed.value;
  }
  if (diagnostics.length) return { diagnostics };
  const registry: Registry = {
    dir,
    sources: sources as Record<RegistryFileName, SourceFile>,
    hosts: (values['hosts.yaml'] as { hosts: Record<string, Host> }).hosts,
    endpoints: (values['endpoints.yaml'] as { endpoints: Record<string, Endpoint> }).endpoints,
    models: (values['models.yaml'] as { models: Record<string, Model> }).models,
    handles: values['handles.jsonl'] as Handle[],
    settings: values['settings.yaml'] as Settings,
    ports: values['ports.lock.yaml'] as PortsLock,
  };
  return { registry, diagnostics };
}
