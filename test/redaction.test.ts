// A deploy plan shows diffs of the files it installs: the value of any variable whose name says
// it is secret (KEY, TOKEN, SECRET, PASSWORD, PASSWD) never appears there, however short.
import { describe, expect, it } from 'vitest';
import { unifiedDiff, type FileChange } from '../src/deploy/plan.js';

const change = (before: string | undefined, after: string): FileChange => ({ path: 'mini/x/env', install: '/etc/x/env', mode: '0644', before, after });

describe('plan redaction', () => {
  it.each(['DB_PASSWORD', 'SMTP_PASSWD', 'CLIENT_SECRET', 'HF_TOKEN', 'OPENAI_API_KEY', 'db_password'])('hides the value of %s, old and new', (name) => {
    const diff = unifiedDiff(change(`# env\n${name}=hunter2\nOTHER=1\n`, `# env\n${name}=swordfish\nOTHER=1\n`));
    expect(diff).toContain(`-${name}=<redacted>`);
    expect(diff).toContain(`+${name}=<redacted>`);
    expect(diff).not.toMatch(/hunter2|swordfish/);
  });

  it('near miss: other variables are shown as they are', () => {
    const diff = unifiedDiff(change('PORT=4000\n', 'PORT=4001\n'));
    expect(diff).toContain('-PORT=4000');
    expect(diff).toContain('+PORT=4001');
  });
});
