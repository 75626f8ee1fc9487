/* libswp tests.
 *
 * Part 1 runs against a real soukd given by SWP_HOST (default 127.0.0.1), SWP_PORT and SWP_CA (the
 * dev CA, DATA_FOLDER/tls/ca.pem), modelled on the gRPC interop test cases.
 * Part 2 runs against fake_server.c (plain TCP) and checks that bad input gives the expected error
 * code, without a crash or a hang.
 *
 * Usage: swp-tests [NAME-SUBSTRING]   (runs the tests whose name contains it; all by default)
 */
#define _GNU_SOURCE
#include "../cli/cli.h"
#include "fake_server.h"
#include "swp.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "souk/testing/v1/messages.pb-c.h"

static int failures;
static const char *current;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "  FAIL %s (%s:%d): %s: ", current, __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fprintf(stderr, "\n");                                               \
            failures++;                                                          \
            return;                                                              \
        }                                                                        \
    } while (0)

static const char *host, *ca;
static uint16_t port;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static swp_conn *connect_real(swp_error *err) {
    swp_options o = {0};
    o.host = host;
    o.port = port;
    o.ca_file = ca;
    o.connect_timeout_ms = 10000;
    return swp_connect(&o, err);
}

#define CONNECT(conn)                                                                      \
    swp_error conn##_err;                                                                  \
    swp_conn *conn = connect_real(&conn##_err);                                            \
    CHECK(conn != NULL, "connect: %s: %s", swp_err_name(conn##_err.code), conn##_err.message)

static const swp_md *find_md(const swp_metadata *md, const char *key) {
    for (size_t i = 0; i < md->count; i++)
        if (!strcmp(md->entries[i].key, key)) return &md->entries[i];
    return NULL;
}

/* UnaryCall with a request of req_size bytes and a response of resp_size. */
static uint8_t *simple_request(int req_size, int resp_size, int status, const char *message, bool expect_compressed,
                               size_t *n) {
    Souk__Testing__V1__SimpleRequest r = SOUK__TESTING__V1__SIMPLE_REQUEST__INIT;
    Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
    Souk__Testing__V1__EchoStatus es = SOUK__TESTING__V1__ECHO_STATUS__INIT;
    uint8_t *body = calloc((size_t)req_size + 1, 1);
    for (int i = 0; i < req_size; i++) body[i] = (uint8_t)(i % 7); /* compressible, not trivial */
    pl.body.data = body;
    pl.body.len = (size_t)req_size;
    r.payload = &pl;
    r.response_size = resp_size;
    r.expect_compressed = expect_compressed;
    if (status) {
        es.code = status;
        es.message = (char *)message;
        r.response_status = &es;
    }
    *n = souk__testing__v1__simple_request__get_packed_size(&r);
    uint8_t *out = malloc(*n + 1);
    souk__testing__v1__simple_request__pack(&r, out);
    free(body);
    return out;
}

static swp_call_params params(const char *method) {
    swp_call_params p = {0};
    p.method = method;
    p.timeout_us = 20 * 1000000;
    return p;
}

/* ---------------------------------------------------------------------------------------------- */
/* Against soukd                                                                                   */

static void test_empty_unary(void) {
    CONNECT(conn);
    swp_call_params p = params("/souk.testing.v1.TestService/EmptyCall");
    uint8_t *resp;
    size_t n;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, NULL, 0, &resp, &n, &call, &err);
    swp_conn_close(conn);
    CHECK(rc == 0, "%s", err.message);
    int status = swp_call_status(call);
    size_t messages = swp_call_messages(call);
    swp_call_free(call);
    free(resp);
    CHECK(status == 0, "status %d", status);
    CHECK(messages == 1 && n == 0, "messages %zu, length %zu", messages, n);
}

static void test_large_unary(void) {
    CONNECT(conn);
    size_t n;
    /* 256 KiB each way: four 64 KiB frames at least, so DATA is fragmented in both directions. */
    uint8_t *req = simple_request(262144, 262144, 0, NULL, false, &n);
    swp_call_params p = params("/souk.testing.v1.TestService/UnaryCall");
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    free(req);
    swp_conn_close(conn);
    CHECK(rc == 0, "%s", err.message);
    int status = swp_call_status(call);
    swp_call_free(call);
    Souk__Testing__V1__SimpleResponse *sr = resp ? souk__testing__v1__simple_response__unpack(NULL, rn, resp) : NULL;
    free(resp);
    CHECK(status == 0, "status %d", status);
    CHECK(sr && sr->payload && sr->payload->body.len == 262144 && sr->request_size == 262144, "bad response");
    souk__testing__v1__simple_response__free_unpacked(sr, NULL);
}

static void test_large_echo_flow_control(void) {
    /* 3 MiB each way: three times the 1 MiB stream window. The request goes out only as the server
     * returns credit, and the response arrives only because we return credit for fragments of the
     * incomplete message as they arrive (§13). */
    CONNECT(conn);
    enum { SIZE = 3 * 1024 * 1024 };
    Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
    uint8_t *body = malloc(SIZE);
    for (size_t i = 0; i < SIZE; i++) body[i] = (uint8_t)(i * 31 + (i >> 12));
    pl.body.data = body;
    pl.body.len = SIZE;
    size_t n = souk__testing__v1__payload__get_packed_size(&pl);
    uint8_t *req = malloc(n);
    souk__testing__v1__payload__pack(&pl, req);
    swp_call_params p = params("/souk.testing.v1.TestService/Echo");
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    swp_conn_close(conn);
    bool same = rc == 0 && rn == n && !memcmp(resp, req, n);
    int status = rc == 0 ? swp_call_status(call) : -1;
    char why[256];
    snprintf(why, sizeof why, "%s", rc == 0 ? swp_call_message(call) : err.message);
    free(body);
    free(req);
    free(resp);
    swp_call_free(call);
    CHECK(status == 0 && same, "status %d, same %d: %s", status, same, why);
}

static swp_call *start_streaming_output(swp_conn *conn, const int *sizes, size_t count, int flags, const swp_md *md,
                                        size_t md_count, swp_error *err) {
    Souk__Testing__V1__ResponseParameters params_[16], *ptrs[16];
    Souk__Testing__V1__StreamingOutputCallRequest r = SOUK__TESTING__V1__STREAMING_OUTPUT_CALL_REQUEST__INIT;
    for (size_t i = 0; i < count; i++) {
        souk__testing__v1__response_parameters__init(&params_[i]);
        params_[i].size = sizes[i];
        ptrs[i] = &params_[i];
    }
    r.n_response_parameters = count;
    r.response_parameters = ptrs;
    uint8_t buf[512];
    size_t n = souk__testing__v1__streaming_output_call_request__pack(&r, buf);
    swp_call_params p = params("/souk.testing.v1.TestService/StreamingOutputCall");
    p.flags = flags;
    p.metadata = md;
    p.metadata_count = md_count;
    return swp_call_start(conn, &p, buf, n, err);
}

/* Reads all messages, checking each StreamingOutputCallResponse payload size. */
static int read_sizes(swp_call *call, const int *sizes, size_t count) {
    const uint8_t *data;
    size_t len, i = 0;
    int bad = 0;
    while (swp_call_next(call, &data, &len) == 1) {
        Souk__Testing__V1__StreamingOutputCallResponse *r =
            souk__testing__v1__streaming_output_call_response__unpack(NULL, len, data);
        size_t got = r && r->payload ? r->payload->body.len : 0;
        if (!r || i >= count || got != (size_t)sizes[i]) bad++;
        souk__testing__v1__streaming_output_call_response__free_unpacked(r, NULL);
        i++;
    }
    return bad || i != count ? -1 : 0;
}

static void test_server_streaming(void) {
    CONNECT(conn);
    static const int sizes[] = {31415, 9, 2653, 58979};
    swp_error err;
    swp_call *call = start_streaming_output(conn, sizes, 4, 0, NULL, 0, &err);
    CHECK(call, "%s", err.message);
    int rc = read_sizes(call, sizes, 4);
    int status = swp_call_status(call);
    swp_call_free(call);
    CHECK(rc == 0 && status == 0, "sizes %d status %d", rc, status);

    /* StreamBytes: 3000 messages of 4000 bytes = 12 MB, three times the default connection window:
     * completes only if the client returns credit with WINDOW_UPDATE (§13). */
    Souk__Testing__V1__StreamRequest sr = SOUK__TESTING__V1__STREAM_REQUEST__INIT;
    sr.count = 3000;
    sr.size = 4000;
    uint8_t buf[32];
    size_t n = souk__testing__v1__stream_request__pack(&sr, buf);
    swp_call_params p = params("/souk.testing.v1.TestService/StreamBytes");
    call = swp_call_start(conn, &p, buf, n, &err);
    CHECK(call, "%s", err.message);
    const uint8_t *data;
    size_t len, count = 0, bytes = 0;
    while (swp_call_next(call, &data, &len) == 1) {
        count++;
        bytes += len;
    }
    status = swp_call_status(call);
    swp_call_free(call);
    swp_conn_close(conn);
    CHECK(status == 0 && count == 3000 && bytes == 3000 * 4003, "status %d count %zu bytes %zu", status, count, bytes);
}

static void test_custom_metadata(void) {
    CONNECT(conn);
    static const uint8_t trailing[] = {0xab, 0xab, 0xab};
    swp_md md[2] = {
        {.key = "x-grpc-test-echo-initial", .value = (uint8_t *)"test_initial_metadata_value", .length = 27},
        {.key = "x-grpc-test-echo-trailing-bin", .value = (uint8_t *)trailing, .length = 3, .binary = 1},
    };
    size_t n;
    uint8_t *req = simple_request(10, 10, 0, NULL, false, &n);
    swp_call_params p = params("/souk.testing.v1.TestService/UnaryCall");
    p.metadata = md;
    p.metadata_count = 2;
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    free(req);
    free(resp);
    if (rc != 0) swp_conn_close(conn);
    CHECK(rc == 0, "%s", err.message);
    const swp_md *i = find_md(swp_call_initial_metadata(call), "x-grpc-test-echo-initial");
    const swp_md *t = find_md(swp_call_trailing_metadata(call), "x-grpc-test-echo-trailing-bin");
    bool ok_i = i && i->length == 27 && !memcmp(i->value, "test_initial_metadata_value", 27) && !i->binary;
    bool ok_t = t && t->length == 3 && !memcmp(t->value, trailing, 3) && t->binary;
    int status = swp_call_status(call);
    swp_call_free(call);
    if (!(ok_i && ok_t && status == 0)) swp_conn_close(conn);
    CHECK(ok_i && ok_t && status == 0, "unary: initial %d trailing %d status %d", ok_i, ok_t, status);

    /* The same on a server stream. */
    static const int sizes[] = {1, 2};
    call = start_streaming_output(conn, sizes, 2, 0, md, 2, &err);
    if (!call) swp_conn_close(conn);
    CHECK(call, "%s", err.message);
    rc = read_sizes(call, sizes, 2);
    i = find_md(swp_call_initial_metadata(call), "x-grpc-test-echo-initial");
    t = find_md(swp_call_trailing_metadata(call), "x-grpc-test-echo-trailing-bin");
    ok_i = i && i->length == 27;
    ok_t = t && t->length == 3 && !memcmp(t->value, trailing, 3);
    status = swp_call_status(call);
    swp_call_free(call);
    swp_conn_close(conn);
    CHECK(rc == 0 && ok_i && ok_t && status == 0, "stream: rc %d initial %d trailing %d status %d", rc, ok_i, ok_t,
          status);
}

static void check_status(const char *message) {
    CONNECT(conn);
    size_t n;
    static const uint8_t trailing[] = {0x01, 0x00, 0xff};
    swp_md md = {.key = "x-grpc-test-echo-trailing-bin", .value = (uint8_t *)trailing, .length = 3, .binary = 1};
    uint8_t *req = simple_request(1, 1, 2, message, false, &n);
    swp_call_params p = params("/souk.testing.v1.TestService/UnaryCall");
    p.metadata = &md;
    p.metadata_count = 1;
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    free(req);
    free(resp);
    swp_conn_close(conn);
    CHECK(rc == 0, "%s", err.message);
    int status = swp_call_status(call);
    bool same = !strcmp(swp_call_message(call), message);
    const swp_md *t = find_md(swp_call_trailing_metadata(call), "x-grpc-test-echo-trailing-bin");
    bool ok_t = t && t->length == 3 && !memcmp(t->value, trailing, 3);
    char got[256];
    snprintf(got, sizeof got, "%s", swp_call_message(call));
    swp_call_free(call);
    CHECK(status == SWP_STATUS_UNKNOWN && same && ok_t, "status %d message \"%s\" trailing %d", status, got, ok_t);
}

static void test_status_code_and_message(void) { check_status("test status message"); }

static void test_special_status_message(void) {
    /* Carried byte-exact (§11): whitespace, percent signs, BMP and non-BMP Unicode. */
    check_status("\t\ntest with whitespace\r\nand Unicode BMP \xe2\x98\xba and non-BMP \xf0\x9f\x98\x88\t\n 100% %41 done");
}

static void test_unimplemented_method(void) {
    CONNECT(conn);
    static const char *const methods[] = {
        "/souk.testing.v1.TestService/UnimplementedCall",
        "/souk.testing.v1.UnimplementedService/UnimplementedCall",
        "/no.such.Service/Nothing",
    };
    for (size_t i = 0; i < 3; i++) {
        swp_call_params p = params(methods[i]);
        uint8_t *resp;
        size_t rn;
        swp_call *call;
        swp_error err;
        int rc = swp_unary(conn, &p, NULL, 0, &resp, &rn, &call, &err);
        free(resp);
        if (rc != 0) swp_conn_close(conn);
        CHECK(rc == 0, "%s", err.message);
        int status = swp_call_status(call);
        swp_call_free(call);
        if (status != SWP_STATUS_UNIMPLEMENTED) swp_conn_close(conn);
        CHECK(status == SWP_STATUS_UNIMPLEMENTED, "%s: status %d", methods[i], status);
    }
    swp_conn_close(conn);
}

static void test_timeout_on_sleeping_server(void) {
    CONNECT(conn);
    Souk__Testing__V1__SleepRequest r = SOUK__TESTING__V1__SLEEP_REQUEST__INIT;
    r.duration_ms = 5000;
    uint8_t buf[16];
    size_t n = souk__testing__v1__sleep_request__pack(&r, buf);
    swp_call_params p = params("/souk.testing.v1.TestService/Sleep");
    p.timeout_us = 200000;
    int64_t t0 = now_ms();
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    int rc = swp_unary(conn, &p, buf, n, &resp, &rn, &call, &err);
    int64_t took = now_ms() - t0;
    free(resp);
    if (rc != 0) swp_conn_close(conn);
    CHECK(rc == 0, "%s", err.message);
    int status = swp_call_status(call);
    swp_call_free(call);
    /* The connection stays usable after the cancelled call. */
    p = params("/souk.testing.v1.TestService/EmptyCall");
    rc = swp_unary(conn, &p, NULL, 0, &resp, &rn, &call, &err);
    free(resp);
    int status2 = rc == 0 ? swp_call_status(call) : -1;
    swp_call_free(call);
    swp_conn_close(conn);
    CHECK(status == SWP_STATUS_DEADLINE_EXCEEDED && took >= 190 && took < 2000, "status %d after %lld ms", status,
          (long long)took);
    CHECK(status2 == 0, "follow-up call status %d", status2);

    /* A deadline already passed fails locally without opening a stream (§10). */
    CONNECT(conn2);
    p = params("/souk.testing.v1.TestService/EmptyCall");
    p.timeout_us = -1;
    call = swp_call_start(conn2, &p, NULL, 0, &err);
    status = call ? swp_call_status(call) : -1;
    swp_call_free(call);
    swp_conn_close(conn2);
    CHECK(status == SWP_STATUS_DEADLINE_EXCEEDED, "status %d", status);
}

static void test_compressed(void) {
    CONNECT(conn);
    swp_error err;
    /* Asking for compression (grpc-encoding: zstd) makes the server compress responses >= 1 KiB. */
    static const int sizes[] = {2048, 100000, 10};
    swp_call *call = start_streaming_output(conn, sizes, 3, SWP_CALL_COMPRESS, NULL, 0, &err);
    if (!call) swp_conn_close(conn);
    CHECK(call, "%s", err.message);
    int rc = read_sizes(call, sizes, 3);
    uint64_t compressed = swp_call_compressed_messages(call);
    int status = swp_call_status(call);
    swp_call_free(call);
    if (!(rc == 0 && status == 0 && compressed == 2)) swp_conn_close(conn);
    CHECK(rc == 0 && status == 0 && compressed == 2, "rc %d status %d compressed %llu", rc, status,
          (unsigned long long)compressed);

    /* A compressed request (COMPRESSED DATA, §12) the server decodes; expect_compressed makes it check
     * that the request metadata names zstd (soukd looks at grpc-encoding, which we send with it). */
    size_t n;
    uint8_t *req = simple_request(20000, 20000, 0, NULL, true, &n);
    swp_call_params p = params("/souk.testing.v1.TestService/UnaryCall");
    p.flags = SWP_CALL_COMPRESS;
    uint8_t *resp;
    size_t rn;
    rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    free(resp);
    int s1 = rc == 0 ? swp_call_status(call) : -1;
    uint64_t c1 = rc == 0 ? swp_call_compressed_messages(call) : 0;
    int sent_compressed = rc == 0 ? swp_call_request_compressed(call) : 0;
    swp_call_free(call);
    /* Without compression (and so without grpc-encoding) the same request is refused. */
    p.flags = 0;
    rc = swp_unary(conn, &p, req, n, &resp, &rn, &call, &err);
    free(resp);
    free(req);
    int s2 = rc == 0 ? swp_call_status(call) : -1;
    swp_call_free(call);
    swp_conn_close(conn);
    CHECK(s1 == 0 && c1 == 1 && sent_compressed, "compressed request: status %d, compressed responses %llu, sent compressed %d",
          s1, (unsigned long long)c1, sent_compressed);
    CHECK(s2 == SWP_STATUS_INVALID_ARGUMENT, "uncompressed request claiming compression: status %d", s2);
}

/* Writes a fresh self-signed CA to a temporary file. */
static int write_other_ca(char *path, size_t n) {
    snprintf(path, n, "/tmp/swp-test-ca-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int rc = -1;
    if (f && key && x) {
        X509_set_version(x, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), 3600);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"Not the Souk CA", -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509_set_pubkey(x, key);
        if (X509_sign(x, key, EVP_sha256()) > 0 && PEM_write_X509(f, x) == 1) rc = 0;
    }
    X509_free(x);
    EVP_PKEY_free(key);
    if (f) fclose(f);
    return rc;
}

static void test_certificate_verification_failure(void) {
    char path[64];
    CHECK(write_other_ca(path, sizeof path) == 0, "cannot write a CA file");
    swp_options o = {0};
    o.host = host;
    o.port = port;
    o.ca_file = path;
    swp_error err;
    swp_conn *conn = swp_connect(&o, &err);
    unlink(path);
    swp_conn_close(conn);
    CHECK(!conn && err.code == SWP_ERR_TLS && strstr(err.message, "verification failed"), "%s: %s",
          swp_err_name(err.code), err.message);

    /* The right CA but a name the certificate does not carry. */
    o.ca_file = ca;
    o.server_name = "not-the-server.example";
    conn = swp_connect(&o, &err);
    swp_conn_close(conn);
    CHECK(!conn && err.code == SWP_ERR_TLS && strstr(err.message, "verification failed"), "%s: %s",
          swp_err_name(err.code), err.message);

    /* A missing CA file is a clear error too. */
    o.ca_file = "/nonexistent/ca.pem";
    o.server_name = NULL;
    conn = swp_connect(&o, &err);
    swp_conn_close(conn);
    CHECK(!conn && err.code == SWP_ERR_TLS && strstr(err.message, "CA file"), "%s: %s", swp_err_name(err.code),
          err.message);
}

static void test_many_concurrent_streams(void) {
    CONNECT(conn);
    enum { N = 300 };
    swp_call *calls[N];
    swp_error err;
    for (int i = 0; i < N; i++) {
        Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
        uint8_t body[600];
        memset(body, i & 0xff, sizeof body);
        pl.body.data = body;
        pl.body.len = (size_t)(i * 2);
        uint8_t buf[700];
        size_t n = souk__testing__v1__payload__pack(&pl, buf);
        swp_call_params p = params("/souk.testing.v1.TestService/Echo");
        calls[i] = swp_call_start(conn, &p, buf, n, &err);
        if (!calls[i]) {
            for (int k = 0; k < i; k++) swp_call_free(calls[k]);
            swp_conn_close(conn);
        }
        CHECK(calls[i], "start %d: %s", i, err.message);
    }
    swp_conn_flush(conn);
    /* All 300 are open on one connection at once; read the answers in reverse order. */
    int bad = 0;
    for (int i = N - 1; i >= 0; i--) {
        const uint8_t *data;
        size_t len;
        int got = swp_call_next(calls[i], &data, &len);
        Souk__Testing__V1__Payload *pl = got == 1 ? souk__testing__v1__payload__unpack(NULL, len, data) : NULL;
        if (!pl || pl->body.len != (size_t)(i * 2) || (i && pl->body.data[0] != (i & 0xff))) bad++;
        souk__testing__v1__payload__free_unpacked(pl, NULL);
        if (swp_call_wait(calls[i]) != 0) bad++;
        swp_call_free(calls[i]);
    }
    swp_conn_close(conn);
    CHECK(bad == 0, "%d calls failed", bad);
}

/* Many concurrent large echoes on one connection, event style (on_message / on_done, restarted from
 * the swp_conn_process loop, as the load mode does). 24 x 256 KiB requests are 6 MiB, more than the
 * 4 MiB connection window, so swp_call_start waits for WINDOW_UPDATE while other calls end: their
 * on_done runs inside swp_call_start. Each call must end exactly once, OK, with its own bytes back. */
enum { CL_SLOTS = 24, CL_SIZE = 256 * 1024, CL_TOTAL = 96 };

typedef struct cl_state cl_state;
typedef struct {
    cl_state *st;
    swp_call *call;
    uint32_t tag;    /* distinguishes the payload of each call */
    int messages;    /* response messages of the current call */
    int bad;         /* responses that did not match the request */
    int done_count;  /* on_done runs for the current call */
    bool queued;
} cl_slot;

struct cl_state {
    cl_slot slots[CL_SLOTS];
    int fifo[CL_SLOTS];
    int head, n;
    int in_start;        /* inside swp_call_start */
    int done_in_start;   /* on_done runs that happened inside swp_call_start */
    int overflow;        /* a slot queued twice / FIFO overflow */
    uint8_t *body;       /* CL_SIZE scratch for building requests */
};

static void cl_fill(uint8_t *b, uint32_t tag) {
    for (size_t i = 0; i < CL_SIZE; i++) b[i] = (uint8_t)((i * 131u) ^ (tag * 2654435761u >> (i % 24)));
}

static void cl_on_message(swp_call *call, const uint8_t *data, size_t len, int compressed, void *user) {
    (void)call;
    (void)compressed;
    cl_slot *sl = user;
    sl->messages++;
    Souk__Testing__V1__Payload *pl = souk__testing__v1__payload__unpack(NULL, len, data);
    uint8_t *want = malloc(CL_SIZE);
    cl_fill(want, sl->tag);
    if (!pl || pl->body.len != CL_SIZE || memcmp(pl->body.data, want, CL_SIZE) != 0) sl->bad++;
    free(want);
    souk__testing__v1__payload__free_unpacked(pl, NULL);
}

static void cl_on_done(swp_call *call, void *user) {
    (void)call;
    cl_slot *sl = user;
    cl_state *st = sl->st;
    sl->done_count++;
    if (st->in_start) st->done_in_start++;
    if (sl->queued || st->n >= CL_SLOTS) {
        st->overflow++;
        return;
    }
    sl->queued = true;
    st->fifo[(st->head + st->n++) % CL_SLOTS] = (int)(sl - st->slots);
}

static int cl_start(cl_state *st, swp_conn *conn, cl_slot *sl, uint32_t tag, swp_error *err) {
    Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
    cl_fill(st->body, tag);
    pl.body.data = st->body;
    pl.body.len = CL_SIZE;
    uint8_t *req = malloc(souk__testing__v1__payload__get_packed_size(&pl));
    size_t n = souk__testing__v1__payload__pack(&pl, req);
    swp_call_params p = params("/souk.testing.v1.TestService/Echo");
    p.on_message = cl_on_message;
    p.on_done = cl_on_done;
    p.user = sl;
    sl->tag = tag;
    sl->messages = 0;
    sl->done_count = 0;
    st->in_start++;
    sl->call = swp_call_start(conn, &p, req, n, err);
    st->in_start--;
    free(req);
    return sl->call ? 0 : -1;
}

static void test_concurrent_large_echo(void) {
    CONNECT(conn);
    cl_state *st = calloc(1, sizeof *st);
    st->body = malloc(CL_SIZE);
    swp_error err = {0};
    int started = 0, completed = 0, failed = 0, bad = 0, multi_done = 0;
    char first[200] = "";
    for (int i = 0; i < CL_SLOTS; i++) {
        st->slots[i].st = st;
        if (cl_start(st, conn, &st->slots[i], (uint32_t)started, &err) != 0) break;
        started++;
    }
    int64_t give_up = now_ms() + 60000;
    while (err.code == SWP_OK && completed < started && now_ms() < give_up) {
        if (swp_conn_process(conn, 100) != 0 && st->n == 0) break;
        while (st->n > 0) {
            cl_slot *sl = &st->slots[st->fifo[st->head]];
            st->head = (st->head + 1) % CL_SLOTS;
            st->n--;
            sl->queued = false;
            /* The call may have ended inside its own swp_call_start; it is set by now either way. */
            if (!sl->call) {
                failed++;
                continue;
            }
            completed++;
            int status = swp_call_status(sl->call);
            if (status != 0 || sl->messages != 1) {
                failed++;
                if (!first[0])
                    snprintf(first, sizeof first, "tag %u: status %d (%s), %d message(s)", sl->tag, status,
                             swp_call_message(sl->call), sl->messages);
            }
            if (sl->done_count != 1) multi_done++;
            bad += sl->bad;
            sl->bad = 0;
            swp_call_free(sl->call);
            sl->call = NULL;
            if (started < CL_TOTAL) {
                if (cl_start(st, conn, sl, (uint32_t)started, &err) != 0) break;
                started++;
            }
        }
    }
    int still_open = 0;
    for (int i = 0; i < CL_SLOTS; i++) {
        if (st->slots[i].call) {
            still_open++;
            swp_call_free(st->slots[i].call);
        }
    }
    swp_conn_close(conn);
    int overflow = st->overflow;
    free(st->body);
    free(st);
    CHECK(err.code == SWP_OK, "start: %s: %s", swp_err_name(err.code), err.message);
    CHECK(overflow == 0, "%d on_done for a slot already queued", overflow);
    CHECK(completed == CL_TOTAL && still_open == 0, "%d of %d calls completed, %d still open", completed, CL_TOTAL,
          still_open);
    CHECK(failed == 0, "%d call(s) failed; first: %s", failed, first);
    CHECK(bad == 0 && multi_done == 0, "%d mismatched response(s), %d call(s) with on_done != 1", bad, multi_done);
}

/* The same, blocking style: 24 x 256 KiB echoes all started before any is read (later starts wait for
 * credit while earlier responses are queued), then read in reverse order. */
static void test_concurrent_large_echo_queued(void) {
    CONNECT(conn);
    swp_call *calls[CL_SLOTS] = {0};
    uint8_t *body = malloc(CL_SIZE), *want = malloc(CL_SIZE);
    swp_error err = {0};
    int n_started = 0;
    for (; n_started < CL_SLOTS; n_started++) {
        Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
        cl_fill(body, 1000u + (uint32_t)n_started);
        pl.body.data = body;
        pl.body.len = CL_SIZE;
        uint8_t *req = malloc(souk__testing__v1__payload__get_packed_size(&pl));
        size_t n = souk__testing__v1__payload__pack(&pl, req);
        swp_call_params p = params("/souk.testing.v1.TestService/Echo");
        calls[n_started] = swp_call_start(conn, &p, req, n, &err);
        free(req);
        if (!calls[n_started]) break;
    }
    int bad = 0;
    for (int i = n_started - 1; i >= 0; i--) {
        const uint8_t *data;
        size_t len;
        int got = swp_call_next(calls[i], &data, &len);
        Souk__Testing__V1__Payload *pl = got == 1 ? souk__testing__v1__payload__unpack(NULL, len, data) : NULL;
        cl_fill(want, 1000u + (uint32_t)i);
        if (!pl || pl->body.len != CL_SIZE || memcmp(pl->body.data, want, CL_SIZE) != 0) bad++;
        souk__testing__v1__payload__free_unpacked(pl, NULL);
        if (swp_call_wait(calls[i]) != 0) bad++;
        swp_call_free(calls[i]);
    }
    swp_conn_close(conn);
    free(body);
    free(want);
    CHECK(n_started == CL_SLOTS, "start %d: %s: %s", n_started, swp_err_name(err.code), err.message);
    CHECK(bad == 0, "%d of %d calls failed", bad, CL_SLOTS);
}

/* Runs swp-call's load mode (cli/load.c) with a in a child process, so a crash is reported as a failure;
 * returns its exit status (128+signal if killed) and its stdout and stderr (together) in out. */
static int run_load_args(const load_args *a, char *out, size_t out_cap) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        cli_common common;
        memset(&common, 0, sizeof common);
        common.conn.host = host;
        common.conn.port = port;
        common.conn.ca_file = ca;
        common.conn.connect_timeout_ms = 10000;
        common.timeout_ms = 20000;
        int rc = run_load(&common, a);
        fflush(stdout);
        fflush(stderr);
        _exit(rc);
    }
    close(fds[1]);
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fds[0], out + len, out_cap - 1 - len);
        if (r <= 0) break;
        len += (size_t)r;
        if (len == out_cap - 1) break;
    }
    out[len] = 0;
    close(fds[0]);
    int ws;
    if (waitpid(pid, &ws, 0) != pid) return -1;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
}

static int run_load_child(const char *method, int size, int connections, int in_flight, double warmup_s,
                          double duration_s, char *out, size_t out_cap) {
    load_args a = {0};
    a.method = method;
    a.size = size;
    a.connections = connections;
    a.in_flight = in_flight;
    a.warmup_s = warmup_s;
    a.duration_s = duration_s;
    return run_load_args(&a, out, out_cap);
}

/* swp-call load with many concurrent 256 KiB echoes on one connection: the requests exceed the
 * connection window, so calls end while the next one is being started (this crashed the load mode
 * with SIGSEGV), then the same over two connections, then 256 KiB stream messages. */
static void test_load_mode_large(void) {
    static const struct {
        const char *method;
        int size, connections, in_flight;
    } runs[] = {
        {"echo", 262144, 1, 32},
        {"echo", 262144, 2, 48},
        {"stream", 262144, 1, 16},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char out[1024];
        int rc = run_load_child(runs[i].method, runs[i].size, runs[i].connections, runs[i].in_flight, 0.2, 0.8, out,
                                sizeof out);
        CHECK(rc == 0 && strstr(out, "\"errors\":0"), "load --method %s --size %d --connections %d --in-flight %d: "
              "exit %d%s, output: %s", runs[i].method, runs[i].size, runs[i].connections, runs[i].in_flight, rc,
              rc > 128 ? " (killed by a signal)" : "", out);
    }
}

/* A Payload message with a body of size bytes (value i % 251), packed. */
static uint8_t *pack_payload(int size, size_t *n) {
    Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
    uint8_t *body = malloc((size_t)size + 1);
    for (int i = 0; i < size; i++) body[i] = (uint8_t)(i % 251);
    pl.body.data = body;
    pl.body.len = (size_t)size;
    *n = souk__testing__v1__payload__get_packed_size(&pl);
    uint8_t *out = malloc(*n + 1);
    souk__testing__v1__payload__pack(&pl, out);
    free(body);
    return out;
}

/* Appends one request-file record (4-byte big-endian length, then the bytes) to buf at *len. */
static void put_record(uint8_t *buf, size_t *len, const uint8_t *msg, size_t n) {
    buf[(*len)++] = (uint8_t)(n >> 24);
    buf[(*len)++] = (uint8_t)(n >> 16);
    buf[(*len)++] = (uint8_t)(n >> 8);
    buf[(*len)++] = (uint8_t)n;
    if (n) memcpy(buf + *len, msg, n);
    *len += n;
}

/* Writes a temporary file; returns its path (free it and unlink it) or NULL. */
static char *write_temp(const uint8_t *data, size_t len) {
    char *path = strdup("/tmp/swp-tests-requests.XXXXXX");
    int fd = path ? mkstemp(path) : -1;
    if (fd < 0) {
        free(path);
        return NULL;
    }
    ssize_t wrote = write(fd, data, len);
    close(fd);
    if (wrote != (ssize_t)len) {
        unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* load --method raw against soukd: Echo with three requests (in turn and at random) succeeds and names the path;
 * a method that does not exist fails the run (exit 30) with UNIMPLEMENTED; UnaryCall requests whose third asks
 * for FAILED_PRECONDITION fail it with that status and message, so every request of the file is sent. */
static void test_load_mode_raw(void) {
    uint8_t echo[8192];
    size_t echo_len = 0;
    static const int sizes[] = {0, 100, 3000};
    for (size_t i = 0; i < 3; i++) {
        size_t n;
        uint8_t *msg = pack_payload(sizes[i], &n);
        put_record(echo, &echo_len, msg, n);
        free(msg);
    }
    uint8_t unary[1024];
    size_t unary_len = 0;
    for (int i = 0; i < 3; i++) {
        size_t n;
        uint8_t *msg = simple_request(10, 10, i == 2 ? SWP_STATUS_FAILED_PRECONDITION : 0, "the third request fails",
                                      false, &n);
        put_record(unary, &unary_len, msg, n);
        free(msg);
    }
    char *echo_file = write_temp(echo, echo_len), *unary_file = write_temp(unary, unary_len);
    static const struct {
        const char *path;
        int use_unary_file, random_order, want_rc;
        const char *want[3];
    } runs[] = {
        {"/souk.testing.v1.TestService/Echo", 0, 0, 0,
         {"\"method\":\"raw\",\"path\":\"/souk.testing.v1.TestService/Echo\",\"requests\":3,\"order\":\"round-robin\"",
          "\"errors\":0", "\"p99_us\":"}},
        {"/souk.testing.v1.TestService/Echo", 0, 1, 0, {"\"order\":\"random\"", "\"errors\":0", NULL}},
        {"/souk.testing.v1.TestService/NoSuchMethod", 0, 0, 30, {"call(s) failed", "UNIMPLEMENTED", NULL}},
        {"/souk.testing.v1.TestService/UnaryCall", 1, 0, 30,
         {"call(s) failed", "FAILED_PRECONDITION \"the third request fails\"", NULL}},
    };
    char out[2048] = "";
    int rc = -1;
    size_t i = 0;
    bool matched = echo_file && unary_file;
    for (; matched && i < sizeof runs / sizeof runs[0]; i++) {
        load_args a = {0};
        a.method = "raw";
        a.connections = 2;
        a.in_flight = 4;
        a.warmup_s = 0.1;
        a.duration_s = 0.5;
        a.path = runs[i].path;
        a.request_file = runs[i].use_unary_file ? unary_file : echo_file;
        a.random_order = runs[i].random_order;
        a.seed = 42;
        rc = run_load_args(&a, out, sizeof out);
        matched = rc == runs[i].want_rc;
        for (size_t k = 0; matched && k < 3 && runs[i].want[k]; k++) matched = strstr(out, runs[i].want[k]) != NULL;
    }
    if (echo_file) unlink(echo_file);
    if (unary_file) unlink(unary_file);
    free(echo_file);
    free(unary_file);
    CHECK(i > 0, "cannot write the request files");
    CHECK(matched, "load --method raw --path %s: exit %d, output: %s", runs[i - 1].path, rc, out);
}

static void test_cancel_stream(void) {
    /* Freeing a running server stream cancels it (CANCEL(CANCELLED), §10); the connection goes on. */
    CONNECT(conn);
    Souk__Testing__V1__StreamRequest sr = SOUK__TESTING__V1__STREAM_REQUEST__INIT;
    sr.count = 100000000;
    sr.size = 1000;
    uint8_t buf[32];
    size_t n = souk__testing__v1__stream_request__pack(&sr, buf);
    swp_call_params p = params("/souk.testing.v1.TestService/StreamBytes");
    swp_error err;
    swp_call *call = swp_call_start(conn, &p, buf, n, &err);
    if (!call) swp_conn_close(conn);
    CHECK(call, "%s", err.message);
    const uint8_t *data;
    size_t len;
    int got = 0;
    while (got < 100 && swp_call_next(call, &data, &len) == 1) got++;
    swp_call_free(call);
    p = params("/souk.testing.v1.TestService/EmptyCall");
    uint8_t *resp;
    size_t rn;
    int rc = swp_unary(conn, &p, NULL, 0, &resp, &rn, &call, &err);
    free(resp);
    int status = rc == 0 ? swp_call_status(call) : -1;
    swp_call_free(call);
    swp_conn_close(conn);
    CHECK(got == 100 && status == 0, "got %d, follow-up status %d", got, status);
}

/* ---------------------------------------------------------------------------------------------- */
/* Against the fake server                                                                          */

typedef struct {
    int status;
    swp_err transport;
    char message[256];
    int64_t took_ms;
} fake_result;

/* Connects to the fake server (plaintext) and runs one call on stream 1. */
static int fake_call(fake_server *s, fake_result *r, swp_error *cerr) {
    swp_options o = {0};
    o.host = "127.0.0.1";
    o.port = s->port;
    o.plaintext = 1;
    o.connect_timeout_ms = 3000;
    int64_t t0 = now_ms();
    swp_conn *conn = swp_connect(&o, cerr);
    if (!conn) {
        r->took_ms = now_ms() - t0;
        return -1;
    }
    swp_call_params p = params("/souk.testing.v1.TestService/Echo");
    p.timeout_us = 5000000; /* no hang: a broken client would end here with DEADLINE_EXCEEDED */
    uint8_t req[] = {0x0A, 0x01, 0x41};
    swp_error err;
    swp_call *call = swp_call_start(conn, &p, req, sizeof req, &err);
    if (!call) {
        swp_conn_close(conn);
        *cerr = err;
        return -1;
    }
    r->status = swp_call_wait(call);
    r->transport = swp_call_transport_error(call)->code;
    snprintf(r->message, sizeof r->message, "%s", swp_call_transport_error(call)->message);
    r->took_ms = now_ms() - t0;
    swp_call_free(call);
    swp_conn_close(conn);
    return 0;
}

static void fake_expect(fake_scenario sc, int status, swp_err transport, const char *needle) {
    fake_server s;
    CHECK(fake_server_start(&s, sc) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc == 0, "connect: %s", cerr.message);
    CHECK(r.status == status && r.transport == transport && (!needle || strstr(r.message, needle)) && r.took_ms < 4000,
          "got status %d transport %s \"%s\" after %lld ms", r.status, swp_err_name(r.transport), r.message,
          (long long)r.took_ms);
}

static void test_fake_truncated_frame(void) {
    fake_expect(FAKE_TRUNCATED_FRAME, SWP_STATUS_UNAVAILABLE, SWP_ERR_CLOSED, "mid-frame");
}

static void test_fake_oversized_length(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_OVERSIZED_LENGTH) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc == 0, "connect: %s", cerr.message);
    CHECK(r.status == SWP_STATUS_INTERNAL && r.transport == SWP_ERR_FRAME_SIZE, "got %d %s \"%s\"", r.status,
          swp_err_name(r.transport), r.message);
    CHECK(s.got_goaway_code == 0x6, "client sent GOAWAY code %d, want FRAME_SIZE_ERROR (6)", s.got_goaway_code);
}

static void test_fake_close_mid_call(void) {
    fake_expect(FAKE_CLOSE_MID_CALL, SWP_STATUS_UNAVAILABLE, SWP_ERR_CLOSED, "call(s) in progress");
}

static void test_fake_unknown_stream(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_UNKNOWN_STREAM) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc == 0, "connect: %s", cerr.message);
    CHECK(r.status == SWP_STATUS_INTERNAL && r.transport == SWP_ERR_PROTOCOL && strstr(r.message, "unknown stream 99"),
          "got %d %s \"%s\"", r.status, swp_err_name(r.transport), r.message);
    CHECK(s.got_goaway_code == 0x1, "client sent GOAWAY code %d, want PROTOCOL_ERROR (1)", s.got_goaway_code);
}

static void test_fake_bad_trailers(void) {
    fake_expect(FAKE_BAD_TRAILERS, SWP_STATUS_INTERNAL, SWP_ERR_STREAM, "Trailers");
}

static void test_fake_zstd_bomb(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_ZSTD_BOMB) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc == 0, "connect: %s", cerr.message);
    CHECK(r.status == SWP_STATUS_RESOURCE_EXHAUSTED && r.transport == SWP_ERR_STREAM, "got %d %s \"%s\"", r.status,
          swp_err_name(r.transport), r.message);
    CHECK(s.got_cancel_code == SWP_STATUS_RESOURCE_EXHAUSTED, "client sent CANCEL code %d", s.got_cancel_code);
}

static void test_fake_ping_and_goaway(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_PING_AND_GOAWAY) == 0, "cannot start the fake server");
    swp_options o = {0};
    o.host = "127.0.0.1";
    o.port = s.port;
    o.plaintext = 1;
    swp_error err;
    swp_conn *conn = swp_connect(&o, &err);
    if (!conn) fake_server_stop(&s);
    CHECK(conn, "connect: %s", err.message);
    swp_call_params p = params("/souk.testing.v1.TestService/Echo");
    p.timeout_us = 5000000;
    uint8_t req[] = {0x0A, 0x01, 0x41};
    swp_call *c1 = swp_call_start(conn, &p, req, sizeof req, &err);
    swp_call *c3 = swp_call_start(conn, &p, req, sizeof req, &err);
    int s1 = c1 ? swp_call_wait(c1) : -1;
    int s3 = c3 ? swp_call_wait(c3) : -1;
    swp_err t3 = c3 ? swp_call_transport_error(c3)->code : SWP_OK;
    uint64_t m1 = c1 ? swp_call_messages(c1) : 0;
    /* No new streams after GOAWAY (§15). */
    swp_call *c5 = swp_call_start(conn, &p, req, sizeof req, &err);
    swp_call_free(c1);
    swp_call_free(c3);
    swp_call_free(c5);
    swp_conn_close(conn);
    fake_server_stop(&s);
    CHECK(s1 == 0 && m1 == 1, "stream 1 (accepted): status %d, %llu messages", s1, (unsigned long long)m1);
    CHECK(s3 == SWP_STATUS_UNAVAILABLE && t3 == SWP_ERR_GOAWAY, "stream 3 (above last_stream_id): %d %s", s3,
          swp_err_name(t3));
    CHECK(!c5 && err.code == SWP_ERR_GOAWAY, "a call after GOAWAY must not start (%s)", swp_err_name(err.code));
    CHECK(s.got_ping_ack && !memcmp(s.ping_ack, "pingpong", 8), "PING not answered with the same 8 bytes");
    CHECK(s.got_goaway_code == 0, "client's closing GOAWAY code %d, want NO_ERROR", s.got_goaway_code);
}

static void test_fake_bad_preface(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_BAD_PREFACE) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc != 0 && cerr.code == SWP_ERR_VERSION, "got %s \"%s\"", swp_err_name(cerr.code), cerr.message);
}

static void test_fake_silent_server(void) {
    fake_server s;
    CHECK(fake_server_start(&s, FAKE_SILENT) == 0, "cannot start the fake server");
    fake_result r = {0};
    swp_error cerr;
    int rc = fake_call(&s, &r, &cerr);
    fake_server_stop(&s);
    CHECK(rc != 0 && cerr.code == SWP_ERR_TIMEOUT && r.took_ms < 4500, "got %s \"%s\" after %lld ms",
          swp_err_name(cerr.code), cerr.message, (long long)r.took_ms);
}

static void test_plaintext_to_tls_port(void) {
    /* A plaintext client on the TLS port gets a clean error, not a hang (§16.3 row 28). */
    swp_options o = {0};
    o.host = host;
    o.port = port;
    o.plaintext = 1;
    o.connect_timeout_ms = 3000;
    swp_error err;
    int64_t t0 = now_ms();
    swp_conn *conn = swp_connect(&o, &err);
    int64_t took = now_ms() - t0;
    swp_conn_close(conn);
    CHECK(!conn && err.code != SWP_OK && took < 4000, "got %s \"%s\"", swp_err_name(err.code), err.message);
}

/* The request file's format: records in order, empty messages allowed; a short length prefix, a record past
 * the end, a length above 4 MiB, an empty or missing file and raw without --path are refused by name. */
static void test_request_file(void) {
    uint8_t buf[64];
    size_t len = 0;
    put_record(buf, &len, (const uint8_t *)"abc", 3);
    put_record(buf, &len, NULL, 0);
    put_record(buf, &len, (const uint8_t *)"\x08\x01", 2);
    request_set r;
    char error[256] = "";
    int rc = request_set_parse(buf, len, "good", &r, error, sizeof error);
    CHECK(rc == 0 && r.count == 3, "rc %d, %zu requests: %s", rc, r.count, error);
    bool same = r.lengths[0] == 3 && !memcmp(r.messages[0], "abc", 3) && r.lengths[1] == 0 && r.lengths[2] == 2 &&
                !memcmp(r.messages[2], "\x08\x01", 2);
    request_set_free(&r);
    CHECK(same, "the records were not read back as written");

    static const struct {
        const char *bytes;
        size_t len;
        const char *want;
    } bad[] = {
        {"\x00\x00\x00\x01x\x00\x00", 7, "bad: 2 byte(s) at offset 5, too few for a 4-byte length"},
        {"\x00\x00\x00\x05xy", 6, "bad: the record at offset 0 declares 5 bytes, past the end of the file"},
        {"\x00\x40\x00\x01", 4, "bad: the record at offset 0 declares 4194305 bytes, more than 4 MiB"},
        {"", 0, "bad: no request in the file"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc = request_set_parse((const uint8_t *)bad[i].bytes, bad[i].len, "bad", &r, error, sizeof error);
        CHECK(rc == -1 && !strcmp(error, bad[i].want), "case %zu: rc %d, \"%s\"", i, rc, error);
    }
    rc = request_set_load("/nonexistent/requests.bin", &r, error, sizeof error);
    CHECK(rc == -1 && strstr(error, "/nonexistent/requests.bin: No such file"), "rc %d, \"%s\"", rc, error);

    /* Usage errors exit 2 before any connection (the port is never dialled). */
    char out[1024];
    load_args a = {0};
    a.method = "raw";
    a.connections = 1;
    a.in_flight = 1;
    a.duration_s = 1;
    a.request_file = "/nonexistent/requests.bin";
    rc = run_load_args(&a, out, sizeof out);
    CHECK(rc == 2 && strstr(out, "--path and --request-file go with --method raw"), "no --path: exit %d, %s", rc, out);
    a.path = "/souk.testing.v1.TestService/Echo";
    rc = run_load_args(&a, out, sizeof out);
    CHECK(rc == 2 && strstr(out, "No such file"), "missing file: exit %d, %s", rc, out);
    a.method = "echo";
    rc = run_load_args(&a, out, sizeof out);
    CHECK(rc == 2 && strstr(out, "go with --method raw"), "echo with --path: exit %d, %s", rc, out);
}

typedef struct {
    const char *name;
    void (*fn)(void);
    bool needs_server;
} test_case;

static const test_case tests[] = {
    {"empty_unary", test_empty_unary, true},
    {"large_unary", test_large_unary, true},
    {"large_echo_flow_control", test_large_echo_flow_control, true},
    {"server_streaming", test_server_streaming, true},
    {"custom_metadata", test_custom_metadata, true},
    {"status_code_and_message", test_status_code_and_message, true},
    {"special_status_message", test_special_status_message, true},
    {"unimplemented_method", test_unimplemented_method, true},
    {"timeout_on_sleeping_server", test_timeout_on_sleeping_server, true},
    {"compressed_streaming_and_request", test_compressed, true},
    {"certificate_verification_failure", test_certificate_verification_failure, true},
    {"many_concurrent_streams", test_many_concurrent_streams, true},
    {"concurrent_large_echo", test_concurrent_large_echo, true},
    {"concurrent_large_echo_queued", test_concurrent_large_echo_queued, true},
    {"load_mode_large", test_load_mode_large, true},
    {"load_mode_raw", test_load_mode_raw, true},
    {"cancel_stream", test_cancel_stream, true},
    {"plaintext_to_tls_port", test_plaintext_to_tls_port, true},
    {"request_file", test_request_file, false},
    {"fake_truncated_frame", test_fake_truncated_frame, false},
    {"fake_oversized_length", test_fake_oversized_length, false},
    {"fake_close_mid_call", test_fake_close_mid_call, false},
    {"fake_unknown_stream", test_fake_unknown_stream, false},
    {"fake_bad_trailers", test_fake_bad_trailers, false},
    {"fake_zstd_bomb", test_fake_zstd_bomb, false},
    {"fake_ping_and_goaway", test_fake_ping_and_goaway, false},
    {"fake_bad_preface", test_fake_bad_preface, false},
    {"fake_silent_server", test_fake_silent_server, false},
};

int main(int argc, char **argv) {
    host = getenv("SWP_HOST") ? getenv("SWP_HOST") : "127.0.0.1";
    ca = getenv("SWP_CA");
    const char *port_s = getenv("SWP_PORT");
    port = port_s ? (uint16_t)atoi(port_s) : 0;
    if (!port || !ca) {
        fprintf(stderr, "swp-tests: set SWP_PORT and SWP_CA (and SWP_HOST) to a running soukd's SWP/1 port and dev CA\n");
        return 2;
    }
    const char *filter = argc > 1 ? argv[1] : NULL;
    int run = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        current = tests[i].name;
        int before = failures;
        int64_t t0 = now_ms();
        tests[i].fn();
        run++;
        printf("%s %s (%lld ms)\n", failures == before ? "ok  " : "FAIL", tests[i].name, (long long)(now_ms() - t0));
        fflush(stdout);
    }
    printf("%d test(s), %d failure(s)\n", run, failures);
    return failures ? 1 : 0;
}
