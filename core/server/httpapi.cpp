#include "server/httpapi.h"

#include "common/idgenerator.h"
#include "common/logging.h"
#include "protocol/errorcode.h"
#include "protocol/usersignature.h"
#include "library/catalogworker.h"
#include "server/deferredhttpreply.h"
#include "server/filerangedevice.h"
#include "server/roomserver.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace roomrec {

namespace {
using Http = QHttpServerResponder::StatusCode;


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
    case ErrorCode::NotFileOwner:
    case ErrorCode::ForbiddenOrigin:
        return Http::Forbidden;
    case ErrorCode::RequestTooLarge:
        return Http::PayloadTooLarge;
    case ErrorCode::RequestTimeout:
        return Http::RequestTimeout;
    case ErrorCode::ServerBusy:
    case ErrorCode::CatalogueBusy:
    case ErrorCode::ServerShuttingDown:
    case ErrorCode::NodeUnavailable:
        return Http::ServiceUnavailable;
    case ErrorCode::InsufficientStorageQuota:
    case ErrorCode::StorageFull:
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

QJsonObject errorJson(const Error &error)
{
    return QJsonObject{{QStringLiteral("code"), error.code}, {QStringLiteral("message"), error.message}};
}

QHttpServerResponse errorResponse(const Error &error)
{
    return QHttpServerResponse(errorJson(error), httpStatusFor(error.code));
}

// Play URLs are signed with the server secret, else the access token, else a key of this
// run (then the API is open on loopback anyway).
QByteArray mediaUrlKey(const ServerConfig &config)
{
    if (!config.secret.isEmpty())
        return "media-url:" + config.secret;
    if (!config.httpAccessToken.isEmpty())
        return "media-url:" + config.httpAccessToken;
    QByteArray key(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()), key.size() / 4);
    return key;
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

HttpApi::HttpApi(RoomServer &server, QObject *parent)
    : QObject(parent), m_server(server),
      m_access(server.config().secret, server.config().httpAccessToken, server.config().address.isLoopback()),
      m_signer(mediaUrlKey(server.config()), server.config().playUrlSeconds)
{
    // Every route that needs the catalogue answers when the catalogue's thread has: the
    // responder waits in a DeferredHttpReply, the network thread goes on meanwhile.
    using Method = QHttpServerRequest::Method;
    m_http.route(QStringLiteral("/api/v1/files"), Method::Get, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Privileges());
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        const QUrlQuery q = request.query();
        FileFilter filter;
        filter.name = q.queryItemValue(QStringLiteral("name"), QUrl::FullyDecoded);
        filter.tag = q.queryItemValue(QStringLiteral("tag"), QUrl::FullyDecoded);
        filter.userId = q.queryItemValue(QStringLiteral("userId"), QUrl::FullyDecoded);
        if (q.hasQueryItem(QStringLiteral("classId")))
            filter.classId = q.queryItemValue(QStringLiteral("classId")).toUInt();
        if (q.hasQueryItem(QStringLiteral("limit")))
            filter.limit = qBound(1, q.queryItemValue(QStringLiteral("limit")).toInt(), 10000);
        findFiles(caller.value(), filter, [reply](const Result<QJsonArray> &files) {
            reply->send(files ? QHttpServerResponse(QJsonObject{{QStringLiteral("files"), files.value()}}) : errorResponse(files.error()));
        });
    });
    m_http.route(QStringLiteral("/api/v1/files/<arg>"), Method::Get,
                 [this](const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Privileges());
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        ownFile(caller.value(), idText, [this, reply](const Result<FileRecord> &record) {
            reply->send(record ? QHttpServerResponse(describe(record.value())) : errorResponse(record.error()));
        });
    });
    m_http.route(QStringLiteral("/api/v1/files/<arg>"), Method::Delete,
                 [this](const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Record);
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        const QString who = caller->userId.isEmpty() ? QStringLiteral("the operator") : caller->userId;
        ownFile(caller.value(), idText, [this, reply, who](const Result<FileRecord> &record) {
            if (!record)
                return reply->send(errorResponse(record.error()));
            const quint64 id = record->id;
            // Deleted even if the client has gone meanwhile: it asked.
            m_server.deleteFile(id, [reply, id, who](const Status &deleted) {
                if (!deleted)
                    return reply->send(errorResponse(deleted.error()));
                qCInfo(lcServer).noquote() << "deleted file" << id << "over HTTP for" << who;
                reply->send(QHttpServerResponse(QJsonObject{{QStringLiteral("deleted"), QString::number(id)}}));
            });
        });
    });
    // The guide's DescribeVodPlayInfo: play addresses by the file name given at start.
    m_http.route(QStringLiteral("/api/v1/playinfo"), Method::Get, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Privileges());
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        FileFilter filter;
        filter.name = request.query().queryItemValue(QStringLiteral("fileName"), QUrl::FullyDecoded);
        if (filter.name.isEmpty())
            return reply->send(errorResponse(makeError(ErrorCode::MissingField, QStringLiteral("fileName"))));
        findFiles(caller.value(), filter, [reply, name = filter.name](const Result<QJsonArray> &files) {
            reply->send(files ? QHttpServerResponse(QJsonObject{{QStringLiteral("fileName"), name}, {QStringLiteral("files"), files.value()}})
                              : errorResponse(files.error()));
        });
    });
    // The guide's DescribeRecordPlayInfo: the play address by the file ID returned at stop.
    m_http.route(QStringLiteral("/api/v1/recordplayinfo"), Method::Get, [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Privileges());
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        ownFile(caller.value(), request.query().queryItemValue(QStringLiteral("fileId")), [this, reply](const Result<FileRecord> &record) {
            reply->send(record ? QHttpServerResponse(describe(record.value())) : errorResponse(record.error()));
        });
    });
    m_http.route(QStringLiteral("/media/<arg>"), Method::Get,
                 [this](const QString &idText, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     auto reply = DeferredHttpReply::make(std::move(responder));
                     mediaRecord(idText, request, [this, reply, range = request.value("Range")](const Result<FileRecord> &record) {
                         // A stored file is served by the object store, whichever node
                         // recorded it; only a file still local to another node goes there.
                         if (record && redirectToObjectStore(record.value(), reply))
                             return;
                         if (record && isOnOtherNode(record->id))
                             return redirectToHoldingNode(record->id, reply);
                         QHttpServerResponder *responder = reply->take();
                         if (!responder)
                             return; // the player has gone
                         if (!record)
                             return responder->write(QJsonDocument(errorJson(record.error())), httpStatusFor(record.error().code));
                         serveMedia(record.value(), range, *responder);
                     });
                 });
    m_http.route(QStringLiteral("/api/v1/recordings/start"), Method::Post,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Record);
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        auto body = recordingBody(request, caller.value());
        if (!body)
            return reply->send(errorResponse(body.error()));
        auto param = RecordParam::fromCbor(QCborMap::fromJsonObject(body->json.value(QStringLiteral("param")).toObject()));
        if (!param)
            return reply->send(errorResponse(param.error()));
        m_server.startRecordingFor(body->userId, body->room, param.value(), [reply](const Result<quint64> &started) {
            reply->send(started ? QHttpServerResponse(QJsonObject{{QStringLiteral("recordingId"), QString::number(started.value())}})
                                : errorResponse(started.error()));
        });
    });
    m_http.route(QStringLiteral("/api/v1/recordings/stop"), Method::Post,
                 [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        auto reply = DeferredHttpReply::make(std::move(responder));
        auto caller = callerOf(request, UserSignature::Record);
        if (!caller)
            return reply->send(errorResponse(caller.error()));
        auto body = recordingBody(request, caller.value());
        if (!body)
            return reply->send(errorResponse(body.error()));
        auto ids = m_server.stopRecordingFor(body->userId, body->room);
        if (!ids)
            return reply->send(errorResponse(ids.error()));
        // Answered once the files are complete on disk, as on the protocol port.
        m_server.whenFilesComplete(ids.value(), [reply, ids = ids.value()] {
            reply->send(QHttpServerResponse(QJsonObject{{QStringLiteral("fileIds"), QJsonArray::fromStringList(ids)}}));
        });
    });
}

Result<quint16> HttpApi::listen(const QHostAddress &address, quint16 port)
{
    const ServerConfig &config = m_server.config();
    auto listener = std::make_unique<HttpListener>(config.httpLimits);
    if (!config.tlsCertificateFile.isEmpty()) {
        if (Status s = listener->loadCertificate(config.tlsCertificateFile, config.tlsKeyFile); !s)
            return s.error();
    }
    listener->setListenBacklogSize(1024);
    if (!listener->listen(address, port))
        return makeError(ErrorCode::ConnectionFailed,
                         QStringLiteral("HTTP API: cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(listener->errorString()));
    m_port = listener->serverPort();
    m_tls = listener->isTls();
    m_listener = listener.get();
    m_http.bind(listener.release()); // the HTTP server parents it
    return m_port;
}

Result<UserSignature::Grant> HttpApi::callerOf(const QHttpServerRequest &request, UserSignature::Privileges needed) const
{
    auto caller = m_access.caller(request, false, QDateTime::currentDateTimeUtc());
    if (!caller)
        return caller.error();
    if (needed.testFlag(UserSignature::Record) && !caller->privileges.testFlag(UserSignature::Record))
        return makeError(ErrorCode::NoPermissionForRecording);
    return caller;
}

void HttpApi::ownFile(const UserSignature::Grant &caller, const QString &idText, std::function<void(Result<FileRecord>)> done)
{
    auto id = parseId(idText);
    if (!id)
        return done(id.error());
    m_server.catalog().request<Result<FileRecord>>(
        this, [id = id.value()](Catalog &catalog) { return catalog.file(id); },
        [caller, done](Result<FileRecord> record) {
            if (record && !caller.isAdmin() && record->userId != caller.userId)
                record = makeError(ErrorCode::NotFileOwner, QStringLiteral("file %1").arg(record->id));
            done(record);
        });
}

Result<HttpApi::RecordingBody> HttpApi::recordingBody(const QHttpServerRequest &request, const UserSignature::Grant &caller) const
{
    auto body = jsonBody(request);
    if (!body)
        return body.error();
    auto room = roomFrom(body.value());
    if (!room)
        return room.error();
    QString userId = body->value(QStringLiteral("userId")).toString();
    if (userId.isEmpty())
        userId = caller.userId;
    if (userId.isEmpty())
        return makeError(ErrorCode::MissingField, QStringLiteral("userId"));
    // The guide's backend API acts for any user; a user's own token acts for that user only.
    if (userId != caller.userId && !caller.isAdmin())
        return makeError(ErrorCode::PrivilegeMissing, QStringLiteral("admin: acting for another user"));
    return RecordingBody{body.value(), userId, room.value()};
}

void HttpApi::findFiles(const UserSignature::Grant &caller, FileFilter filter, std::function<void(Result<QJsonArray>)> done)
{
    if (!caller.isAdmin()) {
        if (!filter.userId.isEmpty() && filter.userId != caller.userId)
            return done(makeError(ErrorCode::NotFileOwner, QStringLiteral("files of %1").arg(filter.userId.left(64))));
        filter.userId = caller.userId; // a user lists their own files
    }
    m_server.catalog().request<Result<QList<FileRecord>>>(
        this, [filter](Catalog &catalog) { return catalog.files(filter); },
        [this, done](const Result<QList<FileRecord>> &files) {
            if (!files)
                return done(files.error());
            QJsonArray list;
            for (const FileRecord &r : files.value())
                list << describe(r);
            done(list);
        });
}

QJsonObject HttpApi::describe(const FileRecord &record) const
{
    QJsonObject o = record.toJson();
    o.insert(QStringLiteral("playUrl"), m_signer.url(record.id, QDateTime::currentDateTimeUtc()));
    return o;
}

void HttpApi::serveMedia(const FileRecord &record, const QByteArray &range, QHttpServerResponder &responder)
{
    auto refuse = [&responder](const Error &error) {
        responder.write(QJsonDocument(errorJson(error)), httpStatusFor(error.code));
    };
    auto *file = new QFile(record.storagePath);
    if (!file->open(QIODevice::ReadOnly)) {
        delete file;
        return refuse(makeError(ErrorCode::FileNotFound, QStringLiteral("the file is gone from storage")));
    }
    const qint64 size = file->size();
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
    // Streamed from a window of the file as the client reads, never read whole first.
    delete file;
    auto *window = new FileRangeDevice(record.storagePath, first, last - first + 1);
    if (!window->open(QIODevice::ReadOnly)) {
        delete window;
        return refuse(makeError(ErrorCode::FileNotFound, QStringLiteral("the file is gone from storage")));
    }
    responder.write(window,
                    {{"Content-Type", "video/mp4"},
                     {"Accept-Ranges", "bytes"},
                     {"Content-Range", QStringLiteral("bytes %1-%2/%3").arg(first).arg(last).arg(size).toLatin1()}},
                    Http::PartialContent);
}

bool HttpApi::redirectToObjectStore(const FileRecord &record, const std::shared_ptr<DeferredHttpReply> &reply)
{
    if (record.storageState != FileRecord::StorageState::Stored || !m_server.fileStorage())
        return false;
    // The object store serves it (Range included) through a URL that expires soon.
    const QUrl url = m_server.fileStorage()->store().readUrl(record.objectKey, QDateTime::currentDateTimeUtc());
    if (url.isEmpty())
        return false;
    QHttpServerResponse found(QHttpServerResponder::StatusCode::Found);
    found.setHeader("Location", url.toEncoded());
    found.setHeader("Cache-Control", "no-store");
    reply->send(found);
    return true;
}

bool HttpApi::isOnOtherNode(quint64 fileId) const
{
    return m_server.cluster() && IdGenerator::nodeOf(fileId) != m_server.config().nodeId;
}

void HttpApi::redirectToHoldingNode(quint64 fileId, const std::shared_ptr<DeferredHttpReply> &reply)
{
    // The file is on the disk of the node that recorded it (its ID says which): send the
    // player there with a fresh play URL of that one file. Cluster nodes share the secret, so
    // that node accepts the signature; the player's own credentials stay here.
    const quint32 nodeId = IdGenerator::nodeOf(fileId);
    m_server.cluster()->liveNode(nodeId, this, [this, reply, fileId, nodeId](Result<std::optional<ClusterNode>> node) {
        if (!node)
            return reply->send(errorResponse(node.error()));
        if (!node->has_value() || node->value().httpUrl.isEmpty())
            return reply->send(errorResponse(makeError(
                ErrorCode::NodeUnavailable, QStringLiteral("file %1 is on node %2, which is not running").arg(fileId).arg(nodeId))));
        QHttpServerResponse found(QHttpServerResponder::StatusCode::Found);
        found.setHeader("Location", (node->value().httpUrl + m_signer.url(fileId, QDateTime::currentDateTimeUtc())).toUtf8());
        reply->send(found);
    });
}

void HttpApi::mediaRecord(const QString &idText, const QHttpServerRequest &request, std::function<void(Result<FileRecord>)> done)
{
    auto id = parseId(idText);
    if (!id)
        return done(id.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (MediaUrlSigner::isSigned(request.query())) {
        // A signed play URL opens its one file; the browser checks still apply.
        if (Status safe = m_access.checkBrowserSafety(request); !safe)
            return done(safe.error());
        if (Status valid = m_signer.verify(id.value(), request.query(), now); !valid)
            return done(valid.error());
        m_server.catalog().request<Result<FileRecord>>(
            this, [id = id.value()](Catalog &catalog) { return catalog.file(id); }, std::move(done));
        return;
    }
    // Players that cannot send headers may put the user signature in "?token=" here only.
    auto caller = m_access.caller(request, true, now);
    if (!caller)
        return done(caller.error());
    ownFile(caller.value(), idText, std::move(done));
}

} // namespace roomrec
