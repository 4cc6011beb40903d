#!/usr/bin/env node
// Replays Citadel's evaluation conformance table against npm @cloud-copilot/iam-simulate and lists
// where the two engines disagree (a second opinion on the table, not an oracle: check each
// disagreement against the AWS documentation the row cites).
//
//   CITADEL_POLICY_DUMP_CASES=/tmp/cases.jsonl build/policy_tests --gtest_filter='EvalConformanceDump*'
//   node tools/policy_crosscheck.mjs /tmp/cases.jsonl
// iam-simulate is installed by `npm install` in bench/policy/peers.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'bench', 'policy', 'peers', 'package.json'));
const sim = require('@cloud-copilot/iam-simulate');

const cases = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const account = (arn) => (arn && arn.startsWith('arn:') ? arn.split(':')[4] : undefined);
const named = (list, prefix) => (list ?? []).map((p, i) => ({ name: `${prefix}${i}`, policy: p }));
const levels = (lv, prefix) =>
  (lv ?? []).map((l, i) => ({ orgIdentifier: i === 0 ? 'r-root' : `ou-${i}`, policies: named(l, `${prefix}${i}_`) }));
// iam-simulate adds RCPFullAWSAccess itself and refuses Allow statements in RCPs.
const denyOnly = (lv) => (lv ?? []).map((l) => l.filter((p) => [].concat(p.Statement).some((st) => st.Effect === 'Deny')));

let agree = 0;
const differ = [];
for (const c of cases) {
  const r = c.request;
  const principal = !r.principal || r.principal === '*' ? sim.anonymousPrincipal : r.principal;
  const ctx = { ...(r.context ?? {}) };
  if (typeof principal === 'string' && principal.startsWith('arn:')) {
    if (principal.includes(':user/') && !('aws:username' in ctx)) ctx['aws:username'] = principal.split('/').pop();
    if (!('aws:PrincipalAccount' in ctx)) ctx['aws:PrincipalAccount'] = account(principal);
  }
  const simulation = {
    request: {
      principal, action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount ?? account(r.principal) ?? '111122223333' },
      contextVariables: ctx,
    },
    identityPolicies: named(r.identityPolicies, 'identity'),
    serviceControlPolicies: r.principalInManagementAccount ? [] : levels(r.scps, 'scp'),
    resourceControlPolicies: r.resourceInManagementAccount ? [] : levels(denyOnly(r.rcps), 'rcp'),
    resourcePolicy: r.resourcePolicy,
    permissionBoundaryPolicies: r.permissionsBoundary ? named([r.permissionsBoundary], 'boundary') : undefined,
    sessionPolicy: r.sessionPolicies?.[0],
  };
  let theirs;
  try {
    const res = await sim.runSimulation(simulation, {});
    theirs = res?.result?.analysis?.result ?? `error: ${JSON.stringify(res.errors ?? res).slice(0, 160)}`;
  } catch (e) {
    theirs = `exception: ${e.message}`;
  }
  if (theirs === c.decision) agree++;
  else differ.push({ doc: c.doc, citadel: c.decision, iamSimulate: theirs });
}
console.log(`${agree}/${cases.length} agree`);
for (const d of differ) console.log(JSON.stringify(d));
