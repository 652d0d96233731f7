#pragma once

#include "common/result.h"
#include "library/filefilter.h"
#include "library/filerecord.h"

#include <QHttpServer>
#include <QNetworkAccessManager>

namespace roomrec {

class RoomServer;
struct RecordingOutcome;

// The library's HTTP API for third-party backends (docs/http-api.md): list and look up
// files, play info by file name and by file ID (the guide's DescribeVodPlayInfo and
// DescribeRecordPlayInfo), download with HTTP Range, delete, start/stop a user's recording,
// and a webhook when a recording's files are ready. With a server secret, every request
// needs "Authorization: Bearer <user signature>".
class HttpApi : public QObject {
    Q_OBJECT
public:
    explicit HttpApi(RoomServer &server, QObject *parent = nullptr);

    Result<quint16> listen(const QHostAddress &address, quint16 port);
    quint16 port() const { return m_port; }
    void notifyRecordingEnded(const QString &userId, const RecordingOutcome &outcome);

private:
    QJsonObject describe(const FileRecord &record) const;
    Result<QJsonArray> findFiles(const FileFilter &filter) const; // described, for answers
    QString mediaUrl(quint64 fileId) const;
    std::optional<QHttpServerResponse> refuse(const QHttpServerRequest &request, bool needsRecord) const;
    void serveMedia(const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) const;

    RoomServer &m_server;
    QHttpServer m_http;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

} // namespace roomrec
