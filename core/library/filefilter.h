#pragma once

#include <QString>

#include <optional>

namespace roomrec {

// Library query: every set field must match.
struct FileFilter {
    QString name;                 // exact file name
    QString tag;                  // files carrying this tag
    std::optional<quint32> classId;
    QString userId;
    int limit = 1000;
    quint64 afterId = 0;          // the next page: files with a greater ID (results are in ID order)
};

} // namespace roomrec
