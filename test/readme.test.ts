/**
 * The README is true: every GraphQL example and every curl example in README.md runs, in the
 * order it is written, against a hub holding the demo data, with the demo key the example names.
 *
 * Conventions the README states for its examples (section "Examples"):
 * - `# key: <demo system>` on the lines just before an operation: send it with that demo
 *   system's key (the names the first start prints). No key line: the public.
 * - `# header <name>: <value>`: send that header too (for example `x-purpose`).
 * - `# $var = path.to.field`: the variable's value is that field of an earlier answer (what you
 *   would paste into GraphiQL's Variables pane).
 * - `# expect: CODE`: the example shows a refusal; it must fail with that `extensions.code`.
 * curl examples run with `HUB` set to the hub's URL and `HUB_KEY` to the demo key named by a
 * `# key:` line inside the block.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from '@jest/globals';
import { afterAll, beforeAll } from './helpers/runner.js';
import { createApiKey } from '../src/platform/auth/api-keys.js';
import { DEMO_SYSTEMS, seedDemo } from '../prisma/seed/demo.js';
import { startTestHub, type TestHub } from './helpers/hub.js';

const run = promisify(execFile);
const README = fs.readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');

export interface Example {
  kind: 'graphql' | 'curl';
  /** 1-based line of the README where the example starts. */
  line: number;
  text: string;
  key: string | null;
  headers: Record<string, string>;
  variables: Record<string, string>;
  expect: string | null;
}

/** The directives written in `#` comment lines. */
function directives(comments: string[]): Pick<Example, 'key' | 'headers' | 'variables' | 'expect'> {
  const d: Pick<Example, 'key' | 'headers' | 'variables' | 'expect'> = {
    key: null,
    headers: {},
    variables: {},
    expect: null,
  };
  for (const c of comments) {
    const key = /^#\s*key:\s*([\w-]+)/.exec(c);
    const header = /^#\s*header\s+([\w-]+):\s*(.+)$/.exec(c);
    const variable = /^#\s*\$(\w+)\s*=\s*([\w.[\]]+)/.exec(c);
    const expected = /^#\s*expect:\s*([A-Z_]+)/.exec(c);
    if (key?.[1]) d.key = key[1];
    if (header?.[1] && header[2]) d.headers[header[1].toLowerCase()] = header[2].trim();
    if (variable?.[1] && variable[2]) d.variables[variable[1]] = variable[2];
    if (expected?.[1]) d.expect = expected[1];
  }
  return d;
}

/** Every fenced graphql block split into its operations, and every sh block that calls curl. */
export function readmeExamples(markdown: string): Example[] {
  const out: Example[] = [];
  const fence = /^( *)```(\w*)\n([\s\S]*?)^\1```$/gm;
  for (const m of markdown.matchAll(fence)) {
    const lang = m[2] ?? '';
    const body = m[3] ?? '';
    const line = markdown.slice(0, m.index).split('\n').length;
    if (lang === 'graphql') {
      const doc = parse(body);
      let from = 0;
      for (const def of doc.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION || !def.loc) continue;
        const before = body.slice(from, def.loc.start).split('\n');
        // The comment lines directly above the operation (a blank line ends them).
        const comments: string[] = [];
        for (let i = before.length - 1; i >= 0; i--) {
          const l = (before[i] ?? '').trim();
          if (i === before.length - 1 && l === '') continue;
          if (!l.startsWith('#')) break;
          comments.unshift(l);
        }
        out.push({
          kind: 'graphql',
          line: line + body.slice(0, def.loc.start).split('\n').length,
          text: print(def),
          ...directives(comments),
        });
        from = def.loc.end;
      }
    } else if (lang === 'sh') {
      // Each curl command (with its continuation lines) is an example; other commands (npm, the
      // hub CLI) are covered by the CLI's own tests.
      const lines = body.split('\n');
      const comments = lines.map((l) => l.trim()).filter((l) => l.startsWith('#'));
      for (let i = 0; i < lines.length; i++) {
        if (!/^\s*curl\b/.test(lines[i] ?? '')) continue;
        let j = i;
        while ((lines[j] ?? '').trimEnd().endsWith('\\') && j + 1 < lines.length) j++;
        out.push({ kind: 'curl', line: line + 1 + i, text: lines.slice(i, j + 1).join('\n'), ...directives(comments) });
        i = j;
      }
    }
  }
  return out;
}

/** Reads `a.b[0].c` from an answer. */
function pick(value: unknown, dotted: string): unknown {
  let v: unknown = value;
  for (const part of dotted.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

let hub: TestHub;
const keys = new Map<string, string>();
const answers: unknown[] = [];

beforeAll(async () => {
  hub = await startTestHub();
  const { prisma } = hub.platform;
  await seedDemo(prisma);
  // The examples register an enterprise, a licence and a penalty of their own: remove what an
  // earlier run against the same database left, so the examples run as on fresh demo data.
  const uscc = '91440105MA5ABCDE1F';
  await prisma.$transaction([
    prisma.licenceEvent.deleteMany({
      where: { OR: [{ licence: { holderUscc: uscc } }, { penalty: { enterpriseUscc: uscc } }] },
    }),
    prisma.penalty.deleteMany({ where: { enterpriseUscc: uscc } }),
    prisma.licence.deleteMany({ where: { holderUscc: uscc } }),
    prisma.enterprise.deleteMany({ where: { uscc } }),
  ]);
  // The demo systems exist now (made here or by an earlier run): give each a fresh key.
  for (const d of DEMO_SYSTEMS) {
    // As the demo seeds them, whatever other tests in the same database did to systems of these names.
    const s = await prisma.departmentSystem.upsert({
      where: { departmentCode_name: { departmentCode: d.department, name: d.name } },
      create: { departmentCode: d.department, name: d.name, scopes: d.scopes },
      update: { scopes: d.scopes, active: true, rateLimitPerMinute: null },
    });
    keys.set(d.name, await createApiKey(prisma, s.id));
  }
}, 300_000);

afterAll(async () => {
  await hub.stop();
});

function variablesOf(ex: Example, op: OperationDefinitionNode): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const v of op.variableDefinitions ?? []) {
    const name = v.variable.name.value;
    const source = ex.variables[name];
    if (!source) continue;
    const found = [...answers]
      .reverse()
      .map((a) => pick(a, source))
      .find((x) => x !== undefined && x !== null);
    if (found === undefined) throw new Error(`README line ${ex.line}: no earlier answer has ${source} for $${name}`);
    vars[name] = found;
  }
  return vars;
}

describe('README examples, in order, against the demo data', () => {
  const examples = readmeExamples(README);

  it('finds the examples', () => {
    expect(examples.filter((e) => e.kind === 'graphql').length).toBeGreaterThan(15);
  });

  for (const ex of examples) {
    const title = `${ex.kind} example at README line ${ex.line}: ${ex.text.replace(/\s+/g, ' ').slice(0, 70)}`;
    it(title, async () => {
      const key = ex.key ? keys.get(ex.key) : undefined;
      if (ex.key && !key) throw new Error(`README line ${ex.line}: no demo system is named ${ex.key}`);
      if (ex.kind === 'curl') {
        const { stdout } = await run(
          'bash',
          ['-euo', 'pipefail', '-c', ex.text.replaceAll('http://127.0.0.1:4000', hub.url)],
          {
            cwd: path.join(import.meta.dirname, '..'),
            env: { ...process.env, HUB_KEY: key ?? '' },
          },
        );
        const body: unknown = JSON.parse(stdout);
        expect(pick(body, 'errors')).toBeUndefined();
        expect(pick(body, 'error')).toBeUndefined();
        answers.push(pick(body, 'data') ?? body);
        return;
      }
      const op = parse(ex.text).definitions[0];
      if (op?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...ex.headers,
        },
        body: JSON.stringify({ query: ex.text, variables: variablesOf(ex, op) }),
      });
      const body = (await res.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      if (ex.expect) {
        expect(body.errors?.map((e) => e.extensions?.code)).toContain(ex.expect);
      } else {
        expect(body.errors ?? []).toEqual([]);
        expect(body.data).toBeTruthy();
      }
      answers.push(body.data);
    });
  }
});
