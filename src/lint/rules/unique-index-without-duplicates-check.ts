import { sharedRule } from './rule.js';

/** The comment that records that the data was checked for duplicate keys. */
export const duplicatesCheckedNote = 'safe-index: duplicates-checked';

/** Both: a unique index on an existing table without a note that duplicates were checked. */
export const uniqueIndexWithoutDuplicatesCheck = sharedRule(
  {
    id: 'unique-index-without-duplicates-check',
    level: 'warning',
    message:
      'A unique index on an existing table fails at the end of its build if any two rows share a key (on PostgreSQL a failed CONCURRENTLY build leaves an INVALID index that still enforces uniqueness)',
    help: `Check for duplicates first (SELECT key, count(*) ... GROUP BY key HAVING count(*) > 1, or safe-index plan --check-duplicates), then record it with a comment above the statement: -- ${duplicatesCheckedNote}`,
  },
  (file, { facts }) =>
    facts.indexCreations
      .filter((creation) => creation.unique && !creation.onNewTable)
      .filter((creation) => {
        const statement = file.statements[creation.statement]!;
        const comments = [...statement.leadingComments, ...statement.trailingComments];
        return !comments.some((comment) => comment.text.includes(duplicatesCheckedNote));
      })
      .map((creation) => ({ statement: creation.statement })),
);
