#pragma once

#include "common/result.h"

namespace roomrec {

// "HOST:PORT" as typed on command lines ("127.0.0.1:7707", "[::1]:7707", "host:7707").
struct HostPort {
    QString host;
    quint16 port = 0;

    static Result<HostPort> parse(const QString &text, quint16 defaultPort);
    QString toString() const;
};

} // namespace roomrec
