import { ExitCode } from '../../errors.js';
import { exportPlan } from '../../export/export-plan.js';
import { renderExportJson } from '../../render/json/export.js';
import { renderExportYaml } from '../../render/yaml/export.js';
import { defineCommand } from '../command.js';
import { formatOption, textOrJson } from '../format-option.js';
import { type TargetArgs, targetOptions } from '../target-options.js';

interface ExportArgs extends TargetArgs {
  table: string[];
  format: (typeof textOrJson)[number];
}

/** `safe-index export`: the live indexes as a plan file. */
export const exportCommand = defineCommand<ExportArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'export', textOrJson)
      .option('table', {
        type: 'string',
        array: true,
        default: [],
        describe: 'table in the default schema (repeatable; default: every table that has indexes)',
      })
      .example('$0 export --url postgres://app@db/prod > index-plans/current.yml', 'every table that has indexes')
      .example('$0 export --table "tabSales Invoice" --table tabMember', 'two tables')
      .example('$0 export --format json', 'entries and skipped indexes as JSON'),
  run: async (args, io) => {
    const result = await exportPlan({ ...targetOptions(args), tables: args.table });
    io.log(`exported ${result.indexes.length} index(es); ${result.skipped.length} left out (listed as comments)`);
    const stdout = args.format === 'json' ? renderExportJson(result) : renderExportYaml(result);
    return { stdout, exitCode: ExitCode.ok };
  },
});
