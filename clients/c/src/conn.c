/* The SWP/1 connection: preface and SETTINGS (§3, §6), frame dispatch (§4, §5), streams (§7),
 * deadlines and cancellation (§10), trailers (§11), compression (§12), flow control (§13), PING
 * (§14), GOAWAY (§15) and errors (§16). */
#define _POSIX_C_SOURCE 200809L
#include "swp_internal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t preface[SWP_PREFACE_LEN] = {'S', 'O', 'U', 'K', '\r', '\n', SWP_MAJOR, SWP_MINOR};

/* Output is gathered here and written in batches; above this size it is flushed first. */
#define OUT_FLUSH_THRESHOLD (256u * 1024u)
#define OUT_CAP (64u * 1024u * 1024u)
/* How many times one swp_conn_process drains already-available input before returning. */
#define READ_BATCH 16

typedef struct swp_msg {
    struct swp_msg *next;
    size_t length;
    uint32_t credit; /* flow-control bytes returned when the application consumes it (§13) */
    uint8_t data[];
} swp_msg;

struct swp_call {
    swp_conn *conn; /* NULL once the call has ended */
    uint32_t id;
    bool done;
    int status;
    char *message;
    swp_metadata initial, trailing;
    swp_error transport;
    bool head_received, data_received;
    /* reassembly of the message in progress (§5.1) */
    swp_buf partial;
    bool partial_active, partial_compressed;
    /* complete messages waiting for the application */
    swp_msg *queue_head, *queue_tail;
    swp_msg *current; /* last message handed out by swp_call_next */
    size_t queued_bytes;
    int64_t send_window;   /* credit for DATA we send on this stream */
    int64_t recv_window;   /* credit we granted the server on this stream */
    uint32_t unreturned;   /* stream credit consumed, not yet returned */
    int64_t deadline_us;   /* absolute, 0 = none */
    swp_message_fn on_message;
    swp_done_fn on_done;
    void *user;
    uint64_t messages, compressed;
    bool request_compressed;
};

struct swp_conn {
    swp_options opt;
    swp_transport t;
    swp_settings peer;       /* what the server accepts */
    bool settings_received;
    int64_t conn_send_window;
    int64_t conn_recv_window;
    uint32_t conn_unreturned;
    uint32_t next_id;
    uint32_t highest_opened;
    bool goaway_received;
    uint32_t goaway_last_id, goaway_code;
    bool dead;
    swp_error error;
    swp_call **active;
    size_t n_active, cap_active;
    uint8_t *rbuf;
    size_t rlen, rcap;
    swp_buf out;
    swp_buf scratch;  /* decompression output (incoming messages) */
    swp_buf cscratch; /* compression output (the request being sent; kept apart from scratch because
                         sending may wait for WINDOW_UPDATE and decode incoming messages meanwhile) */
    void *dctx, *cctx;
};

/* ------------------------------------------------------------------------------------------ */
/* Output                                                                                       */

static int flush(swp_conn *c) {
    if (c->out.length == 0 || c->t.fd < 0) return 0;
    swp_error e = {0};
    int rc = swp_transport_write_all(&c->t, c->out.data, c->out.length, c->opt.io_timeout_ms, &e);
    c->out.length = 0;
    if (rc != 0 && !c->dead) {
        c->dead = true;
        c->error = e;
    }
    return rc;
}

static void fail_all(swp_conn *c);

/* Appends one frame to the output buffer. */
static void put_frame(swp_conn *c, uint8_t type, uint8_t flags, uint32_t stream, const uint8_t *payload,
                      size_t n) {
    if (c->dead) return;
    if (c->out.length + SWP_HEADER_LEN + n > OUT_FLUSH_THRESHOLD && flush(c) != 0) {
        fail_all(c);
        return;
    }
    if (!swp_buf_reserve(&c->out, SWP_HEADER_LEN + n, OUT_CAP)) {
        c->dead = true;
        swp_set_error(&c->error, SWP_ERR_NO_MEMORY, "out of memory for the output buffer");
        fail_all(c);
        return;
    }
    swp_encode_header(c->out.data + c->out.length, (uint32_t)n, type, flags, stream);
    if (n) memcpy(c->out.data + c->out.length + SWP_HEADER_LEN, payload, n);
    c->out.length += SWP_HEADER_LEN + n;
}

static void put_u32_frame(swp_conn *c, uint8_t type, uint32_t stream, uint32_t value) {
    uint8_t p[4];
    swp_put_u32(p, value);
    put_frame(c, type, 0, stream, p, 4);
}

static void put_goaway(swp_conn *c, uint32_t code, const char *debug) {
    uint8_t p[8 + 128];
    size_t dn = debug ? strlen(debug) : 0;
    if (dn > 128) dn = 128;
    swp_put_u32(p, 0); /* last_stream_id: 0 from a client (§5.7) */
    swp_put_u32(p + 4, code);
    if (dn) memcpy(p + 8, debug, dn);
    put_frame(c, SWP_GOAWAY, 0, 0, p, 8 + dn);
}

int swp_conn_flush(swp_conn *c) {
    if (c->dead) return -1;
    if (flush(c) != 0) {
        fail_all(c);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Calls                                                                                        */

static void free_queue(swp_call *call) {
    while (call->queue_head) {
        swp_msg *m = call->queue_head;
        call->queue_head = m->next;
        free(m);
    }
    call->queue_tail = NULL;
}

static void remove_active(swp_conn *c, swp_call *call) {
    for (size_t i = 0; i < c->n_active; i++) {
        if (c->active[i] == call) {
            c->active[i] = c->active[--c->n_active];
            return;
        }
    }
}

static swp_call *find_active(swp_conn *c, uint32_t id) {
    for (size_t i = c->n_active; i-- > 0;)
        if (c->active[i]->id == id) return c->active[i];
    return NULL;
}

static void return_conn_credit(swp_conn *c, uint32_t n);

/* Ends a call with a status. Queued, unconsumed messages stay readable, but their connection credit
 * is returned now (the stream is closed, §13), so an ended call never refers to the connection. */
static void finish_call(swp_call *call, int status, const char *message, swp_err transport, const char *detail) {
    if (call->done) return;
    swp_conn *c = call->conn;
    call->done = true;
    call->status = status;
    if (!call->message) {
        size_t n = strlen(message);
        call->message = malloc(n + 1);
        if (call->message) memcpy(call->message, message, n + 1);
    }
    if (transport != SWP_OK) swp_set_error(&call->transport, transport, "%s", detail ? detail : message);
    swp_buf_free(&call->partial);
    if (c) {
        uint64_t owed = 0;
        for (swp_msg *m = call->queue_head; m; m = m->next) {
            owed += m->credit;
            m->credit = 0;
        }
        if (owed) return_conn_credit(c, (uint32_t)owed);
        remove_active(c, call);
        call->conn = NULL;
    }
    if (call->on_done) call->on_done(call, call->user);
}

/* A stream error detected by the client (§16.1): CANCEL(code) and fail the call with the code. */
static void stream_error(swp_conn *c, swp_call *call, int code, const char *why) {
    put_u32_frame(c, SWP_CANCEL, call->id, (uint32_t)code);
    finish_call(call, code, why, SWP_ERR_STREAM, why);
}

/* ------------------------------------------------------------------------------------------ */
/* Connection failure                                                                           */

/* §15: calls still open when the connection ends: ids above the GOAWAY's last_stream_id, and any
 * call when the connection dropped or the code is NO_ERROR / ENHANCE_YOUR_CALM, fail UNAVAILABLE;
 * the others INTERNAL. */
static void fail_all(swp_conn *c) {
    while (c->n_active > 0) {
        swp_call *call = c->active[c->n_active - 1];
        int status = SWP_STATUS_UNAVAILABLE;
        if (c->goaway_received && call->id <= c->goaway_last_id && c->goaway_code != SWP_GOAWAY_NO_ERROR &&
            c->goaway_code != SWP_GOAWAY_ENHANCE_YOUR_CALM)
            status = SWP_STATUS_INTERNAL;
        if (c->error.code == SWP_ERR_PROTOCOL || c->error.code == SWP_ERR_FRAME_SIZE ||
            c->error.code == SWP_ERR_FLOW_CONTROL || c->error.code == SWP_ERR_VERSION)
            status = SWP_STATUS_INTERNAL;
        finish_call(call, status, c->error.message, c->error.code, c->error.message);
    }
}

/* A connection error detected by the client (§16.1): GOAWAY(0, code, debug), close, fail calls. */
static void connection_error(swp_conn *c, uint32_t goaway_code, swp_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void connection_error(swp_conn *c, uint32_t goaway_code, swp_err err, const char *fmt, ...) {
    if (c->dead) return;
    char msg[sizeof c->error.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    put_goaway(c, goaway_code, msg);
    flush(c);
    c->dead = true;
    swp_set_error(&c->error, err, "%s", msg);
    fail_all(c);
}

static void connection_lost(swp_conn *c, const swp_error *e) {
    if (c->dead) return;
    c->dead = true;
    c->error = *e;
    if (e->code == SWP_ERR_CLOSED && c->rlen > 0) {
        /* A truncated frame followed by close. */
        uint32_t want = c->rlen >= SWP_HEADER_LEN ? swp_get_u32(c->rbuf) + SWP_HEADER_LEN : SWP_HEADER_LEN;
        swp_set_error(&c->error, SWP_ERR_CLOSED, "connection closed by the server mid-frame (%zu of %u bytes received)",
                      c->rlen, want);
    } else if (e->code == SWP_ERR_CLOSED && c->goaway_received) {
        swp_set_error(&c->error, SWP_ERR_GOAWAY, "connection closed by the server after GOAWAY(last_stream_id %u, code 0x%X)",
                      c->goaway_last_id, c->goaway_code);
    } else if (e->code == SWP_ERR_CLOSED && c->n_active > 0) {
        swp_set_error(&c->error, SWP_ERR_CLOSED, "connection closed by the server with %zu call(s) in progress",
                      c->n_active);
    }
    fail_all(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Flow control (§13)                                                                          */

static void return_conn_credit(swp_conn *c, uint32_t n) {
    c->conn_unreturned += n;
    /* Batched: one WINDOW_UPDATE when half of the initial window has been consumed. */
    if (c->conn_unreturned >= c->opt.connection_window / 2) {
        put_u32_frame(c, SWP_WINDOW_UPDATE, 0, c->conn_unreturned);
        c->conn_recv_window += c->conn_unreturned;
        c->conn_unreturned = 0;
    }
}

static void return_stream_credit(swp_conn *c, swp_call *call, uint32_t n) {
    if (call->done) return; /* a closed stream's window no longer matters */
    call->unreturned += n;
    if (call->unreturned >= c->opt.initial_stream_window / 2) {
        put_u32_frame(c, SWP_WINDOW_UPDATE, call->id, call->unreturned);
        call->recv_window += call->unreturned;
        call->unreturned = 0;
    }
}

static void consume_credit(swp_conn *c, swp_call *call, uint32_t n) {
    if (n == 0) return;
    return_conn_credit(c, n);
    if (call) return_stream_credit(c, call, n);
}

/* ------------------------------------------------------------------------------------------ */
/* Frame handlers                                                                               */

static void apply_settings(swp_conn *c, const uint8_t *p, uint32_t n) {
    bool first = !c->settings_received;
    uint32_t old_stream_window = c->peer.initial_stream_window;
    for (uint32_t i = 0; i + 6 <= n; i += 6) {
        uint16_t id = swp_get_u16(p + i);
        uint32_t v = swp_get_u32(p + i + 2);
        switch (id) {
        case SWP_SET_MAX_FRAME_SIZE:
            if (v < 1024 || v > 16777215) {
                connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "MAX_FRAME_SIZE %u out of range", v);
                return;
            }
            c->peer.max_frame_size = v;
            break;
        case SWP_SET_MAX_MESSAGE_SIZE:
            if (v < 1) {
                connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "MAX_MESSAGE_SIZE 0");
                return;
            }
            c->peer.max_message_size = v;
            break;
        case SWP_SET_MAX_HEADER_SIZE: c->peer.max_header_size = v; break;
        case SWP_SET_MAX_CONCURRENT_STREAMS: c->peer.max_concurrent_streams = v; break;
        case SWP_SET_INITIAL_STREAM_WINDOW:
        case SWP_SET_CONNECTION_WINDOW:
            if (v > SWP_MAX_WINDOW) {
                connection_error(c, SWP_GOAWAY_FLOW_CONTROL_ERROR, SWP_ERR_FLOW_CONTROL, "window setting %u above 2^31-1",
                                 v);
                return;
            }
            if (id == SWP_SET_INITIAL_STREAM_WINDOW) c->peer.initial_stream_window = v;
            else if (first) c->peer.connection_window = v; /* honoured only in the first SETTINGS */
            break;
        case SWP_SET_CODECS: c->peer.codecs = v; break;
        default: break; /* unknown identifiers, and KEEPALIVE_MIN_INTERVAL_MS we do not use */
        }
    }
    if (first) {
        c->settings_received = true;
        c->conn_send_window = c->peer.connection_window;
    } else if (c->peer.initial_stream_window != old_stream_window) {
        /* §6: a changed INITIAL_STREAM_WINDOW shifts every open stream's send window by the difference. */
        int64_t delta = (int64_t)c->peer.initial_stream_window - (int64_t)old_stream_window;
        for (size_t i = 0; i < c->n_active; i++) c->active[i]->send_window += delta;
    }
    put_frame(c, SWP_SETTINGS, SWP_FLAG_ACK, 0, NULL, 0);
}

static void deliver_message(swp_conn *c, swp_call *call, const uint8_t *data, size_t n, bool compressed,
                            uint32_t credit) {
    call->messages++;
    if (compressed) call->compressed++;
    if (call->on_message) {
        call->on_message(call, data, n, compressed, call->user);
        consume_credit(c, call, credit);
        return;
    }
    if (call->queued_bytes + n > c->opt.max_queued_bytes) {
        /* The application is not reading: §13 lets a server send fragments of incomplete messages
         * without limit, so the queue is bounded here instead. */
        stream_error(c, call, SWP_STATUS_RESOURCE_EXHAUSTED, "response messages not consumed: queue bound reached");
        consume_credit(c, NULL, credit);
        return;
    }
    swp_msg *m = malloc(sizeof *m + (n ? n : 1));
    if (!m) {
        stream_error(c, call, SWP_STATUS_RESOURCE_EXHAUSTED, "out of memory queueing a response message");
        consume_credit(c, NULL, credit);
        return;
    }
    m->next = NULL;
    m->length = n;
    m->credit = credit;
    if (n) memcpy(m->data, data, n);
    call->queued_bytes += n;
    if (call->queue_tail) call->queue_tail->next = m;
    else call->queue_head = m;
    call->queue_tail = m;
}

static void handle_data(swp_conn *c, swp_call *call, uint8_t flags, const uint8_t *p, uint32_t n) {
    /* Flow control is checked before anything else; overrunning a window is a connection error. */
    if ((int64_t)n > c->conn_recv_window || (call && (int64_t)n > call->recv_window)) {
        connection_error(c, SWP_GOAWAY_FLOW_CONTROL_ERROR, SWP_ERR_FLOW_CONTROL,
                         "DATA of %u bytes beyond the flow-control window on stream %u", n, call ? call->id : 0);
        return;
    }
    c->conn_recv_window -= n;
    if (!call) { /* closed stream: discarded, the credit goes back to the connection (§7.1) */
        return_conn_credit(c, n);
        return;
    }
    call->recv_window -= n;
    if (flags & SWP_FLAG_END_STREAM) {
        connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "server set END_STREAM on DATA (stream %u)",
                         call->id);
        return;
    }
    call->data_received = true;
    bool compressed = (flags & SWP_FLAG_COMPRESSED) != 0;
    if (compressed && c->opt.disable_zstd) {
        consume_credit(c, call, n);
        stream_error(c, call, SWP_STATUS_INTERNAL, "COMPRESSED message although zstd was not advertised");
        return;
    }
    if (call->partial_active && compressed != call->partial_compressed) {
        consume_credit(c, call, n);
        stream_error(c, call, SWP_STATUS_INTERNAL, "COMPRESSED flag inconsistent across a message's fragments");
        return;
    }
    if (!swp_buf_append(&call->partial, p, n, c->opt.max_message_size)) {
        consume_credit(c, call, n);
        stream_error(c, call, SWP_STATUS_RESOURCE_EXHAUSTED, "response message exceeds MAX_MESSAGE_SIZE");
        return;
    }
    call->partial_active = true;
    call->partial_compressed = compressed;
    if (!(flags & SWP_FLAG_END_MESSAGE)) {
        /* §13: credit for fragments of an incomplete message is returned as they arrive. */
        consume_credit(c, call, n);
        return;
    }
    call->partial_active = false;
    if (compressed) {
        swp_error e;
        swp_err rc = swp_zstd_decompress(c->dctx, call->partial.data, call->partial.length, &c->scratch,
                                         c->opt.max_message_size, &e);
        call->partial.length = 0;
        if (rc != SWP_OK) {
            consume_credit(c, call, n);
            stream_error(c, call, rc == SWP_ERR_MESSAGE_TOO_LARGE ? SWP_STATUS_RESOURCE_EXHAUSTED : SWP_STATUS_INTERNAL,
                         e.message);
            return;
        }
        deliver_message(c, call, c->scratch.data, c->scratch.length, true, n);
        if (c->scratch.capacity > 4u * 1024 * 1024) swp_buf_free(&c->scratch);
    } else {
        deliver_message(c, call, call->partial.data, call->partial.length, false, n);
        call->partial.length = 0;
    }
    if (call->partial.capacity > 1024u * 1024) swp_buf_free(&call->partial);
}

static void handle_headers(swp_conn *c, swp_call *call, uint8_t flags, const uint8_t *p, uint32_t n) {
    if (flags & SWP_FLAG_END_STREAM) {
        connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "server set END_STREAM on HEADERS (stream %u)",
                         call->id);
        return;
    }
    if (call->head_received || call->data_received) { /* §7.3 */
        stream_error(c, call, SWP_STATUS_INTERNAL, "second HEADERS, or HEADERS after DATA");
        return;
    }
    if (n > 16384) { /* our MAX_HEADER_SIZE, the default (§6) */
        stream_error(c, call, SWP_STATUS_RESOURCE_EXHAUSTED, "response HEADERS over MAX_HEADER_SIZE");
        return;
    }
    swp_error e;
    if (swp_decode_response_head(p, n, &call->initial, &e) != SWP_OK) {
        stream_error(c, call, SWP_STATUS_INTERNAL, e.message);
        return;
    }
    call->head_received = true;
}

static void handle_trailers(swp_conn *c, swp_call *call, const uint8_t *p, uint32_t n) {
    (void)c;
    /* §16.1: the stream is already closed by TRAILERS, so a bad block fails the call without CANCEL. */
    if (n > 16384) {
        finish_call(call, SWP_STATUS_RESOURCE_EXHAUSTED, "TRAILERS over MAX_HEADER_SIZE", SWP_ERR_MESSAGE_TOO_LARGE, NULL);
        return;
    }
    uint32_t code;
    char *message;
    swp_error e;
    if (swp_decode_trailers(p, n, &code, &message, &call->trailing, &e) != SWP_OK) {
        finish_call(call, SWP_STATUS_INTERNAL, e.message, SWP_ERR_STREAM, NULL);
        return;
    }
    call->message = message;
    finish_call(call, code > 16 ? SWP_STATUS_UNKNOWN : (int)code, message ? message : "", SWP_OK, NULL);
}

static void handle_goaway(swp_conn *c, const uint8_t *p, uint32_t n) {
    uint32_t last = swp_get_u32(p) & 0x7FFFFFFFu;
    uint32_t code = swp_get_u32(p + 4);
    c->goaway_received = true;
    c->goaway_last_id = last;
    c->goaway_code = code;
    char debug[129];
    uint32_t dn = n - 8 > 128 ? 128 : n - 8;
    memcpy(debug, p + 8, dn);
    debug[dn] = 0;
    /* §15: calls above last_stream_id were not processed: UNAVAILABLE, safe to retry elsewhere. */
    for (size_t i = c->n_active; i-- > 0;) {
        swp_call *call = c->active[i];
        if (call->id > last) {
            char msg[256];
            snprintf(msg, sizeof msg, "GOAWAY(last_stream_id %u, code 0x%X, \"%s\"): stream not processed", last,
                     code, debug);
            finish_call(call, SWP_STATUS_UNAVAILABLE, msg, SWP_ERR_GOAWAY, NULL);
            if (i > c->n_active) i = c->n_active;
        }
    }
    if (!c->dead && c->error.code == SWP_OK)
        swp_set_error(&c->error, SWP_OK, "GOAWAY(last_stream_id %u, code 0x%X, \"%s\")", last, code, debug);
}

/* Handles one complete frame (header checked, payload complete). */
static void handle_frame(swp_conn *c, const swp_frame_header *h, const uint8_t *p) {
    if (h->type > SWP_WINDOW_UPDATE) return; /* §5: unknown type, length already checked: discarded */
    bool conn_level = h->type == SWP_SETTINGS || h->type == SWP_PING || h->type == SWP_GOAWAY;
    bool stream_level = h->type <= SWP_CANCEL;
    if ((conn_level && h->stream_id != 0) || (stream_level && h->stream_id == 0)) {
        connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "frame type %u on the wrong stream (%u)",
                         h->type, h->stream_id);
        return;
    }
    switch (h->type) {
    case SWP_SETTINGS:
        if (h->flags & SWP_FLAG_ACK) {
            if (h->length != 0)
                connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "SETTINGS ACK with a payload");
            return;
        }
        if (h->length % 6 != 0) {
            connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "SETTINGS length %u not a multiple of 6",
                             h->length);
            return;
        }
        apply_settings(c, p, h->length);
        return;
    case SWP_PING:
        if (h->length != 8) {
            connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "PING of %u bytes", h->length);
            return;
        }
        if (!(h->flags & SWP_FLAG_ACK)) put_frame(c, SWP_PING, SWP_FLAG_ACK, 0, p, 8); /* §5.6 */
        return;
    case SWP_GOAWAY:
        if (h->length < 8) {
            connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "GOAWAY of %u bytes", h->length);
            return;
        }
        handle_goaway(c, p, h->length);
        return;
    case SWP_WINDOW_UPDATE: {
        if (h->length != 4) {
            connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "WINDOW_UPDATE of %u bytes", h->length);
            return;
        }
        uint32_t inc = swp_get_u32(p);
        if (h->stream_id == 0) {
            if (inc == 0) {
                connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "WINDOW_UPDATE increment 0");
            } else if (c->conn_send_window + (int64_t)inc > (int64_t)SWP_MAX_WINDOW) {
                connection_error(c, SWP_GOAWAY_FLOW_CONTROL_ERROR, SWP_ERR_FLOW_CONTROL, "connection window overflow");
            } else {
                c->conn_send_window += inc;
            }
            return;
        }
        swp_call *call = find_active(c, h->stream_id);
        if (!call) return; /* idle or closed stream: discarded (§7.1) */
        if (inc == 0) stream_error(c, call, SWP_STATUS_INTERNAL, "WINDOW_UPDATE increment 0");
        else if (call->send_window + (int64_t)inc > (int64_t)SWP_MAX_WINDOW)
            stream_error(c, call, SWP_STATUS_INTERNAL, "stream window overflow");
        else call->send_window += inc;
        return;
    }
    default: break;
    }
    /* DATA, HEADERS, TRAILERS, CANCEL: stream-level frames. */
    if (h->type == SWP_CANCEL && h->length != 4) {
        connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE, "CANCEL of %u bytes", h->length);
        return;
    }
    bool idle = (h->stream_id % 2) == 0 || h->stream_id > c->highest_opened;
    if (idle) { /* §7.1: DATA, TRAILERS or HEADERS on a stream never opened is a connection error */
        if (h->type == SWP_CANCEL) return;
        connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "frame type %u on unknown stream %u", h->type,
                         h->stream_id);
        return;
    }
    swp_call *call = find_active(c, h->stream_id);
    if (h->type == SWP_DATA) {
        handle_data(c, call, h->flags, p, h->length);
        return;
    }
    if (!call) return; /* closed stream: discarded */
    switch (h->type) {
    case SWP_HEADERS: handle_headers(c, call, h->flags, p, h->length); break;
    case SWP_TRAILERS: handle_trailers(c, call, p, h->length); break;
    case SWP_CANCEL: {
        uint32_t code = swp_get_u32(p);
        char msg[64];
        snprintf(msg, sizeof msg, "stream cancelled by server (code %u)", code);
        finish_call(call, code > 16 ? SWP_STATUS_UNKNOWN : (int)code, msg, SWP_ERR_CANCELLED, NULL);
        break;
    }
    default: break;
    }
}

/* Handles every complete frame in the read buffer and compacts it. */
static void parse_frames(swp_conn *c) {
    size_t off = 0;
    while (!c->dead && c->rlen - off >= SWP_HEADER_LEN) {
        swp_frame_header h;
        swp_decode_header(c->rbuf + off, &h);
        /* §4: the length is compared with our MAX_FRAME_SIZE before anything is buffered. */
        if (h.length > c->opt.max_frame_size) {
            connection_error(c, SWP_GOAWAY_FRAME_SIZE_ERROR, SWP_ERR_FRAME_SIZE,
                             "frame of %u bytes exceeds MAX_FRAME_SIZE %u", h.length, c->opt.max_frame_size);
            break;
        }
        if (h.reserved != 0 || (h.stream_id & 0x80000000u)) {
            connection_error(c, SWP_GOAWAY_PROTOCOL_ERROR, SWP_ERR_PROTOCOL, "reserved bits set in a frame header");
            break;
        }
        if (c->rlen - off - SWP_HEADER_LEN < h.length) break;
        handle_frame(c, &h, c->rbuf + off + SWP_HEADER_LEN);
        off += SWP_HEADER_LEN + h.length;
    }
    if (c->dead) {
        c->rlen = 0;
        return;
    }
    if (off > 0) {
        memmove(c->rbuf, c->rbuf + off, c->rlen - off);
        c->rlen -= off;
    }
}

/* Reads once (waiting up to timeout_ms) and handles what arrived. 1 read something, 0 timeout, -1 dead. */
static int read_some(swp_conn *c, int timeout_ms) {
    swp_error e = {0};
    long n = swp_transport_read(&c->t, c->rbuf + c->rlen, c->rcap - c->rlen, timeout_ms, &e);
    if (n < 0) {
        connection_lost(c, &e);
        return -1;
    }
    if (n == 0) return 0;
    c->rlen += (size_t)n;
    parse_frames(c);
    return c->dead ? -1 : 1;
}

/* ------------------------------------------------------------------------------------------ */
/* Deadlines (§10)                                                                              */

static int64_t earliest_deadline(swp_conn *c) {
    int64_t d = 0;
    for (size_t i = 0; i < c->n_active; i++) {
        int64_t x = c->active[i]->deadline_us;
        if (x && (!d || x < d)) d = x;
    }
    return d;
}

static void expire_deadlines(swp_conn *c) {
    int64_t now = swp_now_us();
    for (size_t i = c->n_active; i-- > 0;) {
        if (i >= c->n_active) continue;
        swp_call *call = c->active[i];
        if (call->deadline_us && call->deadline_us <= now) {
            /* Enforced locally: CANCEL(DEADLINE_EXCEEDED) and fail the call. */
            put_u32_frame(c, SWP_CANCEL, call->id, SWP_STATUS_DEADLINE_EXCEEDED);
            finish_call(call, SWP_STATUS_DEADLINE_EXCEEDED, "deadline exceeded", SWP_ERR_DEADLINE,
                        "deadline exceeded (enforced by the client)");
        }
    }
}

int swp_conn_process(swp_conn *c, int timeout_ms) {
    if (c->dead) return -1;
    if (flush(c) != 0) {
        fail_all(c);
        return -1;
    }
    int64_t now = swp_now_us();
    int64_t dl = earliest_deadline(c);
    int wait = timeout_ms;
    if (dl) {
        int64_t left = dl - now;
        int ms = left <= 0 ? 0 : (int)((left + 999) / 1000);
        if (wait < 0 || ms < wait) wait = ms;
    }
    int r = read_some(c, wait);
    /* Drain what is already available so replies are batched. */
    for (int i = 0; r > 0 && i < READ_BATCH; i++) {
        r = read_some(c, 0);
        if (r == 0) break;
    }
    if (c->dead) return -1;
    expire_deadlines(c);
    if (flush(c) != 0) {
        fail_all(c);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Connecting (§3)                                                                              */

static void fill_defaults(swp_options *o) {
    if (!o->connect_timeout_ms) o->connect_timeout_ms = 10000;
    if (!o->io_timeout_ms) o->io_timeout_ms = 30000;
    if (!o->max_frame_size) o->max_frame_size = 65536;
    if (!o->max_message_size) o->max_message_size = 4194304;
    if (!o->initial_stream_window) o->initial_stream_window = 1048576;
    if (!o->connection_window) o->connection_window = 4194304;
    if (!o->compress_threshold) o->compress_threshold = 1024;
    if (!o->max_queued_bytes) o->max_queued_bytes = 64u * 1024 * 1024;
}

swp_conn *swp_connect(const swp_options *options, swp_error *err) {
    swp_error scratch_err;
    if (!err) err = &scratch_err;
    memset(err, 0, sizeof *err);
    if (!options || !options->host || !options->port || (!options->plaintext && !options->ca_file)) {
        swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "host, port and (unless plaintext) ca_file are required");
        return NULL;
    }
    swp_options o = *options;
    fill_defaults(&o);
    struct sigaction sa;
    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) signal(SIGPIPE, SIG_IGN);
    if (o.max_frame_size < 1024 || o.max_frame_size > 16777215 || o.initial_stream_window > SWP_MAX_WINDOW ||
        o.connection_window > SWP_MAX_WINDOW || o.max_message_size > 1u << 30) {
        swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "option out of range (see §6)");
        return NULL;
    }
    swp_conn *c = calloc(1, sizeof *c);
    if (!c) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    c->opt = o;
    c->opt.host = NULL; /* not kept: the caller's strings may not outlive the call */
    c->opt.ca_file = NULL;
    c->opt.server_name = NULL;
    c->t.fd = -1;
    swp_settings_defaults(&c->peer);
    c->conn_send_window = c->peer.connection_window;
    c->conn_recv_window = o.connection_window;
    c->next_id = 1;
    c->rcap = SWP_HEADER_LEN + o.max_frame_size + 16384;
    c->rbuf = malloc(c->rcap);
    c->dctx = swp_zstd_dctx_new(o.max_message_size);
    c->cctx = swp_zstd_cctx_new();
    if (!c->rbuf || !c->dctx || !c->cctx) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
        goto fail;
    }
    if (swp_transport_open(&c->t, &o, err) != 0) goto fail;

    /* §3 step 1: our preface, then our SETTINGS (only the values that differ from the defaults). */
    uint8_t settings[6 * 5];
    size_t sn = 0;
    swp_settings d;
    swp_settings_defaults(&d);
#define ADD_SETTING(id, v)                           \
    do {                                             \
        swp_put_u16(settings + sn, (uint16_t)(id));  \
        swp_put_u32(settings + sn + 2, (v));         \
        sn += 6;                                     \
    } while (0)
    if (o.max_frame_size != d.max_frame_size) ADD_SETTING(SWP_SET_MAX_FRAME_SIZE, o.max_frame_size);
    if (o.max_message_size != d.max_message_size) ADD_SETTING(SWP_SET_MAX_MESSAGE_SIZE, o.max_message_size);
    if (o.initial_stream_window != d.initial_stream_window)
        ADD_SETTING(SWP_SET_INITIAL_STREAM_WINDOW, o.initial_stream_window);
    if (o.connection_window != d.connection_window) ADD_SETTING(SWP_SET_CONNECTION_WINDOW, o.connection_window);
    if (!o.disable_zstd) ADD_SETTING(SWP_SET_CODECS, SWP_CODEC_ZSTD);
#undef ADD_SETTING
    if (!swp_buf_append(&c->out, preface, sizeof preface, OUT_CAP)) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
        goto fail;
    }
    put_frame(c, SWP_SETTINGS, 0, 0, settings, sn);
    if (flush(c) != 0) {
        *err = c->error;
        goto fail;
    }

    /* §3 steps 2-4: the server's preface, then its SETTINGS (or a GOAWAY). */
    int64_t deadline = swp_now_us() + (int64_t)o.connect_timeout_ms * 1000;
    while (c->rlen < SWP_PREFACE_LEN + SWP_HEADER_LEN ||
           c->rlen < SWP_PREFACE_LEN + SWP_HEADER_LEN + (size_t)swp_get_u32(c->rbuf + SWP_PREFACE_LEN)) {
        int64_t left = deadline - swp_now_us();
        if (left <= 0) {
            /* §3, §16.3 #4: a peer whose SETTINGS did not come in time is told so before the close. */
            if (c->rlen >= SWP_PREFACE_LEN) {
                put_goaway(c, SWP_GOAWAY_SETTINGS_TIMEOUT, "no SETTINGS within the connect timeout");
                flush(c);
            }
            swp_set_error(err, SWP_ERR_TIMEOUT, "no preface and SETTINGS from the server within %d ms",
                          o.connect_timeout_ms);
            goto fail;
        }
        long n = swp_transport_read(&c->t, c->rbuf + c->rlen, c->rcap - c->rlen, (int)((left + 999) / 1000), err);
        if (n < 0) {
            if (err->code == SWP_ERR_CLOSED)
                swp_set_error(err, SWP_ERR_CLOSED, "server closed the connection during the preface exchange "
                                                   "(%zu bytes received)", c->rlen);
            goto fail;
        }
        c->rlen += (size_t)n;
        if (c->rlen >= SWP_PREFACE_LEN) {
            if (memcmp(c->rbuf, preface, 6) != 0) {
                swp_set_error(err, SWP_ERR_VERSION, "bad server preface magic (not SOUK\\r\\n)");
                goto fail;
            }
            if (c->rbuf[6] != SWP_MAJOR) {
                put_goaway(c, SWP_GOAWAY_VERSION_UNSUPPORTED, "client speaks SWP/1");
                flush(c);
                swp_set_error(err, SWP_ERR_VERSION, "server speaks SWP major version %u", c->rbuf[6]);
                goto fail;
            }
        }
        if (c->rlen >= SWP_PREFACE_LEN + SWP_HEADER_LEN &&
            swp_get_u32(c->rbuf + SWP_PREFACE_LEN) > o.max_frame_size) {
            swp_set_error(err, SWP_ERR_FRAME_SIZE, "server's first frame exceeds MAX_FRAME_SIZE");
            goto fail;
        }
    }
    swp_frame_header h;
    swp_decode_header(c->rbuf + SWP_PREFACE_LEN, &h);
    if (h.type == SWP_GOAWAY && h.length >= 8) {
        const uint8_t *p = c->rbuf + SWP_PREFACE_LEN + SWP_HEADER_LEN;
        swp_set_error(err, SWP_ERR_GOAWAY, "server refused the connection: GOAWAY(code 0x%X, \"%.*s\")",
                      swp_get_u32(p + 4), (int)(h.length - 8 > 128 ? 128 : h.length - 8), (const char *)p + 8);
        goto fail;
    }
    if (h.type != SWP_SETTINGS || (h.flags & SWP_FLAG_ACK)) {
        put_goaway(c, SWP_GOAWAY_PROTOCOL_ERROR, "first frame is not SETTINGS");
        flush(c);
        swp_set_error(err, SWP_ERR_PROTOCOL, "server's first frame has type %u, not SETTINGS", h.type);
        goto fail;
    }
    memmove(c->rbuf, c->rbuf + SWP_PREFACE_LEN, c->rlen - SWP_PREFACE_LEN);
    c->rlen -= SWP_PREFACE_LEN;
    parse_frames(c); /* applies SETTINGS (and ACKs it, §3 step 5) plus anything after it */
    if (c->dead || flush(c) != 0) {
        *err = c->error;
        goto fail;
    }
    return c;
fail:
    swp_transport_close(&c->t);
    free(c->rbuf);
    swp_buf_free(&c->out);
    if (c->dctx) swp_zstd_dctx_free(c->dctx);
    if (c->cctx) swp_zstd_cctx_free(c->cctx);
    free(c);
    return NULL;
}

void swp_conn_close(swp_conn *c) {
    if (!c) return;
    if (!c->dead) {
        c->out.length = 0;
        put_goaway(c, SWP_GOAWAY_NO_ERROR, NULL); /* §15: orderly close */
        flush(c);
        c->dead = true;
        swp_set_error(&c->error, SWP_ERR_CLOSED, "connection closed by the client");
    }
    fail_all(c);
    swp_transport_close(&c->t);
    free(c->rbuf);
    free(c->active);
    swp_buf_free(&c->out);
    swp_buf_free(&c->scratch);
    swp_buf_free(&c->cscratch);
    swp_zstd_dctx_free(c->dctx);
    swp_zstd_cctx_free(c->cctx);
    free(c);
}

int swp_conn_usable(const swp_conn *c) { return c && !c->dead && !c->goaway_received; }
const swp_error *swp_conn_error(const swp_conn *c) { return &c->error; }
size_t swp_conn_open_calls(const swp_conn *c) { return c->n_active; }

/* ------------------------------------------------------------------------------------------ */
/* Starting calls (§7, §8, §10)                                                                */

/* Sends the request message as DATA fragments within the server's MAX_FRAME_SIZE and both send
 * windows, the last with END_MESSAGE|END_STREAM (§5.1, §13). Waits for WINDOW_UPDATE when needed. */
static void send_message(swp_conn *c, swp_call *call, const uint8_t *data, size_t n, bool compressed) {
    uint8_t base = compressed ? SWP_FLAG_COMPRESSED : 0;
    if (n == 0) {
        put_frame(c, SWP_DATA, base | SWP_FLAG_END_MESSAGE | SWP_FLAG_END_STREAM, call->id, NULL, 0);
        return;
    }
    size_t off = 0;
    while (off < n && !call->done && !c->dead) {
        int64_t room = (int64_t)c->peer.max_frame_size;
        if (c->conn_send_window < room) room = c->conn_send_window;
        if (call->send_window < room) room = call->send_window;
        if ((int64_t)(n - off) < room) room = (int64_t)(n - off);
        if (room <= 0) {
            /* Out of credit: push what we have and read until a WINDOW_UPDATE (or an answer) arrives. */
            int64_t now = swp_now_us();
            if (call->deadline_us && call->deadline_us <= now) {
                expire_deadlines(c);
                return;
            }
            if (swp_conn_process(c, 1000) != 0) return;
            continue;
        }
        bool last = off + (size_t)room == n;
        uint8_t flags = base | (last ? SWP_FLAG_END_MESSAGE | SWP_FLAG_END_STREAM : 0);
        put_frame(c, SWP_DATA, flags, call->id, data + off, (size_t)room);
        c->conn_send_window -= room;
        call->send_window -= room;
        off += (size_t)room;
    }
}

static swp_call *new_call(const swp_call_params *p) {
    swp_call *call = calloc(1, sizeof *call);
    if (!call) return NULL;
    call->on_message = p->on_message;
    call->on_done = p->on_done;
    call->user = p->user;
    return call;
}

swp_call *swp_call_start(swp_conn *c, const swp_call_params *p, const uint8_t *request, size_t request_length,
                         swp_error *err) {
    swp_error scratch_err;
    if (!err) err = &scratch_err;
    memset(err, 0, sizeof *err);
    if (!c || !p || !p->method || p->method[0] != '/' || (request_length && !request)) {
        swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "a connection, a \"/package.Service/Method\" and the request are required");
        return NULL;
    }
    if (c->dead) {
        swp_set_error(err, c->error.code ? c->error.code : SWP_ERR_CLOSED, "connection unusable: %s", c->error.message);
        return NULL;
    }
    if (c->goaway_received) { /* §15: no new streams after any GOAWAY */
        swp_set_error(err, SWP_ERR_GOAWAY, "server sent %s; open a new connection", c->error.message);
        return NULL;
    }
    int64_t deadline = p->timeout_us > 0 ? swp_now_us() + p->timeout_us : 0;
    swp_call *call = new_call(p);
    if (!call) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    if (p->timeout_us < 0) { /* §10: a deadline already passed fails locally without a stream */
        call->deadline_us = 1;
        finish_call(call, SWP_STATUS_DEADLINE_EXCEEDED, "deadline exceeded before the call started", SWP_ERR_DEADLINE, NULL);
        return call;
    }
    /* §7.4: stay within the server's MAX_CONCURRENT_STREAMS, queueing (here: waiting) locally. */
    if (c->peer.max_concurrent_streams == 0 && c->n_active == 0) { /* nothing would ever free a stream */
        swp_set_error(err, SWP_ERR_STREAMS_EXHAUSTED, "the server allows no streams (MAX_CONCURRENT_STREAMS 0)");
        free(call);
        return NULL;
    }
    while (c->n_active >= c->peer.max_concurrent_streams && !c->dead && !c->goaway_received) {
        if (deadline && swp_now_us() >= deadline) {
            finish_call(call, SWP_STATUS_DEADLINE_EXCEEDED, "deadline exceeded while waiting for a free stream",
                        SWP_ERR_DEADLINE, NULL);
            return call;
        }
        swp_conn_process(c, 100);
    }
    if (c->dead || c->goaway_received) {
        swp_set_error(err, c->dead ? c->error.code : SWP_ERR_GOAWAY, "connection unusable: %s", c->error.message);
        free(call);
        return NULL;
    }
    if (c->next_id > SWP_MAX_WINDOW) { /* ids are odd and at most 2^31-1 (§7.1) */
        swp_set_error(err, SWP_ERR_STREAMS_EXHAUSTED, "stream ids exhausted; open a new connection");
        free(call);
        return NULL;
    }
    /* §12: compress only if asked, the server decodes zstd, and the message reaches the threshold. */
    bool compress = (p->flags & SWP_CALL_COMPRESS) && (c->peer.codecs & SWP_CODEC_ZSTD) &&
                    request_length >= c->opt.compress_threshold;
    const uint8_t *body = request;
    size_t body_len = request_length;
    if (compress) {
        if (swp_zstd_compress(c->cctx, request, request_length, &c->cscratch, err) != SWP_OK) {
            free(call);
            return NULL;
        }
        body = c->cscratch.data;
        body_len = c->cscratch.length;
    }
    if (request_length > c->peer.max_message_size || body_len > c->peer.max_message_size) {
        swp_set_error(err, SWP_ERR_MESSAGE_TOO_LARGE, "request of %zu bytes exceeds the server's MAX_MESSAGE_SIZE %u",
                      request_length, c->peer.max_message_size);
        free(call);
        return NULL;
    }
    /* §10: timeout_us is the time left when HEADERS is written, rounded up, at least 1. */
    uint64_t timeout_us = 0;
    if (deadline) {
        int64_t left = deadline - swp_now_us();
        timeout_us = left > 0 ? (uint64_t)left : 1;
    }
    swp_buf head = {0};
    uint32_t head_cap = c->peer.max_header_size < c->peer.max_frame_size ? c->peer.max_header_size : c->peer.max_frame_size;
    if (swp_encode_request_head(p->method, timeout_us, p->metadata, p->metadata_count,
                                (p->flags & SWP_CALL_COMPRESS) && (c->peer.codecs & SWP_CODEC_ZSTD), &head, head_cap,
                                err) != SWP_OK) {
        swp_buf_free(&head);
        free(call);
        return NULL;
    }
    if (c->n_active == c->cap_active) {
        size_t n = c->cap_active ? c->cap_active * 2 : 16;
        swp_call **a = realloc(c->active, n * sizeof *a);
        if (!a) {
            swp_buf_free(&head);
            free(call);
            swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
            return NULL;
        }
        c->active = a;
        c->cap_active = n;
    }
    call->conn = c;
    call->id = c->next_id;
    c->next_id += 2;
    c->highest_opened = call->id;
    call->deadline_us = deadline;
    call->request_compressed = compress;
    call->send_window = c->peer.initial_stream_window;
    call->recv_window = c->opt.initial_stream_window;
    c->active[c->n_active++] = call;
    put_frame(c, SWP_HEADERS, 0, call->id, head.data, head.length);
    swp_buf_free(&head);
    send_message(c, call, body, body_len, compress);
    return call;
}

/* ------------------------------------------------------------------------------------------ */
/* Reading results                                                                              */

int swp_call_next(swp_call *call, const uint8_t **data, size_t *length) {
    free(call->current);
    call->current = NULL;
    for (;;) {
        if (call->queue_head) {
            swp_msg *m = call->queue_head;
            call->queue_head = m->next;
            if (!call->queue_head) call->queue_tail = NULL;
            call->queued_bytes -= m->length;
            if (call->conn) consume_credit(call->conn, call, m->credit); /* §13: credit on consumption */
            call->current = m;
            *data = m->data;
            *length = m->length;
            return 1;
        }
        if (call->done || !call->conn) return 0;
        swp_conn_process(call->conn, -1);
    }
}

int swp_call_wait(swp_call *call) {
    while (!call->done && call->conn) {
        /* Consume what arrives so flow control keeps the stream moving. */
        while (call->queue_head) {
            swp_msg *m = call->queue_head;
            call->queue_head = m->next;
            if (!call->queue_head) call->queue_tail = NULL;
            call->queued_bytes -= m->length;
            consume_credit(call->conn, call, m->credit);
            free(m);
        }
        if (call->done || !call->conn) break;
        swp_conn_process(call->conn, -1);
    }
    return call->status;
}

int swp_call_done(const swp_call *call) { return call->done; }
int swp_call_status(const swp_call *call) { return call->status; }
const char *swp_call_message(const swp_call *call) { return call->message ? call->message : ""; }
const swp_metadata *swp_call_initial_metadata(const swp_call *call) { return &call->initial; }
const swp_metadata *swp_call_trailing_metadata(const swp_call *call) { return &call->trailing; }
const swp_error *swp_call_transport_error(const swp_call *call) { return &call->transport; }
uint32_t swp_call_stream_id(const swp_call *call) { return call->id; }
uint64_t swp_call_compressed_messages(const swp_call *call) { return call->compressed; }
uint64_t swp_call_messages(const swp_call *call) { return call->messages; }
void *swp_call_user(const swp_call *call) { return call->user; }
int swp_call_request_compressed(const swp_call *call) { return call->request_compressed; }

void swp_call_free(swp_call *call) {
    if (!call) return;
    if (!call->done && call->conn) {
        swp_conn *c = call->conn;
        put_u32_frame(c, SWP_CANCEL, call->id, SWP_STATUS_CANCELLED); /* §10 */
        call->on_done = NULL;
        finish_call(call, SWP_STATUS_CANCELLED, "cancelled by the client", SWP_ERR_CANCELLED, NULL);
    }
    free_queue(call);
    free(call->current);
    free(call->message);
    swp_buf_free(&call->partial);
    swp_metadata_clear(&call->initial);
    swp_metadata_clear(&call->trailing);
    free(call);
}

int swp_unary(swp_conn *c, const swp_call_params *p, const uint8_t *request, size_t request_length,
              uint8_t **response, size_t *response_length, swp_call **call_out, swp_error *err) {
    *response = NULL;
    *response_length = 0;
    *call_out = NULL;
    swp_call *call = swp_call_start(c, p, request, request_length, err);
    if (!call) return -1;
    const uint8_t *data;
    size_t n;
    bool got = false;
    while (swp_call_next(call, &data, &n) == 1) {
        if (got) continue; /* a unary response is exactly one message (§8); extra ones are ignored */
        got = true;
        *response = malloc(n ? n : 1);
        if (!*response) {
            swp_call_free(call);
            swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory");
            return -1;
        }
        if (n) memcpy(*response, data, n);
        *response_length = n;
    }
    *call_out = call;
    return 0;
}
