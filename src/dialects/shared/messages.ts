/**
 * Wording both dialects use for the same event, built in one place: a failed statement's classification
 * (a lock wait that gave up, a lost connection) and why a stored reverse statement is refused.
 */

/** A statement that gave up waiting for a lock. */
export const lockWaitTimedOut = (message: string): string => `lock wait timed out: ${message}`;

/** A statement whose connection went away under it (a socket error, no server answer). */
export const connectionLost = (message: string): string => `the connection was lost: ${message}`;

/** A stored reverse statement of a step whose action has none (a recorded action this tool never writes). */
export const noReverseStatements = (action: string): string => `a ${action} step has no reverse statements`;

/** A stored reverse statement that touches another index than the step's (`verb`: builds, drops, alters). */
export const notTheStepsIndex = (verb: string, name: string): string => `it ${verb} index "${name}", not the step’s`;

/** A stored reverse statement that alters another table than the step's. */
export const notTheStepsTable = 'it alters a table other than the step’s';
