#include "servercalls.h"

#include "protocol/errorcode.h"

#include <QEventLoop>
#include <QTimer>

#include <optional>

using namespace roomrec;

namespace {
template <typename R>
R waitForAnswer(const std::function<void(std::function<void(R)>)> &call, int timeoutMs)
{
    std::optional<R> answer;
    QEventLoop loop;
    call([&answer, &loop](R r) {
        answer.emplace(std::move(r));
        loop.quit();
    });
    if (!answer) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!answer)
        return R(makeError(ErrorCode::ResponseTimeout, QStringLiteral("no answer in %1 ms").arg(timeoutMs)));
    return std::move(*answer);
}
} // namespace

Status ServerCalls::deleteFile(RoomServer &server, quint64 fileId, int timeoutMs)
{
    return waitForAnswer<Status>([&](auto done) { server.deleteFile(fileId, done); }, timeoutMs);
}

Result<quint64> ServerCalls::startRecordingFor(RoomServer &server, const QString &userId, const RoomInfo &room,
                                               const RecordParam &param, int timeoutMs)
{
    return waitForAnswer<Result<quint64>>([&](auto done) { server.startRecordingFor(userId, room, param, done); }, timeoutMs);
}
