// Conformance table: condition operators. Each row is one identity policy statement
//   Allow s3:GetObject on * when {op: {key: values}}
// evaluated against a context; the row says whether the statement applies.
// Doc: IAM User Guide, "IAM JSON policy elements: Condition operators" (COND) and
// "Multivalued context keys"/"Single-valued vs. multivalued context keys" (MV),
// "IAM JSON policy elements: Condition" (CE), "IAM policy elements: Variables and tags" (VAR).
#include <gtest/gtest.h>

#include "test_util.h"

namespace {

struct CondCase {
  const char* doc;      // AWS documentation rule this row checks
  const char* op;
  const char* key;
  const char* values;   // JSON: a string or an array
  const char* context;  // JSON object
  bool applies;
};

const CondCase kCases[] = {
    // --- String operators (COND: String condition operators) ---
    {"COND String: StringEquals exact match", "StringEquals", "aws:username", R"("alice")", R"({"aws:username":"alice"})", true},
    {"COND String: StringEquals is case-sensitive", "StringEquals", "aws:username", R"("Alice")", R"({"aws:username":"alice"})", false},
    {"COND String: StringEquals has no wildcards", "StringEquals", "s3:prefix", R"("home/*")", R"({"s3:prefix":"home/x"})", false},
    {"COND String: StringEquals literal * matches literal *", "StringEquals", "s3:prefix", R"("home/*")", R"({"s3:prefix":"home/*"})", true},
    {"COND String: values are ORed", "StringEquals", "aws:username", R"(["bob","alice"])", R"({"aws:username":"alice"})", true},
    {"COND String: none of the values", "StringEquals", "aws:username", R"(["bob","carol"])", R"({"aws:username":"alice"})", false},
    {"COND String: StringNotEquals true when different", "StringNotEquals", "aws:username", R"("bob")", R"({"aws:username":"alice"})", true},
    {"COND String: StringNotEquals false when equal", "StringNotEquals", "aws:username", R"("alice")", R"({"aws:username":"alice"})", false},
    {"COND String: negated operators are NOR over values", "StringNotEquals", "aws:username", R"(["bob","alice"])", R"({"aws:username":"alice"})", false},
    {"COND String: StringNotEquals NOR, no value equal", "StringNotEquals", "aws:username", R"(["bob","carol"])", R"({"aws:username":"alice"})", true},
    {"COND String: StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "aws:username", R"("ALICE")", R"({"aws:username":"alice"})", true},
    {"COND String: StringEqualsIgnoreCase different", "StringEqualsIgnoreCase", "aws:username", R"("ALICIA")", R"({"aws:username":"alice"})", false},
    {"COND String: StringNotEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "aws:username", R"("ALICE")", R"({"aws:username":"alice"})", false},
    {"COND String: StringNotEqualsIgnoreCase differs", "StringNotEqualsIgnoreCase", "aws:username", R"("BOB")", R"({"aws:username":"alice"})", true},
    {"COND String: StringLike multi-character wildcard", "StringLike", "s3:prefix", R"("home/*")", R"({"s3:prefix":"home/alice/docs"})", true},
    {"COND String: StringLike single-character wildcard", "StringLike", "s3:prefix", R"("home/?")", R"({"s3:prefix":"home/a"})", true},
    {"COND String: StringLike ? is exactly one character", "StringLike", "s3:prefix", R"("home/?")", R"({"s3:prefix":"home/ab"})", false},
    {"COND String: StringLike is case-sensitive", "StringLike", "s3:prefix", R"("Home/*")", R"({"s3:prefix":"home/a"})", false},
    {"COND String: StringLike * matches empty", "StringLike", "s3:prefix", R"("home/*")", R"({"s3:prefix":"home/"})", true},
    {"COND String: StringLike anchored at both ends", "StringLike", "s3:prefix", R"("home")", R"({"s3:prefix":"home/a"})", false},
    {"COND String: StringLike inner wildcard", "StringLike", "aws:UserAgent", R"("*aws-cli*")", R"({"aws:UserAgent":"aws-cli/2.15 Python"})", true},
    {"COND String: StringNotLike", "StringNotLike", "s3:prefix", R"("home/*")", R"({"s3:prefix":"tmp/a"})", true},
    {"COND String: StringNotLike matching value", "StringNotLike", "s3:prefix", R"("home/*")", R"({"s3:prefix":"home/a"})", false},
    {"COND String: StringNotLike NOR over values", "StringNotLike", "s3:prefix", R"(["tmp/*","home/*"])", R"({"s3:prefix":"home/a"})", false},
    // --- Numeric (COND: Numeric condition operators) ---
    {"COND Numeric: NumericEquals", "NumericEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", true},
    {"COND Numeric: NumericEquals compares numbers not text", "NumericEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10.0"})", true},
    {"COND Numeric: NumericEquals different", "NumericEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"11"})", false},
    {"COND Numeric: NumericNotEquals", "NumericNotEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"11"})", true},
    {"COND Numeric: NumericNotEquals equal", "NumericNotEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", false},
    {"COND Numeric: NumericLessThan", "NumericLessThan", "s3:max-keys", R"("10")", R"({"s3:max-keys":"9"})", true},
    {"COND Numeric: NumericLessThan boundary", "NumericLessThan", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", false},
    {"COND Numeric: NumericLessThanEquals boundary", "NumericLessThanEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", true},
    {"COND Numeric: NumericLessThanEquals above", "NumericLessThanEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"11"})", false},
    {"COND Numeric: NumericGreaterThan", "NumericGreaterThan", "s3:max-keys", R"("10")", R"({"s3:max-keys":"11"})", true},
    {"COND Numeric: NumericGreaterThan boundary", "NumericGreaterThan", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", false},
    {"COND Numeric: NumericGreaterThanEquals", "NumericGreaterThanEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"10"})", true},
    {"COND Numeric: NumericGreaterThanEquals below", "NumericGreaterThanEquals", "s3:max-keys", R"("10")", R"({"s3:max-keys":"9"})", false},
    {"COND Numeric: negative and fractional numbers", "NumericLessThan", "s3:max-keys", R"("-1.5")", R"({"s3:max-keys":"-2"})", true},
    {"COND Numeric: JSON number in policy", "NumericEquals", "aws:MultiFactorAuthAge", R"(3600)", R"({"aws:MultiFactorAuthAge":"3600"})", true},
    {"COND Numeric: non-numeric context value never matches", "NumericLessThan", "s3:max-keys", R"("10")", R"({"s3:max-keys":"ten"})", false},
    {"COND Numeric: MFA age under an hour", "NumericLessThan", "aws:MultiFactorAuthAge", R"("3600")", R"({"aws:MultiFactorAuthAge":"120"})", true},
    // --- Date (COND: Date condition operators; ISO 8601 and epoch) ---
    {"COND Date: DateGreaterThan ISO 8601", "DateGreaterThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2024-06-01T12:00:00Z"})", true},
    {"COND Date: DateGreaterThan earlier", "DateGreaterThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2023-12-31T23:59:59Z"})", false},
    {"COND Date: DateLessThan", "DateLessThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2023-12-31T23:59:59Z"})", true},
    {"COND Date: DateLessThan boundary", "DateLessThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", false},
    {"COND Date: DateLessThanEquals boundary", "DateLessThanEquals", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", true},
    {"COND Date: DateGreaterThanEquals boundary", "DateGreaterThanEquals", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", true},
    {"COND Date: DateEquals date-only value is midnight UTC", "DateEquals", "aws:CurrentTime", R"("2024-01-01")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", true},
    {"COND Date: DateNotEquals", "DateNotEquals", "aws:CurrentTime", R"("2024-01-01")", R"({"aws:CurrentTime":"2024-01-02T00:00:00Z"})", true},
    {"COND Date: DateNotEquals equal", "DateNotEquals", "aws:CurrentTime", R"("2024-01-01")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", false},
    {"COND Date: epoch seconds in policy", "DateGreaterThan", "aws:EpochTime", R"("1700000000")", R"({"aws:EpochTime":"1700000001"})", true},
    {"COND Date: epoch compared with ISO context", "DateLessThan", "aws:CurrentTime", R"("1704067200")", R"({"aws:CurrentTime":"2023-12-31T00:00:00Z"})", true},
    {"COND Date: time-zone offsets are honoured", "DateEquals", "aws:CurrentTime", R"("2024-01-01T02:00:00+02:00")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", true},
    {"COND Date: fractional seconds", "DateGreaterThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"2024-01-01T00:00:00.5Z"})", true},
    {"COND Date: token issue time", "DateGreaterThan", "aws:TokenIssueTime", R"("2024-03-01T00:00:00Z")", R"({"aws:TokenIssueTime":"2024-03-02T00:00:00Z"})", true},
    {"COND Date: unparsable context date never matches", "DateGreaterThan", "aws:CurrentTime", R"("2024-01-01T00:00:00Z")", R"({"aws:CurrentTime":"yesterday"})", false},
    // --- Bool (COND: Boolean condition operators) ---
    {"COND Bool: true", "Bool", "aws:SecureTransport", R"("true")", R"({"aws:SecureTransport":"true"})", true},
    {"COND Bool: false vs true", "Bool", "aws:SecureTransport", R"("true")", R"({"aws:SecureTransport":"false"})", false},
    {"COND Bool: JSON boolean in policy", "Bool", "aws:SecureTransport", R"(false)", R"({"aws:SecureTransport":false})", true},
    {"COND Bool: case-insensitive value", "Bool", "aws:MultiFactorAuthPresent", R"("TRUE")", R"({"aws:MultiFactorAuthPresent":"true"})", true},
    {"COND Bool: missing key is false", "Bool", "aws:MultiFactorAuthPresent", R"("true")", R"({})", false},
    {"COND Bool: BoolIfExists missing key is true", "BoolIfExists", "aws:MultiFactorAuthPresent", R"("false")", R"({})", true},
    {"COND Bool: BoolIfExists present and different", "BoolIfExists", "aws:MultiFactorAuthPresent", R"("false")", R"({"aws:MultiFactorAuthPresent":"true"})", false},
    // --- Binary (COND: Binary condition operators) ---
    {"COND Binary: BinaryEquals compares base-64 text", "BinaryEquals", "custom:key", R"("QmluYXJ5VmFsdWU=")", R"({"custom:key":"QmluYXJ5VmFsdWU="})", true},
    {"COND Binary: BinaryEquals different", "BinaryEquals", "custom:key", R"("QmluYXJ5VmFsdWU=")", R"({"custom:key":"QmluYXJ5VmFsdWY="})", false},
    // --- IP address (COND: IP address condition operators) ---
    {"COND IP: IpAddress in CIDR", "IpAddress", "aws:SourceIp", R"("203.0.113.0/24")", R"({"aws:SourceIp":"203.0.113.5"})", true},
    {"COND IP: IpAddress outside CIDR", "IpAddress", "aws:SourceIp", R"("203.0.113.0/24")", R"({"aws:SourceIp":"203.0.114.5"})", false},
    {"COND IP: bare address is /32", "IpAddress", "aws:SourceIp", R"("203.0.113.5")", R"({"aws:SourceIp":"203.0.113.5"})", true},
    {"COND IP: bare address other host", "IpAddress", "aws:SourceIp", R"("203.0.113.5")", R"({"aws:SourceIp":"203.0.113.6"})", false},
    {"COND IP: /0 matches every IPv4", "IpAddress", "aws:SourceIp", R"("0.0.0.0/0")", R"({"aws:SourceIp":"198.51.100.1"})", true},
    {"COND IP: non-octet prefix /20", "IpAddress", "aws:SourceIp", R"("10.0.16.0/20")", R"({"aws:SourceIp":"10.0.31.255"})", true},
    {"COND IP: non-octet prefix /20 outside", "IpAddress", "aws:SourceIp", R"("10.0.16.0/20")", R"({"aws:SourceIp":"10.0.32.0"})", false},
    {"COND IP: list of ranges is ORed", "IpAddress", "aws:SourceIp", R"(["192.0.2.0/24","203.0.113.0/24"])", R"({"aws:SourceIp":"203.0.113.9"})", true},
    {"COND IP: IPv6 range", "IpAddress", "aws:SourceIp", R"("2001:db8::/32")", R"({"aws:SourceIp":"2001:db8:1234::1"})", true},
    {"COND IP: IPv6 outside range", "IpAddress", "aws:SourceIp", R"("2001:db8::/32")", R"({"aws:SourceIp":"2001:db9::1"})", false},
    {"COND IP: IPv6 bare address", "IpAddress", "aws:SourceIp", R"("2001:db8::1")", R"({"aws:SourceIp":"2001:0db8:0000:0000:0000:0000:0000:0001"})", true},
    {"COND IP: IPv4 range never matches an IPv6 caller", "IpAddress", "aws:SourceIp", R"("0.0.0.0/0")", R"({"aws:SourceIp":"2001:db8::1"})", false},
    {"COND IP: NotIpAddress outside", "NotIpAddress", "aws:SourceIp", R"("203.0.113.0/24")", R"({"aws:SourceIp":"192.0.2.1"})", true},
    {"COND IP: NotIpAddress inside", "NotIpAddress", "aws:SourceIp", R"("203.0.113.0/24")", R"({"aws:SourceIp":"203.0.113.1"})", false},
    {"COND IP: NotIpAddress NOR over ranges", "NotIpAddress", "aws:SourceIp", R"(["192.0.2.0/24","203.0.113.0/24"])", R"({"aws:SourceIp":"203.0.113.1"})", false},
    {"COND IP: VPC source IP", "IpAddress", "aws:VpcSourceIp", R"("10.0.0.0/8")", R"({"aws:VpcSourceIp":"10.1.2.3"})", true},
    {"COND IP: malformed caller address never matches", "IpAddress", "aws:SourceIp", R"("0.0.0.0/0")", R"({"aws:SourceIp":"not-an-ip"})", false},
    // --- ARN (COND: Amazon Resource Name (ARN) condition operators) ---
    {"COND ARN: ArnEquals exact", "ArnEquals", "aws:SourceArn", R"("arn:aws:sns:us-east-1:111122223333:topic")", R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"})", true},
    {"COND ARN: ArnLike wildcard in region", "ArnLike", "aws:SourceArn", R"("arn:aws:sns:*:111122223333:topic")", R"({"aws:SourceArn":"arn:aws:sns:eu-west-1:111122223333:topic"})", true},
    {"COND ARN: ArnEquals also accepts wildcards", "ArnEquals", "aws:SourceArn", R"("arn:aws:sns:*:111122223333:*")", R"({"aws:SourceArn":"arn:aws:sns:eu-west-1:111122223333:t"})", true},
    {"COND ARN: each of six segments is matched separately", "ArnLike", "aws:SourceArn", R"("arn:aws:s3:::*")", R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"})", false},
    {"COND ARN: wildcard does not cross a segment", "ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::*")", R"({"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"})", false},
    {"COND ARN: resource segment wildcard", "ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::111122223333:role/app-*")", R"({"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app-web"})", true},
    {"COND ARN: case-sensitive", "ArnLike", "aws:PrincipalArn", R"("arn:aws:iam::111122223333:role/App-*")", R"({"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app-web"})", false},
    {"COND ARN: ArnNotEquals", "ArnNotEquals", "aws:SourceArn", R"("arn:aws:sns:us-east-1:111122223333:topic")", R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:other"})", true},
    {"COND ARN: ArnNotLike matching", "ArnNotLike", "aws:SourceArn", R"("arn:aws:sns:*:*:*")", R"({"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"})", false},
    {"COND ARN: non-ARN context value never matches", "ArnLike", "aws:SourceArn", R"("*")", R"({"aws:SourceArn":"not-an-arn"})", false},
    {"COND ARN: resource part may contain colons", "ArnLike", "aws:SourceArn", R"("arn:aws:logs:us-east-1:111122223333:log-group:*")", R"({"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:/app:*"})", true},
    // --- Null (COND: Condition operator to check existence of condition keys) ---
    {"COND Null: true when key absent", "Null", "aws:TokenIssueTime", R"("true")", R"({})", true},
    {"COND Null: true when key present is false", "Null", "aws:TokenIssueTime", R"("true")", R"({"aws:TokenIssueTime":"2024-01-01T00:00:00Z"})", false},
    {"COND Null: false when key present", "Null", "aws:TokenIssueTime", R"("false")", R"({"aws:TokenIssueTime":"2024-01-01T00:00:00Z"})", true},
    {"COND Null: false when key absent", "Null", "aws:TokenIssueTime", R"("false")", R"({})", false},
    {"COND Null: JSON boolean value", "Null", "aws:RequestTag/team", R"(true)", R"({})", true},
    // --- Missing keys (CE: "If the key ... is not present ... the condition evaluates to false") ---
    {"CE missing key: positive string operator is false", "StringEquals", "aws:PrincipalTag/team", R"("blue")", R"({})", false},
    {"CE missing key: negated string operator is true", "StringNotEquals", "aws:PrincipalTag/team", R"("blue")", R"({})", true},
    {"CE missing key: StringLike false", "StringLike", "s3:prefix", R"("*")", R"({})", false},
    {"CE missing key: StringNotLike true", "StringNotLike", "s3:prefix", R"("home/*")", R"({})", true},
    {"CE missing key: NumericLessThan false", "NumericLessThan", "s3:max-keys", R"("10")", R"({})", false},
    {"CE missing key: NumericNotEquals true", "NumericNotEquals", "s3:max-keys", R"("10")", R"({})", true},
    {"CE missing key: DateLessThan false", "DateLessThan", "aws:CurrentTime", R"("2030-01-01")", R"({})", false},
    {"CE missing key: IpAddress false", "IpAddress", "aws:SourceIp", R"("0.0.0.0/0")", R"({})", false},
    {"CE missing key: NotIpAddress true", "NotIpAddress", "aws:SourceIp", R"("10.0.0.0/8")", R"({})", true},
    {"CE missing key: ArnLike false", "ArnLike", "aws:SourceArn", R"("*")", R"({})", false},
    {"CE missing key: ArnNotLike true", "ArnNotLike", "aws:SourceArn", R"("arn:aws:s3:::x")", R"({})", true},
    // --- IfExists (COND: ...IfExists condition operators) ---
    {"COND IfExists: missing key makes the condition true", "StringEqualsIfExists", "ec2:InstanceType", R"("t3.micro")", R"({})", true},
    {"COND IfExists: present key is evaluated", "StringEqualsIfExists", "ec2:InstanceType", R"("t3.micro")", R"({"ec2:InstanceType":"m5.large"})", false},
    {"COND IfExists: present and equal", "StringEqualsIfExists", "ec2:InstanceType", R"("t3.micro")", R"({"ec2:InstanceType":"t3.micro"})", true},
    {"COND IfExists: StringLikeIfExists", "StringLikeIfExists", "ec2:InstanceType", R"("t3.*")", R"({"ec2:InstanceType":"t3.nano"})", true},
    {"COND IfExists: NumericLessThanIfExists missing", "NumericLessThanIfExists", "s3:max-keys", R"("10")", R"({})", true},
    {"COND IfExists: IpAddressIfExists missing", "IpAddressIfExists", "aws:SourceIp", R"("10.0.0.0/8")", R"({})", true},
    {"COND IfExists: IpAddressIfExists present outside", "IpAddressIfExists", "aws:SourceIp", R"("10.0.0.0/8")", R"({"aws:SourceIp":"192.0.2.1"})", false},
    {"COND IfExists: ArnLikeIfExists missing", "ArnLikeIfExists", "aws:SourceArn", R"("arn:aws:s3:::b")", R"({})", true},
    {"COND IfExists: DateGreaterThanIfExists present", "DateGreaterThanIfExists", "aws:CurrentTime", R"("2020-01-01")", R"({"aws:CurrentTime":"2024-01-01T00:00:00Z"})", true},
    {"COND IfExists: StringNotEqualsIfExists missing", "StringNotEqualsIfExists", "aws:RequestedRegion", R"("us-east-1")", R"({})", true},
    // --- Key names are case-insensitive (CE: "Condition key names are not case-sensitive") ---
    {"CE key names are case-insensitive (lower in policy)", "StringEquals", "aws:sourceip", R"("203.0.113.5")", R"({"aws:SourceIp":"203.0.113.5"})", true},
    {"CE key names are case-insensitive (upper in context)", "StringEquals", "aws:PrincipalTag/Team", R"("blue")", R"({"AWS:PRINCIPALTAG/TEAM":"blue"})", true},
    {"CE key values stay case-sensitive", "StringEquals", "aws:PrincipalTag/team", R"("Blue")", R"({"aws:PrincipalTag/team":"blue"})", false},
    // --- Set operators (MV: ForAllValues / ForAnyValue) ---
    {"MV ForAnyValue: one value in the set", "ForAnyValue:StringEquals", "aws:TagKeys", R"(["env","team"])", R"({"aws:TagKeys":["team","cost"]})", true},
    {"MV ForAnyValue: no value in the set", "ForAnyValue:StringEquals", "aws:TagKeys", R"(["env","team"])", R"({"aws:TagKeys":["cost","owner"]})", false},
    {"MV ForAnyValue: missing key is false", "ForAnyValue:StringEquals", "aws:TagKeys", R"(["env"])", R"({})", false},
    {"MV ForAnyValue: empty set is false", "ForAnyValue:StringEquals", "aws:TagKeys", R"(["env"])", R"({"aws:TagKeys":[]})", false},
    {"MV ForAllValues: every value in the set", "ForAllValues:StringEquals", "aws:TagKeys", R"(["env","team"])", R"({"aws:TagKeys":["team","env"]})", true},
    {"MV ForAllValues: one value outside the set", "ForAllValues:StringEquals", "aws:TagKeys", R"(["env","team"])", R"({"aws:TagKeys":["team","cost"]})", false},
    {"MV ForAllValues: missing key is true", "ForAllValues:StringEquals", "aws:TagKeys", R"(["env"])", R"({})", true},
    {"MV ForAllValues: empty set is true", "ForAllValues:StringEquals", "aws:TagKeys", R"(["env"])", R"({"aws:TagKeys":[]})", true},
    {"MV ForAllValues with StringLike", "ForAllValues:StringLike", "aws:TagKeys", R"(["app-*"])", R"({"aws:TagKeys":["app-a","app-b"]})", true},
    {"MV ForAllValues with StringLike one outside", "ForAllValues:StringLike", "aws:TagKeys", R"(["app-*"])", R"({"aws:TagKeys":["app-a","db-b"]})", false},
    {"MV ForAnyValue with StringLike", "ForAnyValue:StringLike", "aws:TagKeys", R"(["app-*"])", R"({"aws:TagKeys":["db","app-x"]})", true},
    {"MV ForAllValues:StringNotEquals: no value in the set", "ForAllValues:StringNotEquals", "aws:TagKeys", R"(["secret"])", R"({"aws:TagKeys":["a","b"]})", true},
    {"MV ForAllValues:StringNotEquals: one value in the set", "ForAllValues:StringNotEquals", "aws:TagKeys", R"(["secret"])", R"({"aws:TagKeys":["a","secret"]})", false},
    {"MV ForAnyValue:StringNotEquals: some value outside", "ForAnyValue:StringNotEquals", "aws:TagKeys", R"(["secret"])", R"({"aws:TagKeys":["a","secret"]})", true},
    {"MV ForAnyValue:StringNotEquals: all values inside", "ForAnyValue:StringNotEquals", "aws:TagKeys", R"(["secret"])", R"({"aws:TagKeys":["secret"]})", false},
    {"MV ForAllValues is case-sensitive for values", "ForAllValues:StringEquals", "aws:TagKeys", R"(["env"])", R"({"aws:TagKeys":["ENV"]})", false},
    {"MV ForAllValues:StringEqualsIgnoreCase", "ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", R"(["env"])", R"({"aws:TagKeys":["ENV"]})", true},
    {"MV ForAnyValue:IpAddress", "ForAnyValue:IpAddress", "custom:ips", R"(["10.0.0.0/8"])", R"({"custom:ips":["192.0.2.1","10.9.9.9"]})", true},
    {"MV ForAllValues:NumericLessThan", "ForAllValues:NumericLessThan", "custom:sizes", R"("100")", R"({"custom:sizes":["1","99"]})", true},
    {"MV ForAllValues:NumericLessThan one too big", "ForAllValues:NumericLessThan", "custom:sizes", R"("100")", R"({"custom:sizes":["1","100"]})", false},
    {"MV ForAnyValue:ArnLike over org paths", "ForAnyValue:StringLike", "aws:PrincipalOrgPaths", R"("o-abc/r-ab12/ou-ab12-11111111/*")", R"({"aws:PrincipalOrgPaths":["o-abc/r-ab12/ou-ab12-11111111/ou-x/"]})", true},
    {"MV single-valued operator on a multivalued key matches any value", "StringEquals", "aws:CalledVia", R"("cloudformation.amazonaws.com")", R"({"aws:CalledVia":["athena.amazonaws.com","cloudformation.amazonaws.com"]})", true},
    {"MV ForAllValues with IfExists on a missing key", "ForAllValues:StringEqualsIfExists", "aws:TagKeys", R"(["a"])", R"({})", true},
    // --- Variables in condition values (VAR: "Where you can use policy variables") ---
    {"VAR in StringEquals value", "StringEquals", "s3:prefix", R"("home/${aws:username}")", R"({"s3:prefix":"home/alice","aws:username":"alice"})", true},
    {"VAR in StringLike value", "StringLike", "s3:prefix", R"("home/${aws:username}/*")", R"({"s3:prefix":"home/alice/x","aws:username":"alice"})", true},
    {"VAR other user's prefix", "StringLike", "s3:prefix", R"("home/${aws:username}/*")", R"({"s3:prefix":"home/bob/x","aws:username":"alice"})", false},
    {"VAR principal tag in condition", "StringEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team}")", R"({"aws:ResourceTag/team":"blue","aws:PrincipalTag/team":"blue"})", true},
    {"VAR principal tag mismatch", "StringEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team}")", R"({"aws:ResourceTag/team":"red","aws:PrincipalTag/team":"blue"})", false},
    {"VAR no value: positive operator fails", "StringEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team}")", R"({"aws:ResourceTag/team":""})", false},
    {"VAR no value: negated operator matches", "StringNotEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team}")", R"({"aws:ResourceTag/team":"red"})", true},
    {"VAR default value when missing", "StringEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team, 'none'}")", R"({"aws:ResourceTag/team":"none"})", true},
    {"VAR default unused when present", "StringEquals", "aws:ResourceTag/team", R"("${aws:PrincipalTag/team, 'none'}")", R"({"aws:ResourceTag/team":"none","aws:PrincipalTag/team":"blue"})", false},
    {"VAR ${*} is a literal asterisk", "StringEquals", "s3:prefix", R"("a${*}b")", R"({"s3:prefix":"a*b"})", true},
    {"VAR ${*} is not a wildcard in StringLike", "StringLike", "s3:prefix", R"("a${*}")", R"({"s3:prefix":"abc"})", false},
    {"VAR ${?} is a literal question mark", "StringEquals", "s3:prefix", R"("what${?}")", R"({"s3:prefix":"what?"})", true},
    {"VAR ${$} is a literal dollar", "StringEquals", "s3:prefix", R"("${$}{x}")", R"({"s3:prefix":"${x}"})", true},
    {"VAR value's own * is literal in StringLike", "StringLike", "s3:prefix", R"("${aws:PrincipalTag/p}")", R"({"s3:prefix":"abc","aws:PrincipalTag/p":"a*"})", false},
    {"VAR variable names are case-insensitive", "StringEquals", "s3:prefix", R"("${AWS:USERNAME}")", R"({"s3:prefix":"alice","aws:username":"alice"})", true},
    {"VAR service key as variable", "StringEquals", "aws:ResourceTag/prefix", R"("${s3:prefix}")", R"({"aws:ResourceTag/prefix":"docs","s3:prefix":"docs"})", true},
    {"VAR in ArnLike value", "ArnLike", "aws:SourceArn", R"("arn:aws:iam::*:user/${aws:username}")", R"({"aws:SourceArn":"arn:aws:iam::111122223333:user/alice","aws:username":"alice"})", true},
    {"VAR multivalued key cannot be a variable", "StringEquals", "s3:prefix", R"("${aws:TagKeys}")", R"({"s3:prefix":"a","aws:TagKeys":["a","b"]})", false},
};

void PrintTo(const CondCase& c, std::ostream* os) { *os << c.doc; }

class ConditionConformance : public ::testing::TestWithParam<CondCase> {};

TEST_P(ConditionConformance, StatementAppliesAsDocumented) {
  const CondCase& c = GetParam();
  std::string policy = policy_test::policy1(std::string(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{")") +
                                            c.op + R"(":{")" + c.key + R"(":)" + c.values + "}}");
  std::string req = std::string(R"({"principal":"arn:aws:iam::111122223333:user/tester","action":"s3:GetObject",)"
                                R"("resource":"arn:aws:s3:::b/k","context":)") +
                    c.context + R"(,"identityPolicies":[)" + policy + "]}";
  auto o = policy_test::run(req);
  ASSERT_NE(o.decision, "ERROR") << o.error << "\n" << req;
  EXPECT_EQ(o.decision, c.applies ? "Allowed" : "ImplicitlyDenied") << c.doc << "\n" << req;
}

INSTANTIATE_TEST_SUITE_P(Table, ConditionConformance, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<CondCase>& info) {
                           return "case" + std::to_string(info.index);
                         });

// Several keys in one operator are ANDed; several operators in one Condition are ANDed.
TEST(ConditionLogic, KeysAndOperatorsAreAnded) {
  // Doc: CE "Evaluation logic for conditions with multiple context keys or values".
  const std::string pol = policy_test::policy1(
      R"("Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice","aws:PrincipalTag/team":"blue"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})");
  auto req = [&](const std::string& ctx) {
    return std::string(R"({"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*","context":)") +
           ctx + R"(,"identityPolicies":[)" + pol + "]}";
  };
  EXPECT_EQ(policy_test::run(req(R"({"aws:PrincipalTag/team":"blue","aws:SourceIp":"10.1.1.1"})")).decision, "Allowed");
  EXPECT_EQ(policy_test::run(req(R"({"aws:PrincipalTag/team":"red","aws:SourceIp":"10.1.1.1"})")).decision, "ImplicitlyDenied");
  EXPECT_EQ(policy_test::run(req(R"({"aws:PrincipalTag/team":"blue","aws:SourceIp":"192.0.2.1"})")).decision, "ImplicitlyDenied");
}

}  // namespace
