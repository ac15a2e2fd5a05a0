/** What a command handler may do with the terminal, supplied by `cli/main.ts`. */
export interface CliIo {
  /** stdout is a TTY (progress bars, confirmation prompts). */
  readonly isTTY: boolean;
  /** stderr is a TTY (progress lines redraw in place). */
  readonly stderrIsTTY: boolean;
  /** Colour is allowed (TTY and no NO_COLOR). */
  readonly color: boolean;
  /** Writes a progress or log line to stderr (never to stdout). */
  log(line: string): void;
  /** Redraws a one-line progress indicator on stderr (TTY only; plain lines otherwise). */
  progress(line: string): void;
  /** Asks a yes/no question on the TTY; resolves false without a TTY. */
  confirm(question: string): Promise<boolean>;
}

/** What a handler hands back to `cli/main.ts`: the document for stdout and the exit code. */
export interface CommandOutcome {
  stdout: string;
  exitCode: number;
}
