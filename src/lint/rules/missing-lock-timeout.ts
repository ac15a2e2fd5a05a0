import { sharedRule } from './rule.js';

/** Both: DDL on an existing table with no lock timeout set earlier in the file. */
export const missingLockTimeout = sharedRule(
  {
    id: 'missing-lock-timeout',
    level: 'warning',
    message:
      'DDL on an existing table with no lock timeout set earlier in the file: while it waits for its lock, every new query on the table queues behind it',
    help: "Set a short lock timeout first: PostgreSQL SET lock_timeout = '5s'; MySQL/MariaDB SET SESSION lock_wait_timeout = 5; and retry on timeout",
  },
  (_file, { facts }) => {
    const first = facts.lockingStatements[0];
    if (first === undefined) return [];
    return facts.lockTimeoutStatements.some((set) => set < first) ? [] : [{ statement: first }];
  },
);
