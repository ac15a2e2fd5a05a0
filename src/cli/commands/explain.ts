import { ExitCode } from '../../errors.js';
import { explainPassed, explainReport } from '../../evidence/explain-now.js';
import { renderExplainJson } from '../../render/json/explain.js';
import { renderExplainReportMarkdown } from '../../render/markdown/explain.js';
import { renderExplainText } from '../../render/text/evidence.js';
import { defineCommand } from '../command.js';
import { runsFlag } from '../flag-values.js';
import { formatOption, reportFormats } from '../format-option.js';
import { type TargetArgs, targetOptions } from '../target-options.js';

interface ExplainArgs extends TargetArgs {
  paths: string[];
  format: (typeof reportFormats)[number];
  runs?: number;
}

/** `safe-index explain`: time the verify queries now, changing nothing. */
export const explainCommand = defineCommand<ExplainArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'explain', reportFormats)
      .positional('paths', { type: 'string', array: true, default: ['index-plans'], describe: 'plan files or folders' })
      .option('runs', {
        type: 'string',
        coerce: runsFlag,
        describe: "timed runs per query (default: the plans' explain_runs)",
      })
      .example('$0 explain --url postgres://app@db/prod', 'time every verify query under index-plans/')
      .example('$0 explain index-plans/billing.yml --format markdown', 'a pull-request comment'),
  run: async (args, io) => {
    const report = await explainReport({
      ...targetOptions(args),
      paths: args.paths,
      ...(args.runs !== undefined ? { runs: args.runs } : {}),
      log: (line) => io.progress(line),
    });
    const render = {
      json: renderExplainJson,
      markdown: renderExplainReportMarkdown,
      text: (r: typeof report) => renderExplainText(r, io.color),
    };
    return {
      stdout: render[args.format](report),
      exitCode: explainPassed(report) ? ExitCode.ok : ExitCode.error,
    };
  },
});
