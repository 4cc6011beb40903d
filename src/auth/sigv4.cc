#include "auth/sigv4.h"

#include <algorithm>
#include <unordered_map>

#include "base/crypto.h"
#include "base/time.h"
#include "base/uri.h"

namespace citadel::auth {

namespace {

// ASCII only: header names are ASCII, and std::tolower consults the locale on every call.
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Trims and collapses runs of whitespace (including folded line breaks) into one space.
void append_canonical_value(std::string& out, std::string_view v) {
  v = trim(v);
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
}

std::string_view header(const SigV4Request& req, std::string_view name) {
  for (auto& [k, v] : req.headers)
    if (iequals(k, name)) return v;
  return {};
}

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segs;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (auto s : segs) {
    out.push_back('/');
    out.append(s);
  }
  bool trailing = !path.empty() && path.back() == '/';
  if (!path.empty()) {
    // "/a/b/.." and "/a/." name a directory too.
    std::string_view last = path.substr(path.rfind('/') + 1);
    if (last == "." || last == "..") trailing = true;
  }
  if (out.empty() || trailing) out.push_back('/');
  return out;
}

}  // namespace

bool has_sigv4(const SigV4Request& req) {
  return !header(req, "authorization").empty() || req.query.find("X-Amz-Signature=") != std::string_view::npos ||
         req.query.find("X-Amz-Credential=") != std::string_view::npos;
}

static Status parse_credential(std::string_view cred, SigV4Auth& a) {
  // AKID/yyyymmdd/region/service/aws4_request
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (true) {
    size_t j = cred.find('/', i);
    parts.push_back(cred.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[4] != "aws4_request")
    return AwsError::sender("IncompleteSignature",
                            "Credential should be scoped to a valid region. "
                            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" +
                                std::string(cred) + "'",
                            403);
  a.access_key_id = parts[0];
  a.date = parts[1];
  a.region = parts[2];
  a.service = parts[3];
  return Ok{};
}

static void split_signed_headers(std::string_view s, std::vector<std::string>& out) {
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(';', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(lower(s.substr(i, j - i)));
    i = j + 1;
  }
}

Result<SigV4Auth> parse_sigv4(const SigV4Request& req) {
  SigV4Auth a;
  std::string_view authz = header(req, "authorization");
  a.payload_hash = std::string(header(req, "x-amz-content-sha256"));
  if (!authz.empty()) {
    constexpr std::string_view kAlg = "AWS4-HMAC-SHA256";
    if (authz.substr(0, kAlg.size()) != kAlg || authz.size() == kAlg.size() || authz[kAlg.size()] != ' ')
      return AwsError::sender("IncompleteSignature",
                              "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                              "Unsupported authorization type; only AWS4-HMAC-SHA256 is accepted.",
                              403);
    std::string_view rest = authz.substr(kAlg.size() + 1);
    bool have_cred = false, have_sh = false, have_sig = false;
    size_t i = 0;
    while (i < rest.size()) {
      size_t j = rest.find(',', i);
      if (j == std::string_view::npos) j = rest.size();
      std::string_view kv = trim(rest.substr(i, j - i));
      size_t eq = kv.find('=');
      if (eq != std::string_view::npos) {
        std::string_view k = kv.substr(0, eq), v = kv.substr(eq + 1);
        if (k == "Credential") {
          if (auto s = parse_credential(v, a); !s) return s.error();
          have_cred = true;
        } else if (k == "SignedHeaders") {
          split_signed_headers(v, a.signed_headers);
          have_sh = true;
        } else if (k == "Signature") {
          a.signature = v;
          have_sig = true;
        }
      }
      i = j + 1;
    }
    std::string missing;
    if (!have_cred) missing += "Authorization header requires 'Credential' parameter. ";
    if (!have_sh) missing += "Authorization header requires 'SignedHeaders' parameter. ";
    if (!have_sig) missing += "Authorization header requires 'Signature' parameter. ";
    a.amz_date = header(req, "x-amz-date");
    if (a.amz_date.empty())
      missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    if (!missing.empty()) {
      missing.pop_back();
      return AwsError::sender("IncompleteSignature", missing + " Authorization=" + std::string(authz), 403);
    }
    a.session_token = header(req, "x-amz-security-token");
    return a;
  }
  // Presigned: everything in the query string.
  bool any = false;
  for (auto& [k, v] : uri::parse_query(req.query)) {
    if (k == "X-Amz-Algorithm") {
      any = true;
      if (v != "AWS4-HMAC-SHA256")
        return AwsError::sender("IncompleteSignature", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"", 403);
    } else if (k == "X-Amz-Credential") {
      any = true;
      if (auto s = parse_credential(v, a); !s) return s.error();
    } else if (k == "X-Amz-Date") {
      a.amz_date = v;
    } else if (k == "X-Amz-Expires") {
      char* end = nullptr;
      a.expires_s = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end || a.expires_s < 0 || a.expires_s > 604800)
        return AwsError::sender("AuthorizationQueryParametersError",
                                "X-Amz-Expires must be non-negative and less than a week (604800 seconds)", 400);
    } else if (k == "X-Amz-SignedHeaders") {
      split_signed_headers(v, a.signed_headers);
    } else if (k == "X-Amz-Signature") {
      a.signature = v;
    } else if (k == "X-Amz-Security-Token") {
      a.session_token = v;
    }
  }
  if (!any) return AwsError::sender("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
  if (a.access_key_id.empty() || a.amz_date.empty() || a.signature.empty() || a.signed_headers.empty())
    return AwsError::sender("AuthorizationQueryParametersError",
                            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
                            "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
                            400);
  a.presigned = true;
  return a;
}

namespace {
std::string canonical(const SigV4Request& req, const SigV4Auth& auth, const SigV4Options& opt, bool omit_token);
}

std::string canonical_request(const SigV4Request& req, const SigV4Auth& auth, const SigV4Options& opt) {
  return canonical(req, auth, opt, false);
}

namespace {
std::string canonical(const SigV4Request& req, const SigV4Auth& auth, const SigV4Options& opt, bool omit_token) {
  std::string out;
  out.reserve(512);
  out.append(req.method);
  out.push_back('\n');
  std::string path = opt.normalize_path ? normalize_path(req.path) : std::string(req.path);
  if (path.empty()) path = "/";
  out.append(opt.double_encode ? uri::encode(path, true) : path);
  out.push_back('\n');

  // Query: decode then re-encode every pair, sort by key then value; the signature never signs itself.
  auto params = uri::parse_query(req.query);
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(params.size());
  for (auto& [k, v] : params) {
    if (auth.presigned && k == "X-Amz-Signature") continue;
    if (omit_token && k == "X-Amz-Security-Token") continue;
    enc.emplace_back(uri::encode(k), uri::encode(v));
  }
  std::sort(enc.begin(), enc.end());
  for (size_t i = 0; i < enc.size(); ++i) {
    if (i) out.push_back('&');
    out.append(enc[i].first);
    out.push_back('=');
    out.append(enc[i].second);
  }
  out.push_back('\n');

  // Headers in the order SignedHeaders lists them; repeated headers join with ','.
  for (const auto& name : auth.signed_headers) {
    out.append(name);
    out.push_back(':');
    bool first = true;
    for (auto& [k, v] : req.headers) {
      if (!iequals(k, name)) continue;
      if (!first) out.push_back(',');
      append_canonical_value(out, v);
      first = false;
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < auth.signed_headers.size(); ++i) {
    if (i) out.push_back(';');
    out.append(auth.signed_headers[i]);
  }
  out.push_back('\n');
  if (auth.presigned && auth.payload_hash.empty() && opt.presigned_payload_unsigned)
    out.append("UNSIGNED-PAYLOAD");
  else if (!auth.payload_hash.empty())
    out.append(auth.payload_hash);
  else
    out.append(crypto::sha256_hex(req.body));
  return out;
}

}  // namespace

std::string string_to_sign(const SigV4Auth& auth, std::string_view canonical) {
  std::string s = "AWS4-HMAC-SHA256\n";
  s += auth.amz_date;
  s += '\n';
  s += auth.date + "/" + auth.region + "/" + auth.service + "/aws4_request\n";
  s += crypto::sha256_hex(canonical);
  return s;
}

AwsError payload_hash_mismatch(const SigV4Options& opt) {
  return AwsError::sender(opt.normalize_path ? "SignatureDoesNotMatch" : "XAmzContentSHA256Mismatch",
                          "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
}

const std::string& signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service) {
  thread_local std::unordered_map<std::string, std::string> cache;
  std::string id;
  id.reserve(secret.size() + date.size() + region.size() + service.size() + 3);
  id.append(secret).append("\n").append(date).append("\n").append(region).append("\n").append(service);
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  if (cache.size() > 4096) cache.clear();  // bounded: the working set is a few keys per day
  auto k = crypto::hmac_sha256("AWS4" + std::string(secret), date);
  auto step = [](const crypto::Sha256& key, std::string_view data) {
    return crypto::hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), data);
  };
  k = step(k, region);
  k = step(k, service);
  k = step(k, "aws4_request");
  return cache.emplace(std::move(id), std::string(reinterpret_cast<const char*>(k.data()), k.size())).first->second;
}

Status verify_sigv4(const SigV4Request& req, const SigV4Auth& auth, std::string_view secret, int64_t now_ms,
                    const SigV4Options& opt) {
  auto when = timeutil::parse_amz_date(auth.amz_date);
  if (!when || auth.amz_date.substr(0, 8) != auth.date)
    return AwsError::sender("IncompleteSignature",
                            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                                auth.date + "' != '" + auth.amz_date.substr(0, 8) + "'",
                            403);
  if (std::find(auth.signed_headers.begin(), auth.signed_headers.end(), "host") == auth.signed_headers.end())
    return AwsError::sender("SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the AWS Authorization.", 403);
  if (auth.presigned) {
    if (now_ms > *when + auth.expires_s * 1000)
      return AwsError::sender("RequestExpired", "Request has expired", 403);
    if (*when - now_ms > opt.max_skew_ms)
      return AwsError::sender("RequestExpired", "Request is not yet valid", 403);
  } else if (now_ms - *when > opt.max_skew_ms || *when - now_ms > opt.max_skew_ms) {
    std::string msg = "Signature expired: " + auth.amz_date + " is now earlier than " +
                      timeutil::iso8601(now_ms - opt.max_skew_ms) + " (" + timeutil::iso8601(now_ms) + " - 15 min.)";
    if (*when > now_ms)
      msg = "Signature not yet current: " + auth.amz_date + " is still later than " +
            timeutil::iso8601(now_ms + opt.max_skew_ms) + " (" + timeutil::iso8601(now_ms) + " + 15 min.)";
    return AwsError::sender("SignatureDoesNotMatch", msg, 403);
  }
  // A signed payload hash must be the body's: otherwise the body could be swapped under a valid signature.
  if (!auth.presigned && !opt.payload_checked_later && auth.payload_hash.size() == 64 &&
      auth.payload_hash != crypto::sha256_hex(req.body))
    return payload_hash_mismatch(opt);
  const std::string& key = signing_key(secret, auth.date, auth.region, auth.service);
  auto matches = [&](bool omit_token) {
    std::string sts = string_to_sign(auth, canonical(req, auth, opt, omit_token));
    return crypto::constant_time_equal(crypto::to_hex(crypto::hmac_sha256(key, sts)), auth.signature);
  };
  // Some signers add a presigned URL's session token after signing (the token is then not signed).
  bool ok = matches(false) || (auth.presigned && !auth.session_token.empty() && matches(true));
  if (!ok)
    return AwsError::sender("SignatureDoesNotMatch",
                            "The request signature we calculated does not match the signature you provided. "
                            "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                            403);
  return Ok{};
}

}  // namespace citadel::auth

namespace citadel::auth {

std::string authorization_header(const SigV4Request& req, const SigV4Auth& scope, std::string_view secret) {
  std::string sts = string_to_sign(scope, canonical_request(req, scope, {}));
  std::string sig = crypto::to_hex(crypto::hmac_sha256(signing_key(secret, scope.date, scope.region, scope.service), sts));
  std::string h = "AWS4-HMAC-SHA256 Credential=" + scope.access_key_id + "/" + scope.date + "/" + scope.region + "/" +
                  scope.service + "/aws4_request, SignedHeaders=";
  for (size_t i = 0; i < scope.signed_headers.size(); ++i) h += (i ? ";" : "") + scope.signed_headers[i];
  return h + ", Signature=" + sig;
}

}  // namespace citadel::auth
