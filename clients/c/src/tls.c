/* The byte transport under SWP/1 (§2): TCP, wrapped in TLS 1.3 with ALPN "swp/1" unless the caller
 * explicitly asked for plaintext. The socket is non-blocking; every wait is a poll() with a timeout. */
#define _POSIX_C_SOURCE 200809L
#include "swp_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static const unsigned char alpn_swp1[] = {5, 's', 'w', 'p', '/', '1'};

static int remaining_ms(int64_t deadline_us) {
    int64_t left = deadline_us - swp_now_us();
    if (left <= 0) return 0;
    return (int)((left + 999) / 1000);
}

/* Waits for the socket to become readable/writable. 1 ready, 0 timeout, -1 error. */
static int wait_fd(int fd, short events, int timeout_ms) {
    struct pollfd p = {.fd = fd, .events = events};
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        return r > 0 ? 1 : 0;
    }
}

static void openssl_reason(char *out, size_t n) {
    unsigned long e = ERR_get_error();
    if (e == 0) {
        snprintf(out, n, "no OpenSSL error queued");
        return;
    }
    ERR_error_string_n(e, out, n);
    ERR_clear_error();
}

static int tcp_connect(swp_transport *t, const swp_options *o, int64_t deadline, swp_error *err) {
    char port[16];
    snprintf(port, sizeof port, "%u", (unsigned)o->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(o->host, port, &hints, &res);
    if (rc != 0) {
        swp_set_error(err, SWP_ERR_RESOLVE, "cannot resolve %s: %s", o->host, gai_strerror(rc));
        return -1;
    }
    int last_errno = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            t->fd = fd;
            break;
        }
        if (errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, remaining_ms(deadline));
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
                t->fd = fd;
                break;
            }
            last_errno = w == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
        } else {
            last_errno = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    if (t->fd < 0) {
        swp_set_error(err, last_errno == ETIMEDOUT ? SWP_ERR_TIMEOUT : SWP_ERR_CONNECT, "cannot connect to %s:%u: %s",
                      o->host, (unsigned)o->port, strerror(last_errno));
        return -1;
    }
    return 0;
}

/* §2: TLS 1.3 only, ALPN "swp/1" offered and required, server certificate verified against the CA
 * file and the expected host name or IP address. */
static int tls_handshake(swp_transport *t, const swp_options *o, int64_t deadline, swp_error *err) {
    char reason[256];
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx) {
        openssl_reason(reason, sizeof reason);
        swp_set_error(err, SWP_ERR_TLS, "SSL_CTX_new failed: %s", reason);
        return -1;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(t->ctx, TLS1_3_VERSION);
    SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* Read whole socket buffers rather than one record header and body at a time: the server sends
     * HEADERS, DATA and TRAILERS as separate records, so this saves several read() calls per call.
     * Every read tries SSL_read before polling, so data buffered this way is never left waiting. */
    SSL_CTX_set_read_ahead(t->ctx, 1);
    SSL_CTX_set_default_read_buffer_len(t->ctx, 64 * 1024);
    if (SSL_CTX_load_verify_locations(t->ctx, o->ca_file, NULL) != 1) {
        openssl_reason(reason, sizeof reason);
        swp_set_error(err, SWP_ERR_TLS, "cannot load CA file %s: %s", o->ca_file, reason);
        return -1;
    }
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_set_alpn_protos(t->ctx, alpn_swp1, sizeof alpn_swp1) != 0) {
        swp_set_error(err, SWP_ERR_TLS, "cannot set ALPN");
        return -1;
    }
    t->ssl = SSL_new(t->ctx);
    if (!t->ssl) {
        openssl_reason(reason, sizeof reason);
        swp_set_error(err, SWP_ERR_TLS, "SSL_new failed: %s", reason);
        return -1;
    }
    const char *name = o->server_name ? o->server_name : o->host;
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1;
    if (is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(param, name) != 1) {
            swp_set_error(err, SWP_ERR_TLS, "bad IP address for verification: %s", name);
            return -1;
        }
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_host(param, name, 0) != 1 || SSL_set_tlsext_host_name(t->ssl, name) != 1) {
            swp_set_error(err, SWP_ERR_TLS, "bad host name for verification: %s", name);
            return -1;
        }
    }
    SSL_set_fd(t->ssl, t->fd);
    for (;;) {
        ERR_clear_error();
        int r = SSL_connect(t->ssl);
        if (r == 1) break;
        int e = SSL_get_error(t->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_fd(t->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, remaining_ms(deadline));
            if (w == 0) {
                swp_set_error(err, SWP_ERR_TIMEOUT, "TLS handshake with %s timed out", name);
                return -1;
            }
            if (w < 0) {
                swp_set_error(err, SWP_ERR_IO, "poll failed during TLS handshake: %s", strerror(errno));
                return -1;
            }
            continue;
        }
        long vr = SSL_get_verify_result(t->ssl);
        if (vr != X509_V_OK) {
            swp_set_error(err, SWP_ERR_TLS, "TLS certificate verification failed for %s: %s", name,
                          X509_verify_cert_error_string(vr));
        } else {
            openssl_reason(reason, sizeof reason);
            swp_set_error(err, SWP_ERR_TLS, "TLS handshake with %s failed: %s", name, reason);
        }
        return -1;
    }
    /* §2: a client whose handshake selected no protocol, or another one, closes without a preface. */
    const unsigned char *sel = NULL;
    unsigned int sel_len = 0;
    SSL_get0_alpn_selected(t->ssl, &sel, &sel_len);
    if (sel_len != 5 || memcmp(sel, "swp/1", 5) != 0) {
        swp_set_error(err, SWP_ERR_TLS, "server did not select ALPN \"swp/1\" (selected %.*s)", (int)sel_len,
                      sel_len ? (const char *)sel : "nothing");
        return -1;
    }
    if (SSL_version(t->ssl) != TLS1_3_VERSION) {
        swp_set_error(err, SWP_ERR_TLS, "negotiated %s, not TLS 1.3", SSL_get_version(t->ssl));
        return -1;
    }
    return 0;
}

int swp_transport_open(swp_transport *t, const swp_options *o, swp_error *err) {
    t->fd = -1;
    t->ctx = NULL;
    t->ssl = NULL;
    int64_t deadline = swp_now_us() + (int64_t)o->connect_timeout_ms * 1000;
    if (tcp_connect(t, o, deadline, err) != 0) return -1;
    if (!o->plaintext && tls_handshake(t, o, deadline, err) != 0) {
        swp_transport_close(t);
        return -1;
    }
    return 0;
}

int swp_transport_write_all(swp_transport *t, const uint8_t *data, size_t n, int timeout_ms, swp_error *err) {
    int64_t deadline = swp_now_us() + (int64_t)timeout_ms * 1000;
    while (n > 0) {
        short wait_for = POLLOUT;
        if (t->ssl) {
            ERR_clear_error();
            int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
            int r = SSL_write(t->ssl, data, chunk);
            if (r > 0) {
                data += r;
                n -= (size_t)r;
                continue;
            }
            int e = SSL_get_error(t->ssl, r);
            if (e == SSL_ERROR_WANT_READ) {
                wait_for = POLLIN;
            } else if (e != SSL_ERROR_WANT_WRITE) {
                char reason[200];
                openssl_reason(reason, sizeof reason);
                swp_set_error(err, SWP_ERR_IO, "TLS write failed: %s", e == SSL_ERROR_SYSCALL ? strerror(errno) : reason);
                return -1;
            }
        } else {
            ssize_t r = send(t->fd, data, n, MSG_NOSIGNAL);
            if (r > 0) {
                data += r;
                n -= (size_t)r;
                continue;
            }
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                swp_set_error(err, errno == EPIPE || errno == ECONNRESET ? SWP_ERR_CLOSED : SWP_ERR_IO,
                              "write failed: %s", strerror(errno));
                return -1;
            }
        }
        int w = wait_fd(t->fd, wait_for, remaining_ms(deadline));
        if (w == 0) {
            swp_set_error(err, SWP_ERR_TIMEOUT, "write blocked for more than %d ms", timeout_ms);
            return -1;
        }
        if (w < 0) {
            swp_set_error(err, SWP_ERR_IO, "poll failed: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

long swp_transport_read(swp_transport *t, uint8_t *buf, size_t cap, int timeout_ms, swp_error *err) {
    int64_t deadline = timeout_ms < 0 ? 0 : swp_now_us() + (int64_t)timeout_ms * 1000;
    for (;;) {
        short wait_for = POLLIN;
        if (t->ssl) {
            ERR_clear_error();
            int r = SSL_read(t->ssl, buf, cap > (1u << 30) ? (1 << 30) : (int)cap);
            if (r > 0) return r;
            int e = SSL_get_error(t->ssl, r);
            if (e == SSL_ERROR_ZERO_RETURN) {
                swp_set_error(err, SWP_ERR_CLOSED, "connection closed by the server (TLS close_notify)");
                return -1;
            }
            if (e == SSL_ERROR_WANT_WRITE) {
                wait_for = POLLOUT;
            } else if (e != SSL_ERROR_WANT_READ) {
                if (e == SSL_ERROR_SYSCALL || (e == SSL_ERROR_SSL && ERR_peek_error() == 0)) {
                    swp_set_error(err, SWP_ERR_CLOSED, "connection closed by the server%s%s",
                                  errno ? ": " : " without TLS close_notify", errno ? strerror(errno) : "");
                } else {
                    char reason[200];
                    openssl_reason(reason, sizeof reason);
                    swp_set_error(err, SWP_ERR_TLS, "TLS read failed: %s", reason);
                }
                return -1;
            }
        } else {
            ssize_t r = recv(t->fd, buf, cap, 0);
            if (r > 0) return r;
            if (r == 0) {
                swp_set_error(err, SWP_ERR_CLOSED, "connection closed by the server");
                return -1;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                swp_set_error(err, errno == ECONNRESET ? SWP_ERR_CLOSED : SWP_ERR_IO, "read failed: %s",
                              strerror(errno));
                return -1;
            }
        }
        int wait = timeout_ms < 0 ? -1 : remaining_ms(deadline);
        if (timeout_ms >= 0 && wait == 0) return 0;
        int w = wait_fd(t->fd, wait_for, wait);
        if (w == 0) return 0;
        if (w < 0) {
            swp_set_error(err, SWP_ERR_IO, "poll failed: %s", strerror(errno));
            return -1;
        }
    }
}

void swp_transport_close(swp_transport *t) {
    if (t->ssl) {
        SSL_shutdown(t->ssl); /* best effort close_notify; non-blocking, never waits */
        SSL_free(t->ssl);
        t->ssl = NULL;
    }
    if (t->ctx) {
        SSL_CTX_free(t->ctx);
        t->ctx = NULL;
    }
    if (t->fd >= 0) {
        close(t->fd);
        t->fd = -1;
    }
}
