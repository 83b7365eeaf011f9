import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { type Spec, validate } from './client';

const run = promisify(execFile);
const here = __dirname;
const root = path.resolve(here, '../..');
const drift = path.join(here, 'generated/drift');

/** The served spec with `title` gone from ChatResponse, as if its @ApiProperty had been removed. */
function specWithoutChatTitle(): Spec {
  const spec = JSON.parse(fs.readFileSync(path.join(here, 'generated/openapi.json'), 'utf8')) as Spec;
  const chat = spec.components?.schemas?.ChatResponse;
  if (!chat?.properties?.title) throw new Error('the served spec has no ChatResponse.title to remove');
  delete chat.properties.title;
  chat.required = chat.required?.filter((name) => name !== 'title');
  return spec;
}

/**
 * A deliberate drift: a response field the code returns and the suite uses is removed from the spec.
 * Both nets must catch it: tsc over the suite (the field is gone from the generated types) and the
 * schema check (the field comes back undocumented).
 */
describe('Contract: a spec that drifts from the code fails', () => {
  jest.setTimeout(240_000);

  it('fails tsc on the suite when the types come from the drifted spec', async () => {
    fs.rmSync(drift, { recursive: true, force: true });
    fs.mkdirSync(path.join(drift, 'generated'), { recursive: true });
    fs.writeFileSync(path.join(drift, 'generated/openapi.json'), JSON.stringify(specWithoutChatTitle()));
    const generate = `import openapiTS, { astToString } from 'openapi-typescript'; import fs from 'node:fs';
      const spec = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
      fs.writeFileSync(process.argv[2], astToString(await openapiTS(spec)));`;
    await run(process.execPath, ['--input-type=module', '-e', generate, path.join(drift, 'generated/openapi.json'), path.join(drift, 'generated/api.d.ts')], { cwd: root });
    // Copies of the suite (not named *.contract-spec.ts, so Jest never runs them) over the drifted types.
    for (const [from, to] of [['client.ts', 'client.ts'], ['flows.contract-spec.ts', 'flows.check.ts']]) {
      const source = fs.readFileSync(path.join(here, from), 'utf8').replaceAll("'../support/", "'../../../support/");
      fs.writeFileSync(path.join(drift, to), source);
    }
    fs.writeFileSync(path.join(drift, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['./**/*.ts'] }));

    const checked = await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(drift, 'tsconfig.json')], { cwd: root }).then(
      () => ({ failed: false, output: '' }),
      (error: { stdout?: string }) => ({ failed: true, output: error.stdout ?? '' }),
    );
    expect(checked.failed).toBe(true);
    expect(checked.output).toMatch(/flows\.check\.ts\(\d+,\d+\): error TS2339: Property 'title' does not exist/);
    fs.rmSync(drift, { recursive: true, force: true });
  });

  it('reports a returned field the drifted spec no longer documents', () => {
    const spec = specWithoutChatTitle();
    const body = {
      id: 1, title: 'Budget', user_id: 1, agent_id: null, agent: null, pinned: false, archived_at: null, tags: [], active_leaf_id: null,
      model: null, temperature: null, max_output_tokens: null, effective_model: null, effective_temperature: null, effective_max_output_tokens: 4096,
      created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
    };
    expect(validate(body, { $ref: '#/components/schemas/ChatResponse' }, '$', spec)).toContain('$.title: returned but not documented');
    expect(validate(body, { $ref: '#/components/schemas/ChatResponse' }, '$')).toEqual([]);
  });
});
