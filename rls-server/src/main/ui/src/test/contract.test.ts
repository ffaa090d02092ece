// The UI's types in src/api.ts against JSON the real RLS wrote: ApiSamplesTest (a Java test of the
// same Maven build, run before this one) starts the RLS, sends traffic and saves what each admin
// endpoint answers to rls-server/target/api-samples/. Each type is read with the TypeScript
// compiler and every sample checked against it, field by field: a field the UI declares that the
// server does not write (renamed, removed, wrong kind) fails here, not on a page. Fields the server
// writes and the UI does not read are fine.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';

const UI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// Maven passes the directory (see rls-server/pom.xml, ui-test): there the samples must exist.
const required = process.env.API_SAMPLES;
const SAMPLES = required ?? path.resolve(UI, '..', '..', '..', 'target', 'api-samples');
const present = fs.existsSync(path.join(SAMPLES, 'overview.json'));

if (required && !present) {
  throw new Error(
    `no API samples in ${SAMPLES}: ApiSamplesTest writes them in the same build (mvn test runs it before the UI's tests)`,
  );
}

/** Every endpoint the UI reads, the type it reads it as, and the sample the server wrote. */
const CONTRACT: [sample: string, type: string][] = [
  ['overview', 'Overview'],
  ['tenants', 'TenantPage'],
  ['tenant', 'TenantDetail'],
  ['denials', 'Denials'],
  ['rollout', 'Rollout'],
  ['rollout-status', 'RolloutStatus'],
  ['preview', 'RolloutPreview'],
  ['health', 'Health'],
];

const program = ts.createProgram([path.join(UI, 'src', 'api.ts')], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  noEmit: true,
  skipLibCheck: true,
});
const checker = program.getTypeChecker();
const source = program.getSourceFile(path.join(UI, 'src', 'api.ts'))!;

function declared(name: string): ts.Type {
  for (const s of source.statements) {
    if ((ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name) {
      return checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(s.name)!);
    }
  }
  throw new Error(`src/api.ts declares no type ${name}`);
}

/**
 * Optional fields the samples' configuration cannot make the server write (a local RLS, no Redis, no
 * TLS), each with where it is written.
 */
const WRITTEN_ELSEWHERE: Record<string, string> = {
  'StateStore.transport': 'only for a Redis state store (RlsHealth, stateStore.transport)',
};

/** Where each declared property was seen: an optional one must show up in some sample. */
const seen = new Map<string, boolean>();

/** What is wrong with `value` as `type` (empty when nothing), `at` the JSON path. */
function check(value: unknown, type: ts.Type, at: string): string[] {
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
    return [];
  }
  if (type.isUnion()) {
    const errors = type.types.map((t) => check(value, t, at));
    return errors.some((e) => e.length === 0)
      ? []
      : [`${at}: ${JSON.stringify(value)} is none of ${checker.typeToString(type)}`];
  }
  if (f & ts.TypeFlags.Null) {
    return value === null ? [] : [`${at}: expected null`];
  }
  if (f & ts.TypeFlags.Undefined) {
    return value === undefined ? [] : [`${at}: expected absent`];
  }
  if (f & ts.TypeFlags.StringLiteral) {
    return value === (type as ts.StringLiteralType).value ? [] : [`${at}: expected ${checker.typeToString(type)}`];
  }
  if (f & (ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) {
    const want = f & ts.TypeFlags.String ? 'string' : f & ts.TypeFlags.Number ? 'number' : 'boolean';
    return typeof value === want ? [] : [`${at}: expected a ${want}, got ${JSON.stringify(value)}`];
  }
  if (checker.isArrayType(type)) {
    if (!Array.isArray(value)) {
      return [`${at}: expected an array`];
    }
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    return value.flatMap((v, i) => check(v, element, `${at}[${i}]`));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`${at}: expected an object (${checker.typeToString(type)}), got ${JSON.stringify(value)}`];
  }
  const object = value as Record<string, unknown>;
  const errors: string[] = [];
  const declaredNames = new Set<string>();
  for (const p of checker.getPropertiesOfType(type)) {
    declaredNames.add(p.name);
    const key = `${checker.typeToString(type)}.${p.name}`;
    const optional = (p.flags & ts.SymbolFlags.Optional) !== 0;
    seen.set(key, (seen.get(key) ?? false) || p.name in object);
    if (!(p.name in object)) {
      if (!optional) {
        errors.push(`${at}.${p.name}: missing (the server does not write it)`);
      }
      continue;
    }
    errors.push(...check(object[p.name], checker.getTypeOfSymbol(p), `${at}.${p.name}`));
  }
  const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
  if (index) {
    for (const [k, v] of Object.entries(object)) {
      if (!declaredNames.has(k)) {
        errors.push(...check(v, index.type, `${at}.${k}`));
      }
    }
  }
  return errors;
}

describe.skipIf(!present)('the UI types against what the real RLS writes', () => {
  it.each(CONTRACT)('%s.json is a %s', (sample, typeName) => {
    const json = JSON.parse(fs.readFileSync(path.join(SAMPLES, `${sample}.json`), 'utf8'));
    expect(check(json, declared(typeName), sample)).toEqual([]);
  });

  it('sees every optional field the UI declares in some sample', () => {
    for (const [sample, typeName] of CONTRACT) {
      const json = JSON.parse(fs.readFileSync(path.join(SAMPLES, `${sample}.json`), 'utf8'));
      check(json, declared(typeName), sample);
    }
    const never = [...seen].filter(([key, was]) => !was && !(key in WRITTEN_ELSEWHERE)).map(([key]) => key);
    expect(never, 'declared in src/api.ts, written by the server in no sample').toEqual([]);
  });

  it('fails a type whose field the server does not write', () => {
    // the checker itself: a renamed field is reported with its path
    const renamed = { ...JSON.parse(fs.readFileSync(path.join(SAMPLES, 'rollout.json'), 'utf8')) };
    renamed.updated_by = renamed.updatedBy;
    delete renamed.updatedBy;
    expect(check(renamed, declared('Rollout'), 'rollout')).toEqual([
      'rollout.updatedBy: missing (the server does not write it)',
    ]);
  });
});
