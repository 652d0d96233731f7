#pragma once

#include "common/result.h"
#include "library/filefilter.h"
#include "library/filerecord.h"
#include "protocol/roominfo.h"
#include "server/httpaccess.h"
#include "server/httplistener.h"
#include "server/mediaurlsigner.h"

#include <QHttpServer>
#include <QJsonObject>

#include <functional>
#include <memory>

namespace roomrec {

class DeferredHttpReply;

class RoomServer;

// The library's HTTP API for third-party backends (docs/http-api.md): list and look up
// files, play info by file name and by file ID (the guide's DescribeVodPlayInfo and
// DescribeRecordPlayInfo), download with HTTP Range, delete, start/stop a user's recording
// (the webhook is WebhookOutbox's). Who may do what (HttpAccess): a user's
// signature acts on that user's files and recordings only; "admin" acts for anyone; play URLs
// are signed per file and expire.
class HttpApi : public QObject {
    Q_OBJECT
public:
    explicit HttpApi(RoomServer &server, QObject *parent = nullptr);

    Result<quint16> listen(const QHostAddress &address, quint16 port);
    quint16 port() const { return m_port; }
    bool isTls() const { return m_tls; }
    int openConnections() const { return m_listener ? m_listener->openConnections() : 0; }

private:
    // A recording request's body: {"userId" (default: the caller), "relationId", "roomId", ...}.
    struct RecordingBody {
        QJsonObject json;
        QString userId;
        RoomInfo room;
    };

    Result<UserSignature::Grant> callerOf(const QHttpServerRequest &request, UserSignature::Privileges needed) const;
    // The file, if the caller may see it (theirs, or the caller is admin). The look-ups below
    // answer on this thread once the catalogue's thread has (never if this object is gone).
    void ownFile(const UserSignature::Grant &caller, const QString &idText, std::function<void(Result<FileRecord>)> done);
    Result<RecordingBody> recordingBody(const QHttpServerRequest &request, const UserSignature::Grant &caller) const;
    void mediaRecord(const QString &idText, const QHttpServerRequest &request, std::function<void(Result<FileRecord>)> done);
    QJsonObject describe(const FileRecord &record) const;
    // Described, for answers; a user's filter is narrowed to their own files.
    void findFiles(const UserSignature::Grant &caller, FileFilter filter, std::function<void(Result<QJsonArray>)> done);
    // Cluster mode: files recorded by another node are served by that node.
    // A file in object storage: answered with a 302 to a presigned URL (true), on any node.
    bool redirectToObjectStore(const FileRecord &record, const std::shared_ptr<DeferredHttpReply> &reply);
    bool isOnOtherNode(quint64 fileId) const;
    void redirectToHoldingNode(quint64 fileId, const std::shared_ptr<DeferredHttpReply> &reply);
    static void serveMedia(const FileRecord &record, const QByteArray &range, QHttpServerResponder &responder);

    RoomServer &m_server;
    HttpAccess m_access;
    MediaUrlSigner m_signer;
    QHttpServer m_http;
    quint16 m_port = 0;
    bool m_tls = false;
    HttpListener *m_listener = nullptr; // owned by m_http
};

} // namespace roomrec
