#pragma once
// Key pairs for EC2 (OpenSSL): generation, the private key formats CreateKeyPair returns, OpenSSH
// public keys, and the fingerprints exactly as EC2 computes them.
#include <optional>
#include <string>

namespace citadel::services::ec2 {

struct KeyMaterial {
  std::string private_pem;  // RSA: PKCS#1 PEM ("BEGIN RSA PRIVATE KEY"); ED25519: OpenSSH format
  std::string public_ssh;   // "ssh-rsa AAAA..." / "ssh-ed25519 AAAA..." (no comment)
  std::string fingerprint;  // RSA: SHA-1 of the PKCS#8 DER private key, colon-separated hex;
                            // ED25519: base64 of SHA-256 of the OpenSSH public key blob
};

// key_type: "rsa" (2048 bits) or "ed25519". nullopt only if OpenSSL fails.
std::optional<KeyMaterial> generate_key(const std::string& key_type);

struct ImportedKey {
  std::string key_type;     // "rsa" or "ed25519"
  std::string public_ssh;
  std::string fingerprint;  // RSA: MD5 of the DER public key (colon hex); ED25519: as above
};
// An OpenSSH public key line ("ssh-rsa AAAA... comment") or a PEM public key; nullopt when it is
// neither (or an RSA key shorter than 1024 bits).
std::optional<ImportedKey> import_public_key(const std::string& material);

}  // namespace citadel::services::ec2
