// import reads env files (env.local, the OptiLLM selector env) the way systemd's EnvironmentFile=
// does, since that is what the services see: systemd src/basic/env-file.c
// parse_env_file_internal. The table pins each form; the round trip pins that what
// compile's renderer writes (quoteEnvValue) reads back as the value it was given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteEnvValue, renderEnv } from '../src/compile/render.js';
import { parseEnvFile } from '../src/import/sources.js';

const isRendered = (v: string) => {
  try {
    return renderEnv({ A: v }) !== '';
  } catch {
    return false;
  }
};
const valueOf = (text: string, key = 'A') => parseEnvFile({ file: 'env.local', text }).vars.get(key)?.value;

describe('env file values as systemd reads them', () => {
  it.each([
    // line                                  value
    ['A=plain', 'plain'],
    ['A=', ''],
    ['A=""', ''],
    ["A=''", ''],
    // Double quotes: a backslash escapes \ " $ and ` (SHELL_NEED_ESCAPE); before any other character it stays.
    ['A="sp ace"', 'sp ace'],
    ['A="b\\\\s q\\" d\\$ t\\`"', 'b\\s q" d$ t`'],
    ['A="keep \\n \\x \\#"', 'keep \\n \\x \\#'],
    ['A="# not a comment"', '# not a comment'],
    // Single quotes: everything literal up to the next quote.
    ["A='b\\\\ $HOME \"q\" `t`'", 'b\\\\ $HOME "q" `t`'],
    // Unquoted: leading and trailing blanks dropped; a backslash takes the next character as it is.
    ['A=   padded value   ', 'padded value'],
    ['A=esc\\ aped\\"\\\\', 'esc aped"\\'],
    ['A=trailing\\ ', 'trailing '],
    // `#` starts a comment only at the start of a line: after a value it is part of the value.
    ['A=http://h:9000/v1   # the server', 'http://h:9000/v1   # the server'],
    ['A="quoted" # note', 'quoted# note'],
    // Quoted and unquoted pieces join, as in a shell word.
    ['A="dq"\'sq\'bare', 'dqsqbare'],
    ['  A = spaced key', 'spaced key'],
    ['A=x\r', 'x'],
  ])('%s → %j', (line, value) => {
    expect(valueOf(`${line}\n`)).toBe(value);
    // The same at the end of a file without a final newline.
    expect(valueOf(line)).toBe(value);
  });

  it('comments (# or ;) and blank lines set nothing; a quoted value may span lines; a backslash-newline joins them', () => {
    const r = parseEnvFile({ file: 'env.local', text: '# A=1\n; B=2\n\nC="one\ntwo"\nD=con\\\ntinued\nE="join\\\ned"\nF=3\n' });
    expect(Object.fromEntries([...r.vars].map(([k, v]) => [k, [v.value, v.line]]))).toEqual({ C: ['one\ntwo', 4], D: ['continued', 6], E: ['joined', 8], F: ['3', 10] });
    expect(r.diagnostics).toEqual([]);
  });

  it('a line without = is reported at its line and sets nothing', () => {
    const r = parseEnvFile({ file: 'env.local', text: 'A=1\nnot an assignment\nB=2\n' });
    expect([...r.vars.keys()]).toEqual(['A', 'B']);
    expect(r.diagnostics.map((d) => [d.line, d.code, d.message])).toEqual([[2, 'import-parse', 'not a KEY=VALUE line: ignored']]);
  });

  it('warns where a # after a blank reads like a comment but is part of the value', () => {
    const r = parseEnvFile({ file: 'env.local', text: 'A=http://h:9000/v1   # the server\nB="x" # note\nC=a#b\nD="a # b"\n' });
    expect(r.diagnostics.map((d) => [d.line, d.severity, d.code, d.message])).toEqual([
      [1, 'warning', 'import-parse', 'A is "http://h:9000/v1   # the server": the # and what follows are part of the value, as systemd reads it (a comment starts only a line)'],
      [2, 'warning', 'import-parse', 'B is "x# note": the # and what follows are part of the value, as systemd reads it (a comment starts only a line)'],
    ]);
    expect(r.diagnostics[0]!.hint).toContain('on a line of its own');
  });

  it('reads back every value compile writes, quoted or not', () => {
    for (const v of ['plain', 'with space', 'q"uote', 'back\\slash', '$HOME', '`cmd`', "it's", '# hash', ' lead', 'trail ', '']) {
      expect(valueOf(renderEnv({ A: v })), JSON.stringify(quoteEnvValue(v))).toBe(v);
    }
    fc.assert(
      // Any value renderEnv takes (it refuses control characters, which could start a new line).
      fc.property(fc.string({ unit: 'binary' }).filter(isRendered), (v) => {
        expect(valueOf(renderEnv({ A: v }))).toBe(v);
      }),
      { numRuns: 500 },
    );
  });
});
