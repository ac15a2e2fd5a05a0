import { textNarrator } from '../../demo/narrator.js';
import { runDemo } from '../../demo/run-demo.js';
import { billingSizeFor } from '../../demo/summary.js';
import { ExitCode } from '../../errors.js';
import { renderDemoJson } from '../../render/json/demo.js';
import { demoSummaryText } from '../../render/text/demo.js';
import { defineCommand } from '../command.js';
import { formatOption, textOrJson } from '../format-option.js';
import { sinkFor } from './apply.js';

interface DemoArgs {
  port: number;
  invoices: number;
  format: (typeof textOrJson)[number];
}

/** `safe-index demo`: the embedded-PostgreSQL walkthrough. */
export const demoCommand = defineCommand<DemoArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'demo', textOrJson)
      .option('port', { type: 'number', default: 0, describe: 'port for the embedded server (default: a free one)' })
      .option('invoices', {
        type: 'number',
        default: 500_000,
        describe: 'sales invoices to generate (the other tables scale with it)',
      })
      .example('$0 demo', 'the full walkthrough (about half a minute)')
      .example('$0 demo --invoices 50000 --port 54329', 'a smaller data set on a fixed port')
      .example('$0 demo --format json > demo.json', 'every step as JSON; the walkthrough still goes to stderr'),
  run: async (args, io) => {
    const result = await runDemo({
      port: args.port,
      size: billingSizeFor(args.invoices),
      narrator: textNarrator(io.log, io.color),
      sink: sinkFor(io),
    });
    const failed = result.apply.result.status === 'failed' || result.rollback.status === 'failed';
    const stdout = args.format === 'json' ? renderDemoJson(result) : demoSummaryText(result);
    return { stdout, exitCode: failed ? ExitCode.error : ExitCode.ok };
  },
});
