/** Edit distance, to suggest the option a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name closest to `name` (ignoring case), when it is close enough to be what was meant. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || d < best.distance) best = { name: candidate, distance: d };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 3))
    ? best.name
    : undefined;
}

/** "unknown option `x`; did you mean `y`?" for each name that is not an option, or an empty list. */
export function unknownNames(names: Iterable<string>, known: readonly string[], what: string): string[] {
  const problems: string[] = [];
  for (const name of names) {
    if (known.includes(name)) continue;
    const suggestion = closestName(name, known);
    problems.push(
      `unknown ${what} \`${name}\`${suggestion === undefined ? "" : `; did you mean \`${suggestion}\`?`}`,
    );
  }
  return problems;
}
