import * as path from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * Registers a loader for .ts files in a thread run from the TypeScript sources
 * (tests): each file is compiled alone (as ts-jest does) by the TypeScript
 * compiler, a dev dependency, and cached on disk by content.
 */
const typescriptLoader = (compilerPath: string, libsDir: string) => `
const fs = require('node:fs');
const path = require('node:path');
// '#name' (package.json imports) points at dist/; from the sources it means the lib's index.ts.
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^#([a-z-]+)$/.exec(request);
  return resolveFilename.call(this, lib ? path.join(${JSON.stringify(libsDir)}, lib[1], 'src', 'index.ts') : request, ...rest);
};
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

/** libs/, from this file's place in the sources (libs/documents/src/extraction/thread). */
const LIBS_DIR = path.resolve(__dirname, '../../../..');

/**
 * A worker thread running a module of this code base: its compiled .js in
 * production (dist), or its .ts sources when the caller itself runs from them.
 */
export function startThread(moduleFile: string, options: WorkerOptions): Worker {
  if (moduleFile.endsWith('.js')) return new Worker(moduleFile, options);
  const source = `${typescriptLoader(require.resolve('typescript'), LIBS_DIR)}\nrequire(${JSON.stringify(moduleFile)});`;
  return new Worker(source, { ...options, eval: true });
}
