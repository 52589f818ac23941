#include "tako/sys/sha256.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace tako::sys {

namespace {

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    throw std::runtime_error("digest computation failed (OpenSSL EVP)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  return digest_hex(EVP_sha256(), data);
}

std::string sha1_hex(std::string_view data) {
  return digest_hex(EVP_sha1(), data);
}

}  // namespace tako::sys
