/* swp-call load: a closed-loop load generator.
 *
 * --in-flight K calls in total are spread over --connections C connections (the first K mod C
 * connections get one more), one thread per connection, each thread multiplexing its share of
 * streams on its connection: whenever a call ends, a new one starts. After --warmup-s W seconds the
 * measured window of --duration-s D seconds begins; calls that *end* inside the window are counted,
 * and their latency (start to end) recorded in a log-linear histogram (< 1% error).
 *
 *   --method echo    unary Echo calls with a --size byte payload: calls, qps, latency percentiles
 *   --method stream  StreamBytes calls (a very large count, restarted if one ends): messages/s, MB/s
 *   --method raw     unary calls of --path with the messages of --request-file (cli/request_file.c) as
 *                    requests, in turn (each connection starting at its own share of the file) or, with
 *                    --seed, picked at random (a generator per connection, seeded with seed + its index);
 *                    each call must end OK with one response message; figures as for echo
 *
 * Ended calls are handed from on_done to the worker's loop through a FIFO of slot indexes (at most one
 * entry per slot, so it never holds more than the worker's share). on_done can run while the loop is
 * inside swp_call_start: starting a call whose request does not fit in the send windows processes
 * input while it waits for WINDOW_UPDATE, and other calls end meanwhile (e.g. 16 x 256 KiB echoes fill
 * the 4 MiB connection window). Those slots join the FIFO and are handled in the same pass.
 *
 * Output: one JSON line on stdout. Any failed call (warm-up included) or a lost connection makes the
 * run fail: a message naming the cause and the count of failed calls on stderr, exit code 30, and no
 * figures built on errors.
 */
#define _GNU_SOURCE
#include "cli.h"
#include "hist.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "souk/testing/v1/messages.pb-c.h"

#define EXIT_LOAD 30
#define STREAM_COUNT 100000000 /* the server's maximum (TestService.maximumStreamedMessages) */

typedef struct worker worker;

typedef struct {
    worker *w;
    int64_t started_us;
    int64_t ended_us; /* when on_done ran */
    swp_call *call;   /* NULL while the slot is idle (and, transiently, inside swp_call_start) */
    bool queued;      /* in the done FIFO */
} slot;

struct worker {
    const cli_common *common;
    const load_args *args;
    int index;
    int share;
    bool stream;
    const uint8_t *request;
    size_t request_len;
    const request_set *requests; /* --method raw; else NULL */
    size_t next_request;         /* round-robin cursor */
    uint64_t rng;                /* --seed: splitmix64 state */
    int64_t window_start, window_end;
    /* results */
    hist h;
    uint64_t calls, errors, messages, bytes;
    char first_error[300];
    slot *slots;
    /* FIFO of ended slots (indexes), capacity share: a slot is queued at most once. */
    int *done_list;
    int done_head, n_done;
};

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec / 1e6;
}

static void note_error(worker *w, const char *fmt, const char *a, const char *b) {
    w->errors++;
    if (!w->first_error[0]) snprintf(w->first_error, sizeof w->first_error, fmt, a, b);
}

static void on_message(swp_call *call, const uint8_t *data, size_t len, int compressed, void *user) {
    (void)call;
    (void)data;
    (void)compressed;
    slot *s = user;
    worker *w = s->w;
    if (!w->stream) return;
    int64_t t = now_us();
    if (t >= w->window_start && t < w->window_end) {
        w->messages++;
        w->bytes += len;
    }
}

static void on_done(swp_call *call, void *user) {
    (void)call;
    slot *s = user;
    worker *w = s->w;
    s->ended_us = now_us();
    /* on_done runs once per call and a slot holds one call at a time, so it is never queued twice
     * and the FIFO (capacity share) cannot overflow. */
    if (s->queued || w->n_done >= w->share) abort();
    s->queued = true;
    w->done_list[(w->done_head + w->n_done) % w->share] = (int)(s - w->slots);
    w->n_done++;
}

/* Takes the oldest ended slot off the FIFO, or NULL. */
static slot *pop_done(worker *w) {
    if (w->n_done == 0) return NULL;
    slot *s = &w->slots[w->done_list[w->done_head]];
    w->done_head = (w->done_head + 1) % w->share;
    w->n_done--;
    s->queued = false;
    return s;
}

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The request of the next call: the fixed one, or the next of the request file (in turn or at random). */
static void next_request(worker *w, const uint8_t **request, size_t *len) {
    const request_set *r = w->requests;
    if (!r) {
        *request = w->request;
        *len = w->request_len;
        return;
    }
    size_t i;
    if (w->args->random_order) {
        i = (size_t)(splitmix64(&w->rng) % r->count);
    } else {
        i = w->next_request;
        w->next_request = (i + 1) % r->count;
    }
    *request = r->messages[i];
    *len = r->lengths[i];
}

static int start_slot(worker *w, swp_conn *conn, slot *s) {
    swp_call_params p = {0};
    p.method = w->requests ? w->args->path
               : w->stream ? "/souk.testing.v1.TestService/StreamBytes"
                           : "/souk.testing.v1.TestService/Echo";
    p.metadata = w->common->headers;
    p.metadata_count = w->common->n_headers;
    p.timeout_us = (int64_t)w->common->timeout_ms * 1000;
    p.flags = w->common->compress ? SWP_CALL_COMPRESS : 0;
    p.on_message = on_message;
    p.on_done = on_done;
    p.user = s;
    s->started_us = now_us();
    swp_error err;
    const uint8_t *request;
    size_t request_len;
    next_request(w, &request, &request_len);
    /* swp_call_start may process input while it waits for flow-control credit: on_done of other
     * slots (and even of this call) can run before it returns; they only queue the slot. */
    swp_call *call = swp_call_start(conn, &p, request, request_len, &err);
    s->call = call;
    if (!call) {
        note_error(w, "cannot start a call: %s: %s", swp_err_name(err.code), err.message);
        return -1;
    }
    return 0;
}

/* Handles an ended call: records it, frees it. Returns 0 if it succeeded. */
static int complete_slot(worker *w, slot *s, int64_t end) {
    swp_call *call = s->call;
    s->call = NULL;
    if (!call) return 0; /* nothing to complete (defensive: never expected) */
    int status = swp_call_status(call);
    int ok = status == SWP_STATUS_OK && (w->stream || swp_call_messages(call) == 1);
    bool in_window = end >= w->window_start && end < w->window_end;
    if (!ok) {
        char detail[200];
        const swp_error *te = swp_call_transport_error(call);
        snprintf(detail, sizeof detail, "%s \"%.80s\"%s%.80s", swp_status_name(status), swp_call_message(call),
                 te->code ? " transport: " : "", te->code ? te->message : "");
        note_error(w, "%s%s", detail, status == SWP_STATUS_OK ? " (no response message)" : "");
    } else if (in_window && !w->stream) {
        w->calls++;
        hist_record(&w->h, (uint64_t)(end - s->started_us) * 1000u);
    } else if (in_window) {
        w->calls++;
    }
    swp_call_free(call);
    return ok ? 0 : -1;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    swp_error err;
    swp_conn *conn = swp_connect(&w->common->conn, &err);
    if (!conn) {
        note_error(w, "connection failed: %s: %s", swp_err_name(err.code), err.message);
        w->errors += (uint64_t)w->share - 1; /* every call of this connection's share failed */
        return NULL;
    }
    for (int i = 0; i < w->share; i++) {
        w->slots[i].w = w;
        if (start_slot(w, conn, &w->slots[i]) != 0) goto out;
    }
    for (;;) {
        int64_t t = now_us();
        bool stopping = t >= w->window_end;
        if (swp_conn_process(conn, 50) != 0 && w->n_done == 0) {
            note_error(w, "connection lost: %s%s", swp_conn_error(conn)->message, "");
            break;
        }
        /* Slots that end while start_slot waits are appended to the FIFO and handled in this pass. */
        slot *s;
        while (w->errors == 0 && (s = pop_done(w)) != NULL) {
            complete_slot(w, s, s->ended_us);
            if (!stopping && w->errors == 0 && start_slot(w, conn, s) != 0) break;
        }
        if (w->errors) break;
        if (stopping) break;
    }
out:
    /* Cancel what is still running (streams, or calls that straddle the window's end). */
    /* Calls that already ended are checked for failure (outside the window: not counted). */
    for (int i = 0; i < w->share; i++) {
        slot *s = &w->slots[i];
        if (!s->call) continue;
        if (swp_call_done(s->call)) {
            complete_slot(w, s, w->window_end);
        } else {
            swp_call *call = s->call;
            s->call = NULL;
            swp_call_free(call);
        }
    }
    swp_conn_close(conn);
    return NULL;
}

/* Prints s as a JSON string (method paths are ASCII; anything else is escaped). */
static void print_json_string(const char *s) {
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') printf("\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7f) printf("\\u%04x", *c);
        else putchar(*c);
    }
    putchar('"');
}

int run_load(const cli_common *common, const load_args *args) {
    bool stream = !strcmp(args->method, "stream");
    bool raw = !strcmp(args->method, "raw");
    if (!stream && !raw && strcmp(args->method, "echo") != 0) {
        fprintf(stderr, "swp-call load: --method must be echo, stream or raw\n");
        return 2;
    }
    if (raw != (args->path != NULL) || raw != (args->request_file != NULL) || (!raw && args->random_order)) {
        fprintf(stderr, "swp-call load: --path and --request-file go with --method raw (and --seed with them)\n");
        return 2;
    }
    if (raw && args->path[0] != '/') {
        fprintf(stderr, "swp-call load: --path must start with / (/package.Service/Method)\n");
        return 2;
    }
    if (args->in_flight < args->connections) {
        fprintf(stderr, "swp-call load: --in-flight (%d) must be at least --connections (%d)\n", args->in_flight,
                args->connections);
        return 2;
    }
    /* The request: Payload{body: size zero bytes} for Echo, StreamRequest{count, size} for StreamBytes, the
     * file's messages for raw. */
    uint8_t *request = NULL;
    size_t request_len = 0;
    request_set requests = {0};
    if (raw) {
        char error[512];
        if (request_set_load(args->request_file, &requests, error, sizeof error) != 0) {
            fprintf(stderr, "swp-call load: %s\n", error);
            return 2;
        }
    } else if (stream) {
        Souk__Testing__V1__StreamRequest sr = SOUK__TESTING__V1__STREAM_REQUEST__INIT;
        sr.count = STREAM_COUNT;
        sr.size = args->size;
        request_len = souk__testing__v1__stream_request__get_packed_size(&sr);
        request = malloc(request_len + 1);
        if (request) souk__testing__v1__stream_request__pack(&sr, request);
    } else {
        Souk__Testing__V1__Payload pl = SOUK__TESTING__V1__PAYLOAD__INIT;
        uint8_t *body = calloc((size_t)args->size + 1, 1);
        pl.body.data = body;
        pl.body.len = (size_t)args->size;
        request_len = souk__testing__v1__payload__get_packed_size(&pl);
        request = body ? malloc(request_len + 1) : NULL;
        if (request) souk__testing__v1__payload__pack(&pl, request);
        free(body);
    }
    int nw = args->connections;
    worker *workers = calloc((size_t)nw, sizeof *workers);
    pthread_t *threads = calloc((size_t)nw, sizeof *threads);
    if ((!raw && !request) || !workers || !threads) {
        fprintf(stderr, "swp-call load: out of memory\n");
        return EXIT_LOAD;
    }
    int64_t t0 = now_us();
    int64_t window_start = t0 + (int64_t)(args->warmup_s * 1e6);
    int64_t window_end = window_start + (int64_t)(args->duration_s * 1e6);
    int rc = 0;
    for (int i = 0; i < nw; i++) {
        worker *w = &workers[i];
        w->common = common;
        w->args = args;
        w->index = i;
        w->share = args->in_flight / nw + (i < args->in_flight % nw ? 1 : 0);
        w->stream = stream;
        w->request = request;
        w->request_len = request_len;
        if (raw) {
            w->requests = &requests;
            w->next_request = (size_t)i * requests.count / (size_t)nw;
            w->rng = args->seed + (uint64_t)i;
        }
        w->window_start = window_start;
        w->window_end = window_end;
        hist_init(&w->h);
        w->slots = calloc((size_t)w->share, sizeof *w->slots);
        w->done_list = calloc((size_t)w->share, sizeof *w->done_list);
        if (!w->slots || !w->done_list || pthread_create(&threads[i], NULL, worker_main, w) != 0) {
            fprintf(stderr, "swp-call load: cannot start worker %d\n", i);
            return EXIT_LOAD;
        }
    }
    /* CPU time of the whole process over the measured window. */
    int64_t wait = window_start - now_us();
    if (wait > 0) {
        struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    double cpu0 = cpu_seconds();
    int64_t measured_from = now_us();
    wait = window_end - measured_from;
    if (wait > 0) {
        struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
        nanosleep(&ts, NULL);
    }
    double cpu1 = cpu_seconds();
    int64_t measured_to = now_us();
    hist total;
    hist_init(&total);
    uint64_t calls = 0, errors = 0, messages = 0, bytes = 0;
    const char *first_error = NULL;
    for (int i = 0; i < nw; i++) {
        pthread_join(threads[i], NULL);
        hist_merge(&total, &workers[i].h);
        calls += workers[i].calls;
        errors += workers[i].errors;
        messages += workers[i].messages;
        bytes += workers[i].bytes;
        if (!first_error && workers[i].first_error[0]) first_error = workers[i].first_error;
    }
    double seconds = (double)(window_end - window_start) / 1e6;
    (void)measured_from;
    (void)measured_to;
    if (errors > 0) {
        fprintf(stderr, "swp-call load: %llu call(s) failed; first failure: %s\n", (unsigned long long)errors,
                first_error ? first_error : "unknown");
        rc = EXIT_LOAD;
    } else if (calls == 0 && (!stream || messages == 0)) {
        fprintf(stderr, "swp-call load: no call completed in the measured window\n");
        rc = EXIT_LOAD;
    } else if (stream) {
        printf("{\"method\":\"stream\",\"size\":%d,\"connections\":%d,\"in_flight\":%d,\"streams\":%d,"
               "\"messages\":%llu,\"errors\":0,\"seconds\":%.3f,\"messages_per_s\":%.1f,\"mb_per_s\":%.3f,"
               "\"cpu_seconds\":%.3f}\n",
               args->size, args->connections, args->in_flight, args->in_flight, (unsigned long long)messages, seconds,
               (double)messages / seconds, (double)bytes / seconds / 1e6, cpu1 - cpu0);
    } else if (raw) {
        printf("{\"method\":\"raw\",\"path\":");
        print_json_string(args->path);
        printf(",\"requests\":%zu,\"order\":\"%s\",\"connections\":%d,\"in_flight\":%d,\"calls\":%llu,"
               "\"errors\":0,\"seconds\":%.3f,\"qps\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
               "\"p999_us\":%.1f,\"cpu_seconds\":%.3f}\n",
               requests.count, args->random_order ? "random" : "round-robin", args->connections, args->in_flight,
               (unsigned long long)calls, seconds, (double)calls / seconds, hist_quantile_ns(&total, 0.50) / 1e3,
               hist_quantile_ns(&total, 0.90) / 1e3, hist_quantile_ns(&total, 0.99) / 1e3,
               hist_quantile_ns(&total, 0.999) / 1e3, cpu1 - cpu0);
    } else {
        printf("{\"method\":\"echo\",\"size\":%d,\"connections\":%d,\"in_flight\":%d,\"calls\":%llu,\"errors\":0,"
               "\"seconds\":%.3f,\"qps\":%.1f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,"
               "\"cpu_seconds\":%.3f}\n",
               args->size, args->connections, args->in_flight, (unsigned long long)calls, seconds,
               (double)calls / seconds, hist_quantile_ns(&total, 0.50) / 1e3, hist_quantile_ns(&total, 0.90) / 1e3,
               hist_quantile_ns(&total, 0.99) / 1e3, hist_quantile_ns(&total, 0.999) / 1e3, cpu1 - cpu0);
    }
    fflush(stdout);
    for (int i = 0; i < nw; i++) {
        free(workers[i].slots);
        free(workers[i].done_list);
    }
    free(workers);
    free(threads);
    free(request);
    request_set_free(&requests);
    return rc;
}
