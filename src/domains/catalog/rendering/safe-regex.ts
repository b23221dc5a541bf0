/**
 * Parameter schemas come from users and ajv runs their patterns on every value checked. JavaScript
 * regular expressions backtrack, so a pattern like `(a+)+$` can take exponential time on a short
 * value: such patterns are refused. The rule is the usual star-height heuristic (as the safe-regex
 * tools apply it): no repetition of a group that itself repeats or has alternatives, and no
 * backreferences. Safe patterns can always be written within it, e.g. `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`.
 */
const MAX_PATTERN_LENGTH = 256;

interface Group {
  repeats: boolean;
  alternates: boolean;
}

/** The length of a quantifier at `index` (with its lazy `?`), and whether it repeats (more than once). */
function quantifierAt(pattern: string, index: number): { length: number; repeats: boolean } | null {
  const char = pattern[index];
  let length: number;
  let repeats: boolean;
  if (char === '*' || char === '+') [length, repeats] = [1, true];
  else if (char === '?') [length, repeats] = [1, false];
  else if (char === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(index));
    if (match === null) return null;
    const max = match[2] === undefined ? Number(match[1]) : match[3] === '' ? Infinity : Number(match[3]);
    [length, repeats] = [match[0].length, max > 1];
  } else return null;
  return { length: pattern[index + length] === '?' ? length + 1 : length, repeats };
}

/** Where the atom starting at `index` (an escape or a character class) ends. */
function skipAtom(pattern: string, index: number): number {
  if (pattern[index] === '\\') {
    const next = pattern[index + 1];
    if ((next === 'u' || next === 'p' || next === 'P') && pattern[index + 2] === '{') return pattern.indexOf('}', index) + 1;
    if (next === 'u') return index + 6;
    if (next === 'x') return index + 4;
    if (next === 'c') return index + 3;
    return index + 2;
  }
  if (pattern[index] === '[') {
    let position = index + 1;
    while (position < pattern.length && pattern[position] !== ']') position += pattern[position] === '\\' ? 2 : 1;
    return position + 1;
  }
  return index + 1;
}

/** Where the body of a group opened at `index` starts (after `(`, `(?:`, `(?=`, `(?<name>`, …). */
function groupBodyStart(pattern: string, index: number): number {
  if (pattern[index + 1] !== '?') return index + 1;
  if (pattern[index + 2] === '<' && pattern[index + 3] !== '=' && pattern[index + 3] !== '!') return pattern.indexOf('>', index) + 1;
  return index + (pattern[index + 2] === '<' ? 4 : 3);
}

/** Why `pattern` is refused, or null. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `a pattern has at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `is not a regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  const groups: Group[] = [{ repeats: false, alternates: false }];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index];
    let closed: Group | undefined;
    if (char === '\\' && /[1-9k]/.test(pattern[index + 1] ?? '')) return 'uses a backreference: matching could take for ever';
    if (char === '(') {
      groups.push({ repeats: false, alternates: false });
      index = groupBodyStart(pattern, index);
      continue;
    }
    if (char === '|') {
      groups.at(-1)!.alternates = true;
      index += 1;
      continue;
    }
    if (char === ')') {
      closed = groups.pop();
      index += 1;
    } else index = skipAtom(pattern, index);
    const quantifier = quantifierAt(pattern, index);
    const enclosing = groups.at(-1)!;
    if (quantifier !== null) {
      if (closed !== undefined && quantifier.repeats && (closed.repeats || closed.alternates))
        return 'repeats a group that itself repeats or has alternatives (like (a+)+ or (a|b)*): matching could take for ever; use a character class or an optional group';
      if (quantifier.repeats) enclosing.repeats = true;
      index += quantifier.length;
    }
    if (closed?.repeats === true) enclosing.repeats = true;
  }
  return null;
}
