#pragma once

#include <string>
#include <string_view>

namespace tako::sys {

// SHA-256 of `data` as 64 lowercase hex digits (OpenSSL EVP, libcrypto).
std::string sha256_hex(std::string_view data);

// SHA-1 of `data` as 40 lowercase hex digits: git's object names (checking that a copied file
// is the blob a git index names), never for security.
std::string sha1_hex(std::string_view data);

}  // namespace tako::sys
