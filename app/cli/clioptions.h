#pragma once

#include "common/hostport.h"

#include "client/roomclient.h"

#include <QCommandLineParser>

// Options every command that talks to a server shares: --server, --user, --signature.
class CliOptions {
public:
    explicit CliOptions(QCommandLineParser &parser);
    roomrec::Result<roomrec::HostPort> server() const;
    QString user() const;
    QString signature() const; // --signature, else $ROOMREC_SIGNATURE
    // --tls / --ca-file onto the client; false (and a message on stderr) if the CA file is bad.
    bool applyTls(roomrec::RoomClient &client) const;

private:
    QCommandLineParser &m_parser;
    QCommandLineOption m_server;
    QCommandLineOption m_user;
    QCommandLineOption m_signature;
    QCommandLineOption m_tls;
    QCommandLineOption m_caFile;
};

// Printing helpers: results on stdout, errors as "error CODE: message" on stderr.
int printError(int code, const QString &message);
void printJson(const QJsonObject &object);
