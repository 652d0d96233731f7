#include "filelistwidget.h"

#include <QHeaderView>
#include <QLocale>

namespace roomrec {

FileListWidget::FileListWidget(QWidget *parent) : QTableWidget(0, 8, parent)
{
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->setVisible(false);
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setAlternatingRowColors(true);
    retranslate();
}

void FileListWidget::retranslate()
{
    setHorizontalHeaderLabels({tr("File ID"), tr("Name"), tr("Tags"), tr("Category"), tr("Duration"), tr("Size"),
                               tr("State"), tr("Started")});
    setAccessibleName(tr("Recorded files"));
    for (int row = 0; row < rowCount(); ++row) {
        auto it = m_files.constFind(fileIdAt(row));
        if (it != m_files.constEnd())
            fillRow(row, *it);
    }
}

QString FileListWidget::fileIdAt(int row) const
{
    const QTableWidgetItem *item = this->item(row, 0);
    return item ? item->text() : QString();
}

int FileListWidget::rowOf(const QString &fileId) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (fileIdAt(row) == fileId)
            return row;
    }
    return -1;
}

void FileListWidget::setFiles(const QList<FileRecord> &files)
{
    setRowCount(0);
    m_files.clear();
    for (const FileRecord &f : files)
        addFile(f);
}

void FileListWidget::addPending(const QString &fileId, const QString &note)
{
    if (rowOf(fileId) >= 0)
        return;
    const int row = rowCount();
    insertRow(row);
    setItem(row, 0, new QTableWidgetItem(fileId));
    setItem(row, 1, new QTableWidgetItem(note));
}

void FileListWidget::addFile(const FileRecord &file)
{
    const QString id = QString::number(file.id);
    int row = rowOf(id);
    if (row < 0) {
        row = rowCount();
        insertRow(row);
    }
    m_files.insert(id, file);
    fillRow(row, file);
}

void FileListWidget::fillRow(int row, const FileRecord &f)
{
    static const auto stateText = [](FileRecord::State s) {
        switch (s) {
        case FileRecord::State::Recording: return tr("recording");
        case FileRecord::State::Complete: return tr("complete");
        case FileRecord::State::Recovered: return tr("recovered after a crash");
        case FileRecord::State::Failed: return tr("failed");
        }
        return QString();
    };
    const QLocale locale;
    const QStringList cells = {QString::number(f.id), f.name, f.tags.join(QStringLiteral(", ")), QString::number(f.classId),
                               tr("%1 s").arg(locale.toString(f.durationUs / 1e6, 'f', 1)),
                               locale.formattedDataSize(f.sizeBytes),
                               f.processingState.isEmpty() ? stateText(f.state) : stateText(f.state) + QStringLiteral(" · ") + f.processingState,
                               locale.toString(f.startedAt.toLocalTime(), QLocale::ShortFormat)};
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells[c]);
        item->setToolTip(f.storagePath);
        setItem(row, c, item);
    }
}

std::optional<FileRecord> FileListWidget::currentFile() const
{
    const int row = currentRow();
    if (row < 0)
        return std::nullopt;
    auto it = m_files.constFind(fileIdAt(row));
    if (it == m_files.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace roomrec
