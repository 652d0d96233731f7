#pragma once

#include "client/roomclient.h"
#include "embeddedserverhost.h"
#include "mainwindowoptions.h"
#include "media/mediaclock.h"
#include "media/pipelinethread.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace roomrec {

class RecordPanel;
class VideoPreview;

// The desktop app's window: hosts a room on this computer (or connects to a server),
// previews the camera, records with a name/tags/category and lists the file IDs.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(MainWindowOptions options, QWidget *parent = nullptr);
    ~MainWindow() override;

    void start();

    RoomClient &client() { return m_client; }
    RecordPanel *recordPanel() const { return m_recordPanel; }
    VideoPreview *cameraPreview() const { return m_cameraPreview; }
    QListWidget *resultsList() const { return m_results; }
    QListWidget *membersList() const { return m_members; }
    QString statusText() const;
    QString dataDir() const { return m_options.dataDir; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    void connectToServer(const QString &host, quint16 port);
    void joinRoom();
    void startCamera();
    void startRecording(const RecordParam &param);
    void stopRecording(std::function<void()> then = {});
    void addResults(const QStringList &fileIds, const QString &note);
    void showError(int code, const QString &message);
    void setConnectionText(const QString &text);
    void updateStats(const PublishStats &stats);

    MainWindowOptions m_options;
    EmbeddedServerHost m_host;
    RoomClient m_client;
    MediaClock m_clock;
    std::unique_ptr<PipelineThread> m_camera;
    bool m_closing = false;

    QLabel *m_connection = nullptr;
    QSpinBox *m_relationId = nullptr;
    QSpinBox *m_roomId = nullptr;
    QPushButton *m_joinButton = nullptr;
    QListWidget *m_members = nullptr;
    VideoPreview *m_cameraPreview = nullptr;
    RecordPanel *m_recordPanel = nullptr;
    QLabel *m_stats = nullptr;
    QListWidget *m_results = nullptr;
    QPushButton *m_copyButton = nullptr;
};

} // namespace roomrec
