// System-library shim over Debian's zlib1g-dev (apt-get install -y zlib1g-dev), the zlib that
// grpc-swift-nio-transport also links for gzip and deflate.
#ifndef SOUK_CZLIB_SHIM_H
#define SOUK_CZLIB_SHIM_H
#include <zlib.h>

/// inflateInit2 is a macro over inflateInit2_; Swift cannot call a function-like macro.
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// deflateInit2 likewise, for tests that make compressed messages.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
