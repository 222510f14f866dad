#include "transfer/part_size.h"

#include <algorithm>
#include <string>

namespace dth {

Result<PartPlan> PlanParts(uint64_t object_size, uint64_t preferred, uint64_t min_part,
                           uint64_t max_part, int max_parts) {
  if (max_parts < 1 || min_part == 0 || max_part < min_part)
    return InvalidArgument("invalid multipart limits");
  constexpr uint64_t kMiB = 1ull << 20;
  uint64_t size = std::clamp(std::max<uint64_t>(preferred, 1), min_part, max_part);
  const uint64_t parts_max = static_cast<uint64_t>(max_parts);
  if (object_size > parts_max * max_part)
    return InvalidArgument("object of " + std::to_string(object_size) +
                           " bytes is larger than the store's multipart limit");
  if ((object_size + size - 1) / size > parts_max) {
    uint64_t needed = (object_size + parts_max - 1) / parts_max;
    size = std::min(max_part, (needed + kMiB - 1) / kMiB * kMiB);
  }
  PartPlan plan;
  plan.part_size = size;
  plan.part_count = object_size == 0 ? 1 : static_cast<int>((object_size + size - 1) / size);
  return plan;
}

}  // namespace dth
