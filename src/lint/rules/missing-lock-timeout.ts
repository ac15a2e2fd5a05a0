import { sharedRule } from './rule.js';

/** Both: a lock on a relation the file did not create, with no lock timeout in force. */
export const missingLockTimeout = sharedRule(
  {
    id: 'missing-lock-timeout',
    level: 'warning',
    message:
      'DDL locks an existing table with no lock timeout in force: while it waits for its lock, new queries on the table queue behind it',
    help: "Set a short lock timeout first: PostgreSQL SET lock_timeout = '5s'; MySQL/MariaDB SET SESSION lock_wait_timeout = 5; and retry on timeout",
  },
  (_file, { facts }) => {
    const first = facts.lockWaits.find((wait) => !wait.timeoutInForce);
    if (!first) return [];
    const relation = first.relation === '*' ? 'every table it covers' : first.relation;
    const because = first.because ? ` (${first.because})` : '';
    const article = /^[aeiou]/i.test(first.lock) ? 'an' : 'a';
    return [
      {
        statement: first.statement,
        message: `Needs ${article} ${first.lock} lock on ${relation}${because}, which existed before this file, with no lock timeout in force: while it waits for that lock, ${first.blocks} on ${relation} waits behind it`,
      },
    ];
  },
);
