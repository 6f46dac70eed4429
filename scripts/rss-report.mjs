// Preloaded into a benchmarked command (node --import): on exit, append its peak RSS (KB) and
// CPU time (user + system, µs) to the file named by HOMELAB_BENCH_RSS, so the benchmark
// measures the real CLI process.
import { appendFileSync } from 'node:fs';

const file = process.env.HOMELAB_BENCH_RSS;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    appendFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
  });
