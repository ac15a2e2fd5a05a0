import { describe, expect, it } from 'vitest';
import { compareBinlog, mysqlReplicaStatus, replicaStatusSql } from '../../../src/dialects/mysql/replica-status.js';
import {
  formatLsn,
  parseLsn,
  senderName,
  standbySelfOf,
  walSenderOf,
} from '../../../src/dialects/postgres/replica-status.js';
import { formatLag, outsideReason, type ReplicaStatus, withinBound } from '../../../src/replicas/types.js';

const server = (flavor: 'mysql' | 'mariadb', version: string) => {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return { dialect: 'mysql' as const, flavor, version, major, minor, patch, database: 'app', defaultSchema: 'app' };
};

/** A MariaDB `SHOW SLAVE STATUS` row (the columns the reader uses). */
const mariadbRow = (over: Record<string, unknown> = {}) => ({
  Slave_IO_Running: 'Yes',
  Slave_SQL_Running: 'Yes',
  Seconds_Behind_Master: 0,
  Last_IO_Errno: 0,
  Last_IO_Error: '',
  Last_SQL_Errno: 0,
  Last_SQL_Error: '',
  Master_Server_Id: 1,
  Relay_Master_Log_File: 'mysql-bin.000002',
  Exec_Master_Log_Pos: 500,
  Connection_name: '',
  ...over,
});

describe('MySQL/MariaDB replica status', () => {
  it('uses SHOW REPLICA STATUS where the server has it', () => {
    expect(replicaStatusSql(server('mariadb', '10.11.19'))).toBe('SHOW REPLICA STATUS');
    expect(replicaStatusSql(server('mariadb', '10.5.0'))).toBe('SHOW SLAVE STATUS');
    expect(replicaStatusSql(server('mysql', '8.0.22'))).toBe('SHOW REPLICA STATUS');
    expect(replicaStatusSql(server('mysql', '8.0.21'))).toBe('SHOW SLAVE STATUS');
    expect(replicaStatusSql(server('mysql', '9.7.0'))).toBe('SHOW REPLICA STATUS');
  });

  it('running with a lag: within the bound when the lag is at most the bound', () => {
    const status = { target: 'r', ...mysqlReplicaStatus([mariadbRow({ Seconds_Behind_Master: 3 })]) };
    expect(status).toMatchObject({ lagMs: 3000, state: 'running', running: true, reason: null });
    expect(withinBound(status, 3000)).toBe(true);
    expect(withinBound(status, 2999)).toBe(false);
    expect(outsideReason(status, 1000)).toBe('lag 3s > max_replica_lag 1s');
  });

  it('SQL thread stopped, with or without an error; IO thread connecting; NULL lag; no row: never within the bound', () => {
    const cases: [Record<string, unknown>[], string, string][] = [
      [[mariadbRow({ Slave_SQL_Running: 'No', Seconds_Behind_Master: null })], 'stopped', 'SQL thread not running'],
      [
        [mariadbRow({ Slave_SQL_Running: 'No', Last_SQL_Errno: 1062, Last_SQL_Error: 'Duplicate entry' })],
        'broken',
        'SQL thread stopped on error 1062: Duplicate entry',
      ],
      [[mariadbRow({ Slave_IO_Running: 'Connecting', Last_IO_Errno: 2003 })], 'connecting', 'IO thread connecting'],
      [[mariadbRow({ Slave_IO_Running: 'No' })], 'stopped', 'IO thread not running'],
      [[mariadbRow({ Seconds_Behind_Master: null })], 'running', 'Seconds_Behind_Master is NULL'],
      [[], 'not_a_replica', 'not a replica'],
    ];
    for (const [rows, state, reason] of cases) {
      const status: ReplicaStatus = { target: 'r', ...mysqlReplicaStatus(rows) };
      expect(status.state).toBe(state);
      expect(status.reason).toContain(reason);
      expect(withinBound(status, 3_600_000)).toBe(false);
    }
  });

  it('reads MySQL 8.0.22+ column names (Replica_, Source_)', () => {
    const row = {
      Replica_IO_Running: 'Yes',
      Replica_SQL_Running: 'No',
      Seconds_Behind_Source: null,
      Last_SQL_Errno: 0,
      Source_Server_Id: 1,
      Relay_Source_Log_File: 'binlog.000001',
      Exec_Source_Log_Pos: 10,
      Channel_Name: '',
    };
    expect(mysqlReplicaStatus([row])).toMatchObject({ state: 'stopped', running: false });
    const running = { ...row, Replica_SQL_Running: 'Yes', Seconds_Behind_Source: 0 };
    const required = { kind: 'binlog' as const, file: 'binlog.000001', pos: 20, serverId: 1 };
    expect(mysqlReplicaStatus([running], required).pending).toContain('binlog.000001:10');
    expect(mysqlReplicaStatus([{ ...running, Exec_Source_Log_Pos: 20 }], required).pending).toBeUndefined();
  });

  it('a replica that has not executed the position the previous step ended at is pending, so not within the bound', () => {
    const required = { kind: 'binlog' as const, file: 'mysql-bin.000002', pos: 900, serverId: 1 };
    const behind = { target: 'r', ...mysqlReplicaStatus([mariadbRow()], required) };
    expect(behind.pending).toBe(
      "executed up to mysql-bin.000002:500 of the primary's binary log, the previous step ended at mysql-bin.000002:900",
    );
    expect(withinBound(behind, 10_000)).toBe(false);
    expect(outsideReason(behind, 10_000)).toContain('still replaying the previous step');
    // a later file, or a replica of another source (server id), is not pending
    expect(
      mysqlReplicaStatus([mariadbRow({ Relay_Master_Log_File: 'mysql-bin.000003', Exec_Master_Log_Pos: 4 })], required)
        .pending,
    ).toBeUndefined();
    expect(mysqlReplicaStatus([mariadbRow({ Master_Server_Id: 7 })], required).pending).toBeUndefined();
  });

  it('compares binary log positions across files of one log only', () => {
    expect(compareBinlog({ file: 'b.000009', pos: 900 }, { file: 'b.000010', pos: 4 })).toBe(-1);
    expect(compareBinlog({ file: 'b.000010', pos: 5 }, { file: 'b.000010', pos: 4 })).toBe(1);
    expect(compareBinlog({ file: 'b.000010', pos: 4 }, { file: 'b.000010', pos: 4 })).toBe(0);
    expect(compareBinlog({ file: 'a.000010', pos: 4 }, { file: 'b.000010', pos: 4 })).toBeNull();
  });
});

describe('PostgreSQL standby readings', () => {
  it('parses and prints LSNs', () => {
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(formatLsn(parseLsn('16/B374D848')!)).toBe('16/B374D848');
    expect(parseLsn(null)).toBeNull();
    expect(parseLsn('nonsense')).toBeNull();
  });

  it('names a discovered standby by application name and address', () => {
    const sender = walSenderOf({
      application_name: 'si_standby',
      client_addr: '10.0.0.5',
      client_port: 40123,
      state: 'streaming',
      replay_lsn: '0/3000000',
      replay_lag_ms: 12.5,
    });
    expect(sender).toMatchObject({ state: 'streaming', replayLagMs: 12.5, replayLsn: 0x3000000n });
    expect(senderName(sender, false)).toBe('si_standby@10.0.0.5');
    expect(senderName(sender, true)).toBe('si_standby@10.0.0.5:40123');
    expect(senderName({ ...sender, applicationName: '', clientAddr: null }, false)).toBe('walreceiver@local');
    // a login without pg_monitor sees neither state nor address: not a local standby
    const hidden = { ...sender, clientAddr: null, clientPort: null, state: '', replayLsn: null, replayLagMs: null };
    expect(senderName(hidden, false)).toBe('si_standby (address not readable)');
  });

  it("finds the application name a standby streams under: conninfo, else cluster_name, else 'walreceiver'", () => {
    const base = {
      in_recovery: true,
      paused: false,
      receive_lsn: '0/1',
      replay_lsn: '0/1',
      receiver_status: 'streaming',
    };
    expect(
      standbySelfOf({ ...base, receiver_conninfo: "user=postgres application_name='east 1' host=x", cluster_name: 'c' })
        .applicationName,
    ).toBe('east 1');
    expect(
      standbySelfOf({ ...base, receiver_conninfo: 'user=postgres host=x', cluster_name: 'si_standby' }).applicationName,
    ).toBe('si_standby');
    expect(standbySelfOf({ ...base, receiver_conninfo: null, cluster_name: '' }).applicationName).toBe('walreceiver');
  });

  it('tells a WAL receiver hidden from the login (pid, no status) from one that does not run (no row)', () => {
    const base = { in_recovery: true, paused: false, receive_lsn: null, replay_lsn: '0/1', cluster_name: 's' };
    const hidden = standbySelfOf({ ...base, receiver_pid: 42, receiver_status: null, login: 'ci' });
    expect(hidden).toMatchObject({ receiverReadable: false, receiverStatus: null, login: 'ci' });
    expect(standbySelfOf({ ...base, receiver_pid: null, receiver_status: null }).receiverReadable).toBe(true);
    expect(standbySelfOf({ ...base, receiver_pid: 42, receiver_status: 'streaming' }).receiverReadable).toBe(true);
  });
});

describe('lag display', () => {
  it('formats durations short', () => {
    expect(formatLag(850)).toBe('850ms');
    expect(formatLag(1000)).toBe('1s');
    expect(formatLag(1234)).toBe('1.2s');
    expect(formatLag(12_345)).toBe('12s');
    expect(formatLag(245_000)).toBe('4m05s');
  });
});
