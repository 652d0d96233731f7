#include "mainwindow.h"

#include "aboutdialog.h"
#include "connectionpanel.h"
#include "errorhint.h"
#include "filelistwidget.h"
#include "librarypanel.h"
#include "membertilegrid.h"
#include "playerwindow.h"
#include "recordpanel.h"
#include "roomcontrols.h"
#include "roompanel.h"
#include "streampanel.h"
#include "videopreview.h"

#include "common/hostport.h"
#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"

#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QActionGroup>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>

namespace roomrec {

namespace {
QString defaultUserId()
{
    QString name = qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME", QStringLiteral("host")));
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.@-]")), QStringLiteral("_"));
    return UserSignature::isValidUserId(name) ? name : QStringLiteral("host");
}

QGroupBox *boxed(QWidget *content, QWidget *parent)
{
    auto *box = new QGroupBox(parent);
    (new QVBoxLayout(box))->addWidget(content);
    return box;
}
} // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget *parent) : QMainWindow(parent), m_options(std::move(options))
{
    m_settings = AppSettings::load(m_options.settingsFile);
    if (!m_options.serverAddress.isEmpty()) {
        m_settings.hostLocally = false;
        m_settings.serverAddress = m_options.serverAddress;
    }
    if (!m_options.userId.isEmpty())
        m_settings.userId = m_options.userId;
    if (!m_options.signature.isEmpty())
        m_settings.signature = m_options.signature;
    if (m_settings.userId.isEmpty())
        m_settings.userId = defaultUserId();
    if (!m_options.language.isEmpty())
        m_settings.language = m_options.language;
    m_translator.use(m_settings.language);
    buildUi();
    applyStreamOptions();
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo})
        wireStream(track);
    connect(&m_host, &EmbeddedServerHost::started, this, [this](quint16 port) {
        m_hostedPort = port;
        connectClient();
    });
    connect(&m_saver, &SettingsSaver::idle, this, &MainWindow::finishShutdownWhenIdle);
    connect(&m_host, &EmbeddedServerHost::startFailed, this, [this](int code, const QString &message) {
        showError(code, message);
        updateConnectionState();
        finishShutdownWhenIdle();
    });
    connect(&m_host, &EmbeddedServerHost::stopped, this, [this] {
        m_hostedPort = 0;
        updateConnectionState();
        finishShutdownWhenIdle();
    });

    m_room->setMembersModel(&m_session.members());
    m_tiles->setModel(&m_session.members());
    // The panel shows the recording of what it names: yours, or the member's you started.
    auto showRecording = [this] { m_recordPanel->setRecording(m_session.isRecordingOf(m_recordPanel->target().userId)); };
    connect(&m_session, &RoomSession::recordingChanged, this, showRecording);
    connect(&m_session, &RoomSession::memberRecordingChanged, this, showRecording);
    connect(&m_session, &RoomSession::recordingBusyChanged, m_recordPanel, &RecordPanel::setBusy);
    connect(&m_session, &RoomSession::errorOccurred, this, &MainWindow::showError);
    connect(&m_session, &RoomSession::stateChanged, this, &MainWindow::updateConnectionState);
    connect(&m_session, &RoomSession::reconnectStateChanged, this, &MainWindow::showReconnectState);
    connect(&m_session, &RoomSession::headphonesAdvisedChanged, m_room, &RoomPanel::setHeadphonesAdvised);
    connect(&m_session, &RoomSession::joined, this, [this](const RoomInfo &room) {
        statusBar()->showMessage(tr("In room %1").arg(room.toString()), 4000);
        updateConnectionState();
    });
    connect(&m_session, &RoomSession::recordingStarted, this, [this](const RecordParam &param) {
        statusBar()->showMessage(tr("Recording “%1”").arg(param.fileName), 4000);
    });
    connect(&m_session, &RoomSession::recordingStopped, this, [this](const QStringList &ids) {
        addResults(ids, {});
        m_recordPanel->suggestFileName();
    });
    connect(&m_session, &RoomSession::memberRecordingStarted, this, [this](const QString &userId, const RecordParam &param) {
        statusBar()->showMessage(tr("Recording %1 as “%2”").arg(userId, param.fileName), 4000);
    });
    connect(&m_session, &RoomSession::memberRecordingStopped, this, [this](const QString &, const QStringList &ids) {
        addResults(ids, {});
        m_recordPanel->suggestFileName();
    });
    connect(&m_session, &RoomSession::memberRecordingEnded, this,
            [this](const QString &userId, const QStringList &ids, const QString &reason, int code, const QString &message) {
                addResults(ids, tr("recording of %1 ended (%2)").arg(userId, reason));
                if (code)
                    showError(code, message);
            });
    connect(&m_session, &RoomSession::recordingEndedByServer, this,
            [this](const QStringList &ids, const QString &reason, int code, const QString &message) {
                addResults(ids, tr("ended by the server (%1)").arg(reason));
                if (code)
                    showError(code, message);
            });
    connect(&m_session, &RoomSession::fileInfoReady, this, [this](const FileRecord &r) {
        m_results->addFile(r);
        updateResultButtons();
    });
    connect(&m_session, &RoomSession::filesListed, m_library, &LibraryPanel::setFiles);
    updateConnectionState();
    if (m_options.autoStart)
        QTimer::singleShot(0, this, &MainWindow::start);
}

MainWindow::~MainWindow()
{
    // Closed properly, the settings are on disk already; otherwise (tests, the screenshot
    // tool) write them here, after any save still in progress.
    if (!m_shutDown) {
        collectSettings();
        m_saver.waitUntilWritten();
        m_settings.save(m_options.settingsFile);
    }
    // After a close everything has stopped already. A window destroyed without one (tests,
    // the screenshot tool) leaves the members' destructors to join what still runs.
    m_session.client().disconnectFromServer();
}

void MainWindow::buildUi()
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/roomrec.svg")));
    m_tabs = new QTabWidget(this);
    setCentralWidget(m_tabs);

    m_connection = new ConnectionPanel(this);
    m_connection->setValues(m_settings.hostLocally, m_settings.serverAddress, m_settings.userId, m_settings.signature);
    m_connection->setTls(m_settings.tls);
    m_room = new RoomPanel(this);
    m_room->setRoom(RoomInfo{m_settings.relationId, m_settings.roomId},
                    m_settings.oneOnOne ? RoomKind::OneOnOne : RoomKind::MultiParty);
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo}) {
        auto *panel = new StreamPanel(track, this);
        panel->setSourceId(track == Track::CameraVideo ? m_settings.cameraSource : m_settings.screenSource);
        if (track == Track::SubStreamVideo)
            panel->setRegion(m_settings.screenRegion);
        m_streams[int(track)] = panel;
        connect(panel, &StreamPanel::sourceChanged, this, [this, track] {
            m_session.stream(track).setOptions(streamOptions(track)); // restarts it if it runs
            saveSettings();
        });
        connect(panel, &StreamPanel::publishToggled, this, [this, track](bool on) {
            m_session.stream(track).setPublishWanted(on);
        });
    }
    m_recordPanel = new RecordPanel(m_session.recordTargets(), this);
    m_recordPanel->setCategories(m_settings.categories);
    m_results = new FileListWidget(this);
    m_copy = new QPushButton(this);
    m_play = new QPushButton(this);
    m_play->setIcon(QIcon(QStringLiteral(":/icons/play.svg")));
    m_show = new QPushButton(this);
    for (QPushButton *b : {m_copy, m_play, m_show})
        b->setEnabled(false);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(boxed(m_connection, left));
    leftLayout->addWidget(boxed(m_room, left));
    leftLayout->addStretch();
    auto *previews = new QWidget(this);
    auto *previewLayout = new QHBoxLayout(previews);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    previewLayout->addWidget(m_streams[0], 1);
    previewLayout->addWidget(m_streams[1], 2);
    auto *resultsBox = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(resultsBox);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    auto *resultButtons = new QHBoxLayout;
    resultButtons->addStretch();
    resultButtons->addWidget(m_copy);
    resultButtons->addWidget(m_show);
    resultButtons->addWidget(m_play);
    resultsLayout->addWidget(m_results, 1);
    resultsLayout->addLayout(resultButtons);
    auto *center = new QSplitter(Qt::Vertical, this);
    auto *roomView = new QWidget(this);
    auto *roomViewLayout = new QVBoxLayout(roomView);
    roomViewLayout->setContentsMargins(0, 0, 0, 0);
    m_tiles = new MemberTileGrid(roomView);
    m_controls = new RoomControls(m_session, roomView);
    roomViewLayout->addWidget(m_tiles, 1);
    roomViewLayout->addWidget(m_controls);
    center->addWidget(roomView);
    center->addWidget(previews);
    center->addWidget(resultsBox);
    center->setStretchFactor(0, 4);
    center->setStretchFactor(1, 1);
    center->setStretchFactor(2, 1);
    // The room (tiles and controls) gets most of the height; the screen share's preview and
    // this session's files a strip each (the user can drag them larger).
    center->setSizes({560, 190, 120});
    auto *roomTab = new QWidget(this);
    auto *roomLayout = new QHBoxLayout(roomTab);
    roomLayout->addWidget(left, 0);
    roomLayout->addWidget(center, 1);
    roomLayout->addWidget(boxed(m_recordPanel, roomTab), 0);
    m_library = new LibraryPanel(this);
    m_tabs->addTab(roomTab, QString());
    m_tabs->addTab(m_library, QString());
    m_stateBadge = new QLabel(this);
    statusBar()->addPermanentWidget(m_stateBadge);
    m_qualityMenu = menuBar()->addMenu(QString());
    auto *presets = new QActionGroup(this);
    for (const char *preset : {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium"}) {
        QAction *action = m_qualityMenu->addAction(QLatin1String(preset));
        action->setCheckable(true);
        action->setChecked(m_settings.encoderPreset == QLatin1String(preset));
        presets->addAction(action);
        connect(action, &QAction::triggered, this, [this, preset] {
            m_settings.encoderPreset = QLatin1String(preset);
            saveSettings();
            applyStreamOptions(); // running streams restart with the new preset
        });
    }
    m_languageMenu = menuBar()->addMenu(QString());
    for (const QString &language : Translator::available()) {
        // Each language in its own name, so anyone can find theirs.
        const QString name = QLocale(language).nativeLanguageName();
        m_languageMenu->addAction(name.isEmpty() ? language : name, this, [this, language] { setLanguage(language); });
    }
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        AboutDialog about(this);
        about.exec();
    });
    m_aboutAction->setMenuRole(QAction::AboutRole); // macOS: the application menu's About item
    resize(1500, 820);

    connect(m_connection, &ConnectionPanel::connectRequested, this, &MainWindow::connectOrHost);
    connect(m_connection, &ConnectionPanel::disconnectRequested, this, &MainWindow::disconnectAll);
    connect(m_room, &RoomPanel::joinRequested, this, [this] {
        saveSettings();
        m_session.joinRoom(m_room->room(), m_room->kind());
    });
    connect(m_recordPanel, &RecordPanel::startRequested, this,
            [this](const RecordParam &param) { m_session.startRecordingOf(m_recordPanel->target().userId, param); });
    // The choice cannot change while recording (the panel locks it; the model keeps the row).
    connect(m_recordPanel, &RecordPanel::stopRequested, this, [this] { m_session.stopRecordingOf(m_recordPanel->target().userId); });
    connect(m_recordPanel, &RecordPanel::categoriesEdited, this, [this](const RecordPanel::Categories &c) {
        m_settings.categories = c;
        saveSettings();
    });
    connect(m_results, &QTableWidget::currentCellChanged, this, &MainWindow::updateResultButtons);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (auto f = m_results->currentFile()) {
            QApplication::clipboard()->setText(QString::number(f->id));
            statusBar()->showMessage(tr("Copied file ID %1").arg(f->id), 4000);
        }
    });
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (auto f = m_results->currentFile())
            play(*f);
    });
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (auto f = m_results->currentFile())
            showInFolder(*f);
    });
    connect(m_library, &LibraryPanel::refreshRequested, this, &MainWindow::refreshLibrary);
    connect(m_library, &LibraryPanel::playRequested, this, &MainWindow::play);
    connect(m_library, &LibraryPanel::showInFolderRequested, this, &MainWindow::showInFolder);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            refreshLibrary(m_library->filter());
    });
    retranslate();
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("RoomRec"));
    m_languageMenu->setTitle(tr("&Language"));
    m_qualityMenu->setTitle(tr("&Encoder preset"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About RoomRec"));
    m_qualityMenu->setToolTip(tr("libx264 speed/quality trade-off: faster presets use less CPU"));
    m_tabs->setTabText(0, tr("Room"));
    m_tabs->setTabText(1, tr("Library"));
    if (auto *box = qobject_cast<QGroupBox *>(m_connection->parentWidget()))
        box->setTitle(tr("Connection"));
    if (auto *box = qobject_cast<QGroupBox *>(m_room->parentWidget()))
        box->setTitle(tr("Room"));
    if (auto *box = qobject_cast<QGroupBox *>(m_recordPanel->parentWidget()))
        box->setTitle(tr("Recording"));
    m_copy->setText(tr("Copy file ID"));
    m_play->setText(tr("Play"));
    m_play->setToolTip(tr("Play the selected file in RoomRec"));
    m_show->setText(tr("Show in folder"));
    m_connection->retranslate();
    m_room->retranslate();
    for (StreamPanel *p : m_streams)
        p->retranslate();
    m_controls->retranslate();
    m_recordPanel->retranslate();
    m_results->retranslate();
    m_library->retranslate();
    updateConnectionState();
}

bool MainWindow::setLanguage(const QString &language)
{
    if (!m_translator.use(language))
        return false;
    m_settings.language = language;
    saveSettings();
    return true; // QEvent::LanguageChange reaches every widget: see changeEvent()
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

QString MainWindow::statusText() const
{
    return statusBar()->currentMessage();
}

void MainWindow::showError(int code, const QString &message)
{
    qCWarning(lcUi).noquote() << code << message;
    // Messages arrive in the server's (English) words: show ours, in the user's language,
    // keeping any detail the server added after the standard text.
    QString text = message;
    for (const ErrorCodeInfo &info : errorCodeTable()) {
        if (int(info.code) == code) {
            const QString english = QString::fromUtf8(info.message);
            text = errorMessage(code) + (message.startsWith(english) ? message.mid(english.size()) : QString());
            break;
        }
    }
    const QString hint = ErrorHint::forCode(code);
    statusBar()->showMessage(hint.isEmpty() ? tr("Error %1: %2").arg(code).arg(text)
                                            : tr("Error %1: %2 — %3").arg(code).arg(text, hint),
                             20000);
}

void MainWindow::updateConnectionState()
{
    QString text;
    const RoomClient &client = m_session.client();
    bool connected = client.state() != ClientState::Disconnected;
    switch (client.state()) {
    case ClientState::Disconnected:
        if (m_closing)
            text = tr("Closing…");
        else if (m_host.state() == EmbeddedServerHost::State::Starting)
            text = tr("Starting the server on this computer…");
        else if (m_host.state() == EmbeddedServerHost::State::Stopping)
            text = tr("Stopping the server on this computer…");
        else
            text = tr("Not connected");
        // Busy starting or stopping: the button waits rather than queueing a second request.
        connected = m_host.state() == EmbeddedServerHost::State::Starting || m_host.state() == EmbeddedServerHost::State::Stopping;
        break;
    case ClientState::Connecting: text = tr("Connecting to %1…").arg(m_connectedTo); break;
    case ClientState::SignedIn: text = tr("Connected to %1 as %2").arg(m_connectedTo, client.userId()); break;
    case ClientState::InRoom:
        text = tr("In room %1 on %2 as %3").arg(client.room()->toString(), m_connectedTo, client.userId());
        break;
    case ClientState::Reconnecting: text = tr("Connection lost: reconnecting to %1…").arg(m_connectedTo); break;
    }
    m_connection->setState(text, connected);
    m_stateBadge->setText(text);
    m_room->setCanJoin(client.state() == ClientState::SignedIn || client.state() == ClientState::InRoom);
}

void MainWindow::showReconnectState(RoomSession::ReconnectState state)
{
    // The state line says "reconnecting" (updateConnectionState); this says how it ended.
    if (state == RoomSession::ReconnectState::Reconnected)
        statusBar()->showMessage(m_session.lastReconnectResumedRecording()
                                     ? tr("Reconnected: the recording goes on in the same file")
                                     : tr("Reconnected"),
                                 8000);
    else if (state == RoomSession::ReconnectState::Failed)
        statusBar()->showMessage(tr("Could not reconnect: %1").arg(statusText()), 20000);
}

void MainWindow::start()
{
    // The camera is previewed here only; it is sent when the user ticks Publish.
    cameraStream().setCaptureWanted(true);
    connectOrHost();
}

void MainWindow::connectOrHost()
{
    const QString user = m_connection->userId();
    if (!UserSignature::isValidUserId(user)) {
        showError(int(ErrorCode::InvalidUserId), errorMessage(int(ErrorCode::InvalidUserId)));
        return;
    }
    if (m_session.state() != ClientState::Disconnected || m_closing)
        return;
    saveSettings();
    if (m_connection->hostLocally() && !m_host.isRunning()) {
        ServerConfig config;
        config.port = 0;
        config.dataDir = m_options.dataDir;
        m_host.start(config); // started() connects
        updateConnectionState();
        return;
    }
    connectClient();
}

void MainWindow::connectClient()
{
    if (m_session.state() != ClientState::Disconnected || m_closing)
        return;
    ServerTarget target;
    if (m_connection->hostLocally()) {
        if (!m_host.isRunning())
            return;
        target.port = m_hostedPort;
        m_connectedTo = tr("this computer (port %1)").arg(target.port);
    } else {
        auto address = HostPort::parse(m_connection->serverAddress(), 7707);
        if (!address) {
            showError(int(ErrorCode::ConnectionFailed), address.error().message);
            return;
        }
        target.host = address->host;
        target.port = address->port;
        m_connectedTo = address->toString();
        // The embedded server is plain TCP on loopback; a remote one may want TLS.
        target.tls = m_connection->tls();
        target.signature = m_connection->signature();
        if (!m_options.caFile.isEmpty())
            target.extraCaCertificates = QSslCertificate::fromPath(m_options.caFile);
    }
    target.userId = m_connection->userId();
    saveSettings();
    m_session.connectAndJoin(target, m_room->room(), m_room->kind());
}

void MainWindow::disconnectAll()
{
    m_session.disconnectFromServer([this] {
        m_host.stop(); // stopped() updates the state line
        m_connectedTo.clear();
        updateConnectionState();
    });
}

PublishedStream::Options MainWindow::streamOptions(Track track) const
{
    StreamPanel *panel = m_streams[int(track)];
    PublishedStream::Options options;
    options.video = panel->sourceId();
    options.audio = m_settings.audioSource;
    options.encoder.preset = m_settings.encoderPreset;
    if (track == Track::CameraVideo && panel->formatSize().isValid()) {
        options.encoder.size = QSize(panel->formatSize().width() & ~1, panel->formatSize().height() & ~1);
        options.encoder.frameRate = panel->formatFps();
        options.encoder.gopFrames = 2 * panel->formatFps();
    }
    if (track == Track::SubStreamVideo) {
        options.region.rect = panel->region();
        options.encoder.frameRate = 15;
        options.encoder.bitrate = 1'500'000;
        options.encoder.size = QSize(1280, 720); // for the test-pattern stand-in
    }
    return options;
}

void MainWindow::applyStreamOptions()
{
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo})
        m_session.stream(track).setOptions(streamOptions(track));
}

void MainWindow::wireStream(Track track)
{
    LocalStream *stream = &m_session.stream(track);
    StreamPanel *panel = m_streams[int(track)];
    if (panel->preview()) // the screen; the camera's picture is your own tile
        connect(stream, &LocalStream::previewReady, panel->preview(), &VideoPreview::showImage);
    connect(stream, &LocalStream::captureStarted, this, [panel](const QString &description, bool) {
        panel->setCaption(description);
    });
    connect(stream, &LocalStream::encodingChanged, this, [stream, panel](bool encoding) {
        // Real sources name their encoder while it runs; test sources keep their label.
        if (!stream->isTestSource())
            panel->setCaption(encoding ? tr("%1 · %2").arg(stream->description(), stream->encoderName())
                                       : stream->description());
    });
    connect(stream, &LocalStream::publishWantedChanged, panel, &StreamPanel::setPublishWanted);
    connect(stream, &LocalStream::errorOccurred, this, &MainWindow::showError);
    connect(stream, &LocalStream::stopped, this, [this, panel] {
        if (panel->preview())
            panel->preview()->clear();
        finishShutdownWhenIdle();
    });
    connect(stream, &LocalStream::statsUpdated, this, [this, track](const PublishStats &stats) {
        if (!m_recordPanel->target().userId.isEmpty())
            return m_recordPanel->setStats({}); // a member's stream: ours say nothing of it
        const Track recorded = m_recordPanel->param().recordDataType == RecordParam::SubStream ? Track::SubStreamVideo : Track::CameraVideo;
        if (track != recorded)
            return;
        m_recordPanel->setStats(tr("%1 fps captured · %2 fps encoded · %3 kbit/s · %4 dropped · %5 ms/frame")
                                    .arg(stats.captureFps, 0, 'f', 1).arg(stats.encodeFps, 0, 'f', 1)
                                    .arg(stats.bitrateKbps, 0, 'f', 0).arg(stats.droppedFrames)
                                    .arg(stats.encodeMsPerFrame, 0, 'f', 1));
    });
}

void MainWindow::addResults(const QStringList &fileIds, const QString &note)
{
    for (const QString &id : fileIds)
        m_results->addPending(id, note);
    m_session.fetchFileInfo(fileIds); // fileInfoReady fills the rows in
    if (!fileIds.isEmpty()) {
        m_results->selectRow(m_results->rowCount() - 1);
        statusBar()->showMessage(tr("Recorded %n file(s): %1", nullptr, int(fileIds.size())).arg(fileIds.join(QStringLiteral(", "))), 8000);
    }
}

void MainWindow::updateResultButtons()
{
    const auto file = m_results->currentFile();
    const bool local = file && QFileInfo::exists(file->storagePath); // played only from this computer
    m_copy->setEnabled(file.has_value());
    m_play->setEnabled(local);
    m_show->setEnabled(local);
}

void MainWindow::refreshLibrary(const FileFilter &filter)
{
    m_session.listFiles(filter); // filesListed fills the library
}

void MainWindow::play(const FileRecord &file)
{
    if (!QFileInfo::exists(file.storagePath)) {
        showError(int(ErrorCode::FileNotFound), tr("%1 is on the server, not on this computer").arg(file.id));
        return;
    }
    if (!m_player)
        m_player = new PlayerWindow(this); // made on first use: the media backend loads then
    m_player->play(file.storagePath, file.name);
}

void MainWindow::showInFolder(const FileRecord &file)
{
    QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(file.storagePath).absolutePath()));
}

void MainWindow::collectSettings()
{
    m_settings.hostLocally = m_connection->hostLocally();
    m_settings.serverAddress = m_connection->serverAddress();
    m_settings.userId = m_connection->userId();
    m_settings.signature = m_connection->signature();
    m_settings.tls = m_connection->tls();
    m_settings.relationId = m_room->room().relationId;
    m_settings.roomId = m_room->room().roomId;
    m_settings.oneOnOne = m_room->kind() == RoomKind::OneOnOne;
    m_settings.cameraSource = m_streams[0]->sourceId();
    m_settings.screenSource = m_streams[1]->sourceId();
    m_settings.screenRegion = m_streams[1]->region();
    m_settings.categories = m_recordPanel->categories();
    m_settings.audioSource = m_settings.audioSource.isEmpty() ? QStringLiteral("auto") : m_settings.audioSource;
}

void MainWindow::saveSettings()
{
    collectSettings();
    m_saver.save(m_settings, m_options.settingsFile); // written off the GUI thread
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_shutDown) {
        event->accept();
        return;
    }
    event->ignore();
    if (m_closing)
        return; // already on its way
    if (m_session.isRecordingAnything()) { // yours, or a member's you started
        const auto answer = QMessageBox::question(this, tr("Recording in progress"),
                                                  tr("A recording is running. Stop it, keep its files and quit?"),
                                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
        if (answer != QMessageBox::Yes)
            return;
        m_closing = true;
        m_session.stopAllRecordings([this] { beginShutdown(); });
        return;
    }
    m_closing = true;
    beginShutdown();
}

void MainWindow::beginShutdown()
{
    // Quitting never waits on the GUI thread: ask everything to stop, close once it has
    // (finishShutdownWhenIdle, called as each one reports stopped).
    saveSettings();
    for (Track track : {Track::CameraVideo, Track::SubStreamVideo})
        m_session.stream(track).stopAll();
    m_session.client().disconnectFromServer();
    m_host.stop();
    updateConnectionState();
    finishShutdownWhenIdle();
}

void MainWindow::finishShutdownWhenIdle()
{
    if (!m_closing || m_shutDown)
        return;
    if (!m_host.isStopped() || !cameraStream().isIdle() || !screenStream().isIdle() || !m_saver.isIdle())
        return;
    m_shutDown = true;
    // Out of the signal that brought us here; the close then goes through closeEvent.
    QTimer::singleShot(0, this, &QWidget::close);
}

} // namespace roomrec
