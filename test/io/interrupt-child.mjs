// A compile's write phase in a child process, stopped between a complete temp file and its
// rename: the parent sends a signal there and checks what is left. Uses the built dist/.
import { withCompileLock, writeOutputs, readGeneratedState } from '../../dist/io/outputs.js';

const [out] = process.argv.slice(2);
const files = [{ path: 'a/one.txt', content: 'one\n' }, { path: 'manifest.json', content: '{"generator":"homelab","files":[]}\n' }];
await withCompileLock(out, async () => {
  const state = await readGeneratedState(out, files);
  await writeOutputs(out, files, state, {
    afterTempWrite: async (tmp) => {
      process.stdout.write(`tmp ${tmp}\n`);
      // Wait here (a timer keeps the process alive) until the parent's signal ends it.
      await new Promise(() => setInterval(() => {}, 1000));
    },
  });
});
