#pragma once
// The signature of one published text, computed off the publishing path. A publish to a standard
// topic sends its queue deliveries with a placeholder where the envelope's Signature goes (the
// signature's length is fixed by the key) and hands this object to the SQS engine with each of
// them (sqs::DeferredBodyPart); it also queues the computation on the signing lane. Whichever
// comes first computes the signature once: a worker of the lane, a receive of one of the
// deliveries (the engine fills the bytes in before any receiver sees the body), or a delivery
// that needs the text at once (an HTTP or Lambda subscription, a durable engine).
//
// The envelopes of all of one text's deliveries share everything before UnsubscribeURL, so the
// signature sits at the same offset in each of them and one object serves them all.

#include <memory>
#include <mutex>
#include <string>

#include "internal.h"
#include "sluice/sqs/engine.h"

namespace sluice::sns::detail {

class DeferredSignature final : public sqs::DeferredBodyPart {
 public:
  // `offset` is where the signature's text starts in the envelope (EnvelopeTemplate).
  DeferredSignature(std::shared_ptr<const Signer> signer, std::string string_to_sign, std::string version,
                    size_t offset);

  size_t offset() const override { return offset_; }
  size_t size() const override { return size_; }
  // The Base64 signature, exactly size() bytes (a failed signature keeps the placeholder's bytes,
  // which no subscriber will verify, rather than shifting the envelope).
  const std::string& text() override;

  // The placeholder a body carries until the signature is filled in.
  static std::string placeholder(const Signer& signer) { return std::string(signer.signature_size(), '='); }

 private:
  const std::shared_ptr<const Signer> signer_;
  const std::string version_;
  const size_t offset_;
  const size_t size_;
  std::once_flag once_;
  std::string string_to_sign_;  // read and released by the one computation (under once_)
  std::string signature_;       // written by the one computation; read-only after it
};

}  // namespace sluice::sns::detail
