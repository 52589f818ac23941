#pragma once

#include <string>
#include <string_view>

namespace tako::sys {

// SHA-256 of `data` as 64 lowercase hex digits (OpenSSL EVP, libcrypto).
std::string sha256_hex(std::string_view data);

}  // namespace tako::sys
