/** Small text helpers for what the CLI prints. */

/** `plural(1, 'step')` → "1 step", `plural(2, 'step')` → "2 steps"; irregular forms as the third argument. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
