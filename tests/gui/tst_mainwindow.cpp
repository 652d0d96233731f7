// The real main window on the offscreen platform, driven through its widgets.
#include "ui/mainwindow.h"
#include "ui/recordpanel.h"
#include "ui/videopreview.h"

#include "library/catalog.h"
#include "protocol/errorcode.h"

#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void hostRecordStopListsTheCataloguedIds();
    void invalidFileNameShowsItsError();

private:
    static std::unique_ptr<MainWindow> openWindow(const QString &dataDir);
};

std::unique_ptr<MainWindow> TestMainWindow::openWindow(const QString &dataDir)
{
    MainWindowOptions options;
    options.dataDir = dataDir;
    options.userId = QStringLiteral("teacher");
    auto window = std::make_unique<MainWindow>(options);
    window->show();
    return window;
}

void TestMainWindow::hostRecordStopListsTheCataloguedIds()
{
    QTemporaryDir dir;
    auto window = openWindow(dir.path());
    // Hosting needs no set-up: the window joins its own room and previews the test pattern.
    QTRY_COMPARE_WITH_TIMEOUT(window->client().state(), ClientState::InRoom, 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(window->cameraPreview()->framesShown() > 5, 10'000);
    QVERIFY(window->cameraPreview()->caption().contains(QStringLiteral("Test pattern")));
    QCOMPARE(window->membersList()->count(), 1);

    RecordPanel *panel = window->recordPanel();
    panel->fileNameEdit()->clear();
    QTest::keyClicks(panel->fileNameEdit(), QStringLiteral("lesson-one"));
    QTest::keyClicks(panel->tagsEdit(), QStringLiteral("math, week 3"));
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecording(), 5000);
    QCOMPARE(panel->recordButton()->text(), QStringLiteral("Stop"));
    QVERIFY(!panel->fileNameEdit()->isEnabled());
    QTest::qWait(2000);
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRecording(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window->resultsList()->count(), 1, 5000);
    const QString shownId = window->resultsList()->item(0)->data(Qt::UserRole).toString();
    QTRY_VERIFY_WITH_TIMEOUT(window->resultsList()->item(0)->text().contains(QStringLiteral("lesson-one")), 5000);

    // The ID shown is the catalogue's.
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("catalog.sqlite"))).ok());
    auto files = catalog.files({});
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 1);
    QCOMPARE(QString::number(files->first().id), shownId);
    QCOMPARE(files->first().name, QStringLiteral("lesson-one"));
    QCOMPARE(files->first().tags, (QStringList{QStringLiteral("math"), QStringLiteral("week 3")}));
    QCOMPARE(files->first().state, FileRecord::State::Complete);
}

void TestMainWindow::invalidFileNameShowsItsError()
{
    QTemporaryDir dir;
    auto window = openWindow(dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(window->client().state(), ClientState::InRoom, 10'000);
    RecordPanel *panel = window->recordPanel();
    panel->fileNameEdit()->clear();
    QTest::keyClicks(panel->fileNameEdit(), QStringLiteral("bad/name"));
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusText().contains(QString::number(int(ErrorCode::InvalidFileName))), 5000);
    QVERIFY(!panel->isRecording());
    QVERIFY(panel->recordButton()->isEnabled());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
