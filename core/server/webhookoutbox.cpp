#include "server/webhookoutbox.h"

#include "common/logging.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QUuid>

namespace roomrec {

namespace {
// Delivered and given-up rows are kept this long for inspection, then pruned.
constexpr qint64 kKeepFinishedMs = 7 * 24 * 3600'000LL;
constexpr qint64 kPruneEveryMs = 3600'000;
} // namespace

WebhookOutbox::WebhookOutbox(OutboxStore &store, QUrl url, QByteArray key, Policy policy, QObject *parent)
    : QObject(parent), m_store(store), m_url(std::move(url)), m_key(std::move(key)), m_policy(policy)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &WebhookOutbox::deliverNext);
}

WebhookOutbox::~WebhookOutbox()
{
    // The event in flight stays pending and is sent again after the restart: a receiver may
    // see it twice (at least once), which the event ID lets it notice.
    if (m_inFlight) {
        m_inFlight->disconnect(this);
        m_inFlight->abort();
    }
}

void WebhookOutbox::start()
{
    if (auto pending = m_store.count(OutboxStore::State::Pending); pending && pending.value() > 0)
        qCInfo(lcServer) << "webhook:" << pending.value() << "event(s) from an earlier run still to deliver";
    m_timer.start(0);
}

Result<QString> WebhookOutbox::enqueue(const QString &event, QJsonObject fields)
{
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    fields.insert(QStringLiteral("eventId"), eventId);
    fields.insert(QStringLiteral("event"), event);
    fields.insert(QStringLiteral("createdAt"), now.toString(Qt::ISODateWithMs));
    const QByteArray body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    auto added = m_store.add(eventId, event, body, now);
    if (!added) {
        qCWarning(lcServer).noquote() << "webhook: cannot store" << event << "event:" << added.error().toString();
        return added.error();
    }
    // Deferred: callers may be in the middle of shutting down, and the oldest event goes first.
    if (!m_inFlight)
        m_timer.start(0);
    return eventId;
}

QByteArray WebhookOutbox::signature(const QByteArray &key, const QByteArray &body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, key, QCryptographicHash::Sha256).toHex();
}

qint64 WebhookOutbox::retryDelayMs(int failures, const Policy &policy, double jitter)
{
    qint64 delay = qMax<qint64>(1, policy.firstRetryMs);
    for (int i = 1; i < failures && delay < policy.maxRetryMs; ++i)
        delay *= 2;
    delay = qMin(delay, policy.maxRetryMs);
    return qMax<qint64>(1, qint64(delay * (0.5 + 0.5 * qBound(0.0, jitter, 1.0))));
}

void WebhookOutbox::deliverNext()
{
    if (m_inFlight)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_lastPrune.isValid() || m_lastPrune.msecsTo(now) >= kPruneEveryMs) {
        m_lastPrune = now;
        (void)m_store.prune(now.addMSecs(-kKeepFinishedMs));
    }
    auto next = m_store.next();
    if (!next) {
        qCWarning(lcServer).noquote() << "webhook: cannot read the outbox:" << next.error().toString();
        m_timer.start(int(qMin<qint64>(m_policy.firstRetryMs, INT_MAX)));
        return;
    }
    if (!next.value())
        return; // all delivered; enqueue() wakes us
    const OutboxStore::Event &event = *next.value();
    const qint64 wait = now.msecsTo(event.nextAttemptAt);
    if (wait > 0) {
        m_timer.start(int(qMin<qint64>(wait, INT_MAX)));
        return;
    }
    post(event);
}

void WebhookOutbox::post(const OutboxStore::Event &event)
{
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("roomrec-server"));
    request.setRawHeader("X-RoomRec-Event", event.type.toUtf8());
    request.setRawHeader("X-RoomRec-Event-Id", event.eventId.toUtf8());
    request.setRawHeader("X-RoomRec-Delivery-Attempt", QByteArray::number(event.attempts + 1));
    if (!m_key.isEmpty())
        request.setRawHeader("X-RoomRec-Signature", signature(m_key, event.body));
    // A redirect would resend the body somewhere the operator did not name: count it a failure.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_policy.timeoutMs);
    QNetworkReply *reply = m_network.post(request, event.body);
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, event] { onReplied(reply, event); });
}

void WebhookOutbox::onReplied(QNetworkReply *reply, const OutboxStore::Event &event)
{
    reply->deleteLater();
    m_inFlight = nullptr;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const int attempts = event.attempts + 1;
    qint64 nextLookMs = 0;
    if (status >= 200 && status < 300) {
        if (Status s = m_store.markDelivered(event.seq, attempts, now); !s)
            qCWarning(lcServer).noquote() << "webhook: delivered but not marked (it will be sent again):" << s.error().toString();
        qCDebug(lcServer).noquote() << "webhook:" << event.type << event.eventId << "delivered, attempt" << attempts;
        emit delivered(event.eventId);
    } else {
        const QString why = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
        if (event.createdAt.msecsTo(now) >= m_policy.giveUpMs) {
            qCWarning(lcServer).noquote() << "webhook: gave up on" << event.type << event.eventId << "after" << attempts
                                          << "attempts:" << why;
            (void)m_store.markFailed(event.seq, attempts, why, now);
            emit gaveUp(event.eventId);
        } else {
            const qint64 delay = retryDelayMs(attempts, m_policy, QRandomGenerator::global()->generateDouble());
            qCInfo(lcServer).noquote() << "webhook:" << event.type << event.eventId
                                       << QStringLiteral("attempt %1 failed (%2), next in %3 ms").arg(attempts).arg(why).arg(delay);
            if (Status s = m_store.markRetry(event.seq, attempts, now.addMSecs(delay), why); !s) {
                qCWarning(lcServer).noquote() << "webhook: cannot update the outbox:" << s.error().toString();
                nextLookMs = delay; // the row still says "due now": do not hammer the receiver
            }
        }
    }
    m_timer.start(int(qMin<qint64>(nextLookMs, INT_MAX)));
}

} // namespace roomrec
