// Help > About: the versions this copy runs with, and the third-party notice that the
// installers ship, compiled in.
#include "ui/aboutdialog.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QMenuBar>
#include <QMenu>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
}

using namespace roomrec;

class TestAboutDialog : public QObject {
    Q_OBJECT
private slots:
    void showsVersionsAndLicences();
    void helpMenuHasAbout();
};

void TestAboutDialog::showsVersionsAndLicences()
{
    const QString text = AboutDialog::versionsText();
    QVERIFY2(text.contains(QStringLiteral("RoomRec " ROOMREC_VERSION)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(ROOMREC_APP_ID)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()))), qPrintable(text));
    QVERIFY2(text.contains(QString::fromLatin1(av_version_info())), qPrintable(text));
    QVERIFY2(text.contains(QString::fromLatin1(avcodec_license())), qPrintable(text));

    const QString notice = AboutDialog::thirdPartyNotice();
    for (const char *name : {"Qt 6", "FFmpeg", "x264", "SQLite", "--enable-gpl"})
        QVERIFY2(notice.contains(QLatin1String(name)), name);

    AboutDialog dialog;
    auto *browser = dialog.findChild<QTextBrowser *>(QStringLiteral("thirdPartyNotice"));
    QVERIFY(browser);
    QVERIFY(browser->toPlainText().contains(QStringLiteral("LGPL")));
}

void TestAboutDialog::helpMenuHasAbout()
{
    QTemporaryDir dir;
    MainWindowOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    options.language = QStringLiteral("en");
    options.autoStart = false; // the menu is all this test needs
    MainWindow window(options);
    QAction *about = nullptr;
    for (QAction *menu : window.menuBar()->actions())
        if (menu->menu() && menu->text() == QLatin1String("&Help"))
            for (QAction *a : menu->menu()->actions())
                if (a->text() == QLatin1String("&About RoomRec"))
                    about = a;
    QVERIFY(about);
    QCOMPARE(about->menuRole(), QAction::AboutRole);
}

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
