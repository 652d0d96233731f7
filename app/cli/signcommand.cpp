#include "signcommand.h"

#include "clioptions.h"

#include "protocol/usersignature.h"

#include <QFile>
#include <cstdio>

using namespace roomrec;

int SignCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Make a user signature for a server's secret."));
    parser.addHelpOption();
    const QCommandLineOption secret(QStringLiteral("secret-file"), QStringLiteral("The server's secret."), QStringLiteral("FILE"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("User ID."), QStringLiteral("ID"));
    const QCommandLineOption expires(QStringLiteral("expires-in"), QStringLiteral("Validity in seconds (default 86400)."), QStringLiteral("S"), QStringLiteral("86400"));
    const QCommandLineOption privileges(QStringLiteral("privileges"), QStringLiteral("Comma list of create,join,publish,record,admin (default all: the four user privileges; admin is for backends acting for any user)."), QStringLiteral("LIST"), QStringLiteral("all"));
    parser.addOptions({secret, user, expires, privileges});
    parser.process(arguments);
    if (!parser.isSet(secret) || !parser.isSet(user))
        return printError(2, QStringLiteral("sign needs --secret-file and --user"));
    QFile file(parser.value(secret));
    if (!file.open(QIODevice::ReadOnly))
        return printError(2, QStringLiteral("--secret-file: %1").arg(file.errorString()));
    const QByteArray key = file.readAll().trimmed();
    if (!UserSignature::isValidUserId(parser.value(user)))
        return printError(2, QStringLiteral("--user: 1-64 letters, digits, '_', '-', '.', '@'"));
    bool ok = false;
    const qint64 seconds = parser.value(expires).toLongLong(&ok);
    if (!ok)
        return printError(2, QStringLiteral("--expires-in must be a number of seconds"));
    auto granted = UserSignature::parsePrivileges(parser.value(privileges));
    if (!granted)
        return printError(2, granted.error().message);
    const QByteArray token = UserSignature::sign(key, parser.value(user), QDateTime::currentDateTimeUtc().addSecs(seconds), granted.value());
    std::printf("%s\n", token.constData());
    return 0;
}
