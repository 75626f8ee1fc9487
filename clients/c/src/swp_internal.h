/* Internal structures of libswp, shared by its source files. Not a public interface. */
#ifndef SWP_INTERNAL_H
#define SWP_INTERNAL_H

#include "swp.h"

#include <stdarg.h>
#include <stdbool.h>
#include <openssl/ssl.h>

/* §3: preface magic "SOUK\r\n", major 1, minor 0. */
#define SWP_PREFACE_LEN 8
#define SWP_MAJOR 1
#define SWP_MINOR 0

/* §4: every frame starts with a 12-byte header. */
#define SWP_HEADER_LEN 12

/* §5: frame types and flags. */
enum {
    SWP_DATA = 0x00,
    SWP_HEADERS = 0x01,
    SWP_TRAILERS = 0x02,
    SWP_CANCEL = 0x03,
    SWP_SETTINGS = 0x04,
    SWP_PING = 0x05,
    SWP_GOAWAY = 0x06,
    SWP_WINDOW_UPDATE = 0x07,
};
enum {
    SWP_FLAG_END_MESSAGE = 0x01,
    SWP_FLAG_COMPRESSED = 0x02,
    SWP_FLAG_END_STREAM = 0x04,
    SWP_FLAG_ACK = 0x01,
};

/* §6: setting identifiers. */
enum {
    SWP_SET_MAX_FRAME_SIZE = 0x1,
    SWP_SET_MAX_MESSAGE_SIZE = 0x2,
    SWP_SET_MAX_HEADER_SIZE = 0x3,
    SWP_SET_MAX_CONCURRENT_STREAMS = 0x4,
    SWP_SET_INITIAL_STREAM_WINDOW = 0x5,
    SWP_SET_CONNECTION_WINDOW = 0x6,
    SWP_SET_CODECS = 0x7,
    SWP_SET_KEEPALIVE_MIN_INTERVAL_MS = 0x8,
};
#define SWP_CODEC_ZSTD 0x1u
#define SWP_MAX_WINDOW 0x7FFFFFFFu

/* §16.2: GOAWAY error codes. */
enum {
    SWP_GOAWAY_NO_ERROR = 0x0,
    SWP_GOAWAY_PROTOCOL_ERROR = 0x1,
    SWP_GOAWAY_INTERNAL_ERROR = 0x2,
    SWP_GOAWAY_FLOW_CONTROL_ERROR = 0x3,
    SWP_GOAWAY_SETTINGS_TIMEOUT = 0x4,
    SWP_GOAWAY_FRAME_SIZE_ERROR = 0x6,
    SWP_GOAWAY_ENHANCE_YOUR_CALM = 0xB,
    SWP_GOAWAY_VERSION_UNSUPPORTED = 0xD,
};

/* The peer's settings (what the server is willing to receive), §6. */
typedef struct {
    uint32_t max_frame_size;
    uint32_t max_message_size;
    uint32_t max_header_size;
    uint32_t max_concurrent_streams;
    uint32_t initial_stream_window;
    uint32_t connection_window;
    uint32_t codecs;
} swp_settings;

void swp_settings_defaults(swp_settings *s);

/* A growable byte buffer with a hard cap. */
typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
} swp_buf;

bool swp_buf_reserve(swp_buf *b, size_t extra, size_t cap);
bool swp_buf_append(swp_buf *b, const void *data, size_t n, size_t cap);
void swp_buf_free(swp_buf *b);

/* ---- transport (tls.c): a socket, optionally wrapped in TLS ---- */
typedef struct {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
} swp_transport;

/* Connects TCP (+TLS 1.3 with ALPN swp/1 unless plaintext) within the connect timeout. */
int swp_transport_open(swp_transport *t, const swp_options *o, swp_error *err);
/* Writes all bytes, waiting up to timeout_ms for the socket to accept them. */
int swp_transport_write_all(swp_transport *t, const uint8_t *data, size_t n, int timeout_ms, swp_error *err);
/* Reads what is available, waiting up to timeout_ms (-1 forever) for something to arrive.
 * Returns bytes read (>0), 0 on timeout, -1 on error/EOF (err set; EOF is SWP_ERR_CLOSED). */
long swp_transport_read(swp_transport *t, uint8_t *buf, size_t cap, int timeout_ms, swp_error *err);
void swp_transport_close(swp_transport *t);

/* ---- compression (compress.c), §12 ---- */
/* Decompresses exactly one zstd frame into out (reset first), never producing more than max bytes.
 * Returns SWP_OK, SWP_ERR_MESSAGE_TOO_LARGE (bomb / over max) or SWP_ERR_COMPRESSION (corrupt). */
swp_err swp_zstd_decompress(void *dctx, const uint8_t *in, size_t n, swp_buf *out, size_t max, swp_error *err);
/* Compresses into out (reset first) as one frame with its content size. */
swp_err swp_zstd_compress(void *cctx, const uint8_t *in, size_t n, swp_buf *out, swp_error *err);
void *swp_zstd_dctx_new(size_t max_message);
void swp_zstd_dctx_free(void *dctx);
void *swp_zstd_cctx_new(void);
void swp_zstd_cctx_free(void *cctx);

/* ---- frames (frame.c), §4 ---- */
typedef struct {
    uint32_t length;
    uint8_t type;
    uint8_t flags;
    uint16_t reserved;
    uint32_t stream_id;
} swp_frame_header;

void swp_put_u16(uint8_t *p, uint16_t v);
void swp_put_u32(uint8_t *p, uint32_t v);
uint16_t swp_get_u16(const uint8_t *p);
uint32_t swp_get_u32(const uint8_t *p);
void swp_encode_header(uint8_t out[SWP_HEADER_LEN], uint32_t length, uint8_t type, uint8_t flags, uint32_t stream);
void swp_decode_header(const uint8_t in[SWP_HEADER_LEN], swp_frame_header *h);

/* ---- metadata (metadata.c), §9 ---- */
/* Whether a key is valid: non-empty, a-z 0-9 - _ . only. */
bool swp_md_key_valid(const char *key, size_t n);
bool swp_md_is_bin_key(const char *key, size_t n);
bool swp_md_is_reserved(const char *key, size_t n);
/* Encodes a RequestHead into out (growable up to cap). */
swp_err swp_encode_request_head(const char *method, uint64_t timeout_us, const swp_md *md, size_t count,
                                bool add_zstd_encoding, swp_buf *out, size_t cap, swp_error *err);
/* Decodes a ResponseHead / Trailers. Returns SWP_OK or SWP_ERR_STREAM (undecodable / malformed). */
swp_err swp_decode_response_head(const uint8_t *p, size_t n, swp_metadata *md, swp_error *err);
swp_err swp_decode_trailers(const uint8_t *p, size_t n, uint32_t *code, char **message, swp_metadata *md,
                            swp_error *err);

/* ---- errors ---- */
void swp_set_error(swp_error *err, swp_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Monotonic clock in microseconds. */
int64_t swp_now_us(void);

#endif
