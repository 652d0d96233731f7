#include "clioptions.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <cstdio>

CliOptions::CliOptions(QCommandLineParser &parser)
    : m_parser(parser),
      m_server(QStringLiteral("server"), QStringLiteral("Server address (default 127.0.0.1:7707)."), QStringLiteral("HOST:PORT"), QStringLiteral("127.0.0.1:7707")),
      m_user(QStringLiteral("user"), QStringLiteral("User ID (default: cli)."), QStringLiteral("ID"), QStringLiteral("cli")),
      m_signature(QStringLiteral("signature"), QStringLiteral("User signature (default: $ROOMREC_SIGNATURE)."), QStringLiteral("TOKEN")),
      m_tls(QStringLiteral("tls"), QStringLiteral("Connect with TLS.")),
      m_caFile(QStringLiteral("ca-file"), QStringLiteral("PEM certificate(s) to trust besides the system's (implies --tls)."), QStringLiteral("FILE"))
{
    parser.addOptions({m_server, m_user, m_signature, m_tls, m_caFile});
}

bool CliOptions::applyTls(roomrec::RoomClient &client) const
{
    QList<QSslCertificate> extra;
    if (m_parser.isSet(m_caFile)) {
        extra = QSslCertificate::fromPath(m_parser.value(m_caFile), QSsl::Pem);
        if (extra.isEmpty()) {
            printError(2, QStringLiteral("--ca-file: no PEM certificate in %1").arg(m_parser.value(m_caFile)));
            return false;
        }
    }
    if (m_parser.isSet(m_tls) || !extra.isEmpty())
        client.setTls(true, extra);
    return true;
}

roomrec::Result<roomrec::HostPort> CliOptions::server() const
{
    return roomrec::HostPort::parse(m_parser.value(m_server), 7707);
}

QString CliOptions::user() const
{
    return m_parser.value(m_user);
}

QString CliOptions::signature() const
{
    if (m_parser.isSet(m_signature))
        return m_parser.value(m_signature);
    return QProcessEnvironment::systemEnvironment().value(QStringLiteral("ROOMREC_SIGNATURE"));
}

int printError(int code, const QString &message)
{
    std::fprintf(stderr, "error %d: %s\n", code, qPrintable(message));
    return 1;
}

void printJson(const QJsonObject &object)
{
    std::printf("%s\n", QJsonDocument(object).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}
