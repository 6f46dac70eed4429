// Asking before a change to a host: only on a terminal; elsewhere the caller must pass --yes.
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../core/errors.js';

export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError('not applying without confirmation: standard input is not a terminal; pass --yes to apply');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
