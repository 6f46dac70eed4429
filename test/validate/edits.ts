// Small editing verbs for rule tables.
import { editHandles, editYaml, type Texts } from '../helpers.js';

type Path = (string | number)[];

export const set = (file: 'hosts.yaml' | 'endpoints.yaml' | 'models.yaml' | 'settings.yaml' | 'ports.lock.yaml', path: Path, value: unknown) => (t: Texts) =>
  editYaml(t, file, (d) => d.setIn(path, value));

export const del = (file: 'hosts.yaml' | 'endpoints.yaml' | 'models.yaml' | 'settings.yaml' | 'ports.lock.yaml', path: Path) => (t: Texts) =>
  editYaml(t, file, (d) => d.deleteIn(path));

export const row = (index: number, patch: Record<string, unknown>) => (t: Texts) =>
  editHandles(t, (rows) => rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));

export const addRow = (value: Record<string, unknown>) => (t: Texts) => editHandles(t, (rows) => [...rows, value]);

export const pipe = (...edits: ((t: Texts) => Texts)[]) => (t: Texts) => edits.reduce((acc, e) => e(acc), t);

export const endpoint = (id: string, value: Record<string, unknown>) => set('endpoints.yaml', ['endpoints', id], value);

/** Handle rows of the shipped registry, by name (so the tables read as the registry does). */
export const ROW = {
  gemma: 3,
  mistral: 5,
  ovPhi4: 8,
  architectBalanced: 14,
  codeBalanced: 15,
  chat: 16,
  research: 13,
} as const;
