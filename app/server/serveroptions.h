#pragma once

#include "common/result.h"
#include "server/serverconfig.h"

#include <QStringList>

// roomrec-server's command line -> ServerConfig.
class ServerOptions {
public:
    static roomrec::Result<roomrec::ServerConfig> parse(const QStringList &arguments);
};
