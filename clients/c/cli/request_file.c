/* swp-call load --method raw: the request file.
 *
 * A request file is zero or more records back to back, each a 4-byte big-endian length n followed by n bytes:
 * one request message, already protobuf-encoded (no SWP or gRPC framing). n may be 0 (an empty message) and
 * at most REQUEST_MAX_BYTES (SWP's default MAX_MESSAGE_SIZE, 4 MiB). A file with no record, a record that
 * runs past the end of the file or a length above the limit is refused with a message naming the offset.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t read_u32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int request_set_parse(const uint8_t *data, size_t len, const char *name, request_set *out, char *error,
                      size_t error_len) {
    memset(out, 0, sizeof *out);
    /* First pass: check every record and count them. */
    size_t count = 0;
    for (size_t at = 0; at < len;) {
        if (len - at < 4) {
            snprintf(error, error_len, "%s: %zu byte(s) at offset %zu, too few for a 4-byte length", name, len - at,
                     at);
            return -1;
        }
        uint32_t n = read_u32(data + at);
        if (n > REQUEST_MAX_BYTES) {
            snprintf(error, error_len, "%s: the record at offset %zu declares %lu bytes, more than 4 MiB", name, at,
                     (unsigned long)n);
            return -1;
        }
        if (len - at - 4 < n) {
            snprintf(error, error_len, "%s: the record at offset %zu declares %lu bytes, past the end of the file",
                     name, at, (unsigned long)n);
            return -1;
        }
        at += 4 + (size_t)n;
        count++;
    }
    if (count == 0) {
        snprintf(error, error_len, "%s: no request in the file", name);
        return -1;
    }
    out->data = malloc(len);
    out->messages = calloc(count, sizeof *out->messages);
    out->lengths = calloc(count, sizeof *out->lengths);
    if (!out->data || !out->messages || !out->lengths) {
        request_set_free(out);
        snprintf(error, error_len, "%s: out of memory", name);
        return -1;
    }
    memcpy(out->data, data, len);
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = read_u32(out->data + at);
        out->messages[i] = out->data + at + 4;
        out->lengths[i] = n;
        at += 4 + n;
    }
    out->count = count;
    return 0;
}

int request_set_load(const char *path, request_set *out, char *error, size_t error_len) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(error, error_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    uint8_t *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t grown = cap ? cap * 2 : 65536;
            uint8_t *bigger = realloc(data, grown);
            if (!bigger) {
                free(data);
                fclose(f);
                snprintf(error, error_len, "%s: out of memory", path);
                return -1;
            }
            data = bigger;
            cap = grown;
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(data);
        snprintf(error, error_len, "%s: read error", path);
        return -1;
    }
    int rc = request_set_parse(data, len, path, out, error, error_len);
    free(data);
    return rc;
}

void request_set_free(request_set *s) {
    free(s->data);
    free(s->messages);
    free(s->lengths);
    memset(s, 0, sizeof *s);
}
