/*
 * sluice handler ABI, version 1 (frozen).
 *
 * A handler is a shared library that sluice loads with dlopen. It exports plain C symbols; nothing
 * C++ (types, exceptions, allocators) crosses the boundary, so a handler may be written in C, C++,
 * Rust, Zig or anything else that produces C symbols. Every string is a byte range
 * (sluice_bytes: pointer + size, not NUL-terminated). Neither side frees the other's memory:
 * whatever the host passes in stays the host's and is valid only during the call; whatever the
 * handler passes to a host service is copied before the service returns.
 *
 * Symbols
 *   required  uint32_t sluice_handler_abi_version(void)      must return SLUICE_HANDLER_ABI_VERSION
 *   required  void     sluice_handler_invoke(void* state, const sluice_invocation* inv)
 *   optional  int      sluice_handler_init(const sluice_host*, const sluice_function_config*,
 *                                          void** state)    0 = ready; anything else = init failed
 *   optional  void     sluice_handler_shutdown(void* state)
 *   optional  uint32_t sluice_handler_flags(void)           SLUICE_HANDLER_* bits
 *   optional  void     sluice_handler_invoke_sqs(void* state, const sluice_invocation* inv,
 *                                                const sluice_sqs_record* records, size_t count)
 *
 * Lifecycle
 *   1. load: the host checks sluice_handler_abi_version() first and refuses any other version.
 *   2. init: called once, on one thread, before any invocation. `*state` starts as NULL; what the
 *      handler stores there is passed back to every invoke and to shutdown.
 *   3. invoke: once per invocation. The event is the JSON AWS Lambda would deliver (an SQS event,
 *      an SNS event or a direct payload). The handler answers by calling inv->host->respond (a
 *      JSON payload) or inv->host->fail (an error type and message) at most once, before
 *      returning. Calling neither means success with the payload `null`. For SQS sources the
 *      payload may be the partial batch response
 *      {"batchItemFailures":[{"itemIdentifier":"<messageId>"}]}.
 *      If the handler exports sluice_handler_invoke_sqs and the event comes from an SQS queue,
 *      the host may call it instead of invoke: the records are C structs pointing into the host's
 *      buffers and inv->event may be empty. The answer is given the same way.
 *   4. shutdown: called once, after the last invocation has returned, before dlclose. After a
 *      hot reload the old copy is shut down when its last in-flight invocation finishes.
 *
 * Threading
 *   Without SLUICE_HANDLER_CONCURRENT the host never runs two invocations of one loaded copy at
 *   the same time (they may still run on different threads, one after the other). With it, invoke
 *   and invoke_sqs may run concurrently on several threads with the same state.
 *   The host services may be called only from the thread running the invocation, and only until
 *   invoke returns: the context pointer dies with the invocation. `log` with a NULL context is
 *   allowed at any time (it goes to the host's own log).
 *
 * Isolation
 *   The host may run the handler in a separate worker process. A crash, a hang past the
 *   function's timeout or a broken answer then fails only that invocation; the worker is
 *   replaced, so init may run more than once in the life of the host (once per worker).
 *
 * Extending
 *   sluice_host, sluice_function_config and sluice_invocation start with struct_size; later
 *   versions only append fields, so a handler can test `struct_size` to see whether a newer field
 *   exists. sluice_sqs_record and sluice_sqs_message_attribute are arrays and therefore fixed for
 *   ABI version 1.
 */
#ifndef SLUICE_HANDLER_H
#define SLUICE_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#define SLUICE_HANDLER_ABI_VERSION 1u

/* Bits returned by sluice_handler_flags(). */
#define SLUICE_HANDLER_CONCURRENT 0x1u /* invoke may run concurrently on several threads */

/* Return codes of the host services. */
#define SLUICE_OK 0
#define SLUICE_E_ALREADY_ANSWERED 1 /* respond/fail was already called for this invocation */
#define SLUICE_E_INVALID 2          /* bad argument (NULL context, unknown level, ...) */

#if defined(_WIN32)
#define SLUICE_HANDLER_EXPORT __declspec(dllexport)
#else
#define SLUICE_HANDLER_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A byte range owned by whoever passed it. Not NUL-terminated; data may be NULL when size is 0. */
typedef struct sluice_bytes {
  const char* data;
  size_t size;
} sluice_bytes;

typedef struct sluice_key_value {
  sluice_bytes key;
  sluice_bytes value;
} sluice_key_value;

typedef enum sluice_log_level {
  SLUICE_LOG_DEBUG = 0,
  SLUICE_LOG_INFO = 1,
  SLUICE_LOG_WARN = 2,
  SLUICE_LOG_ERROR = 3
} sluice_log_level;

/* Services the host offers. `ctx` is sluice_invocation.host_context. Every function copies its
 * arguments before returning and returns SLUICE_OK or a SLUICE_E_* code. */
typedef struct sluice_host {
  size_t struct_size;
  uint32_t abi_version;
  /* Success with a JSON payload (the bytes are taken as they are). */
  int (*respond)(void* ctx, const char* payload, size_t payload_size);
  /* Function error, reported as {"errorType":..., "errorMessage":...}. */
  int (*fail)(void* ctx, const char* error_type, size_t error_type_size, const char* error_message,
              size_t error_message_size);
  /* One log line (no trailing newline needed). level is a sluice_log_level. */
  int (*log)(void* ctx, int32_t level, const char* text, size_t text_size);
  /* Milliseconds left before the function's timeout; 0 once it has passed. */
  int64_t (*remaining_time_ms)(void* ctx);
} sluice_host;

/* The function's configuration, valid during sluice_handler_init only (copy what you keep). */
typedef struct sluice_function_config {
  size_t struct_size;
  sluice_bytes function_name;
  sluice_bytes function_arn;
  uint32_t memory_size_mb;
  uint32_t timeout_ms;
  const sluice_key_value* environment; /* the function's environment variables */
  size_t environment_count;
} sluice_function_config;

/* One invocation, valid until invoke returns. */
typedef struct sluice_invocation {
  size_t struct_size;
  sluice_bytes request_id;   /* the AWS request id, a UUID */
  sluice_bytes function_arn; /* the invoked function's ARN */
  int64_t deadline_ms;       /* Unix epoch milliseconds at which the invocation times out */
  sluice_bytes event;        /* event JSON; may be empty on the invoke_sqs fast path */
  const sluice_host* host;   /* same table as given to init */
  void* host_context;        /* pass to every host service */
  /* Appended in sluice 0.x (ABI version 1 still): read it only when
   * struct_size >= SLUICE_INVOCATION_HAS_CLIENT_CONTEXT; see sluice_invocation_client_context(). */
  sluice_bytes client_context; /* Invoke's ClientContext, decoded from base64 (JSON); empty if none */
} sluice_invocation;

/* The struct_size from which sluice_invocation carries client_context. */
#define SLUICE_INVOCATION_HAS_CLIENT_CONTEXT (offsetof(sluice_invocation, client_context) + sizeof(sluice_bytes))

/* The invocation's ClientContext (the JSON a mobile SDK or `aws lambda invoke --client-context`
 * sends: {"client": ..., "custom": ..., "env": ...}), or an empty range when there is none or the
 * host is older than the field. */
static inline sluice_bytes sluice_invocation_client_context(const sluice_invocation* inv) {
  sluice_bytes none = {NULL, 0};
  if (inv == NULL || inv->struct_size < SLUICE_INVOCATION_HAS_CLIENT_CONTEXT) return none;
  return inv->client_context;
}

/* One SQS message attribute. For Binary (and Binary.*) types `value` holds the raw bytes, not
 * base64; for String and Number types it holds the string value. */
typedef struct sluice_sqs_message_attribute {
  sluice_bytes name;
  sluice_bytes data_type; /* "String", "Number", "Binary", optionally with ".custom" suffix */
  sluice_bytes value;
} sluice_sqs_message_attribute;

/* One record of an SQS event, the fields of the Lambda SQS event. Empty ranges mean absent. */
typedef struct sluice_sqs_record {
  sluice_bytes message_id;
  sluice_bytes receipt_handle;
  sluice_bytes body;
  sluice_bytes md5_of_body;
  sluice_bytes md5_of_message_attributes; /* empty when the message has no attributes */
  sluice_bytes event_source_arn;
  sluice_bytes aws_region;
  /* attributes */
  uint32_t approximate_receive_count;
  int64_t sent_timestamp_ms;
  int64_t approximate_first_receive_timestamp_ms;
  sluice_bytes sender_id;
  sluice_bytes sequence_number;          /* FIFO only */
  sluice_bytes message_group_id;         /* FIFO only */
  sluice_bytes message_deduplication_id; /* FIFO only */
  sluice_bytes aws_trace_header;         /* when tracing is on */
  const sluice_sqs_message_attribute* message_attributes;
  size_t message_attribute_count;
} sluice_sqs_record;

/* Signatures of the exported symbols, for hosts resolving them with dlsym. */
typedef uint32_t (*sluice_handler_abi_version_fn)(void);
typedef uint32_t (*sluice_handler_flags_fn)(void);
typedef int (*sluice_handler_init_fn)(const sluice_host* host, const sluice_function_config* config, void** state);
typedef void (*sluice_handler_invoke_fn)(void* state, const sluice_invocation* inv);
typedef void (*sluice_handler_invoke_sqs_fn)(void* state, const sluice_invocation* inv,
                                             const sluice_sqs_record* records, size_t count);
typedef void (*sluice_handler_shutdown_fn)(void* state);

/* Declarations a handler defines (the C++ macros in handler.hpp define them for you). */
SLUICE_HANDLER_EXPORT uint32_t sluice_handler_abi_version(void);
SLUICE_HANDLER_EXPORT uint32_t sluice_handler_flags(void);
SLUICE_HANDLER_EXPORT int sluice_handler_init(const sluice_host* host, const sluice_function_config* config,
                                              void** state);
SLUICE_HANDLER_EXPORT void sluice_handler_invoke(void* state, const sluice_invocation* inv);
SLUICE_HANDLER_EXPORT void sluice_handler_invoke_sqs(void* state, const sluice_invocation* inv,
                                                     const sluice_sqs_record* records, size_t count);
SLUICE_HANDLER_EXPORT void sluice_handler_shutdown(void* state);

/* Helpers for C authors. */
static inline sluice_bytes sluice_bytes_of(const char* data, size_t size) {
  sluice_bytes b;
  b.data = data;
  b.size = size;
  return b;
}

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_HANDLER_H */
