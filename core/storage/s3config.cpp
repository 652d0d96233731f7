#include "storage/s3config.h"

#include "protocol/errorcode.h"
#include "storage/s3presigner.h"

namespace roomrec {

namespace {
Error configError(const QString &why)
{
    return makeError(ErrorCode::ObjectStorageFailed, why);
}
} // namespace

Status S3Config::setStorageUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid() || parsed.scheme() != QLatin1String("s3") || parsed.host().isEmpty())
        return configError(QStringLiteral("expected s3://bucket/prefix, got '%1'").arg(url));
    if (!parsed.userInfo().isEmpty() || parsed.port() != -1 || parsed.hasQuery())
        return configError(QStringLiteral("s3://bucket/prefix takes no credentials, port or query (credentials go in the "
                                          "config file or the environment, the endpoint in s3-endpoint)"));
    bucket = parsed.host();
    prefix = parsed.path();
    while (prefix.startsWith(QLatin1Char('/')))
        prefix.remove(0, 1);
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    return success();
}

Status S3Config::setConnection(const QHash<QString, QString> &fileSettings, const QHash<QString, QString> &environment)
{
    const auto pick = [&](const char *setting, const char *variable) {
        const QString fromFile = fileSettings.value(QLatin1String(setting));
        return fromFile.isEmpty() ? environment.value(QLatin1String(variable)) : fromFile;
    };
    const QString endpointText = pick("s3-endpoint", "ROOMREC_S3_ENDPOINT");
    if (endpointText.isEmpty())
        return configError(QStringLiteral("--storage s3://... needs the endpoint: s3-endpoint in the config file or ROOMREC_S3_ENDPOINT"));
    endpoint = QUrl(endpointText, QUrl::StrictMode);
    if (!endpoint.isValid() || (endpoint.scheme() != QLatin1String("http") && endpoint.scheme() != QLatin1String("https"))
        || endpoint.host().isEmpty())
        return configError(QStringLiteral("s3-endpoint must be an http:// or https:// URL, got '%1'").arg(endpointText));
    endpoint.setPath(QString());
    if (const QString r = pick("s3-region", "AWS_REGION"); !r.isEmpty())
        region = r;
    accessKey = pick("s3-access-key", "AWS_ACCESS_KEY_ID");
    secretKey = pick("s3-secret-key", "AWS_SECRET_ACCESS_KEY");
    if (accessKey.isEmpty() || secretKey.isEmpty())
        return configError(QStringLiteral("--storage s3://... needs credentials: s3-access-key and s3-secret-key in the config "
                                          "file, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
    return success();
}

QString S3Config::keyFor(const QString &relativeName) const
{
    return prefix.isEmpty() ? relativeName : prefix + QLatin1Char('/') + relativeName;
}

QUrl S3Config::bucketUrl() const
{
    QUrl url = endpoint;
    url.setPath(QLatin1Char('/') + bucket);
    return url;
}

QUrl S3Config::objectUrl(const QString &key) const
{
    QUrl url = endpoint;
    url.setPath(QLatin1Char('/') + bucket + QLatin1Char('/') + S3Presigner::encodePath(key), QUrl::TolerantMode);
    return url;
}

QStringList S3Config::fileOnlySettings()
{
    return {QStringLiteral("s3-endpoint"), QStringLiteral("s3-region"), QStringLiteral("s3-access-key"),
            QStringLiteral("s3-secret-key")};
}

} // namespace roomrec
