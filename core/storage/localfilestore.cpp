#include "storage/localfilestore.h"

namespace roomrec {

QUrl LocalFileStore::readUrl(const QString &, const QDateTime &) const
{
    return {}; // served from the disk by the HTTP API itself
}

QString LocalFileStore::describe() const
{
    return QStringLiteral("local disk");
}

} // namespace roomrec
