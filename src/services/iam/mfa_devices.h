#pragma once
// Virtual MFA devices as other services meet them: STS checks a code from the caller's device.
#include <string>

#include "services/service.h"

namespace citadel::services::iam {

// Accepts `code` from MFA device `serial` when the device is enabled for the caller (`user_id`,
// "" for the account's root user) and the code is current (±1 step, after the device's learnt
// drift) and newer than the last code accepted; with `consume`, records its step so that it is
// not accepted again. AccessDenied otherwise, in STS's words.
Status verify_mfa_code(store::Tx& tx, const store::SecretBox& secrets, const std::string& account,
                       const std::string& user_id, const std::string& serial, const std::string& code, int64_t now_ms,
                       bool consume);

}  // namespace citadel::services::iam
