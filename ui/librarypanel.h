#pragma once

#include "library/filefilter.h"
#include "library/filerecord.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QCheckBox;

namespace roomrec {

class FileListWidget;

// Every file in the library, filtered by name, tag and category; play, copy, show.
class LibraryPanel : public QWidget {
    Q_OBJECT
public:
    explicit LibraryPanel(QWidget *parent = nullptr);

    FileFilter filter() const;
    void setFiles(const QList<FileRecord> &files);
    FileListWidget *list() const { return m_list; }
    QLineEdit *nameFilter() const { return m_name; }
    QLineEdit *tagFilter() const { return m_tag; }
    QPushButton *refreshButton() const { return m_refresh; }
    void retranslate();

signals:
    void refreshRequested(const roomrec::FileFilter &filter);
    void playRequested(const roomrec::FileRecord &file);
    void showInFolderRequested(const roomrec::FileRecord &file);

private:
    QLineEdit *m_name;
    QLineEdit *m_tag;
    QCheckBox *m_useClass;
    QSpinBox *m_classId;
    QPushButton *m_refresh;
    QPushButton *m_play;
    QPushButton *m_copy;
    QPushButton *m_show;
    QLabel *m_count;
    FileListWidget *m_list;
};

} // namespace roomrec
