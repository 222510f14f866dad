#include "store/object_store.h"

namespace dth {

Result<std::vector<std::pair<std::string, Status>>> ObjectStore::DeleteMany(
    const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, Status>> failed;
  for (const auto& key : keys) {
    Status st = Delete(key);
    if (!st.ok()) failed.emplace_back(key, st);
  }
  return failed;
}

Result<std::string> ObjectStore::Copy(const CopySource&, const std::string&, const PutOptions&,
                                      bool) {
  return NotSupported(Describe() + ": server-side copy is not supported");
}

Result<std::unique_ptr<PositionalWrite>> ObjectStore::StartPositionalWrite(const std::string&,
                                                                          uint64_t,
                                                                          const PutOptions&) {
  return NotSupported(Describe() + ": writing an object in pieces is not supported");
}

Result<std::string> ObjectStore::UploadPartCopy(const std::string&, const std::string&, int,
                                                const CopySource&) {
  return NotSupported(Describe() + ": UploadPartCopy is not supported");
}

Result<ServerSideEncryption> ParseServerSideEncryption(const std::string& text) {
  if (text.empty()) return ServerSideEncryption::kNone;
  if (text == "AES256") return ServerSideEncryption::kAes256;
  if (text == "aws:kms") return ServerSideEncryption::kKms;
  return InvalidArgument("--sse must be AES256 or aws:kms, not '" + text + "'");
}

bool IsPlainMd5Etag(std::string_view etag) {
  if (etag.size() != 32) return false;
  for (char c : etag) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

bool EtagIsContentMd5(const StoreFeatures& features, const ObjectHead& head) {
  return features.etag_is_md5 && head.sse != ServerSideEncryption::kKms &&
         IsPlainMd5Etag(head.info.etag);
}

bool SameHexDigest(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool IsCleanRelativePath(std::string_view key) {
  size_t start = 0;
  for (;;) {
    size_t slash = key.find('/', start);
    std::string_view segment =
        key.substr(start, slash == std::string_view::npos ? key.npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Result<std::string> GetString(ObjectStore& store, const std::string& key,
                              const GetOptions& options) {
  StringSink sink;
  DTH_RETURN_IF_ERROR(store.Get(key, options, sink));
  return std::move(sink.str());
}

Result<std::string> PutString(ObjectStore& store, const std::string& key, std::string_view data,
                              const PutOptions& options) {
  StringViewSource source(data);
  return store.Put(key, source, options);
}

Result<std::vector<ObjectInfo>> ListAll(ObjectStore& store, const ListOptions& options) {
  auto lister = store.List(options);
  std::vector<ObjectInfo> all;
  ListPage page;
  for (;;) {
    DTH_ASSIGN_OR_RETURN(bool more, lister->Next(&page));
    if (!more) break;
    for (auto& o : page.objects) all.push_back(std::move(o));
  }
  return all;
}

}  // namespace dth
