// Part of the build: renders `tradebot --help` into dist/ for the launcher's fast path (src/help-cache.ts).
const { writeHelpCache } = await import('../dist/src/help-cache.js');
await writeHelpCache();
