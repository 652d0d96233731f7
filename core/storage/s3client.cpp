#include "storage/s3client.h"

#include "common/logging.h"
#include "storage/s3presigner.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMetaObject>

#include <curl/curl.h>

#include <algorithm>

namespace roomrec {

namespace {
constexpr qsizetype kMaxResponseBody = 1024 * 1024;

struct Transfer {
    const QByteArray *body = nullptr;
    qint64 sent = 0;
    S3Response *response = nullptr;
    const std::atomic_bool *abort = nullptr;
};

size_t readBody(char *buffer, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const qint64 n = qMin<qint64>(qint64(size * count), t->body->size() - t->sent);
    memcpy(buffer, t->body->constData() + t->sent, size_t(n));
    t->sent += n;
    return size_t(n);
}

size_t writeBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    if (t->response->body.size() < kMaxResponseBody)
        t->response->body.append(data, qsizetype(qMin<size_t>(n, size_t(kMaxResponseBody - t->response->body.size()))));
    return n;
}

size_t writeHeader(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    const QByteArray line = QByteArray(data, qsizetype(n)).trimmed();
    if (line.startsWith("HTTP/"))
        t->response->headers.clear(); // a new response (after 100 Continue)
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        t->response->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return n;
}

int progress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<Transfer *>(user)->abort->load() ? 1 : 0;
}

Result<QByteArray> readWindow(const QString &path, qint64 offset, qint64 length)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{0, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    if (file.size() < offset + length)
        return Error{0, QStringLiteral("%1 is shorter (%2 bytes) than expected (%3)").arg(path).arg(file.size()).arg(offset + length)};
    if (!file.seek(offset))
        return Error{0, QStringLiteral("cannot seek in %1: %2").arg(path, file.errorString())};
    QByteArray data = file.read(length);
    if (data.size() != length)
        return Error{0, QStringLiteral("short read from %1: %2").arg(path, file.errorString())};
    return data;
}
} // namespace

S3Client::S3Client(const S3Config &config, int capacity) : m_config(config), m_capacity(capacity)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m_worker = std::thread([this] { run(); });
}

S3Client::~S3Client()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_jobs.clear();
    }
    m_abort = true;
    m_wake.notify_all();
    m_worker.join();
    curl_global_cleanup();
}

bool S3Client::submit(S3Request request, QObject *context, Callback done)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || int(m_jobs.size()) >= m_capacity)
            return false;
        m_jobs.push_back(Job{std::move(request), context, std::move(done)});
    }
    m_wake.notify_one();
    return true;
}

int S3Client::queued() const
{
    std::lock_guard lock(m_mutex);
    return int(m_jobs.size());
}

void S3Client::run()
{
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
        }
        S3Response response = job.request.kind == S3Request::Kind::RemoveFiles ? removeFiles(job.request) : perform(job.request);
        if (!job.context)
            continue;
        QMetaObject::invokeMethod(
            job.context.data(), [done = std::move(job.done), response = std::move(response)] { done(response); },
            Qt::QueuedConnection);
    }
}

S3Response S3Client::removeFiles(const S3Request &request)
{
    S3Response response;
    for (const QString &path : request.localFiles) {
        if (QFile::exists(path) && !QFile::remove(path))
            response.localError = QStringLiteral("cannot remove the local copy %1").arg(path);
    }
    response.httpStatus = response.localError.isEmpty() ? 200 : 0;
    return response;
}

S3Response S3Client::perform(const S3Request &request)
{
    S3Response response;
    QByteArray body = request.body;
    if (!request.bodyFile.isEmpty()) {
        auto data = readWindow(request.bodyFile, request.bodyOffset, request.bodyLength);
        if (!data) {
            response.localError = data.error().message;
            return response;
        }
        body = std::move(data.value());
    }
    const bool sendsBody = !body.isEmpty() || request.method == "PUT" || request.method == "POST";
    if (sendsBody)
        response.bodyMd5 = QCryptographicHash::hash(body, QCryptographicHash::Md5).toHex();
    if (!request.skipIfMd5.isEmpty() && response.bodyMd5 == request.skipIfMd5) {
        response.skipped = true;
        response.httpStatus = 200;
        return response;
    }

    const QUrl url = request.key.isEmpty() ? m_config.bucketUrl() : m_config.objectUrl(request.key);
    // The query exactly as SigV4 canonicalises it (sorted, every name with '=', values
    // encoded): curl 7.88 signs the query as it finds it in the URL.
    QList<std::pair<QString, QString>> items;
    for (const auto &[name, value] : request.query.queryItems(QUrl::FullyDecoded))
        items << std::pair{S3Presigner::encode(name), S3Presigner::encode(value)};
    std::sort(items.begin(), items.end());
    QStringList pairs;
    for (const auto &[name, value] : items)
        pairs << name + QLatin1Char('=') + value;
    QByteArray urlText = url.toEncoded();
    if (!pairs.isEmpty())
        urlText += '?' + pairs.join(QLatin1Char('&')).toLatin1();

    CURL *curl = curl_easy_init();
    Transfer transfer{&body, 0, &response, &m_abort};
    curl_slist *headers = nullptr;
    // The payload's SHA-256 goes into the signature: the server refuses a body changed on the way.
    const QByteArray sha = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
    headers = curl_slist_append(headers, ("x-amz-content-sha256: " + sha).constData());
    if (sendsBody)
        headers = curl_slist_append(headers, ("Content-MD5: " + QCryptographicHash::hash(body, QCryptographicHash::Md5).toBase64()).constData());
    for (const auto &[name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).constData());
    const QByteArray sigv4 = "aws:amz:" + m_config.region.toUtf8() + ":s3";
    const QByteArray user = m_config.accessKey.toUtf8();
    const QByteArray password = m_config.secretKey.toUtf8();

    curl_easy_setopt(curl, CURLOPT_URL, urlText.constData());
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.constData());
    curl_easy_setopt(curl, CURLOPT_USERNAME, user.constData());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.constData());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(m_config.connectTimeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(m_config.stallTimeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (m_config.maxSendBytesPerSecond > 0)
        curl_easy_setopt(curl, CURLOPT_MAX_SEND_SPEED_LARGE, curl_off_t(m_config.maxSendBytesPerSecond));
    if (request.method == "HEAD")
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (sendsBody) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, readBody);
        curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, writeBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, writeHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);

    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        response.curlError = QString::fromUtf8(errorBuffer[0] ? errorBuffer : curl_easy_strerror(code));
    } else {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        response.httpStatus = int(status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    qCDebug(lcStorage).noquote() << request.method << urlText << "->" << response.httpStatus << response.curlError;
    return response;
}

} // namespace roomrec
