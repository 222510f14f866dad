#include "store/open_store.h"

#include "credentials/provider.h"
#include "providers/provider.h"
#include "store/local/local_store.h"
#include "store/s3/s3_store.h"

namespace dth {

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const std::string& bucket,
                                                 const ConnectionOptions& options,
                                                 std::shared_ptr<HttpClient> http,
                                                 const Environment& env) {
  std::string provider_name = options.provider;
  if (provider_name.empty()) provider_name = options.endpoint.empty() ? "aws" : "s3";
  DTH_ASSIGN_OR_RETURN(const ProviderProfile* provider, FindProvider(provider_name));

  std::string region = options.region;
  if (region.empty() && !options.credentials) {
    DTH_ASSIGN_OR_RETURN(region, ResolveRegion(options.profile, env));
  }
  if (region.empty()) region = provider->default_region.empty() ? "us-east-1" : provider->default_region;
  if (!IsValidRegion(region)) return InvalidArgument("invalid region '" + region + "'");
  DTH_ASSIGN_OR_RETURN(std::string endpoint, ResolveEndpoint(*provider, region, options.endpoint));

  Credentials credentials;
  if (options.credentials) {
    credentials = *options.credentials;
  } else {
    CredentialOptions cred_options;
    cred_options.profile = options.profile;
    cred_options.anonymous = options.anonymous;
    DTH_ASSIGN_OR_RETURN(credentials, ResolveCredentials(cred_options, env));
  }

  s3::S3Config config;
  config.endpoint = endpoint;
  config.region = region;
  config.bucket = bucket;
  config.credentials = std::move(credentials);
  config.requester_pays = options.requester_pays;
  config.retry = options.retry;
  config.retry_counter = options.retry_counter;
  config.payload_signing = options.sign_payload ? s3::PayloadSigning::kSigned : s3::PayloadSigning::kUnsigned;
  if (options.body_checksum == "md5") {
    config.body_checksum = s3::BodyChecksum::kMd5;
  } else if (options.body_checksum == "sha256") {
    config.body_checksum = s3::BodyChecksum::kSha256;
  } else if (options.body_checksum.empty()) {
    config.body_checksum = provider->checks_payload_sha256 ? s3::BodyChecksum::kSha256
                                                           : s3::BodyChecksum::kMd5;
  } else {
    return InvalidArgument("--body-checksum must be md5 or sha256, not '" + options.body_checksum + "'");
  }
  // A custom endpoint (RGW, MinIO, a test server) is addressed path-style unless the
  // provider only allows virtual-hosted requests.
  bool path_style = provider->addressing == Addressing::kPath ||
                    (!options.endpoint.empty() && !provider->virtual_hosted_only);
  if (options.addressing == "path") {
    if (provider->virtual_hosted_only)
      return InvalidArgument(provider->display + " accepts only virtual-hosted addressing");
    path_style = true;
  } else if (options.addressing == "virtual") {
    path_style = false;
  } else if (!options.addressing.empty()) {
    return InvalidArgument("--addressing must be 'path' or 'virtual', not '" + options.addressing + "'");
  }
  config.path_style = path_style;

  StoreFeatures features;
  features.max_parts = provider->max_parts;
  if (provider->min_part_size) features.min_part_size = provider->min_part_size;
  if (provider->max_part_size) features.max_part_size = provider->max_part_size;
  if (provider->max_put_size) features.max_put_size = provider->max_put_size;
  features.etag_is_md5 = provider->etag_is_md5;
  features.tagging = provider->supports_tagging;
  features.server_side_copy = provider->supports_server_side_copy;
  features.copy_source_if_match = provider->copy_source_if_match;
  features.tags_on_create_multipart = provider->tags_on_create_multipart;
  features.copy_keeps_tags = provider->copy_keeps_tags;
  features.copy_replace_keeps_tags = provider->copy_replace_keeps_tags;
  return std::unique_ptr<ObjectStore>(
      std::make_unique<s3::S3Store>(std::move(config), std::move(http), features));
}

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& root, bool create_root) {
  DTH_ASSIGN_OR_RETURN(auto store, LocalStore::Open(root, create_root));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

std::string StoreIdentity(const ObjectStore& store) {
  if (const auto* s3 = dynamic_cast<const s3::S3Store*>(&store)) {
    const auto& c = s3->client().config();
    return c.endpoint + "|" + (c.credentials.anonymous ? "" : c.credentials.access_key_id);
  }
  return store.Describe();
}

std::string StoreLocation(const ObjectStore& store) {
  if (const auto* s3 = dynamic_cast<const s3::S3Store*>(&store)) {
    const auto& c = s3->client().config();
    return c.endpoint + "|" + c.region + "|" + c.bucket;
  }
  return store.Describe();
}

}  // namespace dth
