#include "services/cloudtrail/cloudtrail_service.h"
#include "services/cloudwatch/cloudwatch_service.h"
#include "services/ec2/ec2_service.h"
#include "services/iam/iam_service.h"
#include "services/kms/kms_service.h"
#include "services/logs/logs_service.h"
#include "services/organizations/organizations_service.h"
#include "services/s3/account_public_access.h"
#include "services/s3/s3_service.h"
#include "services/service.h"
#include "services/sns/sns_service.h"
#include "services/sts/sts_service.h"

namespace citadel::services {

Registry make_registry() {
  Registry r;
  r.add(std::make_unique<iam::IamService>());
  r.add(std::make_unique<sts::StsService>());
  r.add(std::make_unique<cloudtrail::CloudTrailService>());
  r.add(std::make_unique<organizations::OrganizationsService>());
  r.add(std::make_unique<kms::KmsService>());
  r.add(std::make_unique<s3::S3Service>());
  r.add(std::make_unique<s3::S3ControlService>());
  r.add(std::make_unique<ec2::Ec2Service>());
  r.add(std::make_unique<logs::LogsService>());
  r.add(std::make_unique<cloudwatch::CloudWatchService>());
  r.add(std::make_unique<sns::SnsService>());
  return r;
}

}  // namespace citadel::services
