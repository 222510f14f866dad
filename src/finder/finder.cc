#include "finder/finder.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>

#include "finder/finder_plan.h"
#include "finder/key_filter.h"
#include "finder/merge_join.h"

namespace dth {

void FinderTotals::Add(const Decision& decision) {
  if (decision.source != nullptr) ++source_objects;
  if (decision.destination != nullptr) ++destination_objects;
  switch (decision.action) {
    case Action::kCopy:
      ++copy_objects;
      copy_bytes += decision.source->size;
      break;
    case Action::kSkip:
      ++skip_objects;
      if (decision.source != nullptr) skip_bytes += decision.source->size;
      break;
    case Action::kDelete:
      ++delete_objects;
      delete_bytes += decision.destination->size;
      break;
  }
  ++by_reason[static_cast<size_t>(decision.reason)];
}

void FinderTotals::Merge(const FinderTotals& other) {
  source_objects += other.source_objects;
  destination_objects += other.destination_objects;
  copy_objects += other.copy_objects;
  copy_bytes += other.copy_bytes;
  skip_objects += other.skip_objects;
  skip_bytes += other.skip_bytes;
  delete_objects += other.delete_objects;
  delete_bytes += other.delete_bytes;
  for (size_t i = 0; i < kReasonCount; ++i) by_reason[i] += other.by_reason[i];
}

namespace {

// State shared by the threads of one run.
class RunState {
 public:
  RunState(ObjectStore& source, const std::string& source_prefix, ObjectStore& destination,
           const std::string& destination_prefix, const FinderOptions& options,
           const DecisionSink& sink, std::vector<FinderUnit> units)
      : source_(source),
        source_prefix_(source_prefix),
        destination_(destination),
        destination_prefix_(destination_prefix),
        options_(options),
        sink_(sink),
        units_(std::move(units)),
        filter_(options.include, options.exclude) {
    decide_.skip_compare = options.skip_compare;
    decide_.newer = options.newer;
    decide_.checksum = options.checksum;
    decide_.delete_extra = options.delete_extra;
    decide_.compare_md5_without_record = options.compare_md5_without_record;
    decide_.filter = filter_.empty() ? nullptr : &filter_;
    decide_.recorded_etag = options.recorded_etag;
  }

  // Runs units until none is left or the run fails.
  void Work() {
    FinderTotals local;
    while (!stop_.load(std::memory_order_relaxed)) {
      size_t index = next_unit_.fetch_add(1);
      if (index >= units_.size()) break;
      Status status = RunUnit(units_[index], &local);
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        if (error_.ok()) error_ = std::move(status);
        stop_.store(true);
        break;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    totals_.Merge(local);
  }

  Result<FinderTotals> Finish() {
    if (!error_.ok()) return error_;
    return totals_;
  }

  size_t unit_count() const { return units_.size(); }

 private:
  Status RunUnit(const FinderUnit& unit, FinderTotals* totals) {
    KeyStreamOptions src;
    src.list_prefix = source_prefix_ + unit.prefix;
    src.strip_prefix = source_prefix_;
    if (!unit.recursive) src.delimiter.push_back('/');  // (a ?: of literals trips GCC 12's -Wrestrict)
    src.page_size = options_.page_size;
    if ((!unit.after.empty() || !unit.up_to.empty()) && options_.range_page_size > 0)
      src.page_size = std::min(options_.range_page_size, options_.page_size);
    src.stop_after = unit.up_to;
    KeyStreamOptions dst = src;
    dst.list_prefix = destination_prefix_ + unit.prefix;
    dst.strip_prefix = destination_prefix_;
    if (!unit.after.empty()) {
      src.start_after = source_prefix_ + unit.after;
      dst.start_after = destination_prefix_ + unit.after;
    }
    MergeJoin join(KeyStream::Open(source_, src, "source"),
                   KeyStream::Open(destination_, dst, "destination"));
    JoinedPair pair;
    while (!stop_.load(std::memory_order_relaxed)) {
      DTH_ASSIGN_OR_RETURN(bool more, join.Next(&pair));
      if (!more) return Status::Ok();
      if (unit.exact && pair.key() != unit.prefix) continue;
      Decision decision = Decide(pair, decide_);
      {
        std::lock_guard<std::mutex> lock(sink_mu_);
        DTH_RETURN_IF_ERROR(sink_(decision));
      }
      totals->Add(decision);
    }
    return Status::Ok();
  }

  ObjectStore& source_;
  const std::string& source_prefix_;
  ObjectStore& destination_;
  const std::string& destination_prefix_;
  const FinderOptions& options_;
  const DecisionSink& sink_;
  const std::vector<FinderUnit> units_;
  KeyFilter filter_;
  DecideOptions decide_;

  std::atomic<size_t> next_unit_{0};
  std::atomic<bool> stop_{false};
  std::mutex sink_mu_;
  std::mutex mu_;  // guards error_, totals_
  Status error_;
  FinderTotals totals_;
};

}  // namespace

Result<FinderTotals> Finder::Run(ObjectStore& source, const std::string& source_prefix,
                                 ObjectStore& destination, const std::string& destination_prefix,
                                 const FinderOptions& options, const DecisionSink& sink) {
  if (options.finder_number < 1) return InvalidArgument("finder_number must be >= 1");
  if (options.finder_depth < 0) return InvalidArgument("finder_depth must be >= 0");
  if (options.page_size < 1 || options.page_size > 1000) {
    return InvalidArgument("page_size must be within 1..1000");
  }
  if (!sink) return InvalidArgument("finder: no decision sink");
  std::vector<std::string> roots = NormalizePrefixList(options.prefix_list);
  std::vector<FinderUnit> units;
  if (!options.exact_keys.empty()) {
    std::vector<std::string> keys = options.exact_keys;
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::string& key : keys) units.push_back(FinderUnit{std::move(key), true, "", "", true});
  } else if (!options.split_keys.empty() && options.finder_depth == 0 &&
             options.prefix_list.empty()) {
    units = RangeUnits(options.split_keys);
  } else {
    DTH_ASSIGN_OR_RETURN(units, PlanUnits(source, source_prefix, destination, destination_prefix,
                                          roots, options.finder_depth, options.page_size));
  }
  RunState state(source, source_prefix, destination, destination_prefix, options, sink,
                 std::move(units));
  size_t threads = std::min<size_t>(static_cast<size_t>(options.finder_number),
                                    std::max<size_t>(state.unit_count(), 1));
  if (threads <= 1) {
    state.Work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (size_t i = 0; i < threads; ++i) pool.emplace_back([&state] { state.Work(); });
    for (std::thread& t : pool) t.join();
  }
  return state.Finish();
}

}  // namespace dth
