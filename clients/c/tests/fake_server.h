#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <pthread.h>
#include <stdint.h>

typedef enum {
    FAKE_TRUNCATED_FRAME,   /* half a DATA frame, then close */
    FAKE_OVERSIZED_LENGTH,  /* a frame header announcing ~2 GiB */
    FAKE_CLOSE_MID_CALL,    /* HEADERS + an incomplete message, then close */
    FAKE_UNKNOWN_STREAM,    /* DATA on a stream the client never opened */
    FAKE_PING_AND_GOAWAY,   /* PING, then GOAWAY(last 1) with streams 1 and 3 open; stream 1 completes */
    FAKE_BAD_TRAILERS,      /* an undecodable Trailers block */
    FAKE_ZSTD_BOMB,         /* a compressed message declaring 1 GiB */
    FAKE_BAD_PREFACE,       /* answers the preface with HTTP */
    FAKE_SILENT,            /* never answers the preface */
} fake_scenario;

typedef struct {
    fake_scenario scenario;
    int listen_fd, client_fd;
    uint16_t port;
    pthread_t thread;
    /* what the client sent */
    int got_ping_ack;
    uint8_t ping_ack[8];
    int got_goaway_code; /* -1: none */
    int got_cancel_code; /* -1: none */
} fake_server;

int fake_server_start(fake_server *s, fake_scenario scenario);
void fake_server_stop(fake_server *s); /* joins the server thread (it ends when the client closes) */

#endif
