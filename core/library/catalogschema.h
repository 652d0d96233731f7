#pragma once

#include "library/schemamigrator.h"

namespace roomrec {

// The catalogue's tables, as versioned migrations (component "catalog"). Never edit a
// migration that has shipped: add the next one.
//  v1  files + id_floor as they were before versioning (SQLite files from then open as v0
//      and v1 is a no-op on them, apart from columns older files lack).
//  v2  several writers and big libraries: node_id (which server's disk holds the file),
//      revision (lost-update check), file_tags (indexed tag filter on both backends),
//      id_floors per node (no row every insert of every server contends for), and
//      composite (filter column, id) indexes so a filtered page in ID order is an index
//      range scan (docs/scaling.md).
class CatalogSchema {
public:
    static QList<SchemaMigrator::Migration> migrations();
};

} // namespace roomrec
