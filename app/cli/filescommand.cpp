#include "filescommand.h"

#include "clioptions.h"

#include "client/roomclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

using namespace roomrec;

int FilesCommand::run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Query the video library:\n"
                                                    "  files show FILE_ID\n"
                                                    "  files list [--name N] [--tag T] [--class-id N]\n"
                                                    "  result --relation-id N --room-id N"));
    parser.addHelpOption();
    CliOptions common(parser);
    const QCommandLineOption name(QStringLiteral("name"), QStringLiteral("Only files with this name."), QStringLiteral("N"));
    const QCommandLineOption tag(QStringLiteral("tag"), QStringLiteral("Only files with this tag."), QStringLiteral("T"));
    const QCommandLineOption classId(QStringLiteral("class-id"), QStringLiteral("Only files in this category."), QStringLiteral("N"));
    const QCommandLineOption relation(QStringLiteral("relation-id"), QStringLiteral("Group (relation) ID."), QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption room(QStringLiteral("room-id"), QStringLiteral("Room ID."), QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({name, tag, classId, relation, room});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("files or result"));
    parser.process(arguments);

    const QStringList words = parser.positionalArguments();
    auto server = common.server();
    if (!server)
        return printError(2, server.error().message);
    const QString verb = words.value(0) == QLatin1String("result") ? QStringLiteral("result") : words.value(1);
    if (verb != QLatin1String("show") && verb != QLatin1String("list") && verb != QLatin1String("result"))
        return printError(2, QStringLiteral("usage: files show FILE_ID | files list [filters] | result --relation-id N --room-id N"));

    RoomClient client;
    if (!common.applyTls(client))
        return 2;
    int exitCode = 0;
    auto onError = [&exitCode](int code, const QString &message) {
        exitCode = printError(code, message);
        QCoreApplication::exit(exitCode);
    };
    auto done = [&exitCode](const QJsonObject &json) {
        printJson(json);
        QCoreApplication::exit(exitCode);
    };
    std::function<void()> query;
    if (verb == QLatin1String("show")) {
        bool ok = false;
        const quint64 id = words.value(2).toULongLong(&ok);
        if (!ok)
            return printError(2, QStringLiteral("files show: FILE_ID must be a decimal number"));
        query = [&client, id, done, onError] {
            client.fileInfo(id, [done](const FileRecord &r) { done(r.toJson()); }, onError);
        };
    } else if (verb == QLatin1String("list")) {
        FileFilter filter;
        filter.name = parser.value(name);
        filter.tag = parser.value(tag);
        if (parser.isSet(classId)) {
            bool ok = false;
            filter.classId = parser.value(classId).toUInt(&ok);
            if (!ok)
                return printError(2, QStringLiteral("--class-id must be a number"));
        }
        query = [&client, filter, done, onError] {
            client.listFiles(filter, [done](const QList<FileRecord> &files) {
                QJsonArray list;
                for (const FileRecord &r : files)
                    list << r.toJson();
                done(QJsonObject{{QStringLiteral("files"), list}});
            }, onError);
        };
    } else {
        const RoomInfo info{parser.value(relation).toUInt(), parser.value(room).toUInt()};
        query = [&client, info, done, onError] {
            client.queryRecordingResult(info, [done](const RecordingResult &r) {
                done(QJsonObject{{QStringLiteral("recording"), r.stillRecording},
                                 {QStringLiteral("fileIds"), QJsonArray::fromStringList(r.fileIds)},
                                 {QStringLiteral("reason"), r.reason},
                                 {QStringLiteral("code"), r.errorCode},
                                 {QStringLiteral("message"), r.errorMessage}});
            }, onError);
        };
    }
    client.connectToServer(server->host, server->port, common.user(), common.signature(), query, onError);
    QCoreApplication::exec();
    client.disconnectFromServer();
    return exitCode;
}
