/* hang: sleeps forever when the event contains "hang", 300 ms when it contains "nap"; then (or
 * otherwise at once) answers with the time it had left, {"remaining_ms":N}. Exists to prove that
 * timeouts stop an isolated worker, and (it is not concurrent) that slow invocations of one
 * function run side by side in separate environments. */
#define _POSIX_C_SOURCE 200809L /* nanosleep under strict C99 */
#include <sluice/handler.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

static int contains(sluice_bytes hay, const char* needle) {
  size_t n = strlen(needle), i;
  for (i = 0; i + n <= hay.size; ++i)
    if (memcmp(hay.data + i, needle, n) == 0) return 1;
  return 0;
}

void sluice_handler_invoke(void* state, const sluice_invocation* inv) {
  char out[64];
  int n;
  (void)state;
  if (contains(inv->event, "hang")) {
    struct timespec ts;
    ts.tv_sec = 3600;
    ts.tv_nsec = 0;
    inv->host->log(inv->host_context, SLUICE_LOG_INFO, "going to sleep", 14);
    for (;;) nanosleep(&ts, NULL);
  }
  if (contains(inv->event, "nap")) {
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = 300L * 1000 * 1000;
    nanosleep(&ts, NULL);
  }
  n = snprintf(out, sizeof out, "{\"remaining_ms\":%lld}", (long long)inv->host->remaining_time_ms(inv->host_context));
  inv->host->respond(inv->host_context, out, (size_t)n);
}
