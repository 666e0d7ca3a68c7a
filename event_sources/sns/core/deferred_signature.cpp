#include "deferred_signature.h"

#include <utility>

namespace sluice::sns::detail {

DeferredSignature::DeferredSignature(std::shared_ptr<const Signer> signer, std::string string_to_sign,
                                     std::string version, size_t offset)
    : signer_(std::move(signer)),
      version_(std::move(version)),
      offset_(offset),
      size_(signer_->signature_size()),
      string_to_sign_(std::move(string_to_sign)) {}

const std::string& DeferredSignature::text() {
  std::call_once(once_, [this] {
    std::string signature = signer_->sign(string_to_sign_, version_);
    if (signature.size() != size_) signature.assign(size_, '=');
    signature_ = std::move(signature);
    std::string().swap(string_to_sign_);  // the message text is no longer needed
  });
  return signature_;
}

}  // namespace sluice::sns::detail
