#pragma once

#include "common/result.h"
#include "library/catalogworker.h"
#include "library/outboxstore.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace roomrec {

// Delivers webhook events (docs/http-api.md, Webhook) at least once, in the order they
// happened. An event is stored in the outbox (OutboxStore) before anything is sent, so a
// crash or restart loses none; then it is POSTed with its ID and an HMAC-SHA256 of the body.
// A 2xx answer marks it delivered; anything else (error status, redirect, timeout, refused
// connection) schedules a retry with exponential backoff and jitter, and an event still
// undelivered after the give-up age is marked failed and logged. One request is in flight at
// a time, oldest event first, so a receiver sees events in order; nothing ever waits on the
// network (replies come back as signals) or on the database (the outbox is read and written
// on the catalogue's thread, CatalogWorker).
class WebhookOutbox : public QObject {
    Q_OBJECT
public:
    struct Policy {
        qint64 firstRetryMs = 5'000;
        qint64 maxRetryMs = 10 * 60'000;
        qint64 giveUpMs = 24 * 3600'000LL;
        int timeoutMs = 30'000;
    };

    // key: HMAC key for X-RoomRec-Signature; empty: events go unsigned.
    WebhookOutbox(CatalogWorker &catalog, QUrl url, QByteArray key, Policy policy, QObject *parent = nullptr);
    ~WebhookOutbox() override;

    // Delivers what earlier runs left undelivered, then everything enqueued.
    void start();
    // Queues the event for the outbox (its fields plus "eventId", "event", "createdAt") and
    // schedules it once stored; returns its ID at once.
    Result<QString> enqueue(const QString &event, QJsonObject fields);
    // The same, for jobs already on the catalogue's thread (an event made from rows read in
    // the same job); call wake() on this object's thread once it is stored.
    static Result<QString> store(Catalog &catalog, const QString &event, QJsonObject fields);
    void wake();

    // "sha256=" + lowercase hex HMAC-SHA256(key, body): the X-RoomRec-Signature value.
    static QByteArray signature(const QByteArray &key, const QByteArray &body);
    // The wait after `failures` failed attempts: firstMs doubled per failure, capped at maxMs,
    // then scaled into [50%, 100%] by jitter in [0, 1) so many servers do not retry in step.
    static qint64 retryDelayMs(int failures, const Policy &policy, double jitter);

signals:
    void delivered(const QString &eventId);
    void gaveUp(const QString &eventId);

private:
    void deliverNext();
    void deliverEvent(const Result<std::optional<OutboxStore::Event>> &next);
    void post(const OutboxStore::Event &event);
    void onReplied(QNetworkReply *reply, const OutboxStore::Event &event);

    CatalogWorker &m_catalog;
    const QUrl m_url;
    const QByteArray m_key;
    const Policy m_policy;
    QNetworkAccessManager m_network;
    QTimer m_timer; // the next look at the outbox (now, or when the oldest event is due)
    QPointer<QNetworkReply> m_inFlight;
    bool m_lookingUp = false;  // the outbox's next event is being read
    bool m_lookAgain = false;  // woken meanwhile: what was read may predate a new event
    QDateTime m_lastPrune;
};

} // namespace roomrec
