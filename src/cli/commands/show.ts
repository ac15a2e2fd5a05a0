import { ExitCode, SafeIndexError } from '../../errors.js';
import { renderPlanMarkdown } from '../../render/markdown/plan.js';
import { renderPlanText } from '../../render/text/plan.js';
import { requireSavedPlan } from '../../saved-plan/read.js';
import { savedPlanReport } from '../../saved-plan/report.js';
import { defineCommand } from '../command.js';
import type { OutputFormat } from '../io.js';

interface ShowArgs {
  file: string;
  format: OutputFormat;
}

/** `safe-index show FILE`: a saved plan as text or markdown, without connecting. */
export const showCommand = defineCommand<ShowArgs>({
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'a saved plan written by plan --out' })
      .example('$0 show plan.json', 'read the reviewed plan of a CI artifact')
      .example('$0 show plan.json --format markdown > plan.md', 'the same as a pull-request comment'),
  run: async (args, io) => {
    if (args.format !== 'text' && args.format !== 'markdown') {
      throw new SafeIndexError('usage', `show prints text or markdown (the saved plan itself is the JSON document)`);
    }
    const saved = await requireSavedPlan(args.file);
    const report = { ...savedPlanReport(saved, { file: args.file }), saved };
    const stdout = args.format === 'markdown' ? renderPlanMarkdown(report) : renderPlanText(report, io.color);
    return { stdout, exitCode: ExitCode.ok };
  },
});
