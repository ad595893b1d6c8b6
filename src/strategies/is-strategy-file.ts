/** A --strategy value (or config strategy.name) naming a module file rather than a built-in. */
export function isStrategyFile(name: string): boolean {
  return name.includes('/') || name.includes('\\') || /\.(m?js|cjs)$/.test(name);
}
