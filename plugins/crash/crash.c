/* crash: dereferences a null pointer (SIGSEGV) when the event contains "crash"; otherwise answers
 * {"ok":true}. Exists to prove that an isolated worker's crash fails one invocation only. */
#include <sluice/handler.h>

#include <string.h>

uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

static int contains(sluice_bytes hay, const char* needle) {
  size_t n = strlen(needle), i;
  for (i = 0; i + n <= hay.size; ++i)
    if (memcmp(hay.data + i, needle, n) == 0) return 1;
  return 0;
}

void sluice_handler_invoke(void* state, const sluice_invocation* inv) {
  (void)state;
  if (contains(inv->event, "crash")) {
    volatile int* volatile target = NULL; /* volatile both ways: the write must happen */
    *target = 42;
  }
  inv->host->respond(inv->host_context, "{\"ok\":true}", 11);
}
