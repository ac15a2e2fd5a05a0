import type { SafeIndexCommand } from '../command.js';

/**
 * Every command: its usage line and description (all that `safe-index --help` needs) and the module
 * that declares its flags and runs it, imported only when that command is chosen. A command module
 * and what it imports (drivers, parsers, the embedded server) are never loaded by another command.
 */
export interface CommandEntry {
  command: string;
  describe: string;
  load(): Promise<SafeIndexCommand<never>>;
}

const entry = (command: string, describe: string, load: () => Promise<unknown>): CommandEntry => ({
  command,
  describe,
  load: load as () => Promise<SafeIndexCommand<never>>,
});

export const commandTable: CommandEntry[] = [
  entry(
    'plan [paths..]',
    'dry run: introspect, validate, diff, print SQL and its rollback (exit 0 in sync, 2 pending, 1 error)',
    async () => (await import('./plan.js')).planCommand,
  ),
  entry(
    'apply [paths..]',
    'run the plan online, record the run and write its rollback script (exit 0 applied or noop, 1 failed)',
    async () => (await import('./apply.js')).applyCommand,
  ),
  entry(
    'rollback',
    'undo the latest applied run, or --run ID, online (exit 0 done or nothing to undo, 1 failed)',
    async () => (await import('./rollback.js')).rollbackCommand,
  ),
  entry('history', 'list recorded runs, newest first', async () => (await import('./history.js')).historyCommand),
  entry(
    'explain [paths..]',
    'time the verify queries now (read-only, rolled back), print plans and medians (exit 1: an expect not met)',
    async () => (await import('./explain.js')).explainCommand,
  ),
  entry(
    'usage [paths..]',
    'index size, scans, last scan, redundancy and a used/unused/unknown verdict per source; --record stores a snapshot',
    async () => (await import('./usage.js')).usageCommand,
  ),
  entry(
    'lint [files..]',
    'migration-safety lint of SQL migration files',
    async () => (await import('./lint.js')).lintCommand,
  ),
  entry(
    'export',
    'print the live indexes of the named tables as a plan YAML (constraint indexes are listed as comments)',
    async () => (await import('./export.js')).exportCommand,
  ),
  // help text stays ASCII: one non-ASCII character sends string-width (yargs' column layout) through
  // Unicode-property regexes and Intl.Segmenter, about a third of --help's own time
  entry(
    'demo',
    'walkthrough on an embedded PostgreSQL: billing schema with data, plan -> apply -> evidence -> rollback',
    async () => (await import('./demo.js')).demoCommand,
  ),
  entry(
    'show <file>',
    'print a saved plan (plan --out) as text or markdown, without connecting (exit 0, 1 when unreadable)',
    async () => (await import('./show.js')).showCommand,
  ),
];
