// Preloaded into every process the bench measures (node --import ./bench/usage.js ...): at exit it
// writes the process's own CPU time and peak RSS as the last line of stderr, so tradebot, grademark
// and a bare `node -e 0` are measured the same way, start-up included.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const cpu = process.cpuUsage();
  writeSync(2, `\n@usage ${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
});
