// Times the peer engines on bench/policy/scenarios.json (the same requests policy_bench times):
//  - @cloud-copilot/iam-simulate: runSimulation (the public API: validates and loads the policies
//    on every call) and "cached" (policies loaded once with iam-policy's loadPolicy, then only the
//    core authorize() per decision, as runUnsafeSimulation does minus the loading);
//  - @cedar-policy/cedar-wasm: statefulIsAuthorized over a preparsed policy set written by hand to
//    mean the same as each scenario (Cedar has no policy variables or wildcard actions: they are
//    modelled with entity attributes and a context.action string).
// Prints one JSON line per engine and scenario: {"engine","scenario","decision","ns_per_decision"}.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const scenarios = JSON.parse(readFileSync(process.env.CITADEL_POLICY_SCENARIOS ?? join(here, '..', 'scenarios.json'), 'utf8'));
const budgetMs = Number(process.env.PEER_BUDGET_MS ?? 1000);

function time(fn) {
  // Warm up, then run for the budget; returns ns per call.
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1000000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / n;
}

function report(engine, scenario, decision, ns) {
  console.log(JSON.stringify({ engine, scenario, decision, ns_per_decision: Math.round(ns) }));
}

// ---------- iam-simulate ----------
const sim = require('@cloud-copilot/iam-simulate');
const simDir = dirname(require.resolve('@cloud-copilot/iam-simulate'));
const { authorize } = require(join(simDir, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(join(simDir, 'request', 'request.js'));
const { RequestContextImpl } = require(join(simDir, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(join(simDir, 'context_keys', 'discoveryContextKeyConstraints.js'));
const { loadPolicy } = require('@cloud-copilot/iam-policy');

function accountOf(arn) {
  return arn.split(':')[4];
}

function simulation(r) {
  // iam-simulate does not derive keys from the principal; give it what policy_bench derives.
  const ctx = {
    'aws:username': r.principal.split('/').pop(),
    'aws:PrincipalArn': r.principal,
    'aws:PrincipalAccount': accountOf(r.principal),
    'aws:PrincipalType': 'User',
  };
  for (const [k, v] of Object.entries(r.context ?? {})) ctx[k] = v;
  return {
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount ?? accountOf(r.principal) },
      contextVariables: ctx,
    },
    identityPolicies: (r.identityPolicies ?? []).map((p, i) => ({ name: `p${i}`, policy: p })),
    serviceControlPolicies: (r.scps ?? []).map((lvl, i) => ({
      orgIdentifier: i === 0 ? 'r-root' : i === 1 ? 'ou-1' : '111122223333',
      policies: lvl.map((p, j) => ({ name: `scp${i}_${j}`, policy: p })),
    })),
    resourceControlPolicies: [],
    resourcePolicy: r.resourcePolicy,
  };
}

async function benchIamSimulate(s) {
  const simu = simulation(s.request);
  // Public API, once, to report its decision.
  const full = await sim.runSimulation(simu, {});
  const fullDecision = full?.result?.analysis?.result ?? JSON.stringify(full).slice(0, 120);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1000000n;
  let now = start;
  while (now < deadline) {
    await sim.runSimulation(simu, {});
    n++;
    now = process.hrtime.bigint();
  }
  report('iam-simulate runSimulation', s.name, fullDecision, Number(now - start) / n);

  // Cached: policies loaded once.
  const idp = simu.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name }));
  const scps = simu.serviceControlPolicies.map((l) => ({ orgIdentifier: l.orgIdentifier, policies: l.policies.map((p) => loadPolicy(p.policy, { name: p.name })) }));
  const rp = simu.resourcePolicy ? loadPolicy(simu.resourcePolicy, { name: 'resource' }) : undefined;
  const params = { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) };
  const run = () => {
    const ctx = new RequestContextImpl(simu.request.contextVariables);
    const req = new AwsRequestImpl(simu.request.principal, simu.request.resource, simu.request.action, ctx);
    return authorize({
      request: req, sessionPolicy: undefined, identityPolicies: idp, serviceControlPolicies: scps,
      resourceControlPolicies: [], resourcePolicy: rp, permissionBoundaries: undefined,
      vpcEndpointPolicies: undefined, simulationParameters: params, serviceSettings: { s3: {} },
    });
  };
  const decision = run().result;
  report('iam-simulate cached', s.name, decision, time(run));
}

// ---------- cedar-wasm ----------
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const SERVICES = ['s3', 'ec2', 'dynamodb', 'sqs', 'sns', 'lambda', 'logs', 'kms', 'cloudwatch', 'iam'];
const VERBS = ['Get*', 'List*', 'Describe*', 'Put*', 'Create*', 'Update*', 'Delete*', 'Tag*', 'Start*', 'Send*'];
const ip = (s) => `ip("${s}")`;

// The identity_10x10 policies in Cedar: one permit per IAM statement, the Deny as a forbid.
function cedarIdentity() {
  const out = [];
  for (let p = 0; p < 10; p++) {
    for (let j = 0; j < 10; j++) {
      if (p === 0 && j === 9) {
        out.push(`forbid(principal, action, resource) when { context.action == "s3:DeleteBucket" || context.action like "iam:*AccessKey*" };`);
        continue;
      }
      const svc = SERVICES[j];
      const conds = [
        `(context.sourceIp.isInRange(${ip(`10.${p}.0.0/16`)}) || context.sourceIp.isInRange(${ip('192.0.2.0/24')}) || context.sourceIp.isInRange(${ip('2001:db8::/32')}))`,
        j % 2 ? `context.team == principal.team` : `context.team == "platform"`,
      ];
      if (j % 3 === 0) conds.push(`context.currentTime < 1893456000`);
      if (j % 4 === 0) conds.push(`context.secureTransport`);
      if (svc === 's3') {
        const bucket = p === 9 ? 'home-bucket' : `bucket-${p}`;
        out.push(`permit(principal == User::"alice", action in [Action::"s3:GetObject", Action::"s3:PutObject", Action::"s3:ListBucket"], resource) when { resource.bucket == "${bucket}" && resource.owner == principal.name && ${conds.join(' && ')} };`);
      } else {
        out.push(`permit(principal == User::"alice", action, resource) when { (context.action like "${svc}:${VERBS[(p + j) % 10]}" || context.action like "${svc}:${VERBS[(p + j + 3) % 10]}") && ${conds.join(' && ')} };`);
      }
    }
  }
  return out;
}

// The SCP chain: every level must allow -> one forbid per level "unless the level allows", plus its denies.
function cedarScps() {
  return [
    `forbid(principal, action, resource) when { context.action == "organizations:LeaveOrganization" };`,
    `forbid(principal, action, resource) when { !(context.action like "iam:*" || context.action like "sts:*" || context.action like "organizations:*" || context.action like "support:*" || context.action like "cloudfront:*" || context.action like "route53:*") && !["us-east-1", "eu-west-1"].contains(context.requestedRegion) };`,
    `forbid(principal, action, resource) unless { context.action like "s3:*" || context.action like "ec2:*" || context.action like "dynamodb:*" || context.action like "sqs:*" || context.action like "logs:*" };`,
    `forbid(principal, action in [Action::"s3:PutBucketPolicy", Action::"s3:DeleteBucketPolicy"], resource) unless { principal.arn like "arn:aws:iam::*:role/admin-*" };`,
  ];
}

function cedarBucket(reader) {
  return [
    `forbid(principal, action, resource) when { context.action like "s3:*" && !context.secureTransport };`,
    `permit(principal, action in [Action::"s3:GetObject", Action::"s3:ListBucket"], resource) when { principal.account == "${reader}" && resource.bucket == "home-bucket" && (principal.arn like "arn:aws:iam::*:user/*" || principal.arn like "arn:aws:iam::*:role/reader-*") };`,
    `permit(principal == Service::"cloudfront.amazonaws.com", action == Action::"s3:GetObject", resource) when { resource.key like "public/*" && context has sourceArn && context.sourceArn == "arn:aws:cloudfront::111122223333:distribution/E1" };`,
    `forbid(principal, action == Action::"s3:DeleteObject", resource) when { principal.account != "111122223333" };`,
    `permit(principal == Service::"logging.s3.amazonaws.com", action == Action::"s3:PutObject", resource) when { resource.key like "logs/*" };`,
  ];
}

const cedarSets = {
  identity_10x10: () => cedarIdentity(),
  scp_depth3: () => [...cedarScps(), `permit(principal == User::"alice", action == Action::"s3:GetObject", resource) when { resource.bucket == "home-bucket" };`],
  resource_policy: () => [...cedarBucket('444455556666'), `permit(principal == User::"bob", action == Action::"s3:GetObject", resource) when { resource.bucket == "home-bucket" };`],
  typical: () => [...cedarIdentity(), ...cedarScps(), ...cedarBucket('111122223333')],
};

function benchCedar(s) {
  const make = cedarSets[s.name];
  if (!make) return;
  const r = s.request;
  const policies = {};
  make().forEach((text, i) => { policies[`p${i}`] = text; });
  const pre = cedar.preparsePolicySet(s.name, { staticPolicies: policies });
  if (pre.type !== 'success') throw new Error(`${s.name}: ${JSON.stringify(pre.errors)}`);
  const user = r.principal.split('/').pop();
  const key = r.resource.split(':::')[1];
  const [bucket, ...rest] = key.split('/');
  const entities = [
    { uid: { type: 'User', id: user }, attrs: { name: user, team: 'platform', account: accountOf(r.principal), arn: r.principal }, parents: [] },
    { uid: { type: 'Object', id: key }, attrs: { bucket, key: rest.join('/'), owner: rest[0] }, parents: [] },
  ];
  const c = r.context;
  const context = {
    action: r.action,
    sourceIp: { __extn: { fn: 'ip', arg: c['aws:SourceIp'] } },
    team: c['aws:PrincipalTag/team'],
    currentTime: Math.floor(Date.parse(c['aws:CurrentTime']) / 1000),
    secureTransport: c['aws:SecureTransport'] === 'true',
    requestedRegion: c['aws:RequestedRegion'],
  };
  const call = {
    principal: { type: 'User', id: user },
    action: { type: 'Action', id: r.action },
    resource: { type: 'Object', id: key },
    context, entities, preparsedPolicySetId: s.name,
  };
  const once = cedar.statefulIsAuthorized(call);
  if (once.type !== 'success') throw new Error(`${s.name}: ${JSON.stringify(once.errors)}`);
  const decision = once.response.decision === 'allow' ? 'Allowed' : 'Denied';
  report('cedar-wasm preparsed', s.name, decision, time(() => cedar.statefulIsAuthorized(call)));
}

for (const s of scenarios) {
  await benchIamSimulate(s);
  benchCedar(s);
}
