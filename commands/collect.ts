/**
 * The argument parser of a repeatable flag (`--param a=1 --param b=2`): each value is appended.
 * In a module of its own because every command line checks for it (single-value-options.ts),
 * and options.ts loads the config schema and validation with it.
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
