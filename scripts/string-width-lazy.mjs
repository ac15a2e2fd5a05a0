// string-width for yargs' help layout (cliui, wrap-ansi, yargs), bundled by scripts/build.mjs in place of
// every string-width. Printable ASCII, all the tool's help text, is measured by its length at once;
// anything else goes to string-width itself, which is evaluated only then: its module creates an
// Intl.Segmenter and \p{RGI_Emoji} regular expressions when it loads, ~20 ms that --help, plan and
// apply paid on every run for text that never needs them.

let full;

/** Columns `text` takes in a terminal (string-width's API). */
export default function stringWidth(text, options) {
  if (typeof text === 'string' && /^[\u0020-\u007E]*$/.test(text)) return text.length;
  // esbuild bundles this require() and evaluates string-width's module on the first call only
  full ??= require('string-width').default;
  return full(text, options);
}
