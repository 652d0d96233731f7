#pragma once

#include <QString>

namespace roomrec {

// One server of a cluster sharing a library, as the other servers reach it: the protocol
// address clients are redirected to and the base URL of its HTTP API.
struct ClusterNode {
    quint32 nodeId = 0;
    QString protocolAddress; // "host:port"
    QString httpUrl;         // "https://host:port", empty without an HTTP API
};

} // namespace roomrec
