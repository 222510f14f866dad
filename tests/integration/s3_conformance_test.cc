// The shared store conformance suite against real S3 servers.
#include "integration/s3_servers.h"
#include "store/conformance/store_conformance.h"

namespace dth {
namespace {

using testing::MakeBucketStore;
using testing::S3Server;

INSTANTIATE_TEST_SUITE_P(
    S3, StoreConformance,
    ::testing::Values(StoreTarget{"rgw", [] { return std::unique_ptr<ObjectStore>(MakeBucketStore(S3Server::kRgw)); }},
                      StoreTarget{"s3rver", [] { return std::unique_ptr<ObjectStore>(MakeBucketStore(S3Server::kS3rver)); }}),
    StoreTargetName);

}  // namespace
}  // namespace dth
