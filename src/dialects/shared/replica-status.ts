import type { ReplicaConnection } from '../../replicas/connection.js';
import type { ReplicaStatus } from '../../replicas/types.js';

/** A replica that could not be connected to (or did not answer within the budget). */
export function unreachable(target: string, error: unknown): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'unreachable',
    running: false,
    reason: `unreachable: ${(error as Error).message}`,
  };
}

/**
 * A replica that answered but whose replication state could not be read (`hint`: the privilege it needs).
 * `needsGrant`: the server refused for lack of that privilege (not a timeout or a lost connection), so only
 * a grant changes it.
 */
export function unreadable(target: string, error: unknown, hint: string, needsGrant = false): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'unreadable',
    running: false,
    reason: `replication state not readable: ${(error as Error).message} (${hint})`,
    ...(needsGrant ? { needsGrant: true as const } : {}),
  };
}

/** A replica URL that names a server of the other dialect than the primary's (`want`: the primary's, in words). */
export function wrongDialect(target: string, connection: ReplicaConnection, want: string): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'not_a_replica',
    running: false,
    reason: `a ${connection.server.flavor} server, but the primary is ${want}`,
  };
}
