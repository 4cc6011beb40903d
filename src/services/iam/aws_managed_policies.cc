// The AWS managed policies every account sees, under arn:aws:iam::aws:policy/. Names, paths,
// descriptions, creation dates, default version numbers and documents follow AWS's managed policy
// reference. ReadOnlyAccess and SecurityAudit are trimmed to the services Citadel serves (AWS's own
// documents list several hundred services). Policy ids are derived from the policy name, not AWS's.
#include <array>
#include <string>

#include "base/crypto.h"
#include "services/iam/iam_schema.h"

namespace citadel::services::iam {

namespace {

struct AwsManagedPolicy {
  const char* name;
  const char* description;
  int version;         // the default version's number (the only one stored)
  int64_t created_ms;  // AWS's creation time
  int64_t updated_ms;  // when that version was made (the policy's UpdateDate)
  const char* document;
};

constexpr int64_t k2015_02_06 = 1423180800000;  // February 06, 2015, 00:00 UTC (the first managed policies)

const AwsManagedPolicy kPolicies[] = {
    {"AdministratorAccess", "Provides full access to AWS services and resources.", 1, k2015_02_06 + 67186000, k2015_02_06 + 67186000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
})"},
    {"PowerUserAccess", "Provides full access to AWS services and resources, but does not allow management of Users and groups.", 12,
     k2015_02_06 + 67140000, 1770919140000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "NotAction": ["iam:*", "organizations:*", "account:*"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "account:GetAccountInformation",
        "account:GetGovCloudAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeEffectivePolicy",
        "organizations:DescribeOrganization"
      ],
      "Resource": "*"
    }
  ]
})"},
    // Trimmed to the services Citadel serves.
    {"ReadOnlyAccess", "Provides read-only access to AWS services and resources.", 1, k2015_02_06 + 67200000, k2015_02_06 + 67200000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOnlyActions",
      "Effect": "Allow",
      "Action": [
        "artifact:Get*", "artifact:List*",
        "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:List*", "cloudtrail:LookupEvents",
        "cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*",
        "ec2:Describe*", "ec2:Get*",
        "guardduty:Describe*", "guardduty:Get*", "guardduty:List*",
        "iam:Generate*", "iam:Get*", "iam:List*", "iam:Simulate*",
        "inspector2:BatchGet*", "inspector2:Describe*", "inspector2:Get*", "inspector2:List*", "inspector2:Search*",
        "kms:Describe*", "kms:Get*", "kms:List*",
        "logs:Describe*", "logs:FilterLogEvents", "logs:Get*", "logs:List*", "logs:StartQuery", "logs:StopQuery", "logs:TestMetricFilter",
        "macie2:BatchGet*", "macie2:Describe*", "macie2:Get*", "macie2:List*", "macie2:Search*",
        "organizations:Describe*", "organizations:List*",
        "s3:Get*", "s3:List*",
        "shield:Describe*", "shield:Get*", "shield:List*",
        "sts:GetAccessKeyInfo", "sts:GetCallerIdentity", "sts:GetSessionToken",
        "support:Describe*",
        "trustedadvisor:Describe*", "trustedadvisor:Get*", "trustedadvisor:List*",
        "wafv2:Check*", "wafv2:Describe*", "wafv2:Get*", "wafv2:List*",
        "xray:BatchGet*", "xray:Get*", "xray:List*"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"IAMFullAccess", "Provides full access to IAM via the AWS Management Console.", 2, k2015_02_06 + 67200000, k2015_02_06 + 67200000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:*",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListChildren",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"IAMReadOnlyAccess", "Provides read only access to IAM via the AWS Management Console.", 4, k2015_02_06 + 67200000, 1516907460000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "iam:GenerateCredentialReport",
        "iam:GenerateServiceLastAccessedDetails",
        "iam:Get*",
        "iam:List*",
        "iam:SimulateCustomPolicy",
        "iam:SimulatePrincipalPolicy"
      ],
      "Resource": "*"
    }
  ]
})"},
    // Trimmed to the services Citadel serves.
    {"SecurityAudit", "The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.", 1,
     k2015_02_06 + 67200000, k2015_02_06 + 67200000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "artifact:GetReport*", "artifact:ListReports",
        "cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags", "cloudtrail:ListTrails", "cloudtrail:LookupEvents",
        "cloudwatch:Describe*", "cloudwatch:ListMetrics", "cloudwatch:ListTagsForResource",
        "ec2:Describe*", "ec2:GetEbsEncryptionByDefault",
        "guardduty:Get*", "guardduty:List*",
        "iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*", "iam:List*",
        "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy",
        "inspector2:BatchGet*", "inspector2:Describe*", "inspector2:Get*", "inspector2:List*",
        "kms:Describe*", "kms:Get*", "kms:List*",
        "logs:Describe*", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
        "macie2:Describe*", "macie2:GetAdministratorAccount", "macie2:GetMacieSession", "macie2:List*",
        "organizations:Describe*", "organizations:List*",
        "s3:GetAccelerateConfiguration", "s3:GetAccessPoint", "s3:GetAccountPublicAccessBlock", "s3:GetBucket*",
        "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration",
        "s3:ListAllMyBuckets", "s3:ListBucket",
        "shield:Describe*", "shield:Get*", "shield:List*",
        "sts:GetCallerIdentity",
        "support:Describe*",
        "trustedadvisor:Describe*",
        "wafv2:Describe*", "wafv2:Get*", "wafv2:List*",
        "xray:GetEncryptionConfig"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"AWSCloudTrail_FullAccess", "Provides full access to AWS CloudTrail.", 3, 1602200460000, 1614020460000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["sns:AddPermission", "sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes"],
      "Resource": ["arn:aws:sns:*:*:aws-cloudtrail-logs*"]
    },
    {
      "Effect": "Allow",
      "Action": ["sns:ListTopics"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock"],
      "Resource": ["arn:aws:s3:::aws-cloudtrail-logs*"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "cloudtrail:*",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["logs:CreateLogGroup"],
      "Resource": ["arn:aws:logs:*:*:log-group:aws-cloudtrail-logs*"]
    },
    {
      "Effect": "Allow",
      "Action": ["iam:ListRoles", "iam:GetRolePolicy", "iam:GetUser"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["iam:PassRole"],
      "Resource": "*",
      "Condition": {"StringEquals": {"iam:PassedToService": "cloudtrail.amazonaws.com"}}
    },
    {
      "Effect": "Allow",
      "Action": ["kms:CreateKey", "kms:CreateAlias", "kms:ListKeys", "kms:ListAliases"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["lambda:ListFunctions"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["dynamodb:ListGlobalTables", "dynamodb:ListTables"],
      "Resource": "*"
    }
  ]
})"},
    {"AWSCloudTrail_ReadOnlyAccess", "Provides read only access to AWS CloudTrail.", 1, 1655227140000, 1655227140000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["cloudtrail:Get*", "cloudtrail:Describe*", "cloudtrail:List*", "cloudtrail:LookupEvents"],
      "Resource": "*"
    }
  ]
})"},
    {"CloudWatchFullAccess", "Provides full access to CloudWatch.", 4, k2015_02_06 + 67200000, 1669555429000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": [
        "autoscaling:Describe*",
        "cloudwatch:*",
        "logs:*",
        "sns:*",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:GetRole",
        "oam:ListSinks"
      ],
      "Effect": "Allow",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/events.amazonaws.com/AWSServiceRoleForCloudWatchEvents*",
      "Condition": {"StringLike": {"iam:AWSServiceName": "events.amazonaws.com"}}
    },
    {
      "Effect": "Allow",
      "Action": ["oam:ListAttachedLinks"],
      "Resource": "arn:aws:oam:*:*:sink/*"
    }
  ]
})"},
    {"CloudWatchReadOnlyAccess", "Provides read only access to CloudWatch.", 10, k2015_02_06 + 67200000, 1732211460000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudWatchReadOnlyAccessPermissions",
      "Effect": "Allow",
      "Action": [
        "application-autoscaling:DescribeScalingPolicies",
        "application-signals:BatchGet*",
        "application-signals:Get*",
        "application-signals:List*",
        "autoscaling:Describe*",
        "cloudwatch:BatchGet*",
        "cloudwatch:Describe*",
        "cloudwatch:GenerateQuery",
        "cloudwatch:Get*",
        "cloudwatch:List*",
        "logs:Get*",
        "logs:List*",
        "logs:StartQuery",
        "logs:StopQuery",
        "logs:Describe*",
        "logs:TestMetricFilter",
        "logs:FilterLogEvents",
        "logs:StartLiveTail",
        "logs:StopLiveTail",
        "oam:ListSinks",
        "sns:Get*",
        "sns:List*",
        "rum:BatchGet*",
        "rum:Get*",
        "rum:List*",
        "synthetics:Describe*",
        "synthetics:Get*",
        "synthetics:List*",
        "xray:BatchGet*",
        "xray:Get*",
        "xray:List*",
        "xray:StartTraceRetrieval",
        "xray:CancelTraceRetrieval"
      ],
      "Resource": "*"
    },
    {
      "Sid": "OAMReadPermissions",
      "Effect": "Allow",
      "Action": ["oam:ListAttachedLinks"],
      "Resource": "arn:aws:oam:*:*:sink/*"
    },
    {
      "Sid": "CloudWatchReadOnlyGetRolePermissions",
      "Effect": "Allow",
      "Action": "iam:GetRole",
      "Resource": "arn:aws:iam::*:role/aws-service-role/application-signals.cloudwatch.amazonaws.com/AWSServiceRoleForCloudWatchApplicationSignals"
    }
  ]
})"},
    {"AWSKeyManagementServicePowerUser", "Provides access to AWS Key Management Service (KMS).", 2, k2015_02_06 + 67200000, 1488848111000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "kms:CreateAlias",
        "kms:CreateKey",
        "kms:DeleteAlias",
        "kms:Describe*",
        "kms:GenerateRandom",
        "kms:Get*",
        "kms:List*",
        "kms:TagResource",
        "kms:UntagResource",
        "iam:ListGroups",
        "iam:ListRoles",
        "iam:ListUsers"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"AWSOrganizationsFullAccess", "Provides full access to AWS Organizations.", 3, 1478699940000, 1660682556000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "organizations:*",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["account:PutAlternateContact", "account:DeleteAlternateContact", "account:GetAlternateContact"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "*",
      "Condition": {"StringEquals": {"iam:AWSServiceName": "organizations.amazonaws.com"}}
    }
  ]
})"},
    {"AWSOrganizationsReadOnlyAccess", "Provides read-only access to AWS Organizations.", 6, 1478699940000, 1717795936000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AWSOrganizationsReadOnly",
      "Effect": "Allow",
      "Action": ["organizations:Describe*", "organizations:List*"],
      "Resource": "*"
    },
    {
      "Sid": "AWSOrganizationsReadOnlyAccount",
      "Effect": "Allow",
      "Action": [
        "account:GetAlternateContact",
        "account:GetContactInformation",
        "account:ListRegions",
        "account:GetRegionOptStatus",
        "account:GetPrimaryEmail"
      ],
      "Resource": "*"
    }
  ]
})"},
    {"AmazonGuardDutyFullAccess", "Provides full access to use Amazon GuardDuty.", 5, 1511803980000, 1700175861000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AmazonGuardDutyFullAccessSid1",
      "Effect": "Allow",
      "Action": "guardduty:*",
      "Resource": "*"
    },
    {
      "Sid": "CreateServiceLinkedRoleSid1",
      "Effect": "Allow",
      "Action": "iam:CreateServiceLinkedRole",
      "Resource": "*",
      "Condition": {
        "StringLike": {
          "iam:AWSServiceName": ["guardduty.amazonaws.com", "malware-protection.guardduty.amazonaws.com"]
        }
      }
    },
    {
      "Sid": "ActionsForOrganizationsSid1",
      "Effect": "Allow",
      "Action": [
        "organizations:EnableAWSServiceAccess",
        "organizations:RegisterDelegatedAdministrator",
        "organizations:ListDelegatedAdministrators",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:ListAccounts"
      ],
      "Resource": "*"
    },
    {
      "Sid": "IamGetRoleSid1",
      "Effect": "Allow",
      "Action": "iam:GetRole",
      "Resource": "arn:aws:iam::*:role/*AWSServiceRoleForAmazonGuardDutyMalwareProtection"
    }
  ]
})"},
    {"AmazonGuardDutyReadOnlyAccess", "Provides read only access to Amazon GuardDuty resources", 4, 1511803980000, 1700176026000,
     R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["guardduty:Describe*", "guardduty:Get*", "guardduty:List*"],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": [
        "organizations:ListDelegatedAdministrators",
        "organizations:ListAWSServiceAccessForOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:ListAccounts"
      ],
      "Resource": "*"
    }
  ]
})"},
};

// "ANPA" and 17 characters of IAM's id alphabet, stable for a name.
std::string policy_id_for(const std::string& name) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  auto digest = crypto::sha256("citadel-aws-managed-policy:" + name);
  std::string id = "ANPA";
  for (size_t i = 0; i < 17; ++i) id.push_back(kAlphabet[digest[i] % 32]);
  return id;
}

std::string quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out.push_back(c);
  }
  return out + "'";
}

}  // namespace

// One migration whose id carries a hash of the set: when the set changes, the next start brings
// every database up to date (ids are stable, so attachments and boundaries keep their policies).
std::vector<store::Migration> aws_managed_policy_migrations() {
  std::string sql;
  for (const auto& p : kPolicies) {
    std::string name = p.name, id = policy_id_for(name), lc;
    for (char c : name) lc.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    std::string created = std::to_string(p.created_ms), updated = std::to_string(p.updated_ms), version = std::to_string(p.version);
    sql += "INSERT INTO iam_policies (policy_id, account_id, name_lc, policy_name, path, arn, description, default_version, "
           "next_version, created_ms, updated_ms) VALUES (" +
           quote(id) + ", 'aws', " + quote(lc) + ", " + quote(name) + ", '/', " + quote("arn:aws:iam::aws:policy/" + name) + ", " +
           quote(p.description) + ", " + version + ", " + std::to_string(p.version + 1) + ", " + created + ", " + updated +
           ") ON CONFLICT (policy_id) DO UPDATE SET description = excluded.description, default_version = excluded.default_version, "
           "next_version = excluded.next_version, created_ms = excluded.created_ms, updated_ms = excluded.updated_ms;\n";
    sql += "DELETE FROM iam_policy_versions WHERE policy_id = " + quote(id) + " AND version <> " + version + ";\n";
    sql += "INSERT INTO iam_policy_versions (policy_id, version, document, created_ms) VALUES (" + quote(id) + ", " + version + ", " +
           quote(p.document) + ", " + updated +
           ") ON CONFLICT (policy_id, version) DO UPDATE SET document = excluded.document, created_ms = excluded.created_ms;\n";
  }
  return {{"iam/aws_managed_policies@" + crypto::sha256_hex(sql).substr(0, 16), std::move(sql)}};
}

}  // namespace citadel::services::iam
