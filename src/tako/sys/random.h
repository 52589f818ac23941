#pragma once

#include <cstddef>
#include <string>

namespace tako::sys {

// `bytes` random bytes from the kernel's random source, as 2*bytes lowercase hex digits.
std::string random_hex(std::size_t bytes);

}  // namespace tako::sys
