#pragma once
// QR code images: the PNG that CreateVirtualMFADevice returns for an authenticator app to scan.
#include <optional>
#include <string>
#include <string_view>

namespace citadel::auth {

// A black-on-white PNG of `text` encoded as a QR code (error correction level M, 4-module quiet
// zone, `scale` pixels per module); nullopt if the text does not fit a QR code.
std::optional<std::string> qr_code_png(std::string_view text, int scale = 4);

// The otpauth:// URI authenticator apps read from the QR code (Key Uri Format): the account alias
// or id and the device name as the label, the Base32 seed as the secret, "Amazon Web Services" as
// the issuer, as AWS writes it.
std::string otpauth_uri(std::string_view device_name, std::string_view account_label, std::string_view base32_seed);

}  // namespace citadel::auth
