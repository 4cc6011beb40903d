// Invitations: InviteAccountToOrganization, AcceptHandshake, DeclineHandshake, CancelHandshake,
// DescribeHandshake, ListHandshakesForOrganization, ListHandshakesForAccount.
#include <cstdio>

#include "services/organizations/org_operations.h"

namespace citadel::services::organizations {

namespace {

constexpr int64_t kHandshakeLifetimeMs = 15LL * 24 * 3600 * 1000;  // an invitation is open for 15 days

struct HandshakeRow {
  std::string id, org_id, action, state, target_type, target_value, target_account, notes;
  int64_t requested_ms = 0, expiration_ms = 0;
};

constexpr const char* kHandshakeColumns =
    "h.handshake_id, h.org_id, h.action, h.state, h.target_type, h.target_value, h.target_account, COALESCE(h.notes, ''), "
    "h.requested_ms, h.expiration_ms";

HandshakeRow read_handshake(const store::Row& r) {
  return HandshakeRow{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7), r.i64(8), r.i64(9)};
}

// An open handshake past its expiration reads as EXPIRED.
std::string effective_state(const HandshakeRow& h, int64_t now) {
  if ((h.state == "OPEN" || h.state == "REQUESTED") && now > h.expiration_ms) return "EXPIRED";
  return h.state;
}

Result<json::object> handshake_json(store::Tx& tx, const HandshakeRow& h, int64_t now) {
  auto rows = tx.query("SELECT o.org_id, o.management_account_id, o.feature_set, o.root_id, o.created_ms, a.email, a.name "
                       "FROM org_organizations o JOIN accounts a ON a.account_id = o.management_account_id WHERE o.org_id = ?",
                       {h.org_id});
  if (!rows) return rows.error();
  if (rows->empty()) return AwsError::internal("handshake " + h.id + " names a missing organization");
  const auto& r = rows->front();
  OrgRow o{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)};
  json::array org_resources{json::object{{"Value", r.str(5)}, {"Type", "MASTER_EMAIL"}},
                            json::object{{"Value", r.str(6)}, {"Type", "MASTER_NAME"}},
                            json::object{{"Value", o.feature_set}, {"Type", "ORGANIZATION_FEATURE_SET"}}};
  json::array resources{json::object{{"Value", o.id}, {"Type", "ORGANIZATION"}, {"Resources", std::move(org_resources)}},
                        json::object{{"Value", h.target_value}, {"Type", h.target_type}}};
  if (!h.notes.empty()) resources.push_back(json::object{{"Value", h.notes}, {"Type", "NOTES"}});
  return json::object{
      {"Id", h.id},
      {"Arn", handshake_arn(o, h.action, h.id)},
      {"Parties", json::array{json::object{{"Id", o.id}, {"Type", "ORGANIZATION"}},
                              json::object{{"Id", h.target_value}, {"Type", h.target_type}}}},
      {"State", effective_state(h, now)},
      {"RequestedTimestamp", h.requested_ms},
      {"ExpirationTimestamp", h.expiration_ms},
      {"Action", h.action},
      {"Resources", std::move(resources)}};
}

AwsError handshake_not_found() {
  return org_error("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.");
}

Result<HandshakeRow> load_handshake(Call& call, const std::string& id) {
  auto rows = call.tx.query(std::string("SELECT ") + kHandshakeColumns + " FROM org_handshakes h WHERE h.handshake_id = ?", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return handshake_not_found();
  return read_handshake(rows->front());
}

Result<json::value> answer(Call& call, const HandshakeRow& h) {
  auto j = handshake_json(call.tx, h, call.ctx.now_ms);
  if (!j) return j.error();
  return json::object{{"Handshake", std::move(*j)}};
}

Result<json::value> invite_account_to_organization(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  const auto* target = call.input.if_contains("Target");
  if (!target || !target->is_object()) return invalid_input("INPUT_REQUIRED", "You must specify a value for Target.");
  std::string type = input_str(target->as_object(), "Type"), value = input_str(target->as_object(), "Id");
  Result<std::vector<store::Row>> rows =
      type == "ACCOUNT" ? call.tx.query("SELECT account_id FROM accounts WHERE account_id = ?", {value})
      : type == "EMAIL" ? call.tx.query("SELECT account_id FROM accounts WHERE lower(email) = lower(?)", {value})
                        : Result<std::vector<store::Row>>(invalid_input(
                              "INVALID_PARTY_TYPE_TARGET", "You specified the wrong type for the invitation's target."));
  if (!rows) return rows.error();
  if (rows->empty()) return org_error("AccountNotFoundException", "You specified an account that doesn't exist.");
  std::string account = rows->front().str(0);
  auto member = org_of(call.tx, account);
  if (!member) return member.error();
  if (*member)
    return org_error("HandshakeConstraintViolationException", "The account is already a member of an organization.")
        .with("Reason", "ALREADY_IN_AN_ORGANIZATION");
  auto open = call.tx.query("SELECT 1 FROM org_handshakes WHERE org_id = ? AND target_account = ? AND action = 'INVITE' "
                            "AND state IN ('OPEN', 'REQUESTED') AND expiration_ms >= ?",
                            {o->id, account, call.ctx.now_ms});
  if (!open) return open.error();
  if (!open->empty())
    return org_error("DuplicateHandshakeException", "A handshake with the same action and target already exists.");
  HandshakeRow h{"h-" + random_lower_alnum(10), o->id, "INVITE", "OPEN", type, value, account, call.str("Notes"),
                 call.ctx.now_ms, call.ctx.now_ms + kHandshakeLifetimeMs};
  auto ins = call.tx.exec("INSERT INTO org_handshakes (handshake_id, org_id, action, state, target_type, target_value, "
                          "target_account, notes, requested_ms, expiration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?)",
                          {h.id, h.org_id, h.action, h.state, h.target_type, h.target_value, h.target_account, h.notes,
                           h.requested_ms, h.expiration_ms});
  if (!ins) return ins.error();
  return answer(call, h);
}

Status set_state(Call& call, HandshakeRow& h, const char* state) {
  auto up = call.tx.exec("UPDATE org_handshakes SET state = ? WHERE handshake_id = ?", {std::string(state), h.id});
  if (!up) return up.error();
  h.state = state;
  return Ok{};
}

// The invited account may accept or decline an open invitation.
Result<HandshakeRow> invited_open_handshake(Call& call, const char* wanted) {
  auto h = load_handshake(call, call.str("HandshakeId"));
  if (!h) return h.error();
  if (h->target_account != call.account()) return handshake_not_found();
  std::string state = effective_state(*h, call.ctx.now_ms);
  if (state == wanted)
    return org_error("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.");
  if (state != "OPEN")
    return org_error("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state.");
  return h;
}

Result<json::value> accept_handshake(Call& call) {
  auto h = invited_open_handshake(call, "ACCEPTED");
  if (!h) return h.error();
  auto member = org_of(call.tx, call.account());
  if (!member) return member.error();
  if (*member)
    return org_error("HandshakeConstraintViolationException", "The account is already a member of an organization.")
        .with("Reason", "ALREADY_IN_AN_ORGANIZATION");
  auto org = call.tx.query("SELECT org_id, management_account_id, feature_set, root_id, created_ms FROM org_organizations WHERE org_id = ?",
                           {h->org_id});
  if (!org) return org.error();
  if (org->empty()) return handshake_not_found();
  const auto& r = org->front();
  OrgRow o{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)};
  auto ins = call.tx.exec("INSERT INTO org_accounts (account_id, org_id, parent_id, joined_method, joined_ms, state) "
                          "VALUES (?, ?, ?, 'INVITED', ?, 'ACTIVE')",
                          {call.account(), o.id, o.root_id, call.ctx.now_ms});
  if (!ins) return ins.error();
  if (auto s = attach_defaults(call.tx, o, call.account()); !s) return s.error();
  if (auto s = set_state(call, *h, "ACCEPTED"); !s) return s.error();
  return answer(call, *h);
}

Result<json::value> decline_handshake(Call& call) {
  auto h = invited_open_handshake(call, "DECLINED");
  if (!h) return h.error();
  if (auto s = set_state(call, *h, "DECLINED"); !s) return s.error();
  return answer(call, *h);
}

Result<json::value> cancel_handshake(Call& call) {
  auto o = management_org(call);
  if (!o) return o.error();
  auto h = load_handshake(call, call.str("HandshakeId"));
  if (!h) return h.error();
  if (h->org_id != o->id) return handshake_not_found();
  std::string state = effective_state(*h, call.ctx.now_ms);
  if (state == "CANCELED")
    return org_error("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.");
  if (state != "OPEN")
    return org_error("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state.");
  if (auto s = set_state(call, *h, "CANCELED"); !s) return s.error();
  return answer(call, *h);
}

Result<json::value> describe_handshake(Call& call) {
  auto h = load_handshake(call, call.str("HandshakeId"));
  if (!h) return h.error();
  if (h->target_account != call.account()) {
    auto o = org_of(call.tx, call.account());
    if (!o) return o.error();
    if (!*o || (*o)->id != h->org_id || (*o)->management != call.account()) return handshake_not_found();
  }
  return answer(call, *h);
}

Result<json::value> list_handshakes(Call& call, const char* where, const std::string& who) {
  std::string action, parent;
  if (const auto* f = call.input.if_contains("Filter"); f && f->is_object()) {
    action = input_str(f->as_object(), "ActionType");
    parent = input_str(f->as_object(), "ParentHandshakeId");
  }
  auto rows = call.tx.query(std::string("SELECT ") + kHandshakeColumns + " FROM org_handshakes h WHERE " + where +
                                " AND (? = '' OR h.action = ?)",
                            {who, action, action});
  if (!rows) return rows.error();
  std::vector<Item> items;
  for (auto& r : *rows) {
    if (!parent.empty()) break;  // only INVITE handshakes, which have no parent
    HandshakeRow h = read_handshake(r);
    auto j = handshake_json(call.tx, h, call.ctx.now_ms);
    if (!j) return j.error();
    char key[32];
    std::snprintf(key, sizeof key, "%020lld", static_cast<long long>(h.requested_ms));
    items.push_back({std::string(key) + h.id, std::move(*j)});
  }
  auto out = page(call, std::move(items), "Handshakes");
  if (!out) return out.error();
  return std::move(*out);
}

Result<json::value> list_handshakes_for_organization(Call& call) {
  auto o = reader_org(call);
  if (!o) return o.error();
  return list_handshakes(call, "h.org_id = ?", o->id);
}

Result<json::value> list_handshakes_for_account(Call& call) {
  return list_handshakes(call, "h.target_account = ?", call.account());
}

// Handshake operations name the handshake's ARN (which carries the management account).
std::vector<std::string> handshake_arns(const json::object& input, store::Tx& tx) {
  std::string id = input_str(input, "HandshakeId");
  auto rows = tx.query("SELECT o.org_id, o.management_account_id, o.feature_set, o.root_id, o.created_ms, h.action "
                       "FROM org_handshakes h JOIN org_organizations o ON o.org_id = h.org_id WHERE h.handshake_id = ?",
                       {id});
  if (!rows || rows->empty()) return {"*"};
  const auto& r = rows->front();
  OrgRow o{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4)};
  return {handshake_arn(o, r.str(5), id)};
}

}  // namespace

void add_handshake_operations(std::vector<OperationDef>& ops) {
  ops.push_back(org_op("InviteAccountToOrganization", false, no_resource, invite_account_to_organization, true));
  // Accept, Decline and Describe are called by invited accounts that are in no organization yet:
  // their authorization names the handshake whatever the caller's organization.
  auto with_handshake = [](OperationDef op) {
    auto inner = op.authz;
    op.authz = [inner](const RequestContext& ctx, const json::object& input, store::Tx& tx) {
      AuthzRequest req = inner(ctx, input, tx);
      req.resources = handshake_arns(input, tx);
      return req;
    };
    return op;
  };
  ops.push_back(with_handshake(org_op("AcceptHandshake", false, no_resource, accept_handshake)));
  ops.push_back(with_handshake(org_op("DeclineHandshake", false, no_resource, decline_handshake)));
  ops.push_back(with_handshake(org_op("CancelHandshake", false, no_resource, cancel_handshake)));
  ops.push_back(with_handshake(org_op("DescribeHandshake", true, no_resource, describe_handshake)));
  ops.push_back(org_op("ListHandshakesForOrganization", true, no_resource, list_handshakes_for_organization));
  ops.push_back(org_op("ListHandshakesForAccount", true, no_resource, list_handshakes_for_account));
}

}  // namespace citadel::services::organizations
