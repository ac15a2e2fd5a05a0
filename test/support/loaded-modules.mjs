// Preloaded with `node --import` by the module-graph test: records every module the process loads
// (ES modules through a load hook, CommonJS ones from require.cache at exit, and Node's own internal
// modules as `node:internal/...` from process.moduleLoadList) into $SAFE_INDEX_LOADED_OUT.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.SAFE_INDEX_LOADED_OUT;
writeFileSync(out, '');
const hook = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(out)}, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const files = Object.keys(require.cache).map((file) => `file://${file}`);
  for (const entry of process.moduleLoadList) {
    const internal = /^NativeModule (internal\/.*)$/.exec(entry)?.[1];
    if (internal) files.push(`node:${internal}`);
  }
  appendFileSync(out, `${files.join('\n')}\n`);
});
