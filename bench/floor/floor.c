/* floor: the machine's floor for request/response RPC — the cost of moving length-prefixed messages
 * over TCP (optionally TLS 1.3) with no RPC protocol at all. Each request is a 4-byte big-endian
 * length plus that many payload bytes; the server echoes it unchanged.
 *
 *   floor server --port P [--tls] [--cert FILE --key FILE]
 *   floor client --host H --port P [--tls [--ca FILE]] --connections N --in-flight K --size S
 *                --warmup-s W --duration-s D
 *   floor run (--tls | --plain) --connections N --in-flight K --size S --warmup-s W --duration-s D
 *
 * `run` starts the server on a loopback port inside the same process (its own threads; with --tls a
 * self-signed P-256 certificate generated in memory, which the client trusts) and then the client.
 *
 * Client: K requests in flight in total, spread over N connections (one thread each; the first
 * K mod N connections get one more), pipelined: each connection keeps its share outstanding and sends
 * a new request whenever a response arrives (closed loop). Responses arrive in order on a connection,
 * so a ring of send timestamps gives each one's latency. Latencies of responses arriving in the
 * measured window go into a log-linear histogram (< 1% error).
 *
 * Output: one JSON line {"mode","connections","in_flight","size","calls","errors","seconds","qps",
 * "p50_us","p90_us","p99_us","p999_us","cpu_seconds"[,"client_cpu_seconds","server_cpu_seconds"]}.
 * cpu_seconds is the whole process's user+sys time over the window (for `run`: client and server).
 * Any error exits non-zero with a message and prints no figures.
 */
#define _GNU_SOURCE
#include "hist.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD (16u * 1024 * 1024)
#define IO_CHUNK (256u * 1024)

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double rusage_seconds(int who) {
    struct rusage ru;
    getrusage(who, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
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

static void ssl_die(const char *what) {
    char buf[256];
    unsigned long e = ERR_get_error();
    ERR_error_string_n(e, buf, sizeof buf);
    fprintf(stderr, "floor: %s: %s\n", what, e ? buf : "unknown error");
    exit(1);
}

/* ---------------------------------------------------------------------------------------------- */
/* TLS                                                                                              */

/* A self-signed P-256 certificate for "localhost" / 127.0.0.1, made in memory. */
static void make_cert(EVP_PKEY **key_out, X509 **cert_out) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    if (!key || !x) ssl_die("cannot generate a key");
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    if (ext) {
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (X509_sign(x, key, EVP_sha256()) <= 0) ssl_die("cannot sign the certificate");
    *key_out = key;
    *cert_out = x;
}

static SSL_CTX *server_ctx(const char *cert_file, const char *key_file, X509 **generated) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) ssl_die("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (cert_file && key_file) {
        if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) ssl_die("cannot load --cert");
        if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) ssl_die("cannot load --key");
    } else {
        EVP_PKEY *key;
        X509 *cert;
        make_cert(&key, &cert);
        if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
            ssl_die("cannot use the generated certificate");
        EVP_PKEY_free(key);
        if (generated) *generated = cert;
        else X509_free(cert);
    }
    return ctx;
}

/* Client context: TLS 1.3; verifies against `trusted` or --ca, else (standalone, no CA) does not verify. */
static SSL_CTX *client_ctx(X509 *trusted, const char *ca_file) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) ssl_die("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (trusted) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), trusted);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    } else if (ca_file) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) ssl_die("cannot load --ca");
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    return ctx;
}

/* ---------------------------------------------------------------------------------------------- */
/* Server: one thread per connection, blocking I/O. Reads what is available, answers every complete
 * request in it with one write (so pipelined requests are answered in batches, as an RPC server would). */

typedef struct {
    int listen_fd;
    SSL_CTX *ctx;
    atomic_bool stop;
    /* for `run`: CPU time of server threads over the window */
    int64_t window_start, window_end;
    _Atomic long long cpu_us;
} server;

typedef struct {
    server *srv;
    int fd;
} server_conn;

static long conn_read(int fd, SSL *ssl, uint8_t *buf, size_t n) {
    if (ssl) {
        int r = SSL_read(ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
        return r > 0 ? r : -1;
    }
    for (;;) {
        ssize_t r = recv(fd, buf, n, 0);
        if (r < 0 && errno == EINTR) continue;
        return r > 0 ? r : -1;
    }
}

static int conn_write_all(int fd, SSL *ssl, const uint8_t *p, size_t n) {
    while (n > 0) {
        long r;
        if (ssl) {
            r = SSL_write(ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
            if (r <= 0) return -1;
        } else {
            r = send(fd, p, n, MSG_NOSIGNAL);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static double thread_cpu(void) { return rusage_seconds(RUSAGE_THREAD); }

static void *server_conn_main(void *arg) {
    server_conn *sc = arg;
    server *srv = sc->srv;
    int fd = sc->fd;
    free(sc);
    SSL *ssl = NULL;
    uint8_t *in = malloc(MAX_PAYLOAD + 4 + IO_CHUNK);
    uint8_t *out = malloc(MAX_PAYLOAD + 4 + IO_CHUNK);
    size_t in_len = 0, in_cap = MAX_PAYLOAD + 4 + IO_CHUNK;
    double cpu0 = -1, cpu1 = -1;
    if (!in || !out) goto done;
    if (srv->ctx) {
        ssl = SSL_new(srv->ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) goto done;
    }
    for (;;) {
        long r = conn_read(fd, ssl, in + in_len, in_cap - in_len);
        if (r <= 0) break;
        in_len += (size_t)r;
        int64_t t = now_ns();
        if (srv->window_start && cpu0 < 0 && t >= srv->window_start) cpu0 = thread_cpu();
        if (srv->window_end && cpu0 >= 0 && cpu1 < 0 && t >= srv->window_end) cpu1 = thread_cpu();
        size_t off = 0, out_len = 0;
        while (in_len - off >= 4) {
            uint32_t n = get_u32(in + off);
            if (n > MAX_PAYLOAD) goto done; /* bounded: a bad length ends the connection */
            if (in_len - off - 4 < n) break;
            if (out_len + 4 + n > in_cap) {
                if (conn_write_all(fd, ssl, out, out_len) != 0) goto done;
                out_len = 0;
            }
            memcpy(out + out_len, in + off, 4 + (size_t)n); /* the echo */
            out_len += 4 + (size_t)n;
            off += 4 + (size_t)n;
        }
        if (out_len && conn_write_all(fd, ssl, out, out_len) != 0) break;
        memmove(in, in + off, in_len - off);
        in_len -= off;
    }
done:
    if (cpu0 >= 0) {
        if (cpu1 < 0) cpu1 = thread_cpu();
        atomic_fetch_add(&srv->cpu_us, (long long)((cpu1 - cpu0) * 1e6));
    }
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    close(fd);
    free(in);
    free(out);
    return NULL;
}

static void *server_accept_main(void *arg) {
    server *srv = arg;
    while (!atomic_load(&srv->stop)) {
        int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            break; /* the listening socket was shut down */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        server_conn *sc = malloc(sizeof *sc);
        pthread_t t;
        if (!sc) {
            close(fd);
            continue;
        }
        sc->srv = srv;
        sc->fd = fd;
        if (pthread_create(&t, NULL, server_conn_main, sc) != 0) {
            close(fd);
            free(sc);
            continue;
        }
        pthread_detach(t);
    }
    return NULL;
}

static int listen_on(const char *host, int port, uint16_t *bound) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        close(fd);
        return -1;
    }
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

/* ---------------------------------------------------------------------------------------------- */
/* Client: one thread per connection, non-blocking socket, reading and writing as either is possible
 * (so a large window of big requests can never deadlock against the server's writes). */

typedef struct {
    const char *host;
    uint16_t port;
    SSL_CTX *ctx;
    int share;
    uint32_t size;
    int64_t window_start, window_end;
    /* results */
    hist h;
    uint64_t calls;
    double cpu;
    char error[256];
} client;

static int connect_to(const char *host, uint16_t port) {
    char ps[8];
    snprintf(ps, sizeof ps, "%u", (unsigned)port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, ps, &hints, &res) != 0) return -1;
    int fd = -1;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

/* Non-blocking read/write: >0 bytes, 0 would block, -1 error/EOF. *want is POLLIN/POLLOUT to wait for. */
static long nb_read(int fd, SSL *ssl, uint8_t *buf, size_t n, short *want) {
    if (ssl) {
        int r = SSL_read(ssl, buf, (int)n);
        if (r > 0) return r;
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_READ) return *want |= POLLIN, 0;
        if (e == SSL_ERROR_WANT_WRITE) return *want |= POLLOUT, 0;
        return -1;
    }
    ssize_t r = recv(fd, buf, n, 0);
    if (r > 0) return r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return *want |= POLLIN, 0;
    return -1;
}

static long nb_write(int fd, SSL *ssl, const uint8_t *buf, size_t n, short *want) {
    if (ssl) {
        int r = SSL_write(ssl, buf, (int)n);
        if (r > 0) return r;
        int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_WRITE) return *want |= POLLOUT, 0;
        if (e == SSL_ERROR_WANT_READ) return *want |= POLLIN, 0;
        return -1;
    }
    ssize_t r = send(fd, buf, n, MSG_NOSIGNAL);
    if (r > 0) return r;
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return *want |= POLLOUT, 0;
    return -1;
}

static void *client_main(void *arg) {
    client *c = arg;
    hist_init(&c->h);
    size_t frame = 4 + (size_t)c->size;
    size_t in_cap = frame + IO_CHUNK, out_cap = frame * (size_t)c->share + IO_CHUNK;
    uint8_t *in = malloc(in_cap), *out = malloc(out_cap), *request = calloc(1, frame);
    int64_t *sent = calloc((size_t)c->share, sizeof *sent);
    SSL *ssl = NULL;
    int fd = -1;
    double cpu0 = -1, cpu1 = -1;
    if (!in || !out || !request || !sent) {
        snprintf(c->error, sizeof c->error, "out of memory");
        goto done;
    }
    put_u32(request, c->size);
    for (size_t i = 4; i < frame; i++) request[i] = (uint8_t)i;
    fd = connect_to(c->host, c->port);
    if (fd < 0) {
        snprintf(c->error, sizeof c->error, "cannot connect to %s:%u: %s", c->host, (unsigned)c->port, strerror(errno));
        goto done;
    }
    if (c->ctx) { /* blocking handshake, then non-blocking I/O */
        ssl = SSL_new(c->ctx);
        SSL_set_fd(ssl, fd);
        SSL_set_tlsext_host_name(ssl, "localhost");
        SSL_set1_host(ssl, "localhost");
        if (SSL_connect(ssl) != 1) {
            char b[200];
            ERR_error_string_n(ERR_get_error(), b, sizeof b);
            snprintf(c->error, sizeof c->error, "TLS handshake failed: %s", b);
            goto done;
        }
        if (SSL_version(ssl) != TLS1_3_VERSION) {
            snprintf(c->error, sizeof c->error, "negotiated %s, not TLS 1.3", SSL_get_version(ssl));
            goto done;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    size_t in_len = 0, out_len = 0, out_off = 0;
    int head = 0, tail = 0, outstanding = 0; /* ring of send times */
    for (int i = 0; i < c->share; i++) {
        memcpy(out + out_len, request, frame);
        out_len += frame;
    }
    int64_t t0 = now_ns();
    for (int i = 0; i < c->share; i++) {
        sent[tail] = t0;
        tail = (tail + 1) % c->share;
        outstanding++;
    }
    bool stopping = false;
    while (outstanding > 0) {
        short want = 0;
        bool progress = false;
        if (out_off < out_len) {
            long w = nb_write(fd, ssl, out + out_off, out_len - out_off, &want);
            if (w < 0) {
                snprintf(c->error, sizeof c->error, "write failed: %s", ssl ? "TLS error" : strerror(errno));
                goto done;
            }
            if (w > 0) {
                out_off += (size_t)w;
                progress = true;
                if (out_off == out_len) out_off = out_len = 0;
            }
        }
        long r = nb_read(fd, ssl, in + in_len, in_cap - in_len, &want);
        if (r < 0) {
            snprintf(c->error, sizeof c->error, "connection closed or read failed with %d request(s) outstanding",
                     outstanding);
            goto done;
        }
        if (r > 0) {
            progress = true;
            in_len += (size_t)r;
            int64_t t = now_ns();
            if (cpu0 < 0 && t >= c->window_start) cpu0 = thread_cpu();
            if (!stopping && t >= c->window_end) {
                stopping = true;
                cpu1 = thread_cpu();
            }
            bool in_window = t >= c->window_start && t < c->window_end;
            size_t off = 0;
            while (in_len - off >= 4) {
                uint32_t n = get_u32(in + off);
                if (n != c->size) {
                    snprintf(c->error, sizeof c->error, "response of %u bytes, expected %u", n, c->size);
                    goto done;
                }
                if (in_len - off < frame) break;
                off += frame;
                if (in_window) {
                    hist_record(&c->h, (uint64_t)(t - sent[head]));
                    c->calls++;
                }
                head = (head + 1) % c->share;
                outstanding--;
                if (!stopping) { /* closed loop: one new request per response */
                    if (out_off > 0) { /* compact: unsent bytes never exceed share * frame */
                        memmove(out, out + out_off, out_len - out_off);
                        out_len -= out_off;
                        out_off = 0;
                    }
                    memcpy(out + out_len, request, frame);
                    out_len += frame;
                    sent[tail] = t;
                    tail = (tail + 1) % c->share;
                    outstanding++;
                }
            }
            memmove(in, in + off, in_len - off);
            in_len -= off;
        }
        if (!progress && (!ssl || SSL_pending(ssl) == 0)) {
            struct pollfd p = {.fd = fd, .events = (short)(want | (out_off < out_len ? POLLOUT : 0))};
            if (!p.events) p.events = POLLIN;
            if (poll(&p, 1, 100) < 0 && errno != EINTR) {
                snprintf(c->error, sizeof c->error, "poll failed: %s", strerror(errno));
                goto done;
            }
            if (now_ns() > c->window_end + 10 * (int64_t)1000000000) {
                snprintf(c->error, sizeof c->error, "%d response(s) still missing 10 s after the window", outstanding);
                goto done;
            }
        }
    }
done:
    if (cpu0 >= 0) c->cpu = (cpu1 >= 0 ? cpu1 : thread_cpu()) - cpu0;
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    if (fd >= 0) close(fd);
    free(in);
    free(out);
    free(request);
    free(sent);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------- */

typedef struct {
    const char *cmd, *host, *cert, *key, *ca;
    int port, connections, in_flight, tls, plain;
    long size;
    double warmup_s, duration_s;
} args;

static void usage(void) {
    fprintf(stderr,
            "usage: floor server --port P [--host A] [--tls [--cert FILE --key FILE]]\n"
            "       floor client --host H --port P [--tls [--ca FILE]] --connections N --in-flight K --size S\n"
            "                    --warmup-s W --duration-s D\n"
            "       floor run (--tls|--plain) --connections N --in-flight K --size S --warmup-s W --duration-s D\n");
    exit(2);
}

static int run_clients(const args *a, SSL_CTX *ctx, uint16_t port, server *srv) {
    int n = a->connections;
    client *cs = calloc((size_t)n, sizeof *cs);
    pthread_t *ts = calloc((size_t)n, sizeof *ts);
    if (!cs || !ts) {
        fprintf(stderr, "floor: out of memory\n");
        return 1;
    }
    int64_t t0 = now_ns();
    int64_t ws = t0 + (int64_t)(a->warmup_s * 1e9), we = ws + (int64_t)(a->duration_s * 1e9);
    if (srv) {
        srv->window_start = ws;
        srv->window_end = we;
    }
    for (int i = 0; i < n; i++) {
        cs[i].host = a->host;
        cs[i].port = port;
        cs[i].ctx = ctx;
        cs[i].share = a->in_flight / n + (i < a->in_flight % n ? 1 : 0);
        cs[i].size = (uint32_t)a->size;
        cs[i].window_start = ws;
        cs[i].window_end = we;
        if (pthread_create(&ts[i], NULL, client_main, &cs[i]) != 0) {
            fprintf(stderr, "floor: cannot start client thread\n");
            return 1;
        }
    }
    int64_t wait = ws - now_ns();
    if (wait > 0) {
        struct timespec s = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        nanosleep(&s, NULL);
    }
    double cpu0 = rusage_seconds(RUSAGE_SELF);
    wait = we - now_ns();
    if (wait > 0) {
        struct timespec s = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        nanosleep(&s, NULL);
    }
    double cpu1 = rusage_seconds(RUSAGE_SELF);
    hist total;
    hist_init(&total);
    uint64_t calls = 0;
    double client_cpu = 0;
    const char *err = NULL;
    int failed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(ts[i], NULL);
        hist_merge(&total, &cs[i].h);
        calls += cs[i].calls;
        client_cpu += cs[i].cpu;
        if (cs[i].error[0]) {
            failed++;
            if (!err) err = cs[i].error;
        }
    }
    int rc = 0;
    double secs = a->duration_s;
    if (failed) {
        fprintf(stderr, "floor: %d connection(s) failed; first error: %s\n", failed, err);
        rc = 1;
    } else if (calls == 0) {
        fprintf(stderr, "floor: no response arrived in the measured window\n");
        rc = 1;
    } else {
        printf("{\"mode\":\"%s\",\"connections\":%d,\"in_flight\":%d,\"size\":%ld,\"calls\":%llu,\"errors\":0,"
               "\"seconds\":%.3f,\"qps\":%.1f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,\"p999_us\":%.2f,"
               "\"cpu_seconds\":%.3f",
               ctx ? "tls" : "plain", a->connections, a->in_flight, a->size, (unsigned long long)calls, secs,
               (double)calls / secs, hist_quantile_ns(&total, 0.5) / 1e3, hist_quantile_ns(&total, 0.9) / 1e3,
               hist_quantile_ns(&total, 0.99) / 1e3, hist_quantile_ns(&total, 0.999) / 1e3, cpu1 - cpu0);
        if (srv)
            printf(",\"client_cpu_seconds\":%.3f,\"server_cpu_seconds\":%.3f", client_cpu,
                   (double)atomic_load(&srv->cpu_us) / 1e6);
        printf("}\n");
        fflush(stdout);
    }
    free(cs);
    free(ts);
    return rc;
}

static double parse_num(const char *s, double lo, double hi) {
    char *end;
    double v = strtod(s, &end);
    if (*end || end == s || v < lo || v > hi) {
        fprintf(stderr, "floor: bad number %s\n", s);
        usage();
    }
    return v;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) usage();
    args a = {.cmd = argv[1], .host = NULL, .connections = 1, .in_flight = 1, .size = 64, .warmup_s = 1,
              .duration_s = 5, .port = -1};
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--tls")) a.tls = 1;
        else if (!strcmp(o, "--plain")) a.plain = 1;
        else if (i + 1 >= argc) usage();
        else if (!strcmp(o, "--host")) a.host = argv[++i];
        else if (!strcmp(o, "--port")) a.port = (int)parse_num(argv[++i], 0, 65535);
        else if (!strcmp(o, "--cert")) a.cert = argv[++i];
        else if (!strcmp(o, "--key")) a.key = argv[++i];
        else if (!strcmp(o, "--ca")) a.ca = argv[++i];
        else if (!strcmp(o, "--connections")) a.connections = (int)parse_num(argv[++i], 1, 4096);
        else if (!strcmp(o, "--in-flight")) a.in_flight = (int)parse_num(argv[++i], 1, 1000000);
        else if (!strcmp(o, "--size")) a.size = (long)parse_num(argv[++i], 0, MAX_PAYLOAD);
        else if (!strcmp(o, "--warmup-s")) a.warmup_s = parse_num(argv[++i], 0, 3600);
        else if (!strcmp(o, "--duration-s")) a.duration_s = parse_num(argv[++i], 0.01, 3600);
        else usage();
    }
    if (a.in_flight < a.connections) {
        fprintf(stderr, "floor: --in-flight must be at least --connections\n");
        return 2;
    }
    if (!strcmp(a.cmd, "server")) {
        if (a.port < 0) usage();
        server srv = {0};
        uint16_t port;
        srv.listen_fd = listen_on(a.host ? a.host : "127.0.0.1", a.port, &port);
        if (srv.listen_fd < 0) {
            fprintf(stderr, "floor: cannot listen on port %d: %s\n", a.port, strerror(errno));
            return 1;
        }
        srv.ctx = a.tls ? server_ctx(a.cert, a.key, NULL) : NULL;
        printf("floor server listening on %s:%u (%s)\n", a.host ? a.host : "127.0.0.1", (unsigned)port,
               a.tls ? "TLS 1.3" : "plain TCP");
        fflush(stdout);
        server_accept_main(&srv);
        return 0;
    }
    if (!strcmp(a.cmd, "client")) {
        if (!a.host || a.port <= 0) usage();
        SSL_CTX *ctx = a.tls ? client_ctx(NULL, a.ca) : NULL;
        int rc = run_clients(&a, ctx, (uint16_t)a.port, NULL);
        SSL_CTX_free(ctx);
        return rc;
    }
    if (!strcmp(a.cmd, "run")) {
        if (a.tls == a.plain) {
            fprintf(stderr, "floor run: give exactly one of --tls or --plain\n");
            return 2;
        }
        server srv = {0};
        uint16_t port;
        a.host = "127.0.0.1";
        srv.listen_fd = listen_on(a.host, 0, &port);
        if (srv.listen_fd < 0) {
            fprintf(stderr, "floor: cannot listen: %s\n", strerror(errno));
            return 1;
        }
        X509 *cert = NULL;
        srv.ctx = a.tls ? server_ctx(NULL, NULL, &cert) : NULL;
        SSL_CTX *cctx = a.tls ? client_ctx(cert, NULL) : NULL;
        pthread_t acceptor;
        if (pthread_create(&acceptor, NULL, server_accept_main, &srv) != 0) {
            fprintf(stderr, "floor: cannot start the server thread\n");
            return 1;
        }
        int rc = run_clients(&a, cctx, port, &srv);
        atomic_store(&srv.stop, true);
        shutdown(srv.listen_fd, SHUT_RDWR);
        pthread_join(acceptor, NULL);
        close(srv.listen_fd);
        /* Server connection threads are detached and end when their client closes; the process exits. */
        SSL_CTX_free(cctx);
        X509_free(cert);
        return rc;
    }
    usage();
    return 2;
}
