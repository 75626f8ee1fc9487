// System-library shim over Debian's libzstd-dev (apt-get install -y libzstd-dev).
#ifndef SOUK_CZSTD_SHIM_H
#define SOUK_CZSTD_SHIM_H
#define ZSTD_STATIC_LINKING_ONLY 0
#include <zstd.h>
#endif
