// The no-op handler the event-source-mapping benchmarks invoke. It does nothing with the batch, so
// what is measured is the mapping, the plugin host and the queue around it.
//
// Built twice: with NOOP_FAST_PATH it also exports sluice_handler_invoke_sqs, so the host hands it
// the records as structs (no event JSON is built); without, the host builds the Lambda event JSON
// for every batch. Both may run concurrently (SLUICE_HANDLER_CONCURRENT).
//
// With the environment variable NOOP_REPORT_ENTRY=1 it answers {"entered_ns":N}, N being
// CLOCK_MONOTONIC at entry in nanoseconds, so the latency benchmark can see when the handler was
// entered without any channel other than the invocation's own answer.
#include <sluice/handler.h>

#include <time.h>

#include <cstdio>
#include <cstring>

namespace {

// A non-null state means "report the entry time"; the handler never dereferences it.
int report_entry_tag = 0;

void answer(void* state, const sluice_invocation* inv, int64_t entered_ns) {
  if (state == nullptr) return;  // success with the payload null
  char payload[64];
  int n = std::snprintf(payload, sizeof payload, "{\"entered_ns\":%lld}", static_cast<long long>(entered_ns));
  inv->host->respond(inv->host_context, payload, static_cast<size_t>(n));
}

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool is(sluice_bytes b, const char* text) {
  return b.size == std::strlen(text) && std::memcmp(b.data, text, b.size) == 0;
}

}  // namespace

extern "C" SLUICE_HANDLER_EXPORT uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

extern "C" SLUICE_HANDLER_EXPORT uint32_t sluice_handler_flags(void) { return SLUICE_HANDLER_CONCURRENT; }

extern "C" SLUICE_HANDLER_EXPORT int sluice_handler_init(const sluice_host*, const sluice_function_config* config,
                                                         void** state) {
  for (size_t i = 0; i < config->environment_count; ++i)
    if (is(config->environment[i].key, "NOOP_REPORT_ENTRY") && is(config->environment[i].value, "1"))
      *state = &report_entry_tag;
  return 0;
}

extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke(void* state, const sluice_invocation* inv) {
  answer(state, inv, state ? monotonic_ns() : 0);
}

#ifdef NOOP_FAST_PATH
extern "C" SLUICE_HANDLER_EXPORT void sluice_handler_invoke_sqs(void* state, const sluice_invocation* inv,
                                                                const sluice_sqs_record*, size_t) {
  answer(state, inv, state ? monotonic_ns() : 0);
}
#endif
