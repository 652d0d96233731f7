#pragma once

#include "library/filerecord.h"

#include <QTableWidget>

namespace roomrec {

// A table of recorded files (ID, name, tags, category, duration, size, state, start), used
// by the results list and the library. The file ID is the first column and the row's key.
class FileListWidget : public QTableWidget {
    Q_OBJECT
public:
    explicit FileListWidget(QWidget *parent = nullptr);

    void setFiles(const QList<FileRecord> &files);
    void addFile(const FileRecord &file); // or update the row with its ID
    void addPending(const QString &fileId, const QString &note);
    std::optional<FileRecord> currentFile() const;
    QString fileIdAt(int row) const;
    void retranslate();

private:
    void fillRow(int row, const FileRecord &file);
    int rowOf(const QString &fileId) const;

    QHash<QString, FileRecord> m_files;
};

} // namespace roomrec
