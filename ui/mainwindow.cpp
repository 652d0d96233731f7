#include "mainwindow.h"

#include "recordpanel.h"
#include "videopreview.h"

#include "client/publishedstream.h"
#include "common/hostport.h"
#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QTimer>

namespace roomrec {

namespace {
QString defaultUserId()
{
    QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", QStringLiteral("host")));
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.@-]")), QStringLiteral("_"));
    return UserSignature::isValidUserId(name) ? name : QStringLiteral("host");
}
} // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget *parent) : QMainWindow(parent), m_options(std::move(options))
{
    if (m_options.userId.isEmpty())
        m_options.userId = defaultUserId();
    buildUi();
    connect(&m_client, &RoomClient::membersChanged, this, [this](const QStringList &members) {
        m_members->clear();
        m_members->addItems(members);
    });
    connect(&m_client, &RoomClient::recordingStateChanged, m_recordPanel, &RecordPanel::setRecording);
    connect(&m_client, &RoomClient::errorOccurred, this, &MainWindow::showError);
    connect(&m_client, &RoomClient::recordingEnded, this,
            [this](const QStringList &ids, const QString &reason, int code, const QString &message) {
                addResults(ids, tr("ended by the server (%1)").arg(reason));
                if (code)
                    showError(code, message);
            });
    connect(&m_client, &RoomClient::stateChanged, this, [this](ClientState state) {
        if (state == ClientState::Disconnected)
            setConnectionText(tr("Disconnected"));
    });
    if (m_options.autoStart)
        QTimer::singleShot(0, this, &MainWindow::start);
}

MainWindow::~MainWindow()
{
    m_camera.reset();
    m_client.disconnectFromServer();
    m_host.stop();
}

void MainWindow::buildUi()
{
    setWindowTitle(tr("RoomRec"));
    auto *central = new QWidget(this);
    setCentralWidget(central);

    m_connection = new QLabel(tr("Starting…"), this);
    m_connection->setAccessibleName(tr("Connection state"));
    m_connection->setWordWrap(true);

    auto *roomBox = new QGroupBox(tr("Room"), this);
    m_relationId = new QSpinBox(roomBox);
    m_relationId->setRange(0, 999999999);
    m_relationId->setValue(int(m_options.room.relationId));
    m_relationId->setAccessibleName(tr("Group ID"));
    m_roomId = new QSpinBox(roomBox);
    m_roomId->setRange(0, 999999999);
    m_roomId->setValue(int(m_options.room.roomId));
    m_roomId->setAccessibleName(tr("Room ID"));
    m_joinButton = new QPushButton(tr("Join"), roomBox);
    m_joinButton->setToolTip(tr("Join this room, creating it if nobody is in it"));
    m_members = new QListWidget(roomBox);
    m_members->setAccessibleName(tr("Members"));
    m_members->setMaximumHeight(120);
    auto *roomForm = new QFormLayout(roomBox);
    roomForm->addRow(tr("Group ID"), m_relationId);
    roomForm->addRow(tr("Room ID"), m_roomId);
    roomForm->addRow(QString(), m_joinButton);
    roomForm->addRow(tr("Members"), m_members);

    auto *previewBox = new QGroupBox(tr("Camera"), this);
    m_cameraPreview = new VideoPreview(previewBox);
    m_cameraPreview->setAccessibleName(tr("Camera preview"));
    (new QVBoxLayout(previewBox))->addWidget(m_cameraPreview);

    auto *recordBox = new QGroupBox(tr("Recording"), this);
    m_recordPanel = new RecordPanel(recordBox);
    m_stats = new QLabel(recordBox);
    m_stats->setAccessibleName(tr("Live statistics"));
    auto *recordLayout = new QVBoxLayout(recordBox);
    recordLayout->addWidget(m_recordPanel);
    recordLayout->addWidget(m_stats);

    auto *resultsBox = new QGroupBox(tr("Recorded files"), this);
    m_results = new QListWidget(resultsBox);
    m_results->setAccessibleName(tr("Recorded file IDs"));
    m_copyButton = new QPushButton(tr("Copy file ID"), resultsBox);
    m_copyButton->setEnabled(false);
    auto *resultsLayout = new QVBoxLayout(resultsBox);
    resultsLayout->addWidget(m_results);
    resultsLayout->addWidget(m_copyButton, 0, Qt::AlignRight);

    auto *left = new QVBoxLayout;
    left->addWidget(m_connection);
    left->addWidget(roomBox);
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(recordBox);
    right->addWidget(resultsBox, 1);
    auto *layout = new QHBoxLayout(central);
    layout->addLayout(left, 0);
    layout->addWidget(previewBox, 1);
    layout->addLayout(right, 0);
    resize(1280, 640);

    connect(m_joinButton, &QPushButton::clicked, this, &MainWindow::joinRoom);
    connect(m_recordPanel, &RecordPanel::startRequested, this, &MainWindow::startRecording);
    connect(m_recordPanel, &RecordPanel::stopRequested, this, [this] { stopRecording(); });
    connect(m_results, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        m_copyButton->setEnabled(item != nullptr);
    });
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_results->currentItem()) {
            QApplication::clipboard()->setText(item->data(Qt::UserRole).toString());
            statusBar()->showMessage(tr("Copied file ID %1").arg(item->data(Qt::UserRole).toString()), 4000);
        }
    });
}

QString MainWindow::statusText() const
{
    return statusBar()->currentMessage();
}

void MainWindow::setConnectionText(const QString &text)
{
    m_connection->setText(text);
}

void MainWindow::showError(int code, const QString &message)
{
    qCWarning(lcUi).noquote() << code << message;
    statusBar()->showMessage(tr("Error %1: %2").arg(code).arg(message), 15000);
}

void MainWindow::start()
{
    if (m_options.serverAddress.isEmpty()) {
        ServerConfig config;
        config.port = 0;
        config.dataDir = m_options.dataDir;
        auto port = m_host.start(config);
        if (!port) {
            showError(port.error().code, port.error().message);
            setConnectionText(tr("Could not host on this computer"));
            return;
        }
        setConnectionText(tr("Hosting on this computer (port %1)").arg(port.value()));
        connectToServer(QStringLiteral("127.0.0.1"), port.value());
        return;
    }
    auto address = HostPort::parse(m_options.serverAddress, 7707);
    if (!address) {
        showError(int(ErrorCode::ConnectionFailed), address.error().message);
        return;
    }
    setConnectionText(tr("Connecting to %1…").arg(address->toString()));
    connectToServer(address->host, address->port);
}

void MainWindow::connectToServer(const QString &host, quint16 port)
{
    m_client.connectToServer(host, port, m_options.userId, m_options.signature, [this, host, port] {
        if (m_options.serverAddress.isEmpty())
            setConnectionText(tr("Hosting on this computer (port %1) as %2").arg(port).arg(m_options.userId));
        else
            setConnectionText(tr("Connected to %1:%2 as %3").arg(host).arg(port).arg(m_options.userId));
        joinRoom();
    }, [this](int code, const QString &message) {
        setConnectionText(tr("Not connected"));
        showError(code, message);
    });
}

void MainWindow::joinRoom()
{
    const RoomInfo room{quint32(m_relationId->value()), quint32(m_roomId->value())};
    auto proceed = [this, room](const QStringList &members) {
        m_members->clear();
        m_members->addItems(members);
        statusBar()->showMessage(tr("In room %1").arg(room.toString()), 4000);
        startCamera();
    };
    auto join = [this, room, proceed] { m_client.createOrJoinRoom(room, RoomKind::MultiParty, proceed, [this](int code, const QString &m) { showError(code, m); }); };
    if (m_client.room() && !(*m_client.room() == room))
        m_client.leaveRoom(join, [this](int code, const QString &m) { showError(code, m); });
    else
        join();
}

void MainWindow::startCamera()
{
    if (!m_camera) {
        PublishedStream::Options options;
        auto created = PublishedStream::create(m_clock, Track::CameraVideo, options);
        if (!created) {
            showError(created.error().code, created.error().message);
            return;
        }
        std::unique_ptr<PublishPipeline> pipeline = std::move(created.value());
        if (Status s = pipeline->open(); !s) {
            showError(s.error().code, s.error().message);
            return;
        }
        m_cameraPreview->setCaption(pipeline->videoDescription());
        pipeline->setPreviewEnabled(true);
        connect(pipeline.get(), &PublishPipeline::previewReady, m_cameraPreview, &VideoPreview::showImage);
        connect(pipeline.get(), &PublishPipeline::statsUpdated, this, &MainWindow::updateStats);
        connect(pipeline.get(), &PublishPipeline::errorOccurred, this, &MainWindow::showError);
        m_camera = std::make_unique<PipelineThread>(std::move(pipeline));
        m_camera->start();
    }
    m_client.publish(m_camera->pipeline(), {}, [this](int code, const QString &m) { showError(code, m); });
}

void MainWindow::updateStats(const PublishStats &stats)
{
    m_stats->setText(tr("%1 fps captured · %2 fps encoded · %3 kbit/s · %4 dropped · %5 ms/frame")
                         .arg(stats.captureFps, 0, 'f', 1).arg(stats.encodeFps, 0, 'f', 1)
                         .arg(stats.bitrateKbps, 0, 'f', 0).arg(stats.droppedFrames)
                         .arg(stats.encodeMsPerFrame, 0, 'f', 1));
}

void MainWindow::startRecording(const RecordParam &param)
{
    if (!m_client.room()) {
        showError(int(ErrorCode::NotInRoom), errorMessage(int(ErrorCode::NotInRoom)));
        return;
    }
    m_recordPanel->setBusy(true);
    m_client.startRecording(*m_client.room(), param, [this, param] {
        m_recordPanel->setBusy(false);
        statusBar()->showMessage(tr("Recording “%1”").arg(param.fileName), 4000);
    }, [this](int code, const QString &message) {
        m_recordPanel->setBusy(false);
        showError(code, message);
    });
}

void MainWindow::stopRecording(std::function<void()> then)
{
    if (!m_client.room())
        return;
    m_recordPanel->setBusy(true);
    m_client.stopRecording(*m_client.room(), [this, then](const QStringList &ids) {
        m_recordPanel->setBusy(false);
        addResults(ids, {});
        m_recordPanel->suggestFileName();
        if (then)
            then();
    }, [this, then](int code, const QString &message) {
        m_recordPanel->setBusy(false);
        showError(code, message);
        if (then)
            then();
    });
}

void MainWindow::addResults(const QStringList &fileIds, const QString &note)
{
    for (const QString &id : fileIds) {
        auto *item = new QListWidgetItem(note.isEmpty() ? id : QStringLiteral("%1 — %2").arg(id, note), m_results);
        item->setData(Qt::UserRole, id);
        m_client.fileInfo(id.toULongLong(), [item, id, note](const FileRecord &r) {
            QString text = QStringLiteral("%1 · %2 · %3 s · %4 KB")
                               .arg(id, r.name).arg(r.durationUs / 1e6, 0, 'f', 1).arg(r.sizeBytes / 1024);
            if (!note.isEmpty())
                text += QStringLiteral(" — ") + note;
            item->setText(text);
            item->setToolTip(r.storagePath);
        }, {});
    }
    if (!fileIds.isEmpty()) {
        m_results->setCurrentRow(m_results->count() - 1);
        statusBar()->showMessage(tr("Recorded %n file(s)", nullptr, int(fileIds.size())), 6000);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_client.isRecording() || m_closing) {
        event->accept();
        return;
    }
    const auto answer = QMessageBox::question(this, tr("Recording in progress"),
                                              tr("A recording is running. Stop it, keep its files and quit?"),
                                              QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    event->ignore();
    if (answer != QMessageBox::Yes)
        return;
    m_closing = true;
    stopRecording([this] { close(); });
}

} // namespace roomrec
