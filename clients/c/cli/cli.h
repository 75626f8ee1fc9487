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
    const char *method;      /* "echo" or "stream" */
    int size;
    int connections;
    int in_flight;
    double warmup_s;
    double duration_s;
} load_args;

/* Runs the load mode; prints one JSON line on success. Returns the process exit code. */
int run_load(const cli_common *common, const load_args *args);

#endif
