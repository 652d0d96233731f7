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

WebhookOutbox::WebhookOutbox(CatalogWorker &catalog, QUrl url, QByteArray key, Policy policy, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_url(std::move(url)), m_key(std::move(key)), m_policy(policy)
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
    m_catalog.write<Result<int>>(
        [](Catalog &catalog) { return OutboxStore(catalog).count(OutboxStore::State::Pending); }, this,
        [](const Result<int> &pending) {
            if (pending && pending.value() > 0)
                qCInfo(lcServer) << "webhook:" << pending.value() << "event(s) from an earlier run still to deliver";
        });
    m_timer.start(0);
}

Result<QString> WebhookOutbox::store(Catalog &catalog, const QString &event, QJsonObject fields)
{
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    fields.insert(QStringLiteral("eventId"), eventId);
    fields.insert(QStringLiteral("event"), event);
    fields.insert(QStringLiteral("createdAt"), now.toString(Qt::ISODateWithMs));
    const QByteArray body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    auto added = OutboxStore(catalog).add(eventId, event, body, now);
    if (!added) {
        qCWarning(lcServer).noquote() << "webhook: cannot store" << event << "event:" << added.error().toString();
        return added.error();
    }
    return eventId;
}

Result<QString> WebhookOutbox::enqueue(const QString &event, QJsonObject fields)
{
    // The ID is made here so the caller has it at once; the row is written in queue order.
    const QString eventId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    fields.insert(QStringLiteral("eventId"), eventId);
    m_catalog.write<Result<QString>>(
        [event, fields](Catalog &catalog) { return store(catalog, event, fields); }, this,
        [this](const Result<QString> &stored) {
            if (stored)
                wake();
        });
    return eventId;
}

void WebhookOutbox::wake()
{
    // Deferred: callers may be in the middle of shutting down, and the oldest event goes first.
    if (m_lookingUp)
        m_lookAgain = true;
    else if (!m_inFlight)
        m_timer.start(0);
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
    if (m_inFlight || m_lookingUp)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_lastPrune.isValid() || m_lastPrune.msecsTo(now) >= kPruneEveryMs) {
        m_lastPrune = now;
        m_catalog.write<Result<int>>(
            [before = now.addMSecs(-kKeepFinishedMs)](Catalog &catalog) { return OutboxStore(catalog).prune(before); });
    }
    m_lookingUp = true;
    m_lookAgain = false;
    m_catalog.write<Result<std::optional<OutboxStore::Event>>>(
        [](Catalog &catalog) { return OutboxStore(catalog).next(); }, this,
        [this](const Result<std::optional<OutboxStore::Event>> &next) { deliverEvent(next); });
}

void WebhookOutbox::deliverEvent(const Result<std::optional<OutboxStore::Event>> &next)
{
    m_lookingUp = false;
    if (!next) {
        qCWarning(lcServer).noquote() << "webhook: cannot read the outbox:" << next.error().toString();
        m_timer.start(int(qMin<qint64>(m_policy.firstRetryMs, INT_MAX)));
        return;
    }
    if (!next.value()) {
        if (m_lookAgain) // an event stored after this read
            m_timer.start(0);
        return; // all delivered; enqueue() wakes us
    }
    const OutboxStore::Event &event = *next.value();
    const qint64 wait = QDateTime::currentDateTimeUtc().msecsTo(event.nextAttemptAt);
    if (wait > 0) {
        // A newer event waits behind the oldest: its time comes first.
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
    const qint64 seq = event.seq;
    // Once the outbox row says what happened, look at the outbox again (at once, or after the
    // retry delay if the row could not be updated: it still says "due now").
    auto thenLookAgain = [this](qint64 ifFailedMs, std::function<void()> announce = {}) {
        return [this, ifFailedMs, announce](const Status &marked) {
            if (announce)
                announce();
            if (!marked)
                qCWarning(lcServer).noquote() << "webhook: cannot update the outbox:" << marked.error().toString();
            if (!m_inFlight && !m_lookingUp)
                m_timer.start(int(qMin<qint64>(marked ? 0 : ifFailedMs, INT_MAX)));
        };
    };
    if (status >= 200 && status < 300) {
        qCDebug(lcServer).noquote() << "webhook:" << event.type << event.eventId << "delivered, attempt" << attempts;
        // Not marked (the database is gone): it will be sent again, which its event ID tells.
        m_catalog.write<Status>(
            [seq, attempts, now](Catalog &catalog) { return OutboxStore(catalog).markDelivered(seq, attempts, now); }, this,
            thenLookAgain(0, [this, id = event.eventId] { emit delivered(id); }));
        return;
    }
    const QString why = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
    if (event.createdAt.msecsTo(now) >= m_policy.giveUpMs) {
        qCWarning(lcServer).noquote() << "webhook: gave up on" << event.type << event.eventId << "after" << attempts
                                      << "attempts:" << why;
        m_catalog.write<Status>(
            [seq, attempts, why, now](Catalog &catalog) { return OutboxStore(catalog).markFailed(seq, attempts, why, now); }, this,
            thenLookAgain(0, [this, id = event.eventId] { emit gaveUp(id); }));
        return;
    }
    const qint64 delay = retryDelayMs(attempts, m_policy, QRandomGenerator::global()->generateDouble());
    qCInfo(lcServer).noquote() << "webhook:" << event.type << event.eventId
                               << QStringLiteral("attempt %1 failed (%2), next in %3 ms").arg(attempts).arg(why).arg(delay);
    m_catalog.write<Status>(
        [seq, attempts, next = now.addMSecs(delay), why](Catalog &catalog) {
            return OutboxStore(catalog).markRetry(seq, attempts, next, why);
        },
        this, thenLookAgain(delay));
}

} // namespace roomrec
