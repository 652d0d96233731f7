#include "librarypanel.h"

#include "filelistwidget.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace roomrec {

LibraryPanel::LibraryPanel(QWidget *parent) : QWidget(parent)
{
    m_name = new QLineEdit(this);
    m_tag = new QLineEdit(this);
    m_useClass = new QCheckBox(this);
    m_classId = new QSpinBox(this);
    m_classId->setRange(0, 999999999);
    m_classId->setEnabled(false);
    m_refresh = new QPushButton(this);
    m_refresh->setIcon(QIcon(QStringLiteral(":/icons/refresh.svg")));
    m_play = new QPushButton(this);
    m_play->setIcon(QIcon(QStringLiteral(":/icons/play.svg")));
    m_copy = new QPushButton(this);
    m_show = new QPushButton(this);
    m_count = new QLabel(this);
    m_list = new FileListWidget(this);
    auto *filters = new QHBoxLayout;
    filters->addWidget(m_name, 2);
    filters->addWidget(m_tag, 1);
    filters->addWidget(m_useClass);
    filters->addWidget(m_classId);
    filters->addWidget(m_refresh);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_count, 1);
    actions->addWidget(m_copy);
    actions->addWidget(m_show);
    actions->addWidget(m_play);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_list, 1);
    layout->addLayout(actions);

    auto refresh = [this] { emit refreshRequested(filter()); };
    connect(m_refresh, &QPushButton::clicked, this, refresh);
    connect(m_name, &QLineEdit::returnPressed, this, refresh);
    connect(m_tag, &QLineEdit::returnPressed, this, refresh);
    connect(m_useClass, &QCheckBox::toggled, m_classId, &QWidget::setEnabled);
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (auto f = m_list->currentFile())
            emit playRequested(*f);
    });
    connect(m_list, &QTableWidget::cellDoubleClicked, this, [this] {
        if (auto f = m_list->currentFile())
            emit playRequested(*f);
    });
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (auto f = m_list->currentFile())
            emit showInFolderRequested(*f);
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (auto f = m_list->currentFile())
            QApplication::clipboard()->setText(QString::number(f->id));
    });
    retranslate();
}

void LibraryPanel::retranslate()
{
    m_name->setPlaceholderText(tr("File name"));
    m_name->setAccessibleName(tr("Filter by file name"));
    m_tag->setPlaceholderText(tr("Tag"));
    m_tag->setAccessibleName(tr("Filter by tag"));
    m_useClass->setText(tr("Category"));
    m_classId->setAccessibleName(tr("Filter by category"));
    m_refresh->setText(tr("Search"));
    m_refresh->setToolTip(tr("Search the library with these filters (Enter)"));
    m_play->setText(tr("Play"));
    m_play->setToolTip(tr("Play the selected file (when it is on this computer)"));
    m_copy->setText(tr("Copy file ID"));
    m_show->setText(tr("Show in folder"));
    m_list->retranslate();
    m_count->setText(tr("%n file(s)", nullptr, m_list->rowCount()));
}

FileFilter LibraryPanel::filter() const
{
    FileFilter f;
    f.name = m_name->text().trimmed();
    f.tag = m_tag->text().trimmed();
    if (m_useClass->isChecked())
        f.classId = quint32(m_classId->value());
    return f;
}

void LibraryPanel::setFiles(const QList<FileRecord> &files)
{
    m_list->setFiles(files);
    m_count->setText(tr("%n file(s)", nullptr, int(files.size())));
}

} // namespace roomrec
