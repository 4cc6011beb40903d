#pragma once
// Serialising a JSON value to CBOR as its model shape says (Smithy RPC v2 CBOR outputs):
// timestamps (integer milliseconds inside Citadel) become tag 1 with epoch seconds, blobs (base64
// text inside Citadel) byte strings, float and double members CBOR floats.
#include <boost/json.hpp>

#include "protocol/cbor.h"
#include "protocol/model.h"

namespace citadel::protocol {

void write_value_cbor(cbor::Writer& w, const ServiceModel& svc, const boost::json::object* shape,
                      const boost::json::value& v);

}  // namespace citadel::protocol
