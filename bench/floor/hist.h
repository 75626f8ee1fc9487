/* (A copy of clients/c/cli/hist.h, kept separate so the floor builds alone.)
 * A log-linear latency histogram (HDR-style): values below 128 ns are exact; above, each power of two
 * is split into 64 equal buckets, so a bucket is at most 1/64 of its lower bound wide and reporting
 * its midpoint is off by at most 0.8%. Fixed size, no allocation, mergeable. */
#ifndef FLOOR_HIST_H
#define FLOOR_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB 64
#define HIST_MAX_MSB 47 /* values up to 2^48 ns (~3 days) */
#define HIST_BUCKETS ((HIST_MAX_MSB - 5) * HIST_SUB + 2 * HIST_SUB)

typedef struct {
    uint64_t counts[HIST_BUCKETS];
    uint64_t total;
} hist;

static inline void hist_init(hist *h) { memset(h, 0, sizeof *h); }

static inline unsigned hist_index(uint64_t v) {
    if (v < 2 * HIST_SUB) return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    if (msb > HIST_MAX_MSB) {
        msb = HIST_MAX_MSB;
        v = (UINT64_C(1) << (HIST_MAX_MSB + 1)) - 1;
    }
    unsigned shift = msb - 6; /* v >> shift is in [64, 127] */
    return shift * HIST_SUB + (unsigned)(v >> shift);
}

/* Lower bound and width of bucket i. */
static inline void hist_bucket(unsigned i, uint64_t *low, uint64_t *width) {
    if (i < 2 * HIST_SUB) {
        *low = i;
        *width = 1;
        return;
    }
    unsigned shift = i / HIST_SUB - 1;
    uint64_t sub = i - shift * HIST_SUB; /* in [64, 127] */
    *low = sub << shift;
    *width = UINT64_C(1) << shift;
}

static inline void hist_record(hist *h, uint64_t ns) {
    h->counts[hist_index(ns)]++;
    h->total++;
}

static inline void hist_merge(hist *into, const hist *from) {
    for (unsigned i = 0; i < HIST_BUCKETS; i++) into->counts[i] += from->counts[i];
    into->total += from->total;
}

/* The q-quantile (0 < q <= 1) in nanoseconds: the midpoint of the bucket holding the rank-ceil(q*N) value. */
static inline double hist_quantile_ns(const hist *h, double q) {
    if (h->total == 0) return 0;
    uint64_t rank = (uint64_t)(q * (double)h->total + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > h->total) rank = h->total;
    uint64_t seen = 0;
    for (unsigned i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t low, width;
            hist_bucket(i, &low, &width);
            return (double)low + (double)(width - 1) / 2.0;
        }
    }
    return 0;
}

#endif
