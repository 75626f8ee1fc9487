/* A tiny misbehaving SWP/1 server for the bad-input tests: plain TCP on 127.0.0.1, one connection,
 * one scripted scenario. It speaks just enough of the protocol (§3 preface + SETTINGS, §4 frames) to
 * get a call started, then does what the scenario says. */
#define _GNU_SOURCE
#include "fake_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int read_exact(int fd, uint8_t *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static void write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
        if (r <= 0) return;
        p += r;
        n -= (size_t)r;
    }
}

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void send_frame(int fd, uint8_t type, uint8_t flags, uint32_t stream, const void *payload, uint32_t n) {
    uint8_t h[12];
    put_u32(h, n);
    h[4] = type;
    h[5] = flags;
    h[6] = h[7] = 0;
    put_u32(h + 8, stream);
    write_all(fd, h, 12);
    if (n) write_all(fd, payload, n);
}

/* Reads one frame; the payload (up to cap bytes kept) is discarded beyond cap. */
static int read_frame(int fd, uint8_t *type, uint8_t *flags, uint32_t *stream, uint8_t *payload, size_t cap,
                      uint32_t *len) {
    uint8_t h[12];
    if (read_exact(fd, h, 12) != 0) return -1;
    *len = get_u32(h);
    *type = h[4];
    *flags = h[5];
    *stream = get_u32(h + 8);
    if (*len > 1u << 20) return -1;
    uint8_t *tmp = malloc(*len ? *len : 1);
    if (!tmp) return -1;
    int rc = read_exact(fd, tmp, *len);
    if (rc == 0 && payload) memcpy(payload, tmp, *len < cap ? *len : cap);
    free(tmp);
    return rc;
}

/* Reads client frames until a DATA with END_STREAM on `stream` (the request is complete). */
static int read_request(fake_server *s, uint32_t want_stream) {
    uint8_t type, flags, payload[64];
    uint32_t stream, len;
    for (;;) {
        if (read_frame(s->client_fd, &type, &flags, &stream, payload, sizeof payload, &len) != 0) return -1;
        if (type == 0x05 && (flags & 1)) { /* PING ACK */
            if (len == 8) memcpy(s->ping_ack, payload, 8);
            s->got_ping_ack = 1;
        }
        if (type == 0x06 && len >= 8) s->got_goaway_code = (int)get_u32(payload + 4);
        if (type == 0x00 && (flags & 0x04) && stream == want_stream) return 0;
    }
}

static void drain_until_close(fake_server *s) {
    uint8_t type, flags, payload[64];
    uint32_t stream, len;
    while (read_frame(s->client_fd, &type, &flags, &stream, payload, sizeof payload, &len) == 0) {
        if (type == 0x06 && len >= 8) s->got_goaway_code = (int)get_u32(payload + 4);
        if (type == 0x05 && (flags & 1)) {
            if (len == 8) memcpy(s->ping_ack, payload, 8);
            s->got_ping_ack = 1;
        }
        if (type == 0x03 && len == 4) s->got_cancel_code = (int)get_u32(payload);
    }
}

static void *serve(void *arg) {
    fake_server *s = arg;
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    s->client_fd = accept(s->listen_fd, (struct sockaddr *)&a, &al);
    if (s->client_fd < 0) return NULL;
    struct timeval tv = {5, 0};
    setsockopt(s->client_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint8_t preface[8];
    if (read_exact(s->client_fd, preface, 8) != 0) goto done;
    if (s->scenario == FAKE_SILENT) {
        drain_until_close(s);
        goto done;
    }
    if (s->scenario == FAKE_BAD_PREFACE) {
        write_all(s->client_fd, (const uint8_t *)"HTTP/1.1 400 Bad\r\n\r\n", 20);
        goto done;
    }
    /* §3: our preface and an empty SETTINGS frame (all defaults, plus CODECS=0). */
    write_all(s->client_fd, (const uint8_t *)"SOUK\r\n\x01\x00", 8);
    send_frame(s->client_fd, 0x04, 0, 0, NULL, 0);
    if (read_request(s, 1) != 0) goto done;
    uint8_t body[16] = {0x0A, 0x04, 1, 2, 3, 4};
    switch (s->scenario) {
    case FAKE_TRUNCATED_FRAME: {
        /* HEADERS, then a DATA header announcing 100 bytes, only 10 of them, then close. */
        send_frame(s->client_fd, 0x01, 0, 1, NULL, 0);
        uint8_t h[12 + 10] = {0};
        put_u32(h, 100);
        h[4] = 0x00;
        h[5] = 0x01;
        put_u32(h + 8, 1);
        write_all(s->client_fd, h, sizeof h);
        break;
    }
    case FAKE_OVERSIZED_LENGTH: {
        uint8_t h[12] = {0};
        put_u32(h, 0x7FFFFFF0u); /* far beyond the client's MAX_FRAME_SIZE */
        h[4] = 0x00;
        put_u32(h + 8, 1);
        write_all(s->client_fd, h, sizeof h);
        drain_until_close(s); /* the client must answer GOAWAY(FRAME_SIZE_ERROR) and close */
        break;
    }
    case FAKE_CLOSE_MID_CALL:
        send_frame(s->client_fd, 0x01, 0, 1, NULL, 0);
        send_frame(s->client_fd, 0x00, 0, 1, body, 3); /* a fragment without END_MESSAGE */
        break;
    case FAKE_UNKNOWN_STREAM:
        send_frame(s->client_fd, 0x00, 0x01, 99, body, 6); /* DATA on a stream never opened */
        drain_until_close(s);
        break;
    case FAKE_PING_AND_GOAWAY: {
        /* The client has opened streams 1 and 3 (the test starts both before processing). */
        if (read_request(s, 3) != 0) break;
        send_frame(s->client_fd, 0x05, 0, 0, "pingpong", 8);
        uint8_t g[8 + 5];
        put_u32(g, 1); /* last_stream_id 1: stream 3 was not processed */
        put_u32(g + 4, 0);
        memcpy(g + 8, "drain", 5);
        send_frame(s->client_fd, 0x06, 0, 0, g, sizeof g);
        send_frame(s->client_fd, 0x00, 0x01, 1, body, 6);
        send_frame(s->client_fd, 0x02, 0, 1, NULL, 0); /* TRAILERS, empty payload = Trailers{code 0} */
        drain_until_close(s);
        break;
    }
    case FAKE_BAD_TRAILERS: {
        uint8_t junk[] = {0x0A, 0xFF}; /* a length-delimited field running past the end */
        send_frame(s->client_fd, 0x02, 0, 1, junk, sizeof junk);
        drain_until_close(s);
        break;
    }
    case FAKE_ZSTD_BOMB: {
        /* A zstd frame (§12) whose header declares 1 GiB of content (Frame_Content_Size, 4 bytes,
         * single segment), followed by an empty last raw block: the client must refuse it. */
        uint8_t z[] = {0x28, 0xB5, 0x2F, 0xFD, 0xA0, 0x00, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00};
        send_frame(s->client_fd, 0x00, 0x03, 1, z, sizeof z);
        drain_until_close(s);
        break;
    }
    default: break;
    }
done:
    shutdown(s->client_fd, SHUT_RDWR);
    close(s->client_fd);
    s->client_fd = -1;
    return NULL;
}

int fake_server_start(fake_server *s, fake_scenario scenario) {
    memset(s, 0, sizeof *s);
    s->scenario = scenario;
    s->client_fd = -1;
    s->got_goaway_code = -1;
    s->got_cancel_code = -1;
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->listen_fd < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 1) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &al) != 0) {
        close(s->listen_fd);
        return -1;
    }
    s->port = ntohs(a.sin_port);
    if (pthread_create(&s->thread, NULL, serve, s) != 0) {
        close(s->listen_fd);
        return -1;
    }
    return 0;
}

void fake_server_stop(fake_server *s) {
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}
