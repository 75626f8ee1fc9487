/*
 * libswp — a client for SWP/1, the Souk Wire Protocol (see PROTOCOL.md at the repository root).
 *
 * One swp_conn is one TCP (+ TLS 1.3, ALPN "swp/1") connection carrying many concurrent calls,
 * each on its own stream (§7). The library is single-threaded per connection: all calls on a
 * connection, and swp_conn_process, must be used from one thread at a time. Use one connection per
 * thread for parallelism. Callbacks (on_message, on_done) must not start, wait for or free calls, nor
 * process the connection. They run from whichever library function is reading input: not only
 * swp_conn_process / swp_call_next / swp_call_wait, but also swp_call_start while it waits for a free
 * stream or flow-control credit, so other calls (and the one being started, before swp_call_start has
 * returned its handle) may end inside swp_call_start.
 *
 * SIGPIPE: writing to a socket the server closed raises SIGPIPE; swp_connect sets SIGPIPE to
 * SIG_IGN if it is still at its default disposition, so a closed connection becomes an error.
 *
 * Every failure is reported as an swp_error (an swp_err code plus a human-readable message); the
 * library never aborts on bad input from the network. A call ends with a gRPC status (§11): either
 * the server's TRAILERS, a CANCEL, a local deadline, or a connection failure (then the call's
 * `transport` error says what happened below the gRPC level).
 */
#ifndef SWP_H
#define SWP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Library-level error codes: what went wrong below (or instead of) a gRPC status. */
typedef enum {
    SWP_OK = 0,
    SWP_ERR_INVALID_ARGUMENT,   /* bad option or argument passed by the caller */
    SWP_ERR_NO_MEMORY,          /* an allocation failed or a configured bound was hit */
    SWP_ERR_RESOLVE,            /* host name resolution failed */
    SWP_ERR_CONNECT,            /* TCP connect failed */
    SWP_ERR_TLS,                /* TLS handshake / certificate verification / ALPN failure */
    SWP_ERR_IO,                 /* read or write failed on the socket */
    SWP_ERR_TIMEOUT,            /* an I/O or handshake timeout passed */
    SWP_ERR_CLOSED,             /* the server closed the connection (possibly mid-frame or mid-call) */
    SWP_ERR_PROTOCOL,           /* the server broke the protocol (connection error PROTOCOL_ERROR) */
    SWP_ERR_FRAME_SIZE,         /* a frame over our MAX_FRAME_SIZE or with a wrong fixed length */
    SWP_ERR_FLOW_CONTROL,       /* the server overran a window, or a window overflowed */
    SWP_ERR_GOAWAY,             /* the server sent GOAWAY: no new streams on this connection */
    SWP_ERR_VERSION,            /* bad preface magic or unsupported major version */
    SWP_ERR_COMPRESSION,        /* a compressed message could not be decoded */
    SWP_ERR_MESSAGE_TOO_LARGE,  /* a message or header block over our limits */
    SWP_ERR_STREAM,             /* a stream-level violation by the server (the call failed INTERNAL) */
    SWP_ERR_CANCELLED,          /* the call was cancelled (by the server's CANCEL or locally) */
    SWP_ERR_DEADLINE,           /* the call's deadline passed locally */
    SWP_ERR_STREAMS_EXHAUSTED,  /* stream ids ran out; open a new connection */
} swp_err;

/* An error: a code and a NUL-terminated message. */
typedef struct {
    swp_err code;
    char message[256];
} swp_error;

/* gRPC canonical status codes (§11). */
enum {
    SWP_STATUS_OK = 0,
    SWP_STATUS_CANCELLED = 1,
    SWP_STATUS_UNKNOWN = 2,
    SWP_STATUS_INVALID_ARGUMENT = 3,
    SWP_STATUS_DEADLINE_EXCEEDED = 4,
    SWP_STATUS_NOT_FOUND = 5,
    SWP_STATUS_ALREADY_EXISTS = 6,
    SWP_STATUS_PERMISSION_DENIED = 7,
    SWP_STATUS_RESOURCE_EXHAUSTED = 8,
    SWP_STATUS_FAILED_PRECONDITION = 9,
    SWP_STATUS_ABORTED = 10,
    SWP_STATUS_OUT_OF_RANGE = 11,
    SWP_STATUS_UNIMPLEMENTED = 12,
    SWP_STATUS_INTERNAL = 13,
    SWP_STATUS_UNAVAILABLE = 14,
    SWP_STATUS_DATA_LOSS = 15,
    SWP_STATUS_UNAUTHENTICATED = 16,
};

const char *swp_err_name(swp_err code);
const char *swp_status_name(int status);

/* One metadata entry (§9). Keys are lower-case ASCII; a key ending in "-bin" carries binary bytes. */
typedef struct {
    char *key;        /* NUL-terminated */
    uint8_t *value;   /* value bytes (text values are also NUL-terminated for convenience) */
    size_t length;    /* value length in bytes, terminator excluded */
    int binary;       /* 1 for a "-bin" key */
} swp_md;

typedef struct {
    swp_md *entries;
    size_t count;
} swp_metadata;

/* Connection options. Zero-initialise, then set what you need; zero fields take the defaults. */
typedef struct {
    const char *host;              /* host name or IP address to connect to (required) */
    uint16_t port;                 /* (required) */
    int plaintext;                 /* 1: plain TCP, no TLS (§2: loopback tests and benchmarks only) */
    const char *ca_file;           /* PEM file of trusted CAs (required unless plaintext) */
    const char *server_name;       /* name or IP to verify and send as SNI; default: host */
    int connect_timeout_ms;        /* TCP + TLS + preface/SETTINGS exchange; default 10000 */
    int io_timeout_ms;             /* a blocked write or handshake read fails after this; default 30000 */
    uint32_t max_frame_size;       /* our MAX_FRAME_SIZE (§6); default 65536 */
    uint32_t max_message_size;     /* our MAX_MESSAGE_SIZE; default 4 MiB */
    uint32_t initial_stream_window;/* our INITIAL_STREAM_WINDOW; default 1 MiB */
    uint32_t connection_window;    /* our CONNECTION_WINDOW; default 4 MiB */
    int disable_zstd;              /* 1: do not advertise zstd (CODECS = 0) */
    size_t compress_threshold;     /* compress outgoing messages of at least this size when a call asks
                                      for compression; default 1024 (§12) */
    size_t max_queued_bytes;       /* bound on response bytes queued per call and not yet read with
                                      swp_call_next; beyond it the call fails RESOURCE_EXHAUSTED.
                                      Default 64 MiB */
} swp_options;

typedef struct swp_conn swp_conn;
typedef struct swp_call swp_call;

/* Opens a connection: TCP, TLS 1.3 + ALPN, preface and SETTINGS exchange (§3). NULL on failure. */
swp_conn *swp_connect(const swp_options *options, swp_error *error);

/* Sends GOAWAY(0, NO_ERROR) (§15), closes the socket and frees the connection. Calls still open are
 * failed with UNAVAILABLE and detached: they must still be freed with swp_call_free. NULL is allowed. */
void swp_conn_close(swp_conn *conn);

/* 1 while new calls may be started (connection alive, no GOAWAY received). */
int swp_conn_usable(const swp_conn *conn);
/* The connection's terminal error, if any (code SWP_OK while it is healthy). */
const swp_error *swp_conn_error(const swp_conn *conn);
/* Number of calls currently open on the connection. */
size_t swp_conn_open_calls(const swp_conn *conn);

/* Per-call flags. */
enum {
    /* Compress the request message with zstd if it is at least compress_threshold bytes and the
     * server advertised zstd, and ask for compressed responses (header grpc-encoding: zstd, §12). */
    SWP_CALL_COMPRESS = 1,
};

/* Called for every response message when set; the message is then not queued, and its flow-control
 * credit is returned at once. `data` is valid only during the callback. */
typedef void (*swp_message_fn)(swp_call *call, const uint8_t *data, size_t length, int was_compressed,
                               void *user);
/* Called once when the call ends (status known). */
typedef void (*swp_done_fn)(swp_call *call, void *user);

typedef struct {
    const char *method;              /* "/package.Service/Method" (required) */
    const swp_md *metadata;          /* request metadata, may be NULL */
    size_t metadata_count;
    int64_t timeout_us;              /* relative deadline; 0 = none (§10) */
    int flags;                       /* SWP_CALL_* */
    swp_message_fn on_message;       /* optional */
    swp_done_fn on_done;             /* optional */
    void *user;
} swp_call_params;

/* Starts a call with exactly one request message (unary or server streaming): HEADERS, then the
 * message as DATA fragments with END_STREAM (§5, §8). Returns NULL with `error` set if the call could
 * not be started (GOAWAY received, connection dead, bad arguments); a call that started always
 * ends with a status. Waits (processing incoming frames, so running callbacks of any call on the
 * connection) while MAX_CONCURRENT_STREAMS calls are open or the send windows are exhausted. */
swp_call *swp_call_start(swp_conn *conn, const swp_call_params *params, const uint8_t *request,
                         size_t request_length, swp_error *error);

/* Waits for the next response message. Returns 1 with *data and *length set (the buffer belongs to the
 * call and stays valid until the next swp_call_next/swp_call_free), 0 when the call has ended (see
 * swp_call_status), -1 never (errors end the call). */
int swp_call_next(swp_call *call, const uint8_t **data, size_t *length);

/* Waits until the call has ended (discarding messages not read) and returns its status code. */
int swp_call_wait(swp_call *call);

int swp_call_done(const swp_call *call);
int swp_call_status(const swp_call *call);            /* gRPC code; valid once done */
const char *swp_call_message(const swp_call *call);   /* status message (UTF-8, NUL-terminated) */
const swp_metadata *swp_call_initial_metadata(const swp_call *call);
const swp_metadata *swp_call_trailing_metadata(const swp_call *call);
/* Why the call ended below gRPC level: SWP_OK if the server's TRAILERS ended it. */
const swp_error *swp_call_transport_error(const swp_call *call);
uint32_t swp_call_stream_id(const swp_call *call);
uint64_t swp_call_compressed_messages(const swp_call *call); /* responses that arrived compressed */
uint64_t swp_call_messages(const swp_call *call);            /* responses received */
int swp_call_request_compressed(const swp_call *call);       /* 1 if the request went out zstd-compressed */
void *swp_call_user(const swp_call *call);

/* Frees a call; if it is still open, cancels it first (CANCEL(CANCELLED), §10). */
void swp_call_free(swp_call *call);

/* Reads and handles incoming frames for up to timeout_ms (-1: until at least one call ends or
 * something arrives), flushes pending output, and enforces call deadlines. Returns 0, or -1 when
 * the connection has failed (see swp_conn_error). */
int swp_conn_process(swp_conn *conn, int timeout_ms);

/* Writes pending output now. swp_call_start only queues its frames; they are written by the next
 * swp_conn_process / swp_call_next / swp_call_wait / swp_conn_flush, so several calls can share one
 * write. Returns 0, or -1 when the connection has failed. */
int swp_conn_flush(swp_conn *conn);

/* Convenience: a unary call that waits for the answer. On success (return 0) *response is a
 * malloc'ed copy of the single response message (NULL/0 if none) and the call handle is returned in
 * *call_out for status and metadata (free it with swp_call_free). Returns -1 if the call could not
 * start (then *call_out is NULL). */
int swp_unary(swp_conn *conn, const swp_call_params *params, const uint8_t *request, size_t request_length,
              uint8_t **response, size_t *response_length, swp_call **call_out, swp_error *error);

/* Frees a metadata list made by the library. */
void swp_metadata_clear(swp_metadata *md);

#ifdef __cplusplus
}
#endif
#endif
