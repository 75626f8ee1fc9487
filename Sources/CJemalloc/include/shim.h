// System-library shim over Debian's libjemalloc-dev (apt-get install -y libjemalloc-dev).
// Linking jemalloc makes it the process's malloc; only its control interface is declared here, because
// <jemalloc/jemalloc.h> redeclares malloc and free beside the C library's.
#ifndef SOUK_CJEMALLOC_SHIM_H
#define SOUK_CJEMALLOC_SHIM_H
#include <stddef.h>

/// jemalloc's mallctl(3): reads (and writes) a named control value.
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

#endif
