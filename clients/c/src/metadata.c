/* The protobuf blocks of HEADERS and TRAILERS (§9), through protoc-c's generated code. */
#include "swp_internal.h"

#include <stdlib.h>
#include <string.h>

#include "souk/wire/v1/wire.pb-c.h"

bool swp_md_key_valid(const char *key, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
    }
    return true;
}

bool swp_md_is_bin_key(const char *key, size_t n) { return n >= 4 && memcmp(key + n - 4, "-bin", 4) == 0; }

/* §9: keys beginning with ':' and grpc-timeout, te, content-type are reserved. */
bool swp_md_is_reserved(const char *key, size_t n) {
    if (n > 0 && key[0] == ':') return true;
    return (n == 12 && memcmp(key, "grpc-timeout", 12) == 0) || (n == 2 && memcmp(key, "te", 2) == 0) ||
           (n == 12 && memcmp(key, "content-type", 12) == 0);
}

static bool text_valid(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7E) return false;
    return true;
}

swp_err swp_encode_request_head(const char *method, uint64_t timeout_us, const swp_md *md, size_t count,
                                bool add_zstd_encoding, swp_buf *out, size_t cap, swp_error *err) {
    size_t total = count + (add_zstd_encoding ? 1 : 0);
    if (total > 4096) {
        swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "too many metadata entries (%zu)", count);
        return SWP_ERR_INVALID_ARGUMENT;
    }
    Souk__Wire__V1__MetadataEntry *entries = total ? calloc(total, sizeof *entries) : NULL;
    Souk__Wire__V1__MetadataEntry **ptrs = total ? calloc(total, sizeof *ptrs) : NULL;
    if (total && (!entries || !ptrs)) {
        free(entries);
        free(ptrs);
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory encoding metadata");
        return SWP_ERR_NO_MEMORY;
    }
    swp_err rc = SWP_OK;
    static char zstd_text[] = "zstd";
    for (size_t i = 0; i < count; i++) {
        size_t kn = md[i].key ? strlen(md[i].key) : 0;
        /* A sender MUST NOT send invalid or reserved entries (§9): refuse them here. */
        if (!swp_md_key_valid(md[i].key, kn) || swp_md_is_reserved(md[i].key, kn)) {
            swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "invalid or reserved metadata key \"%s\"",
                          md[i].key ? md[i].key : "");
            rc = SWP_ERR_INVALID_ARGUMENT;
            goto done;
        }
        souk__wire__v1__metadata_entry__init(&entries[i]);
        entries[i].key = md[i].key;
        if (swp_md_is_bin_key(md[i].key, kn)) {
            /* Binary values are raw bytes; there is no base64 (§9). */
            entries[i].value_case = SOUK__WIRE__V1__METADATA_ENTRY__VALUE_BINARY;
            entries[i].binary.data = md[i].value;
            entries[i].binary.len = md[i].length;
        } else {
            if (!text_valid(md[i].value, md[i].length) || (md[i].value && memchr(md[i].value, 0, md[i].length))) {
                swp_set_error(err, SWP_ERR_INVALID_ARGUMENT, "metadata \"%s\": text values must be printable ASCII",
                              md[i].key);
                rc = SWP_ERR_INVALID_ARGUMENT;
                goto done;
            }
            /* protoc-c wants a NUL-terminated string; the oneof member is written even when empty. */
            char *copy = malloc(md[i].length + 1);
            if (!copy) {
                swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory encoding metadata");
                rc = SWP_ERR_NO_MEMORY;
                goto done;
            }
            if (md[i].length) memcpy(copy, md[i].value, md[i].length);
            copy[md[i].length] = 0;
            entries[i].value_case = SOUK__WIRE__V1__METADATA_ENTRY__VALUE_TEXT;
            entries[i].text = copy;
        }
        ptrs[i] = &entries[i];
    }
    if (add_zstd_encoding) {
        /* What the Souk client does when it compresses (Sources/SoukWire/Client/ClientStream.swift):
         * the server then compresses its responses too. Not in PROTOCOL.md; see the README. */
        souk__wire__v1__metadata_entry__init(&entries[count]);
        entries[count].key = "grpc-encoding";
        entries[count].value_case = SOUK__WIRE__V1__METADATA_ENTRY__VALUE_TEXT;
        entries[count].text = zstd_text;
        ptrs[count] = &entries[count];
    }
    Souk__Wire__V1__RequestHead head = SOUK__WIRE__V1__REQUEST_HEAD__INIT;
    head.method = (char *)method;
    head.timeout_us = timeout_us;
    head.n_metadata = total;
    head.metadata = ptrs;
    size_t n = souk__wire__v1__request_head__get_packed_size(&head);
    if (n > cap) {
        swp_set_error(err, SWP_ERR_MESSAGE_TOO_LARGE, "request HEADERS of %zu bytes exceed the server's MAX_HEADER_SIZE %zu",
                      n, cap);
        rc = SWP_ERR_MESSAGE_TOO_LARGE;
        goto done;
    }
    out->length = 0;
    if (!swp_buf_reserve(out, n ? n : 1, cap ? cap : 1)) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory encoding HEADERS");
        rc = SWP_ERR_NO_MEMORY;
        goto done;
    }
    out->length = souk__wire__v1__request_head__pack(&head, out->data);
done:
    for (size_t i = 0; i < count; i++)
        if (entries[i].value_case == SOUK__WIRE__V1__METADATA_ENTRY__VALUE_TEXT) free(entries[i].text);
    free(entries);
    free(ptrs);
    return rc;
}

void swp_metadata_clear(swp_metadata *md) {
    if (!md) return;
    for (size_t i = 0; i < md->count; i++) {
        free(md->entries[i].key);
        free(md->entries[i].value);
    }
    free(md->entries);
    md->entries = NULL;
    md->count = 0;
}

/* Copies decoded entries, validating them (§9): invalid keys, kinds or text make the block malformed
 * (stream error INTERNAL); reserved keys are dropped. */
static swp_err copy_entries(Souk__Wire__V1__MetadataEntry **in, size_t n, swp_metadata *md, swp_error *err) {
    md->entries = n ? calloc(n, sizeof *md->entries) : NULL;
    md->count = 0;
    if (n && !md->entries) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory decoding metadata");
        return SWP_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < n; i++) {
        const char *key = in[i]->key ? in[i]->key : "";
        size_t kn = strlen(key);
        bool bin = swp_md_is_bin_key(key, kn);
        const uint8_t *v = NULL;
        size_t vn = 0;
        if (in[i]->value_case == SOUK__WIRE__V1__METADATA_ENTRY__VALUE_BINARY) {
            v = in[i]->binary.data;
            vn = in[i]->binary.len;
        } else if (in[i]->value_case == SOUK__WIRE__V1__METADATA_ENTRY__VALUE_TEXT) {
            v = (const uint8_t *)in[i]->text;
            vn = in[i]->text ? strlen(in[i]->text) : 0;
        }
        /* A missing value is empty text; a -bin key must carry binary, any other key text. */
        bool is_binary_value = in[i]->value_case == SOUK__WIRE__V1__METADATA_ENTRY__VALUE_BINARY;
        if (!swp_md_key_valid(key, kn) || bin != is_binary_value || (!bin && !text_valid(v, vn))) {
            swp_set_error(err, SWP_ERR_STREAM, "malformed metadata entry \"%.64s\"", key);
            swp_metadata_clear(md);
            return SWP_ERR_STREAM;
        }
        if (swp_md_is_reserved(key, kn)) continue;
        swp_md *e = &md->entries[md->count];
        e->key = malloc(kn + 1);
        e->value = malloc(vn + 1);
        if (!e->key || !e->value) {
            free(e->key);
            free(e->value);
            e->key = NULL;
            e->value = NULL;
            swp_metadata_clear(md);
            swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory decoding metadata");
            return SWP_ERR_NO_MEMORY;
        }
        memcpy(e->key, key, kn + 1);
        if (vn) memcpy(e->value, v, vn);
        e->value[vn] = 0;
        e->length = vn;
        e->binary = bin;
        md->count++;
    }
    return SWP_OK;
}

swp_err swp_decode_response_head(const uint8_t *p, size_t n, swp_metadata *md, swp_error *err) {
    md->entries = NULL;
    md->count = 0;
    if (n == 0) return SWP_OK;
    Souk__Wire__V1__ResponseHead *h = souk__wire__v1__response_head__unpack(NULL, n, p);
    if (!h) {
        swp_set_error(err, SWP_ERR_STREAM, "undecodable ResponseHead (%zu bytes)", n);
        return SWP_ERR_STREAM;
    }
    swp_err rc = copy_entries(h->metadata, h->n_metadata, md, err);
    souk__wire__v1__response_head__free_unpacked(h, NULL);
    return rc;
}

swp_err swp_decode_trailers(const uint8_t *p, size_t n, uint32_t *code, char **message, swp_metadata *md,
                            swp_error *err) {
    md->entries = NULL;
    md->count = 0;
    *code = 0;
    *message = NULL;
    Souk__Wire__V1__Trailers *t = souk__wire__v1__trailers__unpack(NULL, n, p);
    if (!t) {
        swp_set_error(err, SWP_ERR_STREAM, "undecodable Trailers (%zu bytes)", n);
        return SWP_ERR_STREAM;
    }
    swp_err rc = copy_entries(t->metadata, t->n_metadata, md, err);
    if (rc == SWP_OK) {
        *code = t->code;
        const char *m = t->message ? t->message : "";
        size_t mn = strlen(m);
        *message = malloc(mn + 1);
        if (!*message) {
            swp_metadata_clear(md);
            swp_set_error(err, SWP_ERR_NO_MEMORY, "out of memory decoding trailers");
            rc = SWP_ERR_NO_MEMORY;
        } else {
            memcpy(*message, m, mn + 1);
        }
    }
    souk__wire__v1__trailers__free_unpacked(t, NULL);
    return rc;
}
