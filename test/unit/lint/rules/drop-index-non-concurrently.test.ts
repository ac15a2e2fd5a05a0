import { describeRule } from '../lint-helper.js';

describeRule('drop-index-non-concurrently', {
  accepts: [
    ['DROP INDEX CONCURRENTLY idx_a;', 'postgres'],
    ['DROP INDEX CONCURRENTLY IF EXISTS public.idx_a;', 'postgres'],
    ['DROP TABLE old_orders;', 'postgres'],
  ],
  flags: [
    ['DROP INDEX idx_a;', 'postgres', 1],
    ['SELECT 1;\nDROP INDEX IF EXISTS idx_a, idx_b;', 'postgres', 2],
  ],
});
