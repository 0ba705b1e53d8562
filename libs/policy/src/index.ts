// the policy file: schema, loading, compiled form
export { policyJsonSchema, policySchema } from './schema.ts';
export type {
  Condition,
  DiversionAction,
  HeaderAction,
  PolicyDocument,
  PolicyInput,
  Rule,
  RuleAction,
  Trunk,
} from './schema.ts';
export { loadPolicy, MAX_POLICY_BYTES } from './load.ts';
export { compilePolicy } from './compile.ts';
export type { CompiledPolicy, CompiledRule, CompiledTrunk, CompileOptions } from './compile.ts';
export { formatPath, policyFail, policyOk } from './errors.ts';
export type { PolicyError, PolicyErrorCode, PolicyIssue, PolicyResult } from './errors.ts';
export { compileTemplate, renderTemplate, TEMPLATE_ROOTS } from './template.ts';
export type { Template, TemplateScope } from './template.ts';

// the engine
export { evaluate } from './evaluate.ts';
export type { EvaluateOptions } from './evaluate.ts';
export { evaluateMessage } from './evaluate-message.ts';
export type { MessageSource } from './evaluate-message.ts';
export { applyWireDecision } from './wire.ts';
export { kamailioDecision } from './kamailio-decision.ts';
export type { KamailioDecision } from './kamailio-decision.ts';
export type {
  CallContext,
  ContextHeader,
  Decision,
  DroppedItem,
  EditOp,
  HeaderEdit,
  PolicyRequest,
  Routing,
  StateValue,
  StoredContext,
  CallFacts,
  WireDecision,
} from './model.ts';
export type { ContextStore } from './store.ts';
export { sipHeader, sipHeaderValues } from './sip-headers.ts';

// building blocks the service and the CLI share
export { cidrContains, matchesAny, parseCidr, parseIp } from './cidr.ts';
export type { Cidr } from './cidr.ts';
export {
  openValue,
  parseKeyMaterial,
  sealValue,
  signContextRef,
  verifyContextRef,
} from './sealing.ts';
export type { Keyring, RandomBytes } from './sealing.ts';
export { inTimeWindow, validateTimeWindow } from './time-window.ts';
export type { TimeWindow } from './time-window.ts';
