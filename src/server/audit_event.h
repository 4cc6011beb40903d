#pragma once
// Builds the CloudTrail record of one call (eventVersion 1.11).
#include <boost/json.hpp>
#include <string>

#include "auth/principal.h"
#include "base/error.h"
#include "protocol/codec.h"
#include "services/cloudtrail/event_store.h"
#include "services/service.h"

namespace citadel::server {

struct CallRecord {
  const protocol::Route* route = nullptr;
  const services::Service* service = nullptr;  // may be null for operations Citadel lacks
  const services::RequestContext* ctx = nullptr;
  const boost::json::object* input = nullptr;
  const boost::json::value* output = nullptr;  // success only
  const AwsError* error = nullptr;             // failure only
  bool read_only = false;
  std::vector<std::string> resources;          // ARNs the call acted on
  // Whose trail records a call by a caller without an account (an anonymous S3 request): the
  // resource owner's, as AWS delivers such data events to the bucket owner.
  std::string resource_account;
};

// The call's record, with its fields for the journal (StoredEvent::api_call): its JSON is written
// when it is read.
services::cloudtrail::StoredEvent make_event(const CallRecord& call);

}  // namespace citadel::server
