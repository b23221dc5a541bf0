/**
 * NATS subject syntax and wildcard matching, shared by both bus implementations so that the
 * in-process bus routes exactly like the server does: `*` matches one token, `>` (last token
 * only) matches one or more tokens.
 */
const LITERAL_TOKEN = /^[^\s*>.]+$/;

export class InvalidSubjectError extends Error {
  constructor(subject: string, reason: string) {
    super(`Invalid subject ${JSON.stringify(subject)}: ${reason}`);
    this.name = 'InvalidSubjectError';
  }
}

function tokensOf(subject: string): string[] {
  if (subject.length === 0) throw new InvalidSubjectError(subject, 'empty');
  return subject.split('.');
}

/** A subject to publish on: literal tokens only. Returns its tokens. */
export function parseLiteralSubject(subject: string): string[] {
  const tokens = tokensOf(subject);
  for (const token of tokens) {
    if (!LITERAL_TOKEN.test(token)) {
      throw new InvalidSubjectError(subject, 'publish subjects need non-empty literal tokens (no wildcards or spaces)');
    }
  }
  return tokens;
}

/** A subject to subscribe to: literal tokens, `*`, and `>` as the last token. Returns its tokens. */
export function parseSubjectPattern(pattern: string): string[] {
  const tokens = tokensOf(pattern);
  tokens.forEach((token, index) => {
    if (token === '*') return;
    if (token === '>') {
      if (index !== tokens.length - 1) throw new InvalidSubjectError(pattern, '">" must be the last token');
      return;
    }
    if (!LITERAL_TOKEN.test(token)) throw new InvalidSubjectError(pattern, `bad token ${JSON.stringify(token)}`);
  });
  return tokens;
}

/** Whether the literal subject (as tokens) is matched by the pattern (as tokens). */
export function tokensMatch(patternTokens: readonly string[], subjectTokens: readonly string[]): boolean {
  for (let i = 0; i < patternTokens.length; i++) {
    const expected = patternTokens[i];
    if (expected === '>') return subjectTokens.length > i;
    if (i >= subjectTokens.length) return false;
    if (expected !== '*' && expected !== subjectTokens[i]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

/** Whether `subject` (literal) is matched by `pattern` (may hold wildcards). Both are validated. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return tokensMatch(parseSubjectPattern(pattern), parseLiteralSubject(subject));
}

/**
 * Whether every subject `inner` can match is also matched by `outer` (both patterns). Used to
 * refuse subjects a stream does not capture, instead of failing later with "no responders".
 */
export function patternIsWithin(inner: string, outer: string): boolean {
  const innerTokens = parseSubjectPattern(inner);
  const outerTokens = parseSubjectPattern(outer);
  for (let i = 0; i < outerTokens.length; i++) {
    const scope = outerTokens[i];
    const token = innerTokens[i];
    if (token === undefined) return false;
    if (scope === '>') return true;
    if (token === '>') return false;
    if (scope !== '*' && scope !== token) return false;
  }
  return innerTokens.length === outerTokens.length;
}

/** Validates a publish subject and that the bus carries it; returns its tokens. */
export function assertPublishable(subject: string, scope: string): string[] {
  const tokens = parseLiteralSubject(subject);
  if (!patternIsWithin(subject, scope)) throw new InvalidSubjectError(subject, `outside the bus scope ${scope}`);
  return tokens;
}

/** Validates a subscription pattern and that the bus carries everything it matches; returns its tokens. */
export function assertSubscribable(pattern: string, scope: string): string[] {
  const tokens = parseSubjectPattern(pattern);
  if (!patternIsWithin(pattern, scope)) throw new InvalidSubjectError(pattern, `outside the bus scope ${scope}`);
  return tokens;
}
