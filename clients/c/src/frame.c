/* Frame headers, settings defaults, bounded buffers, error helpers (PROTOCOL.md §4, §6). */
#include "swp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void swp_put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void swp_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint16_t swp_get_u16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

uint32_t swp_get_u32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* §4: length u32, type u8, flags u8, reserved u16 (0), stream id u32 (bit 31 reserved), big-endian. */
void swp_encode_header(uint8_t out[SWP_HEADER_LEN], uint32_t length, uint8_t type, uint8_t flags, uint32_t stream) {
    swp_put_u32(out, length);
    out[4] = type;
    out[5] = flags;
    out[6] = 0;
    out[7] = 0;
    swp_put_u32(out + 8, stream);
}

void swp_decode_header(const uint8_t in[SWP_HEADER_LEN], swp_frame_header *h) {
    h->length = swp_get_u32(in);
    h->type = in[4];
    h->flags = in[5];
    h->reserved = swp_get_u16(in + 6);
    h->stream_id = swp_get_u32(in + 8);
}

/* §6: the values that hold until the peer's SETTINGS arrive. */
void swp_settings_defaults(swp_settings *s) {
    s->max_frame_size = 65536;
    s->max_message_size = 4194304;
    s->max_header_size = 16384;
    s->max_concurrent_streams = 1000;
    s->initial_stream_window = 1048576;
    s->connection_window = 4194304;
    s->codecs = 0;
}

bool swp_buf_reserve(swp_buf *b, size_t extra, size_t cap) {
    if (extra > cap || b->length > cap - extra) return false;
    size_t need = b->length + extra;
    if (need <= b->capacity) return true;
    size_t n = b->capacity ? b->capacity : 256;
    while (n < need) n = n > cap / 2 ? cap : n * 2;
    if (n < need) n = need;
    uint8_t *p = realloc(b->data, n);
    if (!p) return false;
    b->data = p;
    b->capacity = n;
    return true;
}

bool swp_buf_append(swp_buf *b, const void *data, size_t n, size_t cap) {
    if (!swp_buf_reserve(b, n, cap)) return false;
    if (n) memcpy(b->data + b->length, data, n);
    b->length += n;
    return true;
}

void swp_buf_free(swp_buf *b) {
    free(b->data);
    b->data = NULL;
    b->length = b->capacity = 0;
}

void swp_set_error(swp_error *err, swp_err code, const char *fmt, ...) {
    if (!err) return;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

int64_t swp_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *swp_err_name(swp_err code) {
    switch (code) {
    case SWP_OK: return "OK";
    case SWP_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case SWP_ERR_NO_MEMORY: return "NO_MEMORY";
    case SWP_ERR_RESOLVE: return "RESOLVE";
    case SWP_ERR_CONNECT: return "CONNECT";
    case SWP_ERR_TLS: return "TLS";
    case SWP_ERR_IO: return "IO";
    case SWP_ERR_TIMEOUT: return "TIMEOUT";
    case SWP_ERR_CLOSED: return "CLOSED";
    case SWP_ERR_PROTOCOL: return "PROTOCOL";
    case SWP_ERR_FRAME_SIZE: return "FRAME_SIZE";
    case SWP_ERR_FLOW_CONTROL: return "FLOW_CONTROL";
    case SWP_ERR_GOAWAY: return "GOAWAY";
    case SWP_ERR_VERSION: return "VERSION";
    case SWP_ERR_COMPRESSION: return "COMPRESSION";
    case SWP_ERR_MESSAGE_TOO_LARGE: return "MESSAGE_TOO_LARGE";
    case SWP_ERR_STREAM: return "STREAM";
    case SWP_ERR_CANCELLED: return "CANCELLED";
    case SWP_ERR_DEADLINE: return "DEADLINE";
    case SWP_ERR_STREAMS_EXHAUSTED: return "STREAMS_EXHAUSTED";
    }
    return "UNKNOWN_ERROR";
}

const char *swp_status_name(int status) {
    static const char *const names[] = {
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    };
    if (status < 0 || status > 16) return "UNKNOWN";
    return names[status];
}
