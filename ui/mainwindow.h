#pragma once

#include "appsettings.h"
#include "client/roomsession.h"
#include "embeddedserverhost.h"
#include "settingssaver.h"
#include "mainwindowoptions.h"
#include "translator.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QPushButton;
class QTabWidget;

namespace roomrec {

class ConnectionPanel;
class FileListWidget;
class LibraryPanel;
class MemberTileGrid;
class PlayerWindow;
class RecordPanel;
class RoomControls;
class RoomPanel;
class StreamPanel;
class VideoPreview;

// The desktop app's window: layout and wiring. What it shows lives in RoomSession (the
// connection, the room and its members, the user's streams, the recording, reconnecting),
// which runs and is tested without a window. Room tab: connection (host here, or a server), room and
// members, the room's member tiles (MemberTileGrid; your own tile is your camera preview)
// with the room controls under them, the camera's source and the screen share's preview,
// the record panel and this session's files. Library tab: every file in the catalogue. Network, capture and encoding
// run off the GUI thread, and the GUI thread never waits for them: the embedded server and
// the streams start and stop asynchronously, and closing the window is deferred until they
// have stopped. Routine errors go to the status line with their code. At launch the camera
// is previewed locally only; nothing is published and the screen is not captured until the
// user asks.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options, QWidget *parent = nullptr);
    ~MainWindow() override;

    void start();
    // Everything stopped (streams, connection, embedded server) after a close: the window
    // closes for real now.
    bool isShutDown() const { return m_shutDown; }

    RoomSession &session() { return m_session; }
    RoomClient &client() { return m_session.client(); }
    EmbeddedServerHost &host() { return m_host; }
    LocalStream &cameraStream() { return m_session.stream(Track::CameraVideo); }
    LocalStream &screenStream() { return m_session.stream(Track::SubStreamVideo); }
    ConnectionPanel *connectionPanel() const { return m_connection; }
    RoomPanel *roomPanel() const { return m_room; }
    MemberTileGrid *tileGrid() const { return m_tiles; }
    RecordPanel *recordPanel() const { return m_recordPanel; }
    StreamPanel *cameraPanel() const { return m_streams[0]; }
    StreamPanel *screenPanel() const { return m_streams[1]; }
    RoomControls *roomControls() const { return m_controls; }
    FileListWidget *resultsList() const { return m_results; }
    LibraryPanel *libraryPanel() const { return m_library; }
    QPushButton *playButton() const { return m_play; }
    QTabWidget *tabs() const { return m_tabs; }
    PlayerWindow *player() const { return m_player; }
    QString statusText() const;
    QString dataDir() const { return m_options.dataDir; }
    quint16 hostedPort() const { return m_hostedPort; }
    // Switches the interface language now ("en", "zh_CN", "" = system) and remembers it.
    bool setLanguage(const QString &language);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildUi();
    void retranslate();
    void connectOrHost();
    void disconnectAll();
    void connectClient();
    void wireStream(Track track);
    PublishedStream::Options streamOptions(Track track) const;
    void applyStreamOptions();
    void beginShutdown();
    void finishShutdownWhenIdle();
    void addResults(const QStringList &fileIds, const QString &note);
    void refreshLibrary(const FileFilter &filter);
    void updateResultButtons();
    void play(const FileRecord &file);
    void showInFolder(const FileRecord &file);
    void showError(int code, const QString &message);
    void updateConnectionState();
    void showReconnectState(RoomSession::ReconnectState state);
    void saveSettings();
    void collectSettings();

    MainWindowOptions m_options;
    AppSettings m_settings;
    SettingsSaver m_saver;
    Translator m_translator;
    EmbeddedServerHost m_host;
    RoomSession m_session;
    QString m_connectedTo;
    quint16 m_hostedPort = 0;
    bool m_closing = false;  // a close is under way: streams, connection and server stopping
    bool m_shutDown = false; // all of them stopped: the next close is accepted

    QTabWidget *m_tabs = nullptr;
    ConnectionPanel *m_connection = nullptr;
    RoomPanel *m_room = nullptr;
    MemberTileGrid *m_tiles = nullptr;
    RoomControls *m_controls = nullptr;
    StreamPanel *m_streams[2] = {};
    RecordPanel *m_recordPanel = nullptr;
    FileListWidget *m_results = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_play = nullptr;
    QPushButton *m_show = nullptr;
    LibraryPanel *m_library = nullptr;
    PlayerWindow *m_player = nullptr;
    QLabel *m_stateBadge = nullptr;
    QMenu *m_languageMenu = nullptr;
    QMenu *m_qualityMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_aboutAction = nullptr;
};

} // namespace roomrec
