/**
 * EventBridge pattern matching, the subset segsync's rules use, so the tests can hold each rule's
 * pattern against real event samples offline (TestEventPattern is an API call).
 *
 * Semantics (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
 * every field of the pattern must match; a pattern object recurses into the event's object; a
 * pattern array matches when the event's value (or, for an event array, any element of it) equals
 * one literal or satisfies one matcher. Matchers implemented: prefix, suffix, wildcard (`*` only),
 * exists. Any other matcher throws, so a pattern this helper cannot judge never passes silently.
 */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

export function matchesPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, want]) => {
    const have = event[key];
    if (Array.isArray(want)) {
      if (want.some((w) => isExistsMatcher(w))) {
        const exists = (want.find(isExistsMatcher) as { exists: boolean }).exists;
        return (have !== undefined) === exists;
      }
      const values = Array.isArray(have) ? have : [have];
      return values.some((v) => v !== undefined && want.some((w) => matchesOne(w, v)));
    }
    if (want !== null && typeof want === 'object')
      return have !== null && typeof have === 'object' && !Array.isArray(have) && matchesPattern(want, have);
    throw new Error(`pattern field ${key} must be an array or an object`);
  });
}

const isExistsMatcher = (w: Json): boolean => w !== null && typeof w === 'object' && !Array.isArray(w) && 'exists' in w;

function matchesOne(want: Json, value: Json): boolean {
  if (want === null || typeof want !== 'object') return want === value;
  if (Array.isArray(want)) throw new Error('nested arrays are not EventBridge patterns');
  if (typeof value !== 'string') return false;
  const [kind, arg] = Object.entries(want)[0] ?? [];
  if (typeof arg !== 'string') throw new Error(`unsupported matcher ${JSON.stringify(want)}`);
  if (kind === 'prefix') return value.startsWith(arg);
  if (kind === 'suffix') return value.endsWith(arg);
  if (kind === 'wildcard') {
    const re = new RegExp(`^${arg.split('*').map(escape).join('.*')}$`);
    return re.test(value);
  }
  throw new Error(`unsupported matcher ${kind}`);
}

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
