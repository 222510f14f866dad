// ListObjectsV2 paging for S3Store, with a check that keys really come back sorted
// (a merge-join downstream depends on it).
#include "store/s3/s3_store.h"
#include "store/s3/s3_xml.h"

namespace dth::s3 {
namespace {

class S3Lister : public ObjectLister {
 public:
  S3Lister(const S3Client& client, ListOptions options) : client_(client), options_(std::move(options)) {}

  Result<bool> Next(ListPage* page) override {
    page->objects.clear();
    page->common_prefixes.clear();
    // Some servers answer empty pages with a continuation token: keep going.
    while (!done_ && page->objects.empty() && page->common_prefixes.empty()) {
      DTH_RETURN_IF_ERROR(FetchPage(page));
    }
    return !page->objects.empty() || !page->common_prefixes.empty();
  }

 private:
  Status FetchPage(ListPage* page) {
    S3Request r{"ListObjectsV2", "GET"};
    r.query = {{"list-type", "2"}, {"encoding-type", "url"},
               {"max-keys", std::to_string(options_.page_size)}};
    if (!options_.prefix.empty()) r.query.emplace_back("prefix", options_.prefix);
    if (!options_.delimiter.empty()) r.query.emplace_back("delimiter", options_.delimiter);
    if (!token_.empty()) {
      r.query.emplace_back("continuation-token", token_);
    } else if (!options_.start_after.empty()) {
      r.query.emplace_back("start-after", options_.start_after);
    }
    DTH_ASSIGN_OR_RETURN(HttpResponse resp, client_.Execute(r));
    DTH_ASSIGN_OR_RETURN(ListObjectsResult result, ParseListObjectsV2(resp.body));
    for (const auto& o : result.objects) {
      if (!last_key_.empty() && o.key <= last_key_)
        return Corruption("ListObjectsV2 " + client_.Describe() + ": the server returned keys out of order ('" +
                          o.key + "' after '" + last_key_ + "')");
      last_key_ = o.key;
    }
    page->objects = std::move(result.objects);
    // Some servers (s3rver) repeat common prefixes on every page: pass each on once.
    for (auto& p : result.common_prefixes) {
      if (!last_prefix_.empty() && p <= last_prefix_) continue;
      last_prefix_ = p;
      page->common_prefixes.push_back(std::move(p));
    }
    if (result.truncated) {
      if (result.next_continuation_token == token_)
        return Corruption("ListObjectsV2 " + client_.Describe() + ": continuation token did not advance");
      token_ = result.next_continuation_token;
    } else {
      done_ = true;
    }
    return Status::Ok();
  }

  const S3Client& client_;
  ListOptions options_;
  std::string token_;
  std::string last_key_;
  std::string last_prefix_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ObjectLister> S3Store::List(const ListOptions& options) {
  return std::make_unique<S3Lister>(client_, options);
}

}  // namespace dth::s3
