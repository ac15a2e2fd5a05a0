import type { ParsedFile } from './source/parsed-file.js';
import type { Finding, SqlComment } from './types.js';

/** The marker of an inline suppression comment. */
export const ignoreMarker = 'safe-index-ignore:';

/** An inline suppression as written above (or at the end of) a statement. */
interface Suppression {
  rules: string[];
  reason: string;
  comment: SqlComment;
}

function commentBody(text: string): string {
  return text
    .replace(/^(--|#|\/\*)/, '')
    .replace(/\*\/$/, '')
    .trim();
}

function readSuppression(comment: SqlComment): Suppression | undefined {
  const body = commentBody(comment.text);
  const at = body.indexOf(ignoreMarker);
  if (at < 0) return undefined;
  const rest = body.slice(at + ignoreMarker.length).trim();
  const space = rest.search(/\s/);
  const ids = space < 0 ? rest : rest.slice(0, space);
  const reason = space < 0 ? '' : rest.slice(space).trim();
  return { rules: ids.split(',').filter(Boolean), reason, comment };
}

/** Result of applying the inline suppressions of a file to its findings. */
export interface SuppressionOutcome {
  findings: Finding[];
  suppressed: Array<Finding & { reason: string }>;
  /** Suppressions that are themselves wrong (no reason, unknown rule). */
  problems: Array<{ comment: SqlComment; message: string }>;
}

/** Moves the findings an inline `-- safe-index-ignore: <rule-id> <reason>` names out of the way. */
export function applySuppressions(
  file: ParsedFile,
  findings: Finding[],
  knownRules: ReadonlySet<string>,
): SuppressionOutcome {
  const outcome: SuppressionOutcome = { findings: [], suppressed: [], problems: [] };
  const byLine = new Map<number, Suppression[]>();
  for (const statement of file.statements) {
    const valid: Suppression[] = [];
    for (const comment of [...statement.leadingComments, ...statement.trailingComments]) {
      const suppression = readSuppression(comment);
      if (!suppression) continue;
      const unknown = suppression.rules.filter((rule) => !knownRules.has(rule));
      if (suppression.rules.length === 0) outcome.problems.push({ comment, message: 'Suppression names no rule' });
      else if (unknown.length > 0)
        outcome.problems.push({ comment, message: `Suppression names an unknown rule: ${unknown.join(', ')}` });
      else if (!suppression.reason)
        outcome.problems.push({ comment, message: `Suppression of ${suppression.rules.join(', ')} gives no reason` });
      else valid.push(suppression);
    }
    byLine.set(statement.line, [...(byLine.get(statement.line) ?? []), ...valid]);
  }
  for (const finding of findings) {
    const match = byLine.get(finding.line)?.find((s) => s.rules.includes(finding.rule));
    if (match) outcome.suppressed.push({ ...finding, reason: match.reason });
    else outcome.findings.push(finding);
  }
  return outcome;
}
