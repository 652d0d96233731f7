#pragma once

#include "storage/filestore.h"

namespace roomrec {

// The default: recordings stay on this server's disk, as they always have.
class LocalFileStore : public FileStore {
public:
    bool isRemote() const override { return false; }
    QUrl readUrl(const QString &key, const QDateTime &now) const override;
    QString describe() const override;
};

} // namespace roomrec
