/* Message compression (§12): one zstd frame per compressed message, bounded decoding. */
#include "swp_internal.h"

#include <zstd.h>

void *swp_zstd_dctx_new(size_t max_message) {
    ZSTD_DCtx *d = ZSTD_createDCtx();
    if (!d) return NULL;
    /* Bound the decoder's window memory: a window larger than the largest message we accept is
     * never needed (§12 allows rejecting such frames). windowLog 27 = 128 MiB is zstd's default cap. */
    int log = 10;
    while (log < 27 && ((size_t)1 << log) < max_message) log++;
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, log);
    return d;
}

void swp_zstd_dctx_free(void *dctx) { ZSTD_freeDCtx(dctx); }

void *swp_zstd_cctx_new(void) { return ZSTD_createCCtx(); }

void swp_zstd_cctx_free(void *cctx) { ZSTD_freeCCtx(cctx); }

swp_err swp_zstd_decompress(void *dctx, const uint8_t *in, size_t n, swp_buf *out, size_t max, swp_error *err) {
    out->length = 0;
    if (n == 0) { /* an empty payload is not a zstd frame (§12) */
        swp_set_error(err, SWP_ERR_COMPRESSION, "compressed message with an empty payload");
        return SWP_ERR_COMPRESSION;
    }
    unsigned long long declared = ZSTD_getFrameContentSize(in, n);
    if (declared == ZSTD_CONTENTSIZE_ERROR) {
        swp_set_error(err, SWP_ERR_COMPRESSION, "compressed message is not a zstd frame");
        return SWP_ERR_COMPRESSION;
    }
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > max) {
        swp_set_error(err, SWP_ERR_MESSAGE_TOO_LARGE, "compressed message declares %llu bytes, over MAX_MESSAGE_SIZE %zu",
                      declared, max);
        return SWP_ERR_MESSAGE_TOO_LARGE;
    }
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    ZSTD_inBuffer input = {in, n, 0};
    size_t first = declared != ZSTD_CONTENTSIZE_UNKNOWN ? (size_t)declared : (n * 4 < max ? n * 4 : max);
    if (first == 0) first = 1; /* room to detect output beyond a declared 0 */
    for (;;) {
        /* Grow the output up to max+1 bytes: producing the (max+1)th byte proves the message too large. */
        size_t room = out->capacity - out->length;
        if (room == 0) {
            size_t want = out->length ? out->length : first;
            if (want > max + 1 - out->length) want = max + 1 - out->length;
            if (want == 0 || !swp_buf_reserve(out, want, max + 1)) {
                swp_set_error(err, SWP_ERR_MESSAGE_TOO_LARGE, "decompressed message exceeds MAX_MESSAGE_SIZE %zu", max);
                return SWP_ERR_MESSAGE_TOO_LARGE;
            }
            room = out->capacity - out->length;
            if (room > max + 1 - out->length) room = max + 1 - out->length;
        }
        ZSTD_outBuffer output = {out->data + out->length, room, 0};
        size_t r = ZSTD_decompressStream(dctx, &output, &input);
        out->length += output.pos;
        if (ZSTD_isError(r)) {
            swp_set_error(err, SWP_ERR_COMPRESSION, "corrupt zstd frame: %s", ZSTD_getErrorName(r));
            return SWP_ERR_COMPRESSION;
        }
        if (out->length > max) {
            swp_set_error(err, SWP_ERR_MESSAGE_TOO_LARGE, "decompressed message exceeds MAX_MESSAGE_SIZE %zu", max);
            return SWP_ERR_MESSAGE_TOO_LARGE;
        }
        if (r == 0) { /* frame complete */
            if (input.pos != input.size) {
                swp_set_error(err, SWP_ERR_COMPRESSION, "trailing bytes after the zstd frame");
                return SWP_ERR_COMPRESSION;
            }
            if (declared != ZSTD_CONTENTSIZE_UNKNOWN && out->length != declared) {
                swp_set_error(err, SWP_ERR_COMPRESSION, "zstd frame size mismatch");
                return SWP_ERR_COMPRESSION;
            }
            return SWP_OK;
        }
        if (input.pos == input.size && output.pos < room) {
            swp_set_error(err, SWP_ERR_COMPRESSION, "truncated zstd frame");
            return SWP_ERR_COMPRESSION;
        }
    }
}

swp_err swp_zstd_compress(void *cctx, const uint8_t *in, size_t n, swp_buf *out, swp_error *err) {
    out->length = 0;
    size_t bound = ZSTD_compressBound(n);
    if (!swp_buf_reserve(out, bound, bound)) {
        swp_set_error(err, SWP_ERR_NO_MEMORY, "cannot allocate %zu bytes for compression", bound);
        return SWP_ERR_NO_MEMORY;
    }
    /* ZSTD_compressCCtx writes the content size into the frame header (Frame_Content_Size, §12). */
    size_t r = ZSTD_compressCCtx(cctx, out->data, bound, in, n, 1);
    if (ZSTD_isError(r)) {
        swp_set_error(err, SWP_ERR_COMPRESSION, "zstd compression failed: %s", ZSTD_getErrorName(r));
        return SWP_ERR_COMPRESSION;
    }
    out->length = r;
    return SWP_OK;
}
