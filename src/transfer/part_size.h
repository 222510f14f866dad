// transfer/part_size: the one pure function that picks a multipart part size.
// Thread-safety: pure function.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace dth {

struct PartPlan {
  uint64_t part_size = 0;
  int part_count = 0;  // the last part may be smaller
};

// Starts from `preferred` (raised to min_part) and grows, in whole MiB, only as much as
// needed to keep the part count <= max_parts. An object that cannot fit (bigger than
// max_parts * max_part) is InvalidArgument. A zero-byte object is one empty part.
Result<PartPlan> PlanParts(uint64_t object_size, uint64_t preferred, uint64_t min_part,
                           uint64_t max_part, int max_parts);

}  // namespace dth
