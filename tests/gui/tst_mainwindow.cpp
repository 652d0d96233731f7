// The real main window on the offscreen platform, driven through its widgets.
#include "syncclient.h"
#include "testproxy.h"
#include "testserver.h"

#include "ui/connectionpanel.h"
#include "ui/filelistwidget.h"
#include "ui/librarypanel.h"
#include "ui/mainwindow.h"
#include "ui/membertile.h"
#include "ui/membertilegrid.h"
#include "ui/playerwindow.h"
#include "ui/recordpanel.h"
#include "ui/roomcontrols.h"
#include "ui/roompanel.h"
#include "ui/streampanel.h"
#include "ui/tageditor.h"
#include "ui/videopreview.h"

#include "library/catalog.h"
#include "protocol/errorcode.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QLabel>
#include <QRadioButton>
#include <QLineEdit>
#include <QListWidget>
#include <QMediaPlayer>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void hostRecordStopListsTheCataloguedIds();
    void privacyByDefault();
    void secondStartShowsItsError();
    void invalidFileNameShowsItsError();
    void oneOnOneRoomShowsItsError();
    void switchingLanguageChangesTheTexts();
    void settingsSurviveARestart();
    void quittingWhileRecordingAsksThenFinishes();
    void aLostConnectionShowsReconnectingThenTheResult();
    void aSecondMemberIsATileThatShowsFrames();
    void ownCameraIsShownOnce();
    void micAndCameraOffReachTheOtherMembers();

private:
    std::unique_ptr<MainWindow> openWindow(const QTemporaryDir &dir, const QString &user = QStringLiteral("teacher"),
                                           const QString &server = {});
    static void waitInRoom(MainWindow &window);
    static qint64 ownFramesShown(MainWindow &window); // your own tile's camera pictures
};

std::unique_ptr<MainWindow> TestMainWindow::openWindow(const QTemporaryDir &dir, const QString &user, const QString &server)
{
    MainWindowOptions options;
    options.serverAddress = server; // empty: host on this computer
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    options.userId = user;
    options.language = QStringLiteral("en");
    auto window = std::make_unique<MainWindow>(options);
    window->show();
    return window;
}

void TestMainWindow::waitInRoom(MainWindow &window)
{
    QTRY_COMPARE_WITH_TIMEOUT(window.client().state(), ClientState::InRoom, 10'000);
}

qint64 TestMainWindow::ownFramesShown(MainWindow &window)
{
    const MemberTile *own = window.tileGrid()->tile(window.session().userId());
    return own ? own->framesShown() : 0;
}

void TestMainWindow::hostRecordStopListsTheCataloguedIds()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    // Hosting needs no set-up: the window joins its own room and previews the camera.
    waitInRoom(*window);
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > 5, 10'000);
    QVERIFY(window->cameraPanel()->caption().contains(QStringLiteral("Test pattern")));
    QTRY_COMPARE(window->roomPanel()->membersList()->count(), 1);
    QVERIFY(window->connectionPanel()->stateLabel()->text().contains(QStringLiteral("In room 1/1")));

    RecordPanel *panel = window->recordPanel();
    panel->fileNameEdit()->clear();
    QTest::keyClicks(panel->fileNameEdit(), QStringLiteral("lesson-one"));
    QTest::keyClicks(panel->tagEditor()->input(), QStringLiteral("math"));
    QTest::keyClick(panel->tagEditor()->input(), Qt::Key_Return);
    QTest::keyClicks(panel->tagEditor()->input(), QStringLiteral("week 3"));
    QTest::mouseClick(panel->tagEditor()->addButton(), Qt::LeftButton);
    panel->classIdBox()->selectAll();
    QTest::keyClicks(panel->classIdBox(), QStringLiteral("42"));
    QCOMPARE(panel->param().tags, (QStringList{QStringLiteral("math"), QStringLiteral("week 3")}));
    // Record publishes the camera first (nothing was sent before), and says so.
    QVERIFY(!window->cameraStream().isPublished());
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecording(), 10'000);
    QVERIFY(window->cameraStream().isPublished());
    QVERIFY(window->cameraPanel()->publishBox()->isChecked());
    QCOMPARE(panel->recordButton()->text(), QStringLiteral("Stop"));
    QVERIFY(!panel->fileNameEdit()->isEnabled());
    QTest::qWait(2000);
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRecording(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(window->resultsList()->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window->resultsList()->currentFile().has_value(), 5000);
    const FileRecord shown = *window->resultsList()->currentFile();
    QVERIFY2(window->statusText().startsWith(QStringLiteral("Recorded 1 file: ")), qPrintable(window->statusText())); // English plural

    // The ID shown is the catalogue's, with what was typed.
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("data/catalog.sqlite"))).ok());
    auto files = catalog.files({});
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 1);
    QCOMPARE(files->first().id, shown.id);
    QCOMPARE(window->resultsList()->fileIdAt(0), QString::number(files->first().id));
    QCOMPARE(files->first().name, QStringLiteral("lesson-one"));
    QCOMPARE(files->first().tags, (QStringList{QStringLiteral("math"), QStringLiteral("week 3")}));
    QCOMPARE(files->first().classId, 42u);
    QCOMPARE(files->first().state, FileRecord::State::Complete);

    // It plays in the in-app player, from this computer.
    QVERIFY(window->playButton()->isEnabled());
    QTest::mouseClick(window->playButton(), Qt::LeftButton);
    QVERIFY(window->player());
    QMediaPlayer *player = window->player()->player();
    QTRY_VERIFY_WITH_TIMEOUT(player->mediaStatus() == QMediaPlayer::BufferedMedia || player->mediaStatus() == QMediaPlayer::LoadedMedia
                                 || player->mediaStatus() == QMediaPlayer::EndOfMedia, 10'000);
    QVERIFY2(qAbs(player->duration() - shown.durationUs / 1000) < 300,
             qPrintable(QStringLiteral("player says %1 ms, catalogue %2 ms").arg(player->duration()).arg(shown.durationUs / 1000)));
    QCOMPARE(window->player()->player()->error(), QMediaPlayer::NoError);

    // The library tab lists it and filters by tag.
    window->tabs()->setCurrentIndex(1);
    QTRY_COMPARE_WITH_TIMEOUT(window->libraryPanel()->list()->rowCount(), 1, 5000);
    QTest::keyClicks(window->libraryPanel()->tagFilter(), QStringLiteral("physics"));
    QTest::mouseClick(window->libraryPanel()->refreshButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window->libraryPanel()->list()->rowCount(), 0, 5000);
}

void TestMainWindow::privacyByDefault()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    // The camera is previewed locally (in your own tile)...
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > 5, 10'000);
    LocalStream &camera = window->cameraStream();
    LocalStream &screen = window->screenStream();
    QVERIFY(camera.isCapturing());
    // ...but nothing is encoded or published, and the screen is not even captured.
    QVERIFY(!window->cameraPanel()->publishBox()->isChecked());
    QVERIFY(!camera.isEncoding());
    QVERIFY(camera.encoderName().isEmpty());
    QVERIFY(!camera.isPublished());
    QVERIFY(!window->client().isPublished(Track::CameraVideo));
    QAbstractButton *share = window->roomControls()->shareButton(); // the one Share screen button
    QVERIFY(!share->isChecked());
    QCOMPARE(share->text(), QStringLiteral("Share screen"));
    QVERIFY(!screen.isCapturing());
    QVERIFY(screen.worker() == nullptr);
    QCOMPARE(window->screenPanel()->preview()->framesShown(), 0);
    QVERIFY(!window->client().isPublished(Track::SubStreamVideo));
    // Still so a few previews later: nothing starts by itself.
    const qint64 previews = ownFramesShown(*window);
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > previews + 3, 10'000);
    QVERIFY(!camera.isEncoding());
    QVERIFY(screen.worker() == nullptr);

    // Share screen: captured, encoded and published; Stop sharing: all gone again.
    QTest::mouseClick(share, Qt::LeftButton);
    QCOMPARE(share->text(), QStringLiteral("Stop sharing"));
    QTRY_VERIFY_WITH_TIMEOUT(screen.isPublished(), 10'000);
    QVERIFY(screen.isEncoding());
    QVERIFY(!screen.encoderName().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(window->screenPanel()->preview()->framesShown() > 2, 10'000);
    QVERIFY(!camera.isEncoding()); // sharing the screen does not publish the camera
    QTest::mouseClick(share, Qt::LeftButton);
    QCOMPARE(share->text(), QStringLiteral("Share screen"));
    QTRY_VERIFY_WITH_TIMEOUT(screen.isIdle(), 10'000);
    QVERIFY(!screen.isPublished());
    QVERIFY(!window->client().isPublished(Track::SubStreamVideo));

    // Publishing the camera turns its encoder on; unticking turns it off, the preview goes on.
    QTest::mouseClick(window->cameraPanel()->publishBox(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(camera.isPublished(), 10'000);
    QVERIFY(camera.isEncoding());
    QTest::mouseClick(window->cameraPanel()->publishBox(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!camera.isEncoding(), 10'000);
    QVERIFY(!camera.isPublished());
    QVERIFY(camera.isCapturing());
    const qint64 shown = ownFramesShown(*window);
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > shown + 2, 10'000);
}

void TestMainWindow::secondStartShowsItsError()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    // The same user already records from elsewhere (a second device): one channel per user.
    SyncClient elsewhere;
    QVERIFY(elsewhere.connect(window->hostedPort(), QStringLiteral("teacher")).ok());
    QVERIFY(elsewhere.joinRoom(RoomInfo{1, 1}).ok());
    QVERIFY(elsewhere.publish(Track::CameraVideo).ok());
    QVERIFY(elsewhere.startRecording(RoomInfo{1, 1}, SyncClient::param(QStringLiteral("first"))).ok());
    QTest::mouseClick(window->recordPanel()->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusText().contains(QString::number(int(ErrorCode::RecordingAlreadyRunning))), 5000);
    QVERIFY(window->statusText().contains(QStringLiteral("stop the running one first")));
    QVERIFY(!window->recordPanel()->isRecording());
    QVERIFY(window->recordPanel()->recordButton()->isEnabled());
}

void TestMainWindow::invalidFileNameShowsItsError()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    RecordPanel *panel = window->recordPanel();
    panel->fileNameEdit()->clear();
    QTest::keyClicks(panel->fileNameEdit(), QStringLiteral("bad/name"));
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusText().contains(QString::number(int(ErrorCode::InvalidFileName))), 5000);
    QVERIFY(window->statusText().contains(QStringLiteral("Use up to 100 characters"))); // what to do next
    QVERIFY(!panel->isRecording());
    QVERIFY(panel->recordButton()->isEnabled());
}

void TestMainWindow::oneOnOneRoomShowsItsError()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    RoomPanel *room = window->roomPanel();
    room->kindBox()->setCurrentIndex(room->kindBox()->findData(int(RoomKind::OneOnOne)));
    room->setRoom(RoomInfo{1, 2}, RoomKind::OneOnOne);
    QTest::mouseClick(room->joinButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->client().room() && window->client().room()->roomId == 2, 5000);
    QTest::mouseClick(window->recordPanel()->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->statusText().contains(QString::number(int(ErrorCode::OneOnOneRoomNotSupported))), 5000);
}

void TestMainWindow::switchingLanguageChangesTheTexts()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    QCOMPARE(window->recordPanel()->recordButton()->text(), QStringLiteral("Record"));
    QCOMPARE(window->tabs()->tabText(1), QStringLiteral("Library"));
    QVERIFY(window->setLanguage(QStringLiteral("zh_CN")));
    QTRY_VERIFY(window->recordPanel()->recordButton()->text() != QStringLiteral("Record"));
    QCOMPARE(window->recordPanel()->recordButton()->text(), QStringLiteral("录制"));
    QVERIFY(window->tabs()->tabText(1) != QStringLiteral("Library"));
    QVERIFY(window->connectionPanel()->hostButton()->text() != QStringLiteral("Host on this computer"));
    QVERIFY(window->setLanguage(QStringLiteral("en")));
    QTRY_COMPARE(window->recordPanel()->recordButton()->text(), QStringLiteral("Record"));
}

void TestMainWindow::settingsSurviveARestart()
{
    QTemporaryDir dir;
    {
        MainWindowOptions options;
        options.dataDir = dir.filePath(QStringLiteral("data"));
        options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
        options.autoStart = false;
        options.language = QStringLiteral("en");
        MainWindow window(options);
        window.show();
        window.roomPanel()->setRoom(RoomInfo{15000, 9}, RoomKind::MultiParty);
        window.connectionPanel()->remoteButton()->setChecked(true);
        window.connectionPanel()->addressEdit()->setText(QStringLiteral("10.0.0.5:7707"));
        window.connectionPanel()->userEdit()->setText(QStringLiteral("ms-chen"));
        window.cameraPanel()->setSourceId(QStringLiteral("testpattern"));
        window.screenPanel()->regionEdit()->clear();
        QTest::keyClicks(window.screenPanel()->regionEdit(), QStringLiteral("800x600+10+20"));
        window.recordPanel()->setCategories({{QStringLiteral("Physics"), 12}});
        window.close();
    }
    MainWindowOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    options.autoStart = false;
    MainWindow window(options);
    QCOMPARE(window.roomPanel()->room().relationId, 15000u);
    QCOMPARE(window.roomPanel()->room().roomId, 9u);
    QVERIFY(!window.connectionPanel()->hostLocally());
    QCOMPARE(window.connectionPanel()->serverAddress(), QStringLiteral("10.0.0.5:7707"));
    QCOMPARE(window.connectionPanel()->userId(), QStringLiteral("ms-chen"));
    QCOMPARE(window.cameraPanel()->sourceId(), QStringLiteral("testpattern"));
    QCOMPARE(window.screenPanel()->region(), QRect(10, 20, 800, 600));
    QCOMPARE(window.recordPanel()->categories().size(), 1);
    QCOMPARE(window.recordPanel()->categories().first().first, QStringLiteral("Physics"));
    QVERIFY(window.recordPanel()->categoryBox()->count() >= 2);
}

void TestMainWindow::quittingWhileRecordingAsksThenFinishes()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    QTest::mouseClick(window->recordPanel()->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->recordPanel()->isRecording(), 5000);
    QTest::qWait(1000);
    bool asked = false;
    QTimer::singleShot(300, this, [&asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = true;
        box->button(QMessageBox::Yes)->click();
    });
    window->close();
    QVERIFY(asked);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 20'000);
    QVERIFY(!window->client().isRecording());
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("data/catalog.sqlite"))).ok());
    auto files = catalog.files({});
    QCOMPARE(files->size(), 1);
    QCOMPARE(files->first().state, FileRecord::State::Complete);
}

void TestMainWindow::aLostConnectionShowsReconnectingThenTheResult()
{
    // A server elsewhere, reached through a proxy that cuts the connection mid-recording.
    QTemporaryDir dir;
    auto server = startTestServer(dir.filePath(QStringLiteral("server")));
    QVERIFY(server);
    TestProxy proxy(server->port());
    QVERIFY(proxy.listen());
    MainWindowOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    options.userId = QStringLiteral("teacher");
    options.language = QStringLiteral("en");
    options.serverAddress = QStringLiteral("127.0.0.1:%1").arg(proxy.port());
    auto window = std::make_unique<MainWindow>(options);
    window->show();
    waitInRoom(*window);
    ReconnectPolicy quick;
    quick.firstDelayMs = 50;
    quick.maxDelayMs = 200;
    window->client().setAutoReconnect(true, quick); // the same, only sooner
    RecordPanel *panel = window->recordPanel();
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecording(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(window->client().recordedFramesSent() > 10, 10'000);

    proxy.setRefusingNew(true);
    proxy.cut();
    QLabel *state = window->connectionPanel()->stateLabel();
    QTRY_VERIFY(state->text().startsWith(QStringLiteral("Connection lost: reconnecting to 127.0.0.1:")));
    QVERIFY(panel->isRecording()); // the recording goes on meanwhile
    proxy.setRefusingNew(false);
    QTRY_VERIFY_WITH_TIMEOUT(state->text().startsWith(QStringLiteral("In room 1/1")), 15'000);
    QCOMPARE(window->statusText(), QStringLiteral("Reconnected: the recording goes on in the same file"));
    QVERIFY(panel->isRecording());

    // Stopped after the reconnect: one file, the one the recording started.
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRecording(), 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(window->resultsList()->rowCount(), 1, 5000);
}

void TestMainWindow::aSecondMemberIsATileThatShowsFrames()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    MemberTileGrid *grid = window->tileGrid();
    QTRY_COMPARE(grid->tileCount(), 1);
    // Your own tile is your camera preview; Share screen is off at launch.
    MemberTile *own = grid->tile(QStringLiteral("teacher"));
    QVERIFY(own);
    QTRY_VERIFY_WITH_TIMEOUT(!own->picture().isNull(), 10'000);
    QVERIFY(own->name().contains(QStringLiteral("(you)")));
    QVERIFY(!own->showsScreenBadge());
    QVERIFY(!window->roomControls()->shareButton()->isChecked());
    QVERIFY(window->screenPanel()->publishBox() == nullptr); // one button for it: the controls bar's
    QVERIFY(!window->screenStream().isCapturing());
    QVERIFY(!window->client().isPublished(Track::SubStreamVideo));

    // A second member comes in: an avatar tile at once, pictures once they publish.
    SyncClient student;
    QVERIFY(student.connect(window->hostedPort(), QStringLiteral("student")).ok());
    QVERIFY(student.joinRoom(RoomInfo{1, 1}).ok());
    QTRY_COMPARE(grid->tileCount(), 2);
    MemberTile *tile = grid->tile(QStringLiteral("student"));
    QVERIFY(tile);
    QCOMPARE(grid->tiles(), (QList<MemberTile *>{own, tile}));
    QVERIFY(tile->showsAvatar());
    QCOMPARE(MemberTile::initials(QStringLiteral("student")), QStringLiteral("S"));
    QVERIFY(student.publish(Track::CameraVideo, QSize(320, 180), 30, 30).ok());
    QTRY_VERIFY_WITH_TIMEOUT(tile->framesShown() >= 3, 15'000);
    QVERIFY(!tile->picture().isNull());
    QCOMPARE(tile->picture().size(), QSize(320, 180));
    QVERIFY(!tile->showsAvatar());
    QVERIFY(!tile->showsMicMuted()); // the test tone comes with the pattern
    QTRY_VERIFY_WITH_TIMEOUT(tile->isSpeaking(), 15'000);
    const qint64 shown = tile->framesShown();
    QTRY_VERIFY_WITH_TIMEOUT(tile->framesShown() >= shown + 10, 15'000);

    // Click: the tile alone, large; click again: the grid.
    QTest::mouseClick(tile, Qt::LeftButton);
    QCOMPARE(grid->focusedUserId(), QStringLiteral("student"));
    QVERIFY(tile->isVisible());
    QVERIFY(!own->isVisible());
    QTest::mouseClick(tile, Qt::LeftButton);
    QVERIFY(grid->focusedUserId().isEmpty());
    QVERIFY(own->isVisible());

    // The student shares the screen too: the badge shows.
    QVERIFY(student.publish(Track::SubStreamVideo, QSize(320, 180), 30, 30).ok());
    QTRY_VERIFY_WITH_TIMEOUT(tile->showsScreenBadge(), 10'000);

    // The student leaves: the tile goes (a focused one too).
    grid->setFocusedUserId(QStringLiteral("student"));
    QVERIFY(student.leaveRoom().ok());
    QTRY_COMPARE(grid->tileCount(), 1);
    QVERIFY(!grid->tile(QStringLiteral("student")));
    QVERIFY(grid->focusedUserId().isEmpty());
    QVERIFY(own->isVisible());
}

void TestMainWindow::ownCameraIsShownOnce()
{
    QTemporaryDir dir;
    auto window = openWindow(dir);
    waitInRoom(*window);
    // The camera's pictures go to your own tile, and nowhere else: the camera panel has no
    // preview of its own, and the only other preview (the screen share's) stays empty.
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > 5, 10'000);
    QVERIFY(window->cameraPanel()->preview() == nullptr);
    const QList<VideoPreview *> previews = window->findChildren<VideoPreview *>();
    QCOMPARE(previews, QList<VideoPreview *>{window->screenPanel()->preview()});
    const qint64 own = ownFramesShown(*window);
    QTRY_VERIFY_WITH_TIMEOUT(ownFramesShown(*window) > own + 5, 10'000);
    QCOMPARE(window->screenPanel()->preview()->framesShown(), 0);
    QVERIFY(window->cameraPanel()->caption().contains(QStringLiteral("Test pattern")));

    // Sharing the screen fills the screen preview (and badges your tile); still one camera.
    QPushButton *share = window->roomControls()->shareButton();
    QCOMPARE(share->text(), QStringLiteral("Share screen"));
    QTest::mouseClick(share, Qt::LeftButton);
    QCOMPARE(share->text(), QStringLiteral("Stop sharing"));
    QVERIFY(window->screenStream().publishWanted());
    QTRY_VERIFY_WITH_TIMEOUT(window->screenPanel()->preview()->framesShown() > 2, 10'000);
    MemberTile *ownTile = window->tileGrid()->tile(QStringLiteral("teacher"));
    QTRY_VERIFY_WITH_TIMEOUT(ownTile->showsScreenBadge(), 10'000);
    QCOMPARE(window->findChildren<VideoPreview *>().size(), 1);
    QTest::mouseClick(share, Qt::LeftButton);
    QCOMPARE(share->text(), QStringLiteral("Share screen"));
    QTRY_VERIFY_WITH_TIMEOUT(window->screenStream().isIdle(), 10'000);

    // Leave from the controls bar: out of the room, the bar's Leave greys out.
    QVERIFY(window->roomControls()->leaveButton()->isEnabled());
    QTest::mouseClick(window->roomControls()->leaveButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window->client().state(), ClientState::SignedIn, 10'000);
    QVERIFY(!window->roomControls()->leaveButton()->isEnabled());
    QCOMPARE(window->tileGrid()->tileCount(), 0);
}

void TestMainWindow::micAndCameraOffReachTheOtherMembers()
{
    QTemporaryDir teacherDir, studentDir;
    auto teacher = openWindow(teacherDir);
    waitInRoom(*teacher);
    // The student's own window, on the teacher's server, in the same room.
    auto student = openWindow(studentDir, QStringLiteral("student"),
                              QStringLiteral("127.0.0.1:%1").arg(teacher->hostedPort()));
    waitInRoom(*student);
    // And a third member that counts what it receives of the teacher.
    SyncClient observer;
    QVERIFY(observer.connect(teacher->hostedPort(), QStringLiteral("observer")).ok());
    QVERIFY(observer.joinRoom(RoomInfo{1, 1}).ok());
    qint64 audioPackets = 0, videoPackets = 0;
    connect(&observer.client(), &RoomClient::memberPacketReceived, this, [&](const QString &userId, const MediaPacket &p) {
        if (userId != QLatin1String("teacher"))
            return;
        ++(p.track == Track::CameraAudio ? audioPackets : videoPackets);
    });
    bool subscribed = false;
    observer.client().subscribe(QStringLiteral("teacher"), std::nullopt, [&](const QList<RemoteTrack> &) { subscribed = true; }, {});
    QTRY_VERIFY_WITH_TIMEOUT(subscribed, 10'000);

    // The teacher publishes the camera (test pattern with its test tone).
    QTest::mouseClick(teacher->cameraPanel()->publishBox(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(teacher->cameraStream().isPublished(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(student->tileGrid()->tile(QStringLiteral("teacher")), 10'000);
    MemberTile *atStudent = student->tileGrid()->tile(QStringLiteral("teacher"));
    QTRY_VERIFY_WITH_TIMEOUT(atStudent->framesShown() >= 3, 15'000);
    QTRY_VERIFY_WITH_TIMEOUT(audioPackets > 10, 15'000);
    QVERIFY(!atStudent->showsMicMuted());
    QVERIFY(!atStudent->showsAvatar());

    // Mic off: the student sees it muted, and no sound arrives any more.
    RoomControls *controls = teacher->roomControls();
    QCOMPARE(controls->micButton()->text(), QStringLiteral("Mute mic"));
    QTest::mouseClick(controls->micButton(), Qt::LeftButton);
    QVERIFY(!teacher->session().isMicOn());
    QCOMPARE(controls->micButton()->text(), QStringLiteral("Unmute mic"));
    QVERIFY(teacher->cameraStream().isAudioMuted());
    QTRY_VERIFY_WITH_TIMEOUT(atStudent->showsMicMuted(), 10'000);
    QVERIFY(!atStudent->isSpeaking());
    QVERIFY(teacher->tileGrid()->tile(QStringLiteral("teacher"))->showsMicMuted());
    QTRY_VERIFY_WITH_TIMEOUT(observer.client().memberMuted().value(QStringLiteral("teacher")).contains(QStringLiteral("audio")), 10'000);
    QVERIFY(teacher->cameraStream().isPublished()); // still published: video goes on
    // What the encoder held when the mic went off may still be on its way: count from half a
    // second of video later, then two more seconds of video bring no sound at all.
    qint64 video = videoPackets;
    QTRY_VERIFY_WITH_TIMEOUT(videoPackets >= video + 15, 10'000);
    const qint64 audioAtMute = audioPackets;
    video = videoPackets;
    QTRY_VERIFY_WITH_TIMEOUT(videoPackets >= video + 60, 15'000);
    QCOMPARE(audioPackets, audioAtMute);

    // Mic on: the sound comes back, the flag goes.
    QTest::mouseClick(controls->micButton(), Qt::LeftButton);
    QVERIFY(teacher->session().isMicOn());
    QTRY_VERIFY_WITH_TIMEOUT(!atStudent->showsMicMuted(), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT(audioPackets > audioAtMute + 10, 10'000);

    // Camera off: the student's tile of the teacher shows the avatar, no video arrives, the
    // sound goes on; the teacher's own tile shows the avatar too.
    QCOMPARE(controls->cameraButton()->text(), QStringLiteral("Stop camera"));
    QTest::mouseClick(controls->cameraButton(), Qt::LeftButton);
    QVERIFY(!teacher->session().isCameraOn());
    QCOMPARE(controls->cameraButton()->text(), QStringLiteral("Start camera"));
    QTRY_VERIFY_WITH_TIMEOUT(atStudent->showsAvatar(), 10'000);
    QVERIFY(atStudent->state().cameraOff);
    QVERIFY(teacher->tileGrid()->tile(QStringLiteral("teacher"))->showsAvatar());
    const qint64 audio = audioPackets;
    QTRY_VERIFY_WITH_TIMEOUT(audioPackets >= audio + 20, 10'000); // about half a second of sound
    const qint64 videoAtOff = videoPackets;
    QTRY_VERIFY_WITH_TIMEOUT(audioPackets >= audio + 120, 15'000); // about 2.5 s more
    QCOMPARE(videoPackets, videoAtOff);
    QVERIFY(atStudent->showsAvatar());
    QVERIFY(teacher->tileGrid()->tile(QStringLiteral("teacher"))->showsAvatar());

    // Camera on: pictures again, at the student and in the teacher's own tile.
    const qint64 shown = atStudent->framesShown();
    QTest::mouseClick(controls->cameraButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(atStudent->framesShown() >= shown + 3, 15'000);
    QVERIFY(!atStudent->showsAvatar());
    QTRY_VERIFY_WITH_TIMEOUT(!teacher->tileGrid()->tile(QStringLiteral("teacher"))->showsAvatar(), 10'000);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
