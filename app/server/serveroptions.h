#pragma once

#include "common/result.h"
#include "server/serverconfig.h"

#include <QHash>
#include <QStringList>

class QCommandLineParser;

// roomrec-server's command line -> ServerConfig.
class ServerOptions {
public:
    static roomrec::Result<roomrec::ServerConfig> parse(const QStringList &arguments);

private:
    // --storage and its settings (the object store's endpoint and keys: config file or environment).
    static roomrec::Status parseStorage(const QCommandLineParser &parser, const QHash<QString, QString> &fileOnly,
                                        roomrec::ServerConfig &config);
};
