import { describeRule } from '../lint-helper.js';

describeRule('concurrently-on-partitioned-table', {
  accepts: [
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX idx_at ON ONLY events (at);',
      'postgres',
    ],
    ['CREATE TABLE events (at timestamptz);\nCREATE INDEX CONCURRENTLY idx_at ON events (at);', 'postgres'],
    ['CREATE INDEX CONCURRENTLY idx_at ON events (at);', 'postgres'],
  ],
  flags: [
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX CONCURRENTLY idx_at ON events (at);',
      'postgres',
      2,
    ],
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX idx_at ON events (at);\nDROP INDEX CONCURRENTLY idx_at;',
      'postgres',
      3,
    ],
  ],
});
