/* swp-call: a command-line SWP/1 client for souk.testing.v1.TestService and grpc.health.v1.Health.
 *
 *   swp-call --host H --port P (--ca FILE | --plaintext) [--server-name N] [--timeout-ms N]
 *            [-H key:value]... [--compress] COMMAND [ARGS]
 *
 * Commands: empty | echo --size N | unary [--size N] [--status CODE --message TEXT]
 *           | stream --count N --size S | stream-output --sizes A,B,... | sleep --ms N
 *           | health [--service S] | load ... (see cli/load.c; --method raw: cli/request_file.c)
 *
 * Exit codes: 0 OK; the gRPC status code (1-16) when the call ended with one; 20 when no connection
 * could be made; 21 when the call could not be started; 2 for usage errors; 30 for load-mode failures.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grpc/health/v1/health.pb-c.h"
#include "souk/testing/v1/messages.pb-c.h"

#define EXIT_USAGE 2
#define EXIT_CONNECT 20
#define EXIT_START 21

static void usage(void) {
    fprintf(stderr,
            "usage: swp-call --host H --port P (--ca FILE | --plaintext) [--server-name NAME]\n"
            "                [--timeout-ms N] [-H key:value]... [--compress] COMMAND [ARGS]\n"
            "commands:\n"
            "  empty                                   EmptyCall\n"
            "  echo --size N                           Echo a payload of N bytes\n"
            "  unary [--size N] [--status C --message T]  UnaryCall (answer with status C, message T)\n"
            "  stream --count N --size S               StreamBytes: N messages of S bytes\n"
            "  stream-output --sizes A,B,...           StreamingOutputCall with these response sizes\n"
            "  sleep --ms N                            Sleep N ms (use --timeout-ms to see DEADLINE_EXCEEDED)\n"
            "  health [--service S]                    grpc.health.v1.Health/Check\n"
            "  load --method echo|stream --size S --connections C --in-flight K --warmup-s W --duration-s D\n"
            "  load --method raw --path /pkg.Service/Method --request-file FILE [--seed N] --connections C ...\n"
            "                                          the file's requests (4-byte big-endian length + message,\n"
            "                                          repeated) in turn, or at random with --seed\n"
            "-H key:value adds request metadata; a key ending in -bin takes the value's bytes as binary.\n");
}

static int parse_int(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static double parse_double(const char *s) {
    char *end;
    double v = strtod(s, &end);
    return (*end || end == s) ? -1 : v;
}

static void print_escaped(const uint8_t *p, size_t n, int binary) {
    if (binary) {
        for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
        return;
    }
    fwrite(p, 1, n, stdout);
}

static void print_metadata(const char *what, const swp_metadata *md) {
    for (size_t i = 0; i < md->count; i++) {
        printf("%s: %s: ", what, md->entries[i].key);
        print_escaped(md->entries[i].value, md->entries[i].length, md->entries[i].binary);
        printf("%s\n", md->entries[i].binary ? " (hex)" : "");
    }
}

/* Prints status, metadata and the transport error; returns the exit code. */
static int report(const swp_call *call) {
    int status = swp_call_status(call);
    print_metadata("initial-metadata", swp_call_initial_metadata(call));
    print_metadata("trailer", swp_call_trailing_metadata(call));
    printf("status: %d %s", status, swp_status_name(status));
    if (swp_call_message(call)[0]) printf(" \"%s\"", swp_call_message(call));
    printf("\n");
    const swp_error *te = swp_call_transport_error(call);
    if (te->code != SWP_OK) printf("transport: %s: %s\n", swp_err_name(te->code), te->message);
    fflush(stdout);
    return status;
}

static swp_call_params params_for(const cli_common *c, const char *method) {
    swp_call_params p = {0};
    p.method = method;
    p.metadata = c->headers;
    p.metadata_count = c->n_headers;
    p.timeout_us = (int64_t)c->timeout_ms * 1000;
    p.flags = c->compress ? SWP_CALL_COMPRESS : 0;
    return p;
}

static int run_unary(swp_conn *conn, const cli_common *c, const char *method, const uint8_t *req, size_t n,
                     int payload_kind) {
    swp_call_params p = params_for(c, method);
    uint8_t *resp;
    size_t rn;
    swp_call *call;
    swp_error err;
    if (swp_unary(conn, &p, req, n, &resp, &rn, &call, &err) != 0) {
        fprintf(stderr, "swp-call: cannot start %s: %s: %s\n", method, swp_err_name(err.code), err.message);
        return EXIT_START;
    }
    if (resp) {
        printf("response: %zu bytes", rn);
        if (payload_kind == 1) {
            Souk__Testing__V1__Payload *pl = souk__testing__v1__payload__unpack(NULL, rn, resp);
            if (pl) printf(" (payload body %zu bytes)", pl->body.len);
            souk__testing__v1__payload__free_unpacked(pl, NULL);
        } else if (payload_kind == 2) {
            Souk__Testing__V1__SimpleResponse *sr = souk__testing__v1__simple_response__unpack(NULL, rn, resp);
            if (sr) printf(" (payload %zu bytes, request_size %d)", sr->payload ? sr->payload->body.len : 0, sr->request_size);
            souk__testing__v1__simple_response__free_unpacked(sr, NULL);
        } else if (payload_kind == 3) {
            Grpc__Health__V1__HealthCheckResponse *hr = grpc__health__v1__health_check_response__unpack(NULL, rn, resp);
            if (hr) printf(" (status %d)", hr->status);
            grpc__health__v1__health_check_response__free_unpacked(hr, NULL);
        }
        printf("\n");
    }
    free(resp);
    int rc = report(call);
    swp_call_free(call);
    return rc;
}

static int run_stream(swp_conn *conn, const cli_common *c, const char *method, const uint8_t *req, size_t n) {
    swp_call_params p = params_for(c, method);
    swp_error err;
    swp_call *call = swp_call_start(conn, &p, req, n, &err);
    if (!call) {
        fprintf(stderr, "swp-call: cannot start %s: %s: %s\n", method, swp_err_name(err.code), err.message);
        return EXIT_START;
    }
    const uint8_t *data;
    size_t len;
    uint64_t count = 0, bytes = 0;
    while (swp_call_next(call, &data, &len) == 1) {
        count++;
        bytes += len;
        if (count <= 10) printf("message %llu: %zu bytes\n", (unsigned long long)count, len);
    }
    printf("messages: %llu (%llu bytes, %llu arrived compressed)\n", (unsigned long long)count,
           (unsigned long long)bytes, (unsigned long long)swp_call_compressed_messages(call));
    int rc = report(call);
    swp_call_free(call);
    return rc;
}

static uint8_t *pack_payload_msg(int size, size_t *n) {
    Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
    uint8_t *body = calloc((size_t)size + 1, 1);
    if (!body) return NULL;
    pl.body.data = body;
    pl.body.len = (size_t)size;
    *n = souk__testing__v1__payload__get_packed_size(&pl);
    uint8_t *out = malloc(*n + 1);
    if (out) souk__testing__v1__payload__pack(&pl, out);
    free(body);
    return out;
}

int main(int argc, char **argv) {
    cli_common c;
    memset(&c, 0, sizeof c);
    long v;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--plaintext")) c.conn.plaintext = 1;
        else if (!strcmp(a, "--compress")) c.compress = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (!next) {
            fprintf(stderr, "swp-call: %s needs a value\n", a);
            return EXIT_USAGE;
        } else if (!strcmp(a, "--host")) c.conn.host = argv[++i];
        else if (!strcmp(a, "--ca")) c.conn.ca_file = argv[++i];
        else if (!strcmp(a, "--server-name")) c.conn.server_name = argv[++i];
        else if (!strcmp(a, "--port")) {
            if (parse_int(argv[++i], 1, 65535, &v)) goto bad;
            c.conn.port = (uint16_t)v;
        } else if (!strcmp(a, "--timeout-ms")) {
            if (parse_int(argv[++i], 0, 86400000, &v)) goto bad;
            c.timeout_ms = (int)v;
        } else if (!strcmp(a, "-H")) {
            const char *kv = argv[++i];
            const char *colon = strchr(kv, ':');
            if (!colon || c.n_headers == CLI_MAX_HEADERS) goto bad;
            swp_md *m = &c.headers[c.n_headers++];
            m->key = strndup(kv, (size_t)(colon - kv));
            m->value = (uint8_t *)strdup(colon + 1);
            if (!m->key || !m->value) return EXIT_USAGE;
            m->length = strlen(colon + 1);
            for (char *k = m->key; *k; k++) /* keys are lower-cased on send (PROTOCOL.md §17) */
                if (*k >= 'A' && *k <= 'Z') *k = (char)(*k - 'A' + 'a');
            m->binary = strlen(m->key) > 4 && !strcmp(m->key + strlen(m->key) - 4, "-bin");
        } else {
            fprintf(stderr, "swp-call: unknown option %s\n", a);
            usage();
            return EXIT_USAGE;
        }
    }
    if (i >= argc || !c.conn.host || !c.conn.port || (!c.conn.plaintext && !c.conn.ca_file)) {
        usage();
        return EXIT_USAGE;
    }
    const char *cmd = argv[i++];
    /* Command arguments. */
    long size = 0, count = 1, status = 0, ms = 0;
    const char *message = "", *service = "", *sizes = NULL;
    load_args load = {.method = "echo", .size = 64, .connections = 1, .in_flight = 1, .warmup_s = 1, .duration_s = 5};
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val) {
            fprintf(stderr, "swp-call: %s needs a value\n", a);
            return EXIT_USAGE;
        }
        i++;
        if (!strcmp(a, "--size")) {
            if (parse_int(val, 0, 16 * 1024 * 1024, &size)) goto bad;
            load.size = (int)size;
        } else if (!strcmp(a, "--count")) {
            if (parse_int(val, 0, 100000000, &count)) goto bad;
        } else if (!strcmp(a, "--status")) {
            if (parse_int(val, 0, 16, &status)) goto bad;
        } else if (!strcmp(a, "--message")) message = val;
        else if (!strcmp(a, "--service")) service = val;
        else if (!strcmp(a, "--sizes")) sizes = val;
        else if (!strcmp(a, "--ms")) {
            if (parse_int(val, 0, 3600000, &ms)) goto bad;
        } else if (!strcmp(a, "--method")) load.method = val;
        else if (!strcmp(a, "--path")) load.path = val;
        else if (!strcmp(a, "--request-file")) load.request_file = val;
        else if (!strcmp(a, "--seed")) {
            char *end;
            errno = 0;
            load.seed = strtoull(val, &end, 10);
            if (errno || *end || end == val || val[0] == '-') goto bad;
            load.random_order = 1;
        }
        else if (!strcmp(a, "--connections")) {
            if (parse_int(val, 1, 1024, &v)) goto bad;
            load.connections = (int)v;
        } else if (!strcmp(a, "--in-flight")) {
            if (parse_int(val, 1, 100000, &v)) goto bad;
            load.in_flight = (int)v;
        } else if (!strcmp(a, "--warmup-s")) {
            if ((load.warmup_s = parse_double(val)) < 0) goto bad;
        } else if (!strcmp(a, "--duration-s")) {
            if ((load.duration_s = parse_double(val)) <= 0) goto bad;
        } else {
            fprintf(stderr, "swp-call: unknown argument %s for %s\n", a, cmd);
            return EXIT_USAGE;
        }
    }
    if (!strcmp(cmd, "load")) return run_load(&c, &load);

    swp_error err;
    swp_conn *conn = swp_connect(&c.conn, &err);
    if (!conn) {
        fprintf(stderr, "swp-call: %s: %s\n", swp_err_name(err.code), err.message);
        return EXIT_CONNECT;
    }
    int rc = EXIT_USAGE;
    uint8_t *req = NULL;
    size_t n = 0;
    if (!strcmp(cmd, "empty")) {
        rc = run_unary(conn, &c, "/souk.testing.v1.TestService/EmptyCall", (const uint8_t *)"", 0, 0);
    } else if (!strcmp(cmd, "echo")) {
        req = pack_payload_msg((int)size, &n);
        if (req) rc = run_unary(conn, &c, "/souk.testing.v1.TestService/Echo", req, n, 1);
    } else if (!strcmp(cmd, "unary")) {
        Souk__Testing__V1__SimpleRequest sr = SOUK__TESTING__V1__SIMPLE_REQUEST__INIT;
        Souk__Testing__V1__EchoStatus es = SOUK__TESTING__V1__ECHO_STATUS__INIT;
        sr.response_size = (int32_t)size;
        if (status) {
            es.code = (int32_t)status;
            es.message = (char *)message;
            sr.response_status = &es;
        }
        n = souk__testing__v1__simple_request__get_packed_size(&sr);
        req = malloc(n + 1);
        if (req) {
            souk__testing__v1__simple_request__pack(&sr, req);
            rc = run_unary(conn, &c, "/souk.testing.v1.TestService/UnaryCall", req, n, 2);
        }
    } else if (!strcmp(cmd, "stream")) {
        Souk__Testing__V1__StreamRequest sr = SOUK__TESTING__V1__STREAM_REQUEST__INIT;
        sr.count = count;
        sr.size = (int32_t)size;
        n = souk__testing__v1__stream_request__get_packed_size(&sr);
        req = malloc(n + 1);
        if (req) {
            souk__testing__v1__stream_request__pack(&sr, req);
            rc = run_stream(conn, &c, "/souk.testing.v1.TestService/StreamBytes", req, n);
        }
    } else if (!strcmp(cmd, "stream-output")) {
        Souk__Testing__V1__ResponseParameters params[64];
        Souk__Testing__V1__ResponseParameters *ptrs[64];
        Souk__Testing__V1__StreamingOutputCallRequest sr = SOUK__TESTING__V1__STREAMING_OUTPUT_CALL_REQUEST__INIT;
        const char *s = sizes ? sizes : "";
        while (*s && sr.n_response_parameters < 64) {
            char *end;
            long sz = strtol(s, &end, 10);
            if (end == s || sz < 0) goto bad;
            souk__testing__v1__response_parameters__init(&params[sr.n_response_parameters]);
            params[sr.n_response_parameters].size = (int32_t)sz;
            params[sr.n_response_parameters].compressed = c.compress;
            ptrs[sr.n_response_parameters] = &params[sr.n_response_parameters];
            sr.n_response_parameters++;
            s = *end == ',' ? end + 1 : end;
        }
        sr.response_parameters = ptrs;
        n = souk__testing__v1__streaming_output_call_request__get_packed_size(&sr);
        req = malloc(n + 1);
        if (req) {
            souk__testing__v1__streaming_output_call_request__pack(&sr, req);
            rc = run_stream(conn, &c, "/souk.testing.v1.TestService/StreamingOutputCall", req, n);
        }
    } else if (!strcmp(cmd, "sleep")) {
        Souk__Testing__V1__SleepRequest sr = SOUK__TESTING__V1__SLEEP_REQUEST__INIT;
        sr.duration_ms = ms;
        n = souk__testing__v1__sleep_request__get_packed_size(&sr);
        req = malloc(n + 1);
        if (req) {
            souk__testing__v1__sleep_request__pack(&sr, req);
            rc = run_unary(conn, &c, "/souk.testing.v1.TestService/Sleep", req, n, 0);
        }
    } else if (!strcmp(cmd, "health")) {
        Grpc__Health__V1__HealthCheckRequest hr = GRPC__HEALTH__V1__HEALTH_CHECK_REQUEST__INIT;
        hr.service = (char *)service;
        n = grpc__health__v1__health_check_request__get_packed_size(&hr);
        req = malloc(n + 1);
        if (req) {
            grpc__health__v1__health_check_request__pack(&hr, req);
            rc = run_unary(conn, &c, "/grpc.health.v1.Health/Check", req, n, 3);
        }
    } else {
        fprintf(stderr, "swp-call: unknown command %s\n", cmd);
        usage();
    }
    free(req);
    swp_conn_close(conn);
    for (size_t k = 0; k < c.n_headers; k++) {
        free(c.headers[k].key);
        free(c.headers[k].value);
    }
    return rc;
bad:
    fprintf(stderr, "swp-call: bad value near argument %d\n", i);
    usage();
    return EXIT_USAGE;
}
