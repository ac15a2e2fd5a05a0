import { ExitCode } from '../../errors.js';
import { renderLintGithub } from '../../render/github/lint.js';
import { renderLintJson } from '../../render/json/lint.js';
import { renderLintText } from '../../render/text/lint.js';
import { defineCommand } from '../command.js';
import { formatOption } from '../format-option.js';

/** `lint` prints text, JSON or GitHub workflow annotations. */
const lintFormats = ['text', 'json', 'github'] as const;

interface LintArgs {
  files?: string[];
  dialect?: 'postgres' | 'mysql' | 'mariadb';
  url?: string;
  format: (typeof lintFormats)[number];
  'assume-in-transaction'?: boolean;
  plans?: string;
  config?: string;
  knex?: string;
}

/** `safe-index lint <files..>`: migration-safety lint of SQL migration files (and knex migrations). */
export const lintCommand = defineCommand<LintArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'lint', lintFormats)
      .positional('files', { type: 'string', array: true, describe: 'SQL migration files' })
      .option('dialect', {
        choices: ['postgres', 'mysql', 'mariadb'] as const,
        describe: 'SQL dialect (default: from --url / DATABASE_URL)',
      })
      .option('assume-in-transaction', {
        type: 'boolean',
        describe: 'the migration runner wraps each file in a transaction',
      })
      .option('plans', {
        type: 'string',
        describe: 'index plans folder: index names must follow its naming convention',
      })
      .option('config', { type: 'string', describe: 'config file with a lint: section (default .safe-index.yml)' })
      .option('knex', {
        type: 'string',
        describe: 'knex migrations folder: capture the SQL each up() would send and lint it',
      })
      .example('$0 lint migrations/*.sql --dialect postgres', 'lint PostgreSQL migration files')
      .example('$0 lint db/*.sql --dialect mariadb --format github', 'GitHub annotations in CI')
      .example('$0 lint --knex migrations --dialect postgres', 'lint the SQL of knex migrations'),
  run: async (args, io) => {
    const { runLint } = await import('../../lint/index.js');
    const report = await runLint({
      files: args.files ?? [],
      dialect: args.dialect,
      url: args.url ?? process.env.DATABASE_URL,
      assumeInTransaction: args['assume-in-transaction'],
      plans: args.plans,
      config: args.config,
      knex: args.knex,
    });
    for (const note of report.notes) io.log(`note: ${note}`);
    const errors = report.findings.some((finding) => finding.level === 'error');
    const render = {
      json: renderLintJson,
      github: renderLintGithub,
      text: (r: typeof report) => renderLintText(r, io.color && io.isTTY),
    };
    return {
      stdout: render[args.format](report),
      exitCode: errors ? ExitCode.error : ExitCode.ok,
    };
  },
});
