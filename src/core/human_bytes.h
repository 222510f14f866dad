// core/human_bytes: a byte count as people read it ("1023 B", "1.5 KiB", "106.1 MiB"), for
// log lines and messages. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace dth {

// Below 1 KiB the exact count ("0 B", "1023 B"); above, one decimal in binary units.
std::string HumanBytes(int64_t bytes);

}  // namespace dth
