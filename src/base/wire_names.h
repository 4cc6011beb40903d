#pragma once
// Names the protocol layer and the services agree on beyond what the models declare.

namespace citadel {

// An output member no model declares: a REST handler sets it for a status its operation's model
// leaves implicit (S3's 206 Partial Content, 304 Not Modified, 204 No Content).
inline constexpr const char* kHttpStatus = "citadel:HttpStatus";

}  // namespace citadel
