#pragma once

#include <QtGlobal>

namespace roomrec {

// What one HTTP client may cost the server (HttpListener enforces it in front of QHttpServer,
// which in Qt 6.4 has no limits of its own).
struct HttpLimits {
    int maxConnections = 256;         // beyond: 503 and closed at once
    int maxHeaderBytes = 16 * 1024;   // request line + headers; beyond: 431
    qint64 maxBodyBytes = 1024 * 1024; // Content-Length beyond: 413 (the API takes small JSON)
    int requestTimeoutMs = 10'000;    // first byte to last byte of one request; beyond: 408
    int idleTimeoutMs = 60'000;       // keep-alive with nothing asked, or a reader that stalls
};

} // namespace roomrec
