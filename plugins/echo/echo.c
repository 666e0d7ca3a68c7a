/* echo: answers every event with the event itself, in plain C99.
 *
 * Shows the whole C lifecycle: init copies what it needs from the configuration (the
 * configuration's memory belongs to the host and is gone after init), invoke logs one line and
 * responds, shutdown frees the state. Declares itself concurrent: the state is read-only after
 * init. */
#include <sluice/handler.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct echo_state {
  char function_name[65];
  char greeting[128]; /* from the environment variable ECHO_GREETING, may be empty */
} echo_state;

uint32_t sluice_handler_abi_version(void) { return SLUICE_HANDLER_ABI_VERSION; }

uint32_t sluice_handler_flags(void) { return SLUICE_HANDLER_CONCURRENT; }

static void copy_bytes(char* out, size_t cap, sluice_bytes b) {
  size_t n = b.size < cap - 1 ? b.size : cap - 1;
  if (n) memcpy(out, b.data, n);
  out[n] = '\0';
}

int sluice_handler_init(const sluice_host* host, const sluice_function_config* config, void** state) {
  size_t i;
  echo_state* s = (echo_state*)calloc(1, sizeof *s);
  (void)host;
  if (!s) return 1;
  copy_bytes(s->function_name, sizeof s->function_name, config->function_name);
  for (i = 0; i < config->environment_count; ++i) {
    sluice_bytes key = config->environment[i].key;
    if (key.size == 13 && memcmp(key.data, "ECHO_GREETING", 13) == 0)
      copy_bytes(s->greeting, sizeof s->greeting, config->environment[i].value);
  }
  *state = s;
  return 0;
}

void sluice_handler_invoke(void* state, const sluice_invocation* inv) {
  const echo_state* s = (const echo_state*)state;
  char line[256];
  int n = snprintf(line, sizeof line, "%s %s: %.*s", s->greeting[0] ? s->greeting : "echo", s->function_name,
                   (int)inv->request_id.size, inv->request_id.data);
  if (n > 0)
    inv->host->log(inv->host_context, SLUICE_LOG_INFO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  {
    /* The ClientContext a caller passed to Invoke, when the host is new enough to carry it. */
    sluice_bytes client_context = sluice_invocation_client_context(inv);
    if (client_context.size) {
      n = snprintf(line, sizeof line, "client context: %.*s", (int)client_context.size, client_context.data);
      if (n > 0)
        inv->host->log(inv->host_context, SLUICE_LOG_INFO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
  }
  inv->host->respond(inv->host_context, inv->event.data, inv->event.size);
}

void sluice_handler_shutdown(void* state) { free(state); }
