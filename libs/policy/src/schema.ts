import { z } from 'zod';

/**
 * The policy file's shape. zod checks the shape (every problem at once, with its path) and gives
 * the JSON Schema editors use; `compilePolicy` then checks meaning (regexes compile, CIDRs parse,
 * rule names are unique, templates name known values, keys decode) and prepares the fast form.
 * Fields use snake_case, as the seed platforms' variables do.
 */

const text = z.string();
const oneOrMany = z.union([text, z.array(text).min(1)]);
const template = z
  .string()
  .meta({ description: 'Text with {{ value }} references, e.g. "sip:{{ callee_number }}@x"' });
const headerName = z.string().min(1).meta({ description: 'A SIP header name (a token)' });

const numberMatch = z
  .strictObject({
    equals: oneOrMany.optional(),
    prefix: oneOrMany.optional(),
    regex: text.optional(),
    in_set: text.optional().meta({ description: 'Name of a set under `sets`' }),
    anonymous: z.boolean().optional(),
    present: z.boolean().optional(),
  })
  .meta({ description: 'All given tests must hold. Numbers are compared in E.164 form.' });

const headerMatch = z.strictObject({
  name: headerName,
  present: z.boolean().optional(),
  equals: text.optional(),
  contains: text.optional(),
  regex: text.optional(),
  case_sensitive: z.boolean().default(false),
});

const variableMatch = z.strictObject({
  name: text,
  present: z.boolean().optional(),
  equals: text.optional(),
  regex: text.optional(),
  in_set: text.optional(),
});

const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const timeWindow = z.strictObject({
  days: z.array(weekday).min(1).optional(),
  from: text.optional().meta({ description: 'HH:MM, inclusive' }),
  to: text.optional().meta({ description: 'HH:MM, exclusive; before `from` crosses midnight' }),
  timezone: text.default('UTC').meta({ description: 'IANA time zone' }),
});

export interface ConditionInput {
  method?: string | string[];
  in_dialog?: boolean;
  trusted?: boolean;
  trunk?: string | string[];
  source?: string[];
  caller?: z.input<typeof numberMatch>;
  callee?: z.input<typeof numberMatch>;
  original_called?: z.input<typeof numberMatch>;
  header?: z.input<typeof headerMatch> | z.input<typeof headerMatch>[];
  variable?: z.input<typeof variableMatch> | z.input<typeof variableMatch>[];
  time?: z.input<typeof timeWindow>;
  any?: ConditionInput[];
  all?: ConditionInput[];
  not?: ConditionInput;
}

export const conditionSchema: z.ZodType<ConditionInput> = z.lazy(() =>
  z
    .strictObject({
      method: oneOrMany.optional(),
      in_dialog: z.boolean().optional(),
      trusted: z.boolean().optional().meta({ description: 'The source trunk is trusted' }),
      trunk: oneOrMany.optional().meta({ description: 'Source trunk name(s)' }),
      source: z.array(text).min(1).optional().meta({ description: 'Source address CIDRs' }),
      caller: numberMatch.optional(),
      callee: numberMatch.optional(),
      original_called: numberMatch.optional(),
      header: z.union([headerMatch, z.array(headerMatch).min(1)]).optional(),
      variable: z.union([variableMatch, z.array(variableMatch).min(1)]).optional(),
      time: timeWindow.optional(),
      any: z.array(conditionSchema).min(1).optional(),
      all: z.array(conditionSchema).min(1).optional(),
      not: conditionSchema.optional(),
    })
    .meta({ description: 'Every field given must hold (AND); use any/all/not to combine.' }),
);

const headerCommon = {
  name: headerName,
  priority: z.number().int().default(0).meta({
    description: 'Higher survives longer when a budget must drop headers',
  }),
  group: text.optional().meta({ description: 'Context-budget group (budgets.context.order)' }),
  on_exceed: z.enum(['truncate', 'drop']).default('truncate'),
  encrypt: z.boolean().default(false).meta({ description: 'Seal the value (AES-256-GCM)' }),
};

export const headerActionSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), value: template, ...headerCommon }),
  z.strictObject({ op: z.literal('replace'), value: template, ...headerCommon }),
  z.strictObject({ op: z.literal('remove'), name: headerName }),
  z.strictObject({ op: z.literal('rename'), name: headerName, to: headerName }),
]);

const exportVariables = z.strictObject({
  match: oneOrMany.meta({ description: 'Variable names; a trailing * matches a prefix' }),
  strip: text.default('').meta({ description: 'Prefix removed from the variable name' }),
  header_prefix: text.meta({ description: 'e.g. X-GA-iv-' }),
  group: text.optional(),
  priority: z.number().int().default(0),
});

const diversionAction = z.strictObject({
  uri: template,
  display_name: template.optional(),
  reason: text.default('unconditional'),
  privacy: text.optional(),
  screen: text.optional(),
  limit: z.number().int().min(0).max(99).optional(),
  params: z.record(text, template).default({}).meta({
    description: 'Extension parameters (alphanumerics and _), e.g. brand, journey_stage',
  }),
});

const stateValue = z.union([template, z.number(), z.boolean()]);

const actionSchema = z.strictObject({
  flow: text.optional(),
  variables: z.record(text, template).optional(),
  state: z.record(text, stateValue).optional(),
  headers: z.array(headerActionSchema).optional(),
  export_variables: z.array(exportVariables).optional(),
  diversion: diversionAction.optional(),
  request_uri: template.optional(),
  destination: template.optional().meta({ description: 'Next hop as a SIP URI ($du)' }),
  trunk: text.optional().meta({ description: 'Egress trunk name' }),
  transport: z.enum(['udp', 'tcp', 'tls']).optional(),
  reject: z
    .strictObject({ code: z.number().int().min(400).max(699), reason: text.optional() })
    .optional(),
  continue: z
    .boolean()
    .default(false)
    .meta({ description: 'With match: first, go on to the next rule after this one' }),
});

const ruleSchema = z.strictObject({
  name: text.min(1),
  description: text.optional(),
  when: conditionSchema.optional().meta({ description: 'Absent: the rule always matches' }),
  then: actionSchema,
});

const budgetAction = z.enum(['tcp', 'drop', 'reject']);

const trunkSchema = z.strictObject({
  name: text.min(1),
  cidrs: z.array(text).default([]),
  trusted: z.boolean().default(false),
  redirect_headers: z
    .enum(['as-received', 'diversion', 'history-info', 'both'])
    .default('as-received')
    .meta({ description: 'What this hop reads redirections from (RFC 7544 mapping)' }),
  message_budget: z
    .strictObject({ max_bytes: z.number().int().min(200).optional(), on_exceed: budgetAction })
    .optional(),
});

const numbersSchema = z.strictObject({
  caller: z
    .array(z.enum(['p-asserted-identity', 'remote-party-id', 'p-preferred-identity', 'from']))
    .min(1)
    .default(['p-asserted-identity', 'remote-party-id', 'from']),
  callee: z
    .array(z.enum(['to', 'request-uri']))
    .min(1)
    .default(['to', 'request-uri']),
  identity_from_untrusted: z
    .boolean()
    .default(false)
    .meta({ description: 'Read P-Asserted-Identity etc. from untrusted trunks (RFC 3325: no)' }),
  default_country_code: text.optional(),
  international_prefix: text.default('00'),
  trunk_prefix: text.default('0'),
});

const trustSchema = z.strictObject({
  custom_header_prefixes: z.array(text).default(['X-']),
  untrusted_custom_headers: z.enum(['strip', 'rename']).default('strip'),
  rename_prefix: text.default('X-Untrusted-'),
  internal_header_prefixes: z.array(text).default([]),
  sealed_headers: z.array(headerName).default([]).meta({
    description: 'Headers whose sealed values are opened into variables, from trusted peers only',
  }),
});

const variablesSchema = z.strictObject({
  profile: z.enum(['strip-x', 'keep', 'lower', 'prefix']).default('strip-x'),
  prefix: text.default(''),
  from_headers: z
    .array(
      z.strictObject({
        prefix: text.meta({ description: 'Header name prefix, e.g. X-GA-iv-' }),
        as: text.default('').meta({ description: 'Variable name prefix replacing it' }),
      }),
    )
    .default([]),
  from_diversion: z
    .strictObject({
      header: z.enum(['Diversion', 'X-Diversion', 'both']).default('both'),
      entry: z.enum(['first', 'last']).default('last'),
      params: z.array(text).default(['*']),
    })
    .optional(),
});

const setSchema = z.strictObject({
  members: z.array(text).default([]),
  store: z.boolean().default(false).meta({ description: 'Also look members up in the store' }),
  numbers: z.boolean().default(true).meta({ description: 'Members are phone numbers (E.164)' }),
});

const diversionSchema = z.strictObject({
  mode: z.enum(['none', 'propagate', 'stack']).default('propagate'),
  header: z.enum(['Diversion', 'X-Diversion']).default('Diversion'),
  position: z.enum(['top', 'bottom']).default('top'),
  counter: z.enum(['one', 'total', 'keep']).default('one'),
  max_chain: z.number().int().min(1).max(99).default(10),
  on_max: z.enum(['reject', 'skip', 'trim']).default('reject'),
  reject_code: z.number().int().min(400).max(699).default(482),
});

const budgetsSchema = z.strictObject({
  header_line: z
    .strictObject({
      max_bytes: z.number().int().min(64).default(1024),
      incoming: z.enum(['keep', 'truncate', 'drop']).default('keep'),
    })
    .prefault({}),
  never_truncate: z
    .array(text)
    .default(['Identity', 'Authorization', 'Proxy-Authorization', 'X-*-Token', 'X-*-Signature']),
  context: z
    .strictObject({
      max_bytes: z.number().int().min(1),
      order: z.array(text).min(1).meta({ description: 'Group names, first kept first' }),
      on_full: z.enum(['stop', 'skip']).default('stop'),
    })
    .optional(),
  message: z
    .strictObject({
      max_bytes: z.number().int().min(200).default(1300).meta({
        description: 'RFC 3261 §18.1.1: a UDP request within 200 bytes of a 1500-byte MTU',
      }),
      reserve_bytes: z.number().int().min(0).default(160).meta({
        description: 'Room kept for what the proxy adds (Via, Record-Route)',
      }),
      on_exceed: budgetAction.default('tcp'),
    })
    .prefault({}),
});

const keysSchema = z.strictObject({
  active: text,
  keys: z.record(text, text).meta({
    description: '32-byte keys as hex/base64, or env:NAME to read one from the environment',
  }),
});

const contextRefSchema = z.strictObject({
  header: headerName.default('X-Sipctx-Context'),
  when: z.enum(['dropped', 'always']).default('dropped'),
  ttl_seconds: z.number().int().min(1).default(3600),
});

export const policySchema = z
  .strictObject({
    version: z.literal(1),
    name: text.min(1),
    description: text.optional(),
    match: z.enum(['first', 'all']).default('first').meta({
      description: 'first: the first matching rule applies (then `continue`); all: every match',
    }),
    numbers: numbersSchema.prefault({}),
    trunks: z.array(trunkSchema).default([]),
    trust: trustSchema.prefault({}),
    variables: variablesSchema.prefault({}),
    sets: z.record(text, setSchema).default({}),
    flows: z
      .strictObject({
        header: headerName.optional(),
        request_uri: template.optional(),
        names: z.array(text).optional(),
      })
      .prefault({}),
    diversion: diversionSchema.prefault({}),
    budgets: budgetsSchema.prefault({}),
    keys: keysSchema.optional(),
    context_ref: contextRefSchema.optional(),
    rules: z.array(ruleSchema).default([]),
  })
  .meta({ title: 'sipctx policy', description: 'A sipctx policy file (YAML)' });

export type PolicyDocument = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type Condition = ConditionInput;
export type Rule = z.output<typeof ruleSchema>;
export type RuleAction = z.output<typeof actionSchema>;
export type HeaderAction = z.output<typeof headerActionSchema>;
export type DiversionAction = z.output<typeof diversionAction>;
export type Trunk = z.output<typeof trunkSchema>;

/** The JSON Schema (draft 2020-12) of a policy file, for editors (yaml-language-server). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policySchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}
