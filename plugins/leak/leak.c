/* leak: when the event contains "leak", allocates and touches memory 1 MB at a time and never
 * frees it, without end; otherwise answers {"ok":true}. Exists to prove that MemorySize stops an
 * environment that grows past it, and only that environment. */
#include <sluice/handler.h>

#include <stdlib.h>
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
  if (contains(inv->event, "leak")) {
    inv->host->log(inv->host_context, SLUICE_LOG_INFO, "leaking", 7);
    for (;;) {
      char* chunk = malloc(1 << 20);
      if (!chunk) abort();
      memset(chunk, 1, 1 << 20); /* touched, so it is resident */
    }
  }
  inv->host->respond(inv->host_context, "{\"ok\":true}", 11);
}
