// The colours and weights homelab's reports use, with chalk 5's exact escape codes and rules
// (re-open after an inner close code, close and re-open around line breaks). The build
// (scripts/build.mjs) puts this in place of chalk in the fast path, dist/cli/fast.cjs: chalk
// loads node:tty and node:os through supports-color at start-up, which a validate run pays for
// before it prints a word. The level decides, as in chalk: 0 leaves text alone. report.ts picks
// the level itself (colorFor), so nothing here looks at the terminal.
// test/ansi.test.ts compares every style with chalk's on generated strings.
const STYLES = {
  red: ['\u001B[31m', '\u001B[39m'],
  green: ['\u001B[32m', '\u001B[39m'],
  yellow: ['\u001B[33m', '\u001B[39m'],
  cyan: ['\u001B[36m', '\u001B[39m'],
  bold: ['\u001B[1m', '\u001B[22m'],
  dim: ['\u001B[2m', '\u001B[22m'],
} as const;

type Style = keyof typeof STYLES;

export class Chalk {
  readonly level: number;

  constructor(options: { level?: number } = {}) {
    this.level = options.level ?? 0;
  }

  private apply(style: Style, text: string): string {
    if (this.level <= 0 || !text) return text;
    const [open, close] = STYLES[style];
    let out = text.includes('\u001B') ? text.split(close).join(close + open) : text;
    if (out.includes('\n')) out = out.replace(/\r?\n/g, (lineBreak) => close + lineBreak + open);
    return open + out + close;
  }

  red = (text: string) => this.apply('red', text);
  green = (text: string) => this.apply('green', text);
  yellow = (text: string) => this.apply('yellow', text);
  cyan = (text: string) => this.apply('cyan', text);
  bold = (text: string) => this.apply('bold', text);
  dim = (text: string) => this.apply('dim', text);
}
