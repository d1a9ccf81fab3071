// A client's mistake is never a 500. Every argument of every root field (queries and mutations, read from the
// schema itself, so a new field is covered the day it is added) gets malformed values: NUL bytes, lone
// surrogates, huge texts, negative and extreme numbers, broken cursors, contradictory page arguments. Each answer
// must be a translated, typed refusal or a normal answer, never INTERNAL_SERVER_ERROR; and what the log gets of
// an input is bounded.
import { beforeAll, describe, expect, it } from 'vitest';
import { gql, useTestServer } from './support.ts';
import { workflowClient } from './workflow-support.ts';

const server = useTestServer();
const { signIn } = workflowClient(server);

interface TypeRef { kind: string; name: string | null; ofType: TypeRef | null }
interface Arg { name: string; type: TypeRef }
interface Field { name: string; args: Arg[]; type: TypeRef }
interface FullType { kind: string; name: string; fields: Field[] | null; inputFields: Arg[] | null; enumValues: { name: string }[] | null }

const INTROSPECT = `{ __schema { types { kind name fields { name type { ...T } args { name type { ...T } } } inputFields { name type { ...T } } enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;
const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);
const required = (t: TypeRef) => t.kind === 'NON_NULL';
const isList = (t: TypeRef): boolean => (t.kind === 'LIST' ? true : t.ofType ? isList(t.ofType) : false);

let types: Map<string, FullType>;
let schoolId: string;
let token: string;

/** A valid value for an argument, by its name first (a real school, ward, point...), else by its type. */
function valid(name: string, t: TypeRef): unknown {
  const n = named(t);
  const one = (() => {
    if (n.kind === 'ENUM') return types.get(n.name!)!.enumValues![0]!.name;
    if (n.kind === 'INPUT_OBJECT') {
      const o: Record<string, unknown> = {};
      for (const f of types.get(n.name!)!.inputFields!) if (required(f.type)) o[f.name] = valid(f.name, f.type);
      return o;
    }
    const byName: Record<string, unknown> = {
      longitude: 106.7, latitude: 10.78, wardCode: '26740', provinceCode: '79', parentCode: '79', unitCode: '79', schoolYear: '2025-2026',
      schoolId, id: schoolId, text: 'nguyen du', username: 'nobody.here', password: 'wrong-password', indexVersion: '4725/2022',
      code: '1.4', criterionCode: '1.4', value: 'https://example.edu.vn', message: 'Vị trí sai', reason: 'lý do', comment: 'góp ý',
      source: 'test', entryGrade: 1, distanceMeters: 1000, limit: 3, first: 3, children: 10,
    };
    if (name in byName) return byName[name];
    return ({ String: 'x', ID: schoolId, Int: 1, Float: 1, Boolean: true } as Record<string, unknown>)[n.name!] ?? null;
  })();
  return isList(t) ? [one] : one;
}

/** Malformed values for one argument of a given type. */
function malformed(t: TypeRef): unknown[] {
  const n = named(t);
  const wrap = (v: unknown) => (isList(t) ? [v] : v);
  switch (n.name) {
    case 'String': case 'ID':
      return ['\u0000', 'a\u0000b', '\ud800', 'x'.repeat(100_000), '', "'; DROP TABLE school; --"].map(wrap);
    case 'Int': return [-1, 0, 2147483647, -2147483648].map(wrap);
    case 'Float': return [-1e308, 1e308, 0, -181].map(wrap);
    default: return n.kind === 'INPUT_OBJECT' ? [wrap({}), isList(t) ? Array.from({ length: 6000 }, () => valid('', n)) : null] : [];
  }
}

const selection = (t: TypeRef) => (['OBJECT', 'UNION', 'INTERFACE'].includes(named(t).kind) ? ' { __typename }' : '');

async function send(field: Field, root: 'query' | 'mutation', vars: Record<string, unknown>, auth?: string) {
  const defs = field.args.map((a) => `$${a.name}: ${printType(a.type)}`).join(', ');
  const args = field.args.filter((a) => a.name in vars).map((a) => `${a.name}: $${a.name}`).join(', ');
  const q = `${root}${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection(field.type)} }`;
  return gql(server.url, q, vars, 'en', auth);
}
const printType = (t: TypeRef): string => (t.kind === 'NON_NULL' ? `${printType(t.ofType!)}!` : t.kind === 'LIST' ? `[${printType(t.ofType!)}]` : t.name!);

beforeAll(async () => {
  const { body } = await gql(server.url, INTROSPECT);
  types = new Map((body.data.__schema.types as FullType[]).map((t) => [t.name, t]));
  schoolId = (await server.ctx.db.raw.query<{ id: string }>(`SELECT school_id AS id FROM app_user WHERE username = 'demo.canbo'`))[0]!.id;
  token = await signIn('demo.quantri');
});

describe('malformed input never answers a 500', () => {
  it('every argument of every root field, with NUL bytes, huge texts, extreme numbers, broken cursors and page arguments', async () => {
    const failures: string[] = [];
    let sent = 0;
    const logged: string[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => { logged.push(a.map(String).join(' ')); error(...a); };
    try {
      for (const root of ['query', 'mutation'] as const) {
        const type = types.get(root === 'query' ? 'Query' : 'Mutation')!;
        for (const field of type.fields!.filter((f) => f.name !== 'logout')) {
          const base = Object.fromEntries(field.args.filter((a) => required(a.type) || ['first'].includes(a.name)).map((a) => [a.name, valid(a.name, a.type)]));
          const cases: Record<string, unknown>[] = [];
          for (const a of field.args) for (const bad of malformed(a.type)) cases.push({ ...base, [a.name]: bad });
          const names = new Set(field.args.map((a) => a.name));
          if (names.has('after')) {
            cases.push({ ...base, after: 'not-a-cursor' }, { ...base, after: Buffer.from('GPC:S:zzz').toString('base64') }, { ...base, after: 'A'.repeat(200_000) },
              { ...base, first: -1 }, { ...base, first: 1, after: 'x', before: 'y' }, { ...base, last: -1 }, { ...base, first: undefined, last: 1, after: 'x' },
              { ...base, first: undefined, last: 2 });
          }
          for (let i = 0; i < cases.length; i += 4) {
            const batch = cases.slice(i, i + 4);
            const answers = await Promise.all(batch.map((vars) => send(field, root, vars, root === 'mutation' ? token : undefined)));
            answers.forEach(({ status, body }, k) => {
              sent++;
              const codes = (body.errors ?? []).map((e) => String(e.extensions?.code));
              if (status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
                failures.push(`${field.name}(${JSON.stringify(batch[k]).slice(0, 120)}) → ${status} ${codes.join(',')}: ${(body.errors?.[0]?.message ?? '').slice(0, 120)}`);
              }
              for (const e of body.errors ?? []) {
                if (e.extensions?.code === 'BAD_USER_INPUT') expect(e.message).not.toMatch(/Pothos|prisma|invalid byte sequence|at \//i);
              }
            });
          }
        }
      }
    } finally {
      console.error = error;
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(350);
    // Nothing of a 200 KB cursor or 100 KB text reaches the log whole.
    expect(Math.max(0, ...logged.map((l) => l.length))).toBeLessThan(10_000);
  }, 600_000);
});
