#include "server/httpapi.h"

#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"
#include "server/roomserver.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>

namespace roomrec {

namespace {
using Http = QHttpServerResponder::StatusCode;

// At most this much is sent for one Range request; players ask again for the rest.
constexpr qint64 kMaxRangeBytes = 16 * 1024 * 1024;

Http httpStatusFor(int code)
{
    switch (ErrorCode(code)) {
    case ErrorCode::FileNotFound:
    case ErrorCode::RoomNotFound:
        return Http::NotFound;
    case ErrorCode::SignatureMissing:
    case ErrorCode::SignatureExpired:
    case ErrorCode::SignatureInvalid:
        return Http::Unauthorized;
    case ErrorCode::PrivilegeMissing:
    case ErrorCode::NoPermissionForRecording:
    case ErrorCode::NotRecordingOwner:
        return Http::Forbidden;
    case ErrorCode::InsufficientStorageQuota:
        return Http::InsufficientStorage;
    default:
        break;
    }
    if (code >= 30000000 && code <= 30000099)
        return Http::BadRequest;
    if (code >= 30000200 && code <= 30000299)
        return Http::Conflict;
    return Http::InternalServerError;
}

QHttpServerResponse errorResponse(const Error &error)
{
    return QHttpServerResponse(QJsonObject{{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}},
                               httpStatusFor(error.code));
}

Result<quint64> parseId(const QString &text)
{
    bool ok = false;
    const quint64 id = QString(text).remove(QStringLiteral(".mp4")).toULongLong(&ok);
    if (!ok)
        return makeError(ErrorCode::WrongFieldType, QStringLiteral("fileId"));
    return id;
}

Result<QJsonObject> jsonBody(const QHttpServerRequest &request)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorCode::MalformedMessage, QStringLiteral("JSON object expected"));
    return doc.object();
}

// A recording request's body: {"userId", "relationId", "roomId", ...}.
struct RecordingBody {
    QJsonObject json;
    QString userId;
    RoomInfo room;
};

Result<RoomInfo> roomFrom(const QJsonObject &o);

Result<RecordingBody> recordingBody(const QHttpServerRequest &request)
{
    auto body = jsonBody(request);
    if (!body)
        return body.error();
    auto room = roomFrom(body.value());
    if (!room)
        return room.error();
    return RecordingBody{body.value(), body->value(QStringLiteral("userId")).toString(), room.value()};
}

Result<RoomInfo> roomFrom(const QJsonObject &o)
{
    const QJsonValue relation = o.value(QStringLiteral("relationId"));
    const QJsonValue room = o.value(QStringLiteral("roomId"));
    if (!relation.isDouble() || !room.isDouble() || relation.toDouble() < 0 || room.toDouble() < 0
        || relation.toDouble() > 4294967295.0 || room.toDouble() > 4294967295.0)
        return makeError(ErrorCode::InvalidRoomId);
    return RoomInfo{quint32(relation.toDouble()), quint32(room.toDouble())};
}
} // namespace

HttpApi::HttpApi(RoomServer &server, QObject *parent) : QObject(parent), m_server(server)
{
    using Method = QHttpServerRequest::Method;
    m_http.route(QStringLiteral("/api/v1/files"), Method::Get, [this](const QHttpServerRequest &request) {
        if (auto refused = refuse(request, false))
            return std::move(*refused);
        const QUrlQuery q = request.query();
        FileFilter filter;
        filter.name = q.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded);
        filter.tag = q.queryItemValue(QStringLiteral("tag"), QUrl::FullyDecoded);
        filter.userId = q.queryItemValue(QStringLiteral("userId"), QUrl::FullyDecoded);
        if (q.hasQueryItem(QStringLiteral("classId")))
            filter.classId = q.queryItemValue(QStringLiteral("classId")).toUInt();
        if (q.hasQueryItem(QStringLiteral("limit")))
            filter.limit = qBound(1, q.queryItemValue(QStringLiteral("limit")).toInt(), 10000);
        auto files = findFiles(filter);
        if (!files)
            return errorResponse(files.error());
        return QHttpServerResponse(QJsonObject{{QStringLiteral("files"), files.value()}});
    });
    m_http.route(QStringLiteral("/api/v1/files/<arg>"), Method::Get, [this](const QString &idText, const QHttpServerRequest &request) {
        if (auto refused = refuse(request, false))
            return std::move(*refused);
        auto id = parseId(idText);
        auto record = id ? m_server.catalog().file(id.value()) : Result<FileRecord>(id.error());
        return record ? QHttpServerResponse(describe(record.value())) : errorResponse(record.error());
    });
    m_http.route(QStringLiteral("/api/v1/files/<arg>"), Method::Delete, [this](const QString &idText, const QHttpServerRequest &request) {
        if (auto refused = refuse(request, true))
            return std::move(*refused);
        auto id = parseId(idText);
        if (!id)
            return errorResponse(id.error());
        auto record = m_server.catalog().file(id.value());
        if (!record)
            return errorResponse(record.error());
        if (record->state == FileRecord::State::Recording)
            return errorResponse(makeError(ErrorCode::RecordingAlreadyRunning, QStringLiteral("the file is still being recorded")));
        QFile::remove(record->storagePath);
        if (roomrec::Status s = m_server.catalog().remove(id.value()); !s)
            return errorResponse(s.error());
        qCInfo(lcServer) << "deleted file" << id.value() << "over HTTP";
        return QHttpServerResponse(QJsonObject{{QStringLiteral("deleted"), QString::number(id.value())}});
    });
    // The guide's DescribeVodPlayInfo: play addresses by the file name given at start.
    m_http.route(QStringLiteral("/api/v1/playinfo"), Method::Get, [this](const QHttpServerRequest &request) {
        if (auto refused = refuse(request, false))
            return std::move(*refused);
        FileFilter filter;
        filter.name = request.query().queryItemValue(QStringLiteral("fileName"), QUrl::FullyDecoded);
        if (filter.name.isEmpty())
            return errorResponse(makeError(ErrorCode::MissingField, QStringLiteral("fileName")));
        auto files = findFiles(filter);
        if (!files)
            return errorResponse(files.error());
        return QHttpServerResponse(QJsonObject{{QStringLiteral("fileName"), filter.name}, {QStringLiteral("files"), files.value()}});
    });
    // The guide's DescribeRecordPlayInfo: the play address by the file ID returned at stop.
    m_http.route(QStringLiteral("/api/v1/recordplayinfo"), Method::Get, [this](const QHttpServerRequest &request) {
        if (auto refused = refuse(request, false))
            return std::move(*refused);
        auto id = parseId(request.query().queryItemValue(QStringLiteral("fileId")));
        auto record = id ? m_server.catalog().file(id.value()) : Result<FileRecord>(id.error());
        return record ? QHttpServerResponse(describe(record.value())) : errorResponse(record.error());
    });
    m_http.route(QStringLiteral("/media/<arg>"), Method::Get,
                 [this](const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     serveMedia(idText, request, std::move(responder));
                 });
    m_http.route(QStringLiteral("/api/v1/recordings/start"), Method::Post, [this](const QHttpServerRequest &request) {
        if (auto refused = refuse(request, true))
            return std::move(*refused);
        auto body = recordingBody(request);
        if (!body)
            return errorResponse(body.error());
        auto param = RecordParam::fromCbor(QCborMap::fromJsonObject(body->json.value(QStringLiteral("param")).toObject()));
        if (!param)
            return errorResponse(param.error());
        auto started = m_server.startRecordingFor(body->userId, body->room, param.value());
        if (!started)
            return errorResponse(started.error());
        return QHttpServerResponse(QJsonObject{{QStringLiteral("recordingId"), QString::number(started.value())}});
    });
    m_http.route(QStringLiteral("/api/v1/recordings/stop"), Method::Post, [this](const QHttpServerRequest &request) {
        if (auto refused = refuse(request, true))
            return std::move(*refused);
        auto body = recordingBody(request);
        if (!body)
            return errorResponse(body.error());
        auto ids = m_server.stopRecordingFor(body->userId, body->room);
        if (!ids)
            return errorResponse(ids.error());
        return QHttpServerResponse(QJsonObject{{QStringLiteral("fileIds"), QJsonArray::fromStringList(ids.value())}});
    });
}

Result<quint16> HttpApi::listen(const QHostAddress &address, quint16 port)
{
    m_port = m_http.listen(address, port);
    if (m_port == 0)
        return makeError(ErrorCode::ConnectionFailed, QStringLiteral("HTTP API: cannot listen on %1:%2").arg(address.toString()).arg(port));
    return m_port;
}

std::optional<QHttpServerResponse> HttpApi::refuse(const QHttpServerRequest &request, bool needsRecord) const
{
    const QByteArray secret = m_server.config().secret;
    if (secret.isEmpty())
        return std::nullopt; // loopback only, as the protocol
    // A player given a play URL cannot add headers: "?token=" works as well.
    const QByteArray auth = request.value("Authorization");
    QByteArray token = auth.startsWith("Bearer ") ? auth.mid(7).trimmed()
                                                  : request.query().queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toLatin1();
    if (token.isEmpty())
        return errorResponse(makeError(ErrorCode::SignatureMissing));
    auto verified = UserSignature::verifyToken(secret, token, QDateTime::currentDateTimeUtc());
    if (!verified)
        return errorResponse(verified.error());
    if (needsRecord && !(verified->second & UserSignature::Record))
        return errorResponse(makeError(ErrorCode::NoPermissionForRecording));
    return std::nullopt;
}

QString HttpApi::mediaUrl(quint64 fileId) const
{
    return QStringLiteral("/media/%1.mp4").arg(fileId);
}

Result<QJsonArray> HttpApi::findFiles(const FileFilter &filter) const
{
    auto files = m_server.catalog().files(filter);
    if (!files)
        return files.error();
    QJsonArray list;
    for (const FileRecord &r : files.value())
        list << describe(r);
    return list;
}

QJsonObject HttpApi::describe(const FileRecord &record) const
{
    QJsonObject o = record.toJson();
    o.insert(QStringLiteral("playUrl"), mediaUrl(record.id));
    return o;
}

void HttpApi::serveMedia(const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) const
{
    if (auto refused = refuse(request, false)) {
        responder.write(QJsonDocument(QJsonObject{{QStringLiteral("code"), int(ErrorCode::SignatureMissing)}}), Http::Unauthorized);
        return;
    }
    auto id = parseId(idText);
    auto record = id ? m_server.catalog().file(id.value()) : Result<FileRecord>(id.error());
    auto *file = record ? new QFile(record->storagePath) : nullptr;
    if (!file || !file->open(QIODevice::ReadOnly)) {
        delete file;
        responder.write(QJsonDocument(QJsonObject{{QStringLiteral("code"), int(ErrorCode::FileNotFound)},
                                                  {QStringLiteral("message"), errorMessage(int(ErrorCode::FileNotFound))}}),
                        Http::NotFound);
        return;
    }
    const qint64 size = file->size();
    const QByteArray range = request.value("Range");
    const auto m = QRegularExpression(QStringLiteral("^bytes=(\\d*)-(\\d*)$")).match(QString::fromLatin1(range));
    if (size == 0) {
        // Qt's streaming path expects data to read; an empty file is simply an empty body.
        delete file;
        responder.write(QByteArray(), {{"Content-Type", "video/mp4"}, {"Accept-Ranges", "bytes"}});
        return;
    }
    if (range.isEmpty() || !m.hasMatch()) {
        // Whole file, streamed by the responder (it owns the device).
        responder.write(file, {{"Content-Type", "video/mp4"}, {"Accept-Ranges", "bytes"}});
        return;
    }
    qint64 first = 0, last = size - 1;
    if (m.captured(1).isEmpty() && !m.captured(2).isEmpty()) { // suffix: the last N bytes
        first = qMax<qint64>(0, size - m.captured(2).toLongLong());
    } else {
        first = m.captured(1).toLongLong();
        if (!m.captured(2).isEmpty())
            last = qMin(size - 1, m.captured(2).toLongLong());
    }
    if (first >= size || first > last) {
        delete file;
        responder.writeStatusLine(Http::RequestRangeNotSatisfiable);
        responder.writeHeader("Content-Range", QByteArray("bytes */") + QByteArray::number(size));
        responder.writeHeader("Content-Length", "0");
        responder.writeBody(QByteArray());
        return;
    }
    last = qMin(last, first + kMaxRangeBytes - 1);
    file->seek(first);
    const QByteArray body = file->read(last - first + 1);
    delete file;
    responder.writeStatusLine(Http::PartialContent);
    responder.writeHeader("Content-Type", "video/mp4");
    responder.writeHeader("Accept-Ranges", "bytes");
    responder.writeHeader("Content-Range", QStringLiteral("bytes %1-%2/%3").arg(first).arg(last).arg(size).toLatin1());
    responder.writeHeader("Content-Length", QByteArray::number(body.size()));
    responder.writeBody(body);
}

void HttpApi::notifyRecordingEnded(const QString &userId, const RecordingOutcome &outcome)
{
    const QString url = m_server.config().webhookUrl;
    if (url.isEmpty())
        return;
    QJsonArray files;
    for (const QString &id : outcome.fileIds) {
        if (auto record = m_server.catalog().file(id.toULongLong()))
            files << describe(record.value());
    }
    const QJsonObject event{{QStringLiteral("event"), QStringLiteral("recording.filesReady")},
                            {QStringLiteral("userId"), userId},
                            {QStringLiteral("relationId"), qint64(outcome.room.relationId)},
                            {QStringLiteral("roomId"), qint64(outcome.room.roomId)},
                            {QStringLiteral("reason"), outcome.reason},
                            {QStringLiteral("fileIds"), QJsonArray::fromStringList(outcome.fileIds)},
                            {QStringLiteral("files"), files}};
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = m_network.post(request, QJsonDocument(event).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, reply, [reply, url] {
        if (reply->error() != QNetworkReply::NoError)
            qCWarning(lcServer).noquote() << "webhook" << url << "failed:" << reply->errorString();
        reply->deleteLater();
    });
}

} // namespace roomrec
