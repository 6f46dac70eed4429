// Reading the registry as it was at a git ref (validate --against), with git itself.
import { execa } from 'execa';
import { relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { RegistryFileName } from '../registry/load.js';
import { REGISTRY_FILES } from '../registry/schema.js';

async function git(args: string[], cwd: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const r = await execa('git', args, { cwd, reject: false, stripFinalNewline: false });
  return { ok: r.exitCode === 0, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export async function readRegistryAtRef(registryDir: string, ref: string): Promise<Partial<Record<RegistryFileName, string>>> {
  const dir = resolve(registryDir);
  const top = await git(['rev-parse', '--show-toplevel'], dir);
  if (!top.ok) throw new UsageError(`--against needs a git checkout: ${registryDir} is not inside one`);
  const root = top.stdout.trim();
  const verify = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
  if (!verify.ok) throw new UsageError(`git ref "${ref}" does not exist. Does "${ref}" exist locally? (try \`git fetch\`, or a commit id)`);
  const rel = relative(root, dir).split(sep).join('/');
  const texts: Partial<Record<RegistryFileName, string>> = {};
  let found = 0;
  for (const spec of REGISTRY_FILES) {
    const r = await git(['show', `${ref}:${rel ? `${rel}/` : ''}${spec.name}`], root);
    if (r.ok) {
      texts[spec.name] = r.stdout;
      found++;
    }
  }
  if (!found) throw new UsageError(`no registry at ${ref}:${rel || '.'} (the path does not exist at that ref)`);
  return texts;
}
