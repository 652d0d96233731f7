#include "ui/mainwindow.h"
#include "ui/screenshottour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <cstdio>
#include <memory>
#include <string_view>

using namespace roomrec;

namespace {
// --help and --version only print, so they must work without a display (a terminal over
// SSH): QApplication would abort without one.
bool onlyPrints(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "-?" || arg == "--version" || arg == "-v")
            return true;
    }
    return false;
}
} // namespace

int main(int argc, char *argv[])
{
    const std::unique_ptr<QCoreApplication> app = onlyPrints(argc, argv) ? std::make_unique<QCoreApplication>(argc, argv)
                                                                          : std::make_unique<QApplication>(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("RoomRec"));
    QApplication::setApplicationName(QStringLiteral("roomrec"));
    QApplication::setApplicationVersion(QStringLiteral(ROOMREC_VERSION));
    // The domain is the app ID's reverse (macOS keeps settings under it); the desktop file
    // name lets Wayland and docks match the window to org.roomrec.RoomRec.desktop and its icon.
    QApplication::setOrganizationDomain(QStringLiteral("roomrec.org"));
    QGuiApplication::setDesktopFileName(QStringLiteral(ROOMREC_APP_ID));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("RoomRec: host and record live rooms."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server(QStringLiteral("server"), QStringLiteral("Connect to this server instead of hosting on this computer."), QStringLiteral("HOST:PORT"));
    const QCommandLineOption user(QStringLiteral("user"), QStringLiteral("User ID."), QStringLiteral("ID"));
    const QCommandLineOption signature(QStringLiteral("signature"), QStringLiteral("User signature for a server that needs one."), QStringLiteral("TOKEN"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Where the hosted room keeps its recordings (default: the app-data folder)."), QStringLiteral("DIR"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Save a picture of the window to FILE after a few seconds, then quit."), QStringLiteral("FILE"));
    const QCommandLineOption screenshotDelay(QStringLiteral("screenshot-delay-ms"), QStringLiteral("Delay before --screenshot (default 3000)."), QStringLiteral("MS"), QStringLiteral("3000"));
    const QCommandLineOption screenshotState(QStringLiteral("screenshot-state"), QStringLiteral("State to show in --screenshot: hosting, recording, stopped or library."), QStringLiteral("STATE"), QStringLiteral("hosting"));
    const QCommandLineOption screenshotMembers(QStringLiteral("screenshot-members"), QStringLiteral("For --screenshot: print the hosted port, publish the camera and wait for N other members first."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption language(QStringLiteral("lang"), QStringLiteral("Interface language: en or zh_CN (default: as saved, else the system's)."), QStringLiteral("LANG"));
    const QCommandLineOption settings(QStringLiteral("settings"), QStringLiteral("Settings file to use (default: the usual place)."), QStringLiteral("FILE"));
    const QCommandLineOption caFile(QStringLiteral("ca-file"), QStringLiteral("PEM certificate(s) to trust for a TLS server besides the system's."), QStringLiteral("FILE"));
    parser.addOptions({server, user, signature, data, language, settings, caFile, screenshot, screenshotDelay, screenshotState, screenshotMembers});
    parser.process(*app);

    MainWindowOptions options;
    options.serverAddress = parser.value(server);
    options.userId = parser.value(user);
    options.signature = parser.value(signature);
    options.language = parser.value(language);
    options.settingsFile = parser.value(settings);
    options.caFile = parser.value(caFile);
    options.dataDir = parser.isSet(data) ? parser.value(data)
                                         : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    MainWindow window(options);
    window.show();

    std::unique_ptr<ScreenshotTour> tour;
    if (parser.isSet(screenshot)) {
        if (!ScreenshotTour::isKnownState(parser.value(screenshotState))) {
            std::fprintf(stderr, "roomrec: --screenshot-state must be hosting, recording, stopped or library\n");
            return 2;
        }
        tour = std::make_unique<ScreenshotTour>(window, parser.value(screenshotState), parser.value(screenshot),
                                                parser.value(screenshotDelay).toInt(), parser.value(screenshotMembers).toInt());
        tour->start();
    }
    return app->exec();
}
