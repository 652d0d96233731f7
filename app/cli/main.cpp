#include "clioptions.h"
#include "filescommand.h"
#include "recordcommand.h"
#include "signcommand.h"
#include "watchcommand.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("RoomRec"));
    QCoreApplication::setApplicationName(QStringLiteral("roomrec-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ROOMREC_VERSION));

    const QStringList args = app.arguments();
    const QString command = args.value(1);
    // Same form as QCommandLineParser's --version in roomrec and roomrec-server.
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        std::printf("roomrec-cli %s\n", ROOMREC_VERSION);
        return 0;
    }
    if (command == QLatin1String("record"))
        return RecordCommand::run(args);
    if (command == QLatin1String("files") || command == QLatin1String("result"))
        return FilesCommand::run(args);
    if (command == QLatin1String("sign"))
        return SignCommand::run(args);
    if (command == QLatin1String("watch"))
        return WatchCommand::run(args);
    std::fprintf(command == QLatin1String("--help") || command == QLatin1String("-h") ? stdout : stderr,
                 "usage: roomrec-cli COMMAND [options]   (COMMAND --help for its options; --version)\n"
                 "  record   join a room, publish a test-pattern stream, record it, print the file IDs\n"
                 "  files    files show FILE_ID | files list [--name N] [--tag T] [--class-id N]\n"
                 "  result   the last recording's file IDs in a room (e.g. after it ended by itself)\n"
                 "  sign     make a user signature from a server secret\n"
                 "  watch    subscribe to a member's camera or sub-stream, save it to MP4, print frames, gaps, latency\n");
    return command == QLatin1String("--help") || command == QLatin1String("-h") ? 0 : 2;
}
