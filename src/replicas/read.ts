import type { Database } from '../connection/database.js';
import { ReplicaMonitor } from './monitor.js';
import type { ReplicaStatus } from './types.js';

/**
 * One reading of the primary's replicas (`plan`): those given by URL and, on PostgreSQL, the standbys the
 * primary streams to. Never throws; a replica that cannot be read says so in its state.
 */
export async function readReplicaStatuses(primary: Database, urls: readonly string[]): Promise<ReplicaStatus[]> {
  const monitor = new ReplicaMonitor(primary, urls);
  try {
    return await monitor.read();
  } finally {
    monitor.close();
  }
}
