#include "catalogprobe.h"

using namespace roomrec;

Result<FileRecord> CatalogProbe::file(quint64 id)
{
    return m_worker.call([id](Catalog &catalog) { return catalog.file(id); });
}

Result<QList<FileRecord>> CatalogProbe::files(const FileFilter &filter)
{
    return m_worker.call([&filter](Catalog &catalog) { return catalog.files(filter); });
}

Status CatalogProbe::insert(const FileRecord &record)
{
    return m_worker.call([&record](Catalog &catalog) { return catalog.insert(record); });
}

Status CatalogProbe::update(const FileRecord &record)
{
    return m_worker.call([&record](Catalog &catalog) { return catalog.update(record); });
}
