import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * Registers a loader for .ts files in a thread run from the TypeScript sources
 * (tests): each file is compiled alone (as ts-jest does) by the TypeScript
 * compiler, a dev dependency, and cached on disk by content.
 */
const typescriptLoader = (compilerPath: string) => `
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const cacheDir = path.join(require('node:os').tmpdir(), 'foyergpt-thread-ts');
let ts;
require.extensions['.ts'] = (module, file) => {
  const source = fs.readFileSync(file, 'utf8');
  const cached = path.join(cacheDir, createHash('sha256').update(file + '\\0' + source).digest('hex') + '.js');
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    ts ??= require(${JSON.stringify(compilerPath)});
    code = ts.transpileModule(source, { fileName: file, compilerOptions: {
      module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false } }).outputText;
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = cached + '.' + process.pid + '-' + require('node:worker_threads').threadId;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  }
  module._compile(code, file);
};
`;

/**
 * A worker thread running a module of this code base: its compiled .js in
 * production (dist), or its .ts sources when the caller itself runs from them.
 */
export function startThread(moduleFile: string, options: WorkerOptions): Worker {
  if (moduleFile.endsWith('.js')) return new Worker(moduleFile, options);
  const source = `${typescriptLoader(require.resolve('typescript'))}\nrequire(${JSON.stringify(moduleFile)});`;
  return new Worker(source, { ...options, eval: true });
}
