import { ExitCode } from '../../errors.js';
import { renderPlanMarkdown } from '../../render/markdown/plan.js';
import { renderPlanText } from '../../render/text/plan.js';
import { requireSavedPlan } from '../../saved-plan/read.js';
import { savedPlanReport } from '../../saved-plan/report.js';
import { defineCommand } from '../command.js';
import { formatOption } from '../format-option.js';

/** `show` prints text or markdown: the saved plan itself is the JSON document. */
const showFormats = ['text', 'markdown'] as const;

interface ShowArgs {
  file: string;
  format: (typeof showFormats)[number];
}

/** `safe-index show FILE`: a saved plan as text or markdown, without connecting. */
export const showCommand = defineCommand<ShowArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'show', showFormats)
      .positional('file', { type: 'string', demandOption: true, describe: 'a saved plan written by plan --out' })
      .example('$0 show plan.json', 'read the reviewed plan of a CI artifact')
      .example('$0 show plan.json --format markdown > plan.md', 'the same as a pull-request comment'),
  run: async (args, io) => {
    const saved = await requireSavedPlan(args.file);
    const report = { ...savedPlanReport(saved, { file: args.file }), saved };
    const stdout = args.format === 'markdown' ? renderPlanMarkdown(report) : renderPlanText(report, io.color);
    return { stdout, exitCode: ExitCode.ok };
  },
});
