// Runs the real CLI in this process and reports its peak RSS and CPU time (every thread) on stderr
// as a last JSON line. Used by bench/run.js and bench/optimize.js; stdout is the CLI's own.
const { run } = await import('../dist/src/cli.js');
const { processEnv } = await import('../dist/src/io.js');
const code = await run(['node', 'tradebot', ...process.argv.slice(2)], processEnv());
const u = process.resourceUsage();
process.stderr.write(`${JSON.stringify({ maxRssMb: u.maxRSS / 1024, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000 })}\n`);
process.exitCode = code;
