/** GitHub's limit on the body of one pull-request comment, in characters. */
export const githubCommentLimit = 65_536;

/** One way to render a section: its lines (or lines for at most `rows` rows) and what it leaves out. */
export interface SectionLevel {
  lines: string[] | ((rows: number) => string[]);
  /** What this level leaves out beyond the level before it, for the trimming note. */
  leftOut?: string;
}

/** A part of a comment: always shown as is, or renderable at shorter and shorter levels. */
export type MarkdownSection = { fixed: string[] } | { levels: SectionLevel[] };

interface State {
  section: MarkdownSection;
  level: number;
  rows?: number;
}

function linesOf(state: State): string[] {
  if ('fixed' in state.section) return state.section.fixed;
  const { lines } = state.section.levels[state.level]!;
  return typeof lines === 'function' ? lines(state.rows ?? Number.POSITIVE_INFINITY) : lines;
}

function note(states: State[], where: string): string[] {
  const left = states.flatMap((state) => {
    if ('fixed' in state.section) return [];
    // each level leaves out what the levels before it left out, and more
    return state.section.levels.slice(1, state.level + 1).flatMap((level) => (level.leftOut ? [level.leftOut] : []));
  });
  if (left.length === 0) return [];
  return [
    `> ✂️ Trimmed to stay under GitHub's ${githubCommentLimit.toLocaleString('en-US')}-character comment limit: left out ${left.join('; ')}. The full plan is in ${where}.`,
    '',
  ];
}

function render(states: State[], where: string): string {
  const [first, ...rest] = states;
  const lines = [...(first ? linesOf(first) : []), ...note(states, where), ...rest.flatMap(linesOf)];
  return lines.join('\n').trimEnd();
}

/**
 * Joins the sections into one comment of at most `limit` characters: while it is too long, the last
 * section that can still shrink goes down one level (a level with a row count is cut to the most
 * rows that fit), and a note after the first section says what was left out and where to find it.
 */
export function fitComment(sections: MarkdownSection[], options: { limit?: number; where: string }): string {
  const limit = options.limit ?? githubCommentLimit;
  const states: State[] = sections.map((section) => ({ section, level: 0 }));
  let text = render(states, options.where);
  for (let i = states.length - 1; i >= 0 && text.length > limit; i -= 1) {
    const state = states[i]!;
    if ('fixed' in state.section) continue;
    const levels = state.section.levels;
    while (text.length > limit && state.level < levels.length - 1) {
      state.level += 1;
      if (typeof levels[state.level]!.lines === 'function') {
        // the most rows that fit: binary search over the row count
        let [low, high] = [0, 100_000];
        while (low < high) {
          state.rows = Math.ceil((low + high) / 2);
          if (render(states, options.where).length <= limit) low = state.rows;
          else high = state.rows - 1;
        }
        state.rows = low;
      }
      text = render(states, options.where);
    }
  }
  return text;
}
