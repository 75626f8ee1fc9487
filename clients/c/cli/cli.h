/* Shared pieces of swp-call. */
#ifndef SWP_CLI_H
#define SWP_CLI_H

#include "swp.h"

#define CLI_MAX_HEADERS 64

typedef struct {
    swp_options conn;
    int timeout_ms;          /* per-call deadline; 0 = none */
    int compress;            /* SWP_CALL_COMPRESS */
    swp_md headers[CLI_MAX_HEADERS];
    size_t n_headers;
} cli_common;

typedef struct {
    const char *method;      /* "echo", "stream" or "raw" */
    int size;
    int connections;
    int in_flight;
    double warmup_s;
    double duration_s;
    /* --method raw only */
    const char *path;         /* the unary method called, e.g. /souk.catalog.v1.CatalogService/GetProduct */
    const char *request_file; /* its request messages (see cli/request_file.c) */
    int random_order;         /* 0: the requests in turn (round-robin); 1: picked at random from seed */
    unsigned long long seed;
} load_args;

/* The request messages of a request file: records of a 4-byte big-endian length and that many bytes. */
#define REQUEST_MAX_BYTES (4u * 1024 * 1024)

typedef struct {
    uint8_t *data;             /* the file's bytes */
    const uint8_t **messages;  /* count messages, pointing into data */
    size_t *lengths;
    size_t count;              /* at least 1 */
} request_set;

/* Reads a request file (request_set_load) or a buffer named name (request_set_parse). Returns 0, or -1 with
 * a message naming the file and the offset of the bad record in error. Free with request_set_free. */
int request_set_load(const char *path, request_set *out, char *error, size_t error_len);
int request_set_parse(const uint8_t *data, size_t len, const char *name, request_set *out, char *error,
                      size_t error_len);
void request_set_free(request_set *s);

/* Runs the load mode; prints one JSON line on success. Returns the process exit code. */
int run_load(const cli_common *common, const load_args *args);

#endif
