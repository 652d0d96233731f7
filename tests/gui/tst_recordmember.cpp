// The real main window records another member (docs/protocol.md, "Recording another
// member"): with the admin privilege the Record panel's "What to record" offers each other
// member's published streams, live; recording one puts the file in that member's catalogue
// and Stop shows its file ID. Without the privilege the members are not offered.
#include "mp4inspector.h"
#include "syncclient.h"
#include "testserver.h"

#include "ui/filelistwidget.h"
#include "ui/mainwindow.h"
#include "ui/recordpanel.h"

#include "library/catalog.h"
#include "protocol/usersignature.h"

#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace roomrec;

class TestRecordMember : public QObject {
    Q_OBJECT
private slots:
    void adminRecordsAMemberFromTheWindow();
    void withoutAdminMembersAreNotOffered();
    void quittingWhileRecordingAMemberAsksThenStopsIt();

private:
    // No server address: the window hosts on this computer.
    static std::unique_ptr<MainWindow> openWindow(const QTemporaryDir &dir, const QString &user, quint16 serverPort = 0,
                                                  const QString &signature = {});
    // A server with a secret (the signature says what each user may do) and alice in room
    // 1/1 publishing her camera.
    struct RemoteRoom {
        QTemporaryDir dir;
        std::unique_ptr<RoomServer> server;
        SyncClient alice;
    };
    static void startServerWithAlice(RemoteRoom &room);
    static QString signature(const QString &user, UserSignature::Privileges privileges);
    static QStringList choices(const RecordPanel &panel); // "userId/type" per entry, "" for your own
    static int choiceOf(const RecordPanel &panel, const QString &userId, quint32 recordDataType);
};

std::unique_ptr<MainWindow> TestRecordMember::openWindow(const QTemporaryDir &dir, const QString &user, quint16 serverPort,
                                                        const QString &signature)
{
    MainWindowOptions options;
    options.dataDir = dir.filePath(user + QStringLiteral("-data"));
    options.settingsFile = dir.filePath(user + QStringLiteral("-settings.ini"));
    options.userId = user;
    options.signature = signature;
    options.language = QStringLiteral("en");
    if (serverPort)
        options.serverAddress = QStringLiteral("127.0.0.1:%1").arg(serverPort);
    auto window = std::make_unique<MainWindow>(options);
    window->show();
    return window;
}

namespace {
const QByteArray kSecret = "record-member-gui-secret-0123456789";
}

QString TestRecordMember::signature(const QString &user, UserSignature::Privileges privileges)
{
    return QString::fromLatin1(UserSignature::sign(kSecret, user, QDateTime::currentDateTimeUtc().addSecs(3600), privileges));
}

void TestRecordMember::startServerWithAlice(RemoteRoom &room)
{
    ServerConfig config;
    config.secret = kSecret;
    room.server = startTestServer(room.dir.filePath(QStringLiteral("server")), config);
    QVERIFY(room.server);
    QVERIFY(room.alice.connect(room.server->port(), QStringLiteral("alice"), signature(QStringLiteral("alice"), UserSignature::All)).ok());
    QVERIFY(room.alice.createRoom(RoomInfo{1, 1}).ok());
    QVERIFY(room.alice.publish(Track::CameraVideo, QSize(320, 180), 15, 15).ok());
}

QStringList TestRecordMember::choices(const RecordPanel &panel)
{
    QStringList out;
    const QComboBox *box = panel.sourceBox();
    for (int i = 0; i < box->count(); ++i)
        out << QStringLiteral("%1/%2").arg(box->itemData(i, RecordTargetModel::UserIdRole).toString())
                   .arg(box->itemData(i, RecordTargetModel::RecordDataTypeRole).toUInt());
    return out;
}

int TestRecordMember::choiceOf(const RecordPanel &panel, const QString &userId, quint32 recordDataType)
{
    return int(choices(panel).indexOf(QStringLiteral("%1/%2").arg(userId).arg(recordDataType)));
}

void TestRecordMember::adminRecordsAMemberFromTheWindow()
{
    // Hosting on this computer: the embedded server has no secret, so the user may do all,
    // admin included (as over its HTTP API).
    QTemporaryDir dir;
    auto opened = openWindow(dir, QStringLiteral("teacher"));
    MainWindow &window = *opened;
    QTRY_COMPARE_WITH_TIMEOUT(window.client().state(), ClientState::InRoom, 10'000);
    QVERIFY(window.client().isAdmin());
    RecordPanel *panel = window.recordPanel();
    QCOMPARE(choices(*panel), (QStringList{QStringLiteral("/0"), QStringLiteral("/1")})); // alone: your own
    QCOMPARE(panel->sourceBox()->itemText(0), QStringLiteral("My camera"));

    // A student comes in and publishes: offered at once, camera then screen share.
    SyncClient student;
    QVERIFY(student.connect(window.hostedPort(), QStringLiteral("student")).ok());
    QVERIFY(student.joinRoom(RoomInfo{1, 1}).ok());
    QVERIFY(student.publish(Track::CameraVideo, QSize(320, 180), 15, 150).ok());
    QTRY_VERIFY_WITH_TIMEOUT(choiceOf(*panel, QStringLiteral("student"), RecordParam::Camera) == 2, 10'000);
    QCOMPARE(panel->sourceBox()->itemText(2), QStringLiteral("student — camera"));
    QVERIFY(student.publish(Track::SubStreamVideo, QSize(320, 180), 15, 150).ok());
    QTRY_COMPARE_WITH_TIMEOUT(choiceOf(*panel, QStringLiteral("student"), RecordParam::SubStream), 3, 10'000);
    // A second one who publishes nothing is not offered; who stops sharing loses that entry.
    SyncClient quiet;
    QVERIFY(quiet.connect(window.hostedPort(), QStringLiteral("quiet")).ok());
    QVERIFY(quiet.joinRoom(RoomInfo{1, 1}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(window.session().members().rowOf(QStringLiteral("quiet")) >= 0, 10'000);
    QCOMPARE(choices(*panel).size(), 4);
    QVERIFY(student.client().isPublished(Track::SubStreamVideo));
    student.client().unpublish(Track::SubStreamVideo, {}, {});
    QTRY_COMPARE_WITH_TIMEOUT(choices(*panel).size(), 3, 10'000);

    // Record the student's camera, with a name, a tag and a category, as for your own.
    panel->sourceBox()->setCurrentIndex(choiceOf(*panel, QStringLiteral("student"), RecordParam::Camera));
    QCOMPARE(panel->target().userId, QStringLiteral("student"));
    panel->fileNameEdit()->clear();
    QTest::keyClicks(panel->fileNameEdit(), QStringLiteral("student-answer"));
    panel->classIdBox()->setValue(12);
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecording(), 10'000);
    QVERIFY(window.session().isRecordingMember(QStringLiteral("student")));
    QVERIFY(!panel->sourceBox()->isEnabled()); // the choice holds while recording
    QVERIFY(!window.client().isRecording());   // not your own recording...
    QVERIFY(!window.client().isPublished(Track::CameraVideo)); // ...so nothing of yours is published
    // A member coming in meanwhile does not move the choice.
    SyncClient late;
    QVERIFY(late.connect(window.hostedPort(), QStringLiteral("late")).ok());
    QVERIFY(late.joinRoom(RoomInfo{1, 1}).ok());
    QVERIFY(late.publish(Track::CameraVideo, QSize(320, 180), 15, 150).ok());
    QTRY_VERIFY_WITH_TIMEOUT(choiceOf(*panel, QStringLiteral("late"), RecordParam::Camera) >= 0, 10'000);
    QCOMPARE(panel->target().userId, QStringLiteral("student"));
    // Let the student send a good number of frames (a count, not a clock).
    const qsizetype atStart = student.videoKeyFlags(Track::CameraVideo).size();
    QTRY_VERIFY_WITH_TIMEOUT(student.videoKeyFlags(Track::CameraVideo).size() >= atStart + 30, 30'000);

    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isRecording(), 10'000);
    QVERIFY(!window.session().isRecordingMember(QStringLiteral("student")));
    QTRY_COMPARE_WITH_TIMEOUT(window.resultsList()->rowCount(), 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(window.resultsList()->currentFile().has_value(), 5000);
    QVERIFY2(window.statusText().startsWith(QStringLiteral("Recorded 1 file: ")), qPrintable(window.statusText()));
    const QString shownId = window.resultsList()->fileIdAt(0);

    // The ID shown is the catalogue's: the student's file, with what was typed, decodable.
    Catalog catalog;
    QVERIFY(catalog.open(dir.filePath(QStringLiteral("teacher-data/catalog.sqlite"))).ok());
    auto file = catalog.file(shownId.toULongLong());
    QVERIFY2(file.ok(), qPrintable(shownId));
    QCOMPARE(file->userId, QStringLiteral("student"));
    QCOMPARE(file->name, QStringLiteral("student-answer"));
    QCOMPARE(file->classId, 12u);
    QCOMPARE(file->state, FileRecord::State::Complete);
    const Mp4Report report = Mp4Inspector::inspect(file->storagePath);
    QVERIFY2(report.opened, qPrintable(report.error));
    QCOMPARE(report.decodeErrors, 0);
    QCOMPARE(report.width, 320);
    QVERIFY2(report.videoFramesDecoded >= 30, qPrintable(QString::number(report.videoFramesDecoded)));

    // The student leaves: their entries go.
    QVERIFY(student.leaveRoom().ok());
    QTRY_COMPARE_WITH_TIMEOUT(choiceOf(*panel, QStringLiteral("student"), RecordParam::Camera), -1, 10'000);
    QVERIFY(choiceOf(*panel, QStringLiteral("late"), RecordParam::Camera) >= 0);
}

void TestRecordMember::withoutAdminMembersAreNotOffered()
{
    // A server with a secret: the signature says what the window's user may do.
    RemoteRoom room;
    startServerWithAlice(room);
    if (QTest::currentTestFailed())
        return;
    auto openAs = [&](const QString &user, UserSignature::Privileges privileges) {
        return openWindow(room.dir, user, room.server->port(), signature(user, privileges));
    };
    auto bob = openAs(QStringLiteral("bob"), UserSignature::All);
    QTRY_COMPARE_WITH_TIMEOUT(bob->client().state(), ClientState::InRoom, 10'000);
    QVERIFY(!bob->client().isAdmin());
    // Bob sees alice publishing (her tile's row says so)...
    QTRY_VERIFY_WITH_TIMEOUT(bob->session().members().member(QStringLiteral("alice"))
                                 && bob->session().members().member(QStringLiteral("alice"))->publishesCamera, 10'000);
    // ...and an admin's window on the same server offers her (so the list is not just slow).
    auto admin = openAs(QStringLiteral("principal"), UserSignature::All | UserSignature::Admin);
    QTRY_COMPARE_WITH_TIMEOUT(admin->client().state(), ClientState::InRoom, 10'000);
    QVERIFY(admin->client().isAdmin());
    QTRY_VERIFY_WITH_TIMEOUT(choiceOf(*admin->recordPanel(), QStringLiteral("alice"), RecordParam::Camera) >= 0, 10'000);
    // Bob is offered his own camera and screen only.
    QCOMPARE(choices(*bob->recordPanel()), (QStringList{QStringLiteral("/0"), QStringLiteral("/1")}));
}

void TestRecordMember::quittingWhileRecordingAMemberAsksThenStopsIt()
{
    // A server elsewhere (it goes on after the window): quitting while recording a member
    // asks, then stops that recording, keeping the member's file, instead of leaving it to run.
    RemoteRoom room;
    startServerWithAlice(room);
    if (QTest::currentTestFailed())
        return;
    auto window = openWindow(room.dir, QStringLiteral("principal"), room.server->port(),
                             signature(QStringLiteral("principal"), UserSignature::Everything));
    RecordPanel *panel = window->recordPanel();
    QTRY_VERIFY_WITH_TIMEOUT(choiceOf(*panel, QStringLiteral("alice"), RecordParam::Camera) >= 0, 10'000);
    panel->sourceBox()->setCurrentIndex(choiceOf(*panel, QStringLiteral("alice"), RecordParam::Camera));
    QTest::mouseClick(panel->recordButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecording(), 10'000);
    QVERIFY(room.server->recordingService()->isRecording(QStringLiteral("alice")));
    const qsizetype atStart = room.alice.videoKeyFlags(Track::CameraVideo).size();
    QTRY_VERIFY_WITH_TIMEOUT(room.alice.videoKeyFlags(Track::CameraVideo).size() >= atStart + 15, 30'000);

    // The question is answered as soon as it shows.
    bool asked = false;
    QTimer answer;
    connect(&answer, &QTimer::timeout, this, [&] {
        if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
            asked = true;
            box->button(QMessageBox::Yes)->click();
        }
    });
    answer.start(20);
    window->close();
    QVERIFY(asked);
    QTRY_VERIFY_WITH_TIMEOUT(!window->isVisible(), 20'000);
    QVERIFY(!room.server->recordingService()->isRecording(QStringLiteral("alice")));
    room.server->waitForFinalizedFiles();
    FileFilter hers;
    hers.userId = QStringLiteral("alice");
    auto files = room.alice.listFiles(hers);
    QVERIFY(files.ok());
    QCOMPARE(files->size(), 1);
    QCOMPARE(files->first().state, FileRecord::State::Complete);
    QCOMPARE(files->first().endReason, QStringLiteral("stopped"));
}

QTEST_MAIN(TestRecordMember)
#include "tst_recordmember.moc"
