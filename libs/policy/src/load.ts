import { LineCounter, parseDocument, type Document } from 'yaml';
import { compilePolicy, type CompiledPolicy, type CompileOptions } from './compile.ts';
import { formatPath, policyFail, policyOk, type PolicyIssue, type PolicyResult } from './errors.ts';
import { policySchema } from './schema.ts';

/**
 * Reading a policy file: YAML → shape (zod) → meaning (compilePolicy). Each stage reports every
 * problem it finds, with the path and, when the YAML has it, the line and column; a later stage
 * runs only when the earlier one found nothing, since its findings would be noise.
 */

/** Policy files are configuration, not data: anything larger is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

function position(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): { line?: number; column?: number } {
  // The deepest node the path reaches: an unknown key's issue points at its object.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
      { range?: [number, number, number] } | undefined;
    if (node?.range !== undefined) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function failWith(
  code: PolicyIssue['code'],
  issues: PolicyIssue[],
  text: string,
): PolicyResult<never> {
  const first = issues[0] as PolicyIssue;
  const where = first.path === '' ? '' : `${first.path}: `;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return policyFail(code, `${where}${first.message}${more}`, text, 0, { issues });
}

/** Parses, validates and compiles a policy file's text. */
export function loadPolicy(
  text: string,
  options: CompileOptions = {},
): PolicyResult<CompiledPolicy> {
  if (typeof text !== 'string') return policyFail('POLICY_YAML', 'a policy is text');
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    return policyFail('POLICY_YAML', `a policy file is at most ${MAX_POLICY_BYTES} bytes`, '', 0);
  }
  const lines = new LineCounter();
  // uniqueKeys (the default) refuses a key written twice; toJS bounds alias expansion.
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): PolicyIssue => {
      const pos = e.linePos?.[0];
      return {
        code: 'POLICY_YAML',
        path: '',
        message: e.message.split('\n')[0] as string,
        ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
      };
    });
    return failWith('POLICY_YAML', issues, text);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return failWith(
      'POLICY_YAML',
      [{ code: 'POLICY_YAML', path: '', message: (e as Error).message }],
      text,
    );
  }
  const shaped = policySchema.safeParse(data ?? {});
  if (!shaped.success) {
    const issues = shaped.error.issues.map((i): PolicyIssue => ({
      code: 'POLICY_SCHEMA',
      path: formatPath(i.path),
      message: i.message,
      ...position(doc, lines, i.path),
    }));
    return failWith('POLICY_SCHEMA', issues, text);
  }
  const { policy, issues } = compilePolicy(shaped.data, options);
  if (issues.length > 0) {
    const located = issues.map((i) => ({
      ...i,
      ...position(doc, lines, pathSegments(i.path)),
    }));
    return failWith('POLICY_INVALID', located, text);
  }
  return policyOk(policy);
}

/** `rules[2].when.caller` → `['rules', 2, 'when', 'caller']`. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}
