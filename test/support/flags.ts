/**
 * A helper's default arguments with the caller's `extra` on top: a flag given in `extra` replaces
 * the default one (tradebot refuses a single-value flag given twice). Defaults are `--flag value`
 * pairs or lone boolean flags; values never start with `--`.
 */
export function withOverrides(defaults: readonly string[], extra: readonly string[]): string[] {
  const given = new Set(extra.filter((a) => a.startsWith('--')));
  const out: string[] = [];
  for (let i = 0; i < defaults.length; i++) {
    const a = defaults[i]!;
    const next = defaults[i + 1];
    const takesValue = next !== undefined && !next.startsWith('--');
    if (a.startsWith('--') && given.has(a)) {
      if (takesValue) i++;
      continue;
    }
    out.push(a);
  }
  return [...out, ...extra];
}
