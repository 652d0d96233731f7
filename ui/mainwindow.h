#pragma once

#include "appsettings.h"
#include "client/roomclient.h"
#include "embeddedserverhost.h"
#include "mainwindowoptions.h"
#include "translator.h"
#include "media/mediaclock.h"
#include "media/pipelinethread.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QPushButton;
class QTabWidget;

namespace roomrec {

class ConnectionPanel;
class FileListWidget;
class LibraryPanel;
class PlayerWindow;
class RecordPanel;
class RoomPanel;
class StreamPanel;
class VideoPreview;

// The desktop app's window. Room tab: connection (host here, or a server), room and
// members, camera and screen previews with their sources, the record panel and this
// session's files. Library tab: every file in the catalogue. Network, capture and encoding
// run off the GUI thread; routine errors go to the status line with their code.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options, QWidget *parent = nullptr);
    ~MainWindow() override;

    void start();

    RoomClient &client() { return m_client; }
    ConnectionPanel *connectionPanel() const { return m_connection; }
    RoomPanel *roomPanel() const { return m_room; }
    RecordPanel *recordPanel() const { return m_recordPanel; }
    StreamPanel *cameraPanel() const { return m_streams[0]; }
    StreamPanel *screenPanel() const { return m_streams[1]; }
    VideoPreview *cameraPreview() const;
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
    void joinRoom();
    void leaveRoom();
    void startStream(Track track);
    void stopStream(Track track);
    void publish(Track track);
    void startRecording(const RecordParam &param);
    void stopRecording(std::function<void()> then = {});
    void addResults(const QStringList &fileIds, const QString &note);
    void refreshLibrary(const FileFilter &filter);
    void updateResultButtons();
    void play(const FileRecord &file);
    void showInFolder(const FileRecord &file);
    void showError(int code, const QString &message);
    void updateConnectionState();
    void saveSettings();

    MainWindowOptions m_options;
    AppSettings m_settings;
    Translator m_translator;
    EmbeddedServerHost m_host;
    RoomClient m_client;
    MediaClock m_clock;
    std::unique_ptr<PipelineThread> m_pipelines[2];
    QString m_connectedTo;
    quint16 m_hostedPort = 0;
    bool m_closing = false;

    QTabWidget *m_tabs = nullptr;
    ConnectionPanel *m_connection = nullptr;
    RoomPanel *m_room = nullptr;
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
