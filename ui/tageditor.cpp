#include "tageditor.h"

#include "protocol/protocollimits.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>

namespace roomrec {

TagEditor::TagEditor(QWidget *parent) : QWidget(parent)
{
    m_input = new QLineEdit(this);
    m_input->setMaxLength(protocol::kMaxTagChars);
    m_add = new QPushButton(this);
    m_remove = new QPushButton(this);
    m_remove->setEnabled(false);
    m_list = new QListWidget(this);
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(true);
    m_list->setMaximumHeight(56);
    m_list->setSpacing(2);
    auto *row = new QHBoxLayout;
    row->addWidget(m_input, 1);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_list);
    connect(m_input, &QLineEdit::returnPressed, this, &TagEditor::addCurrent);
    connect(m_add, &QPushButton::clicked, this, &TagEditor::addCurrent);
    connect(m_remove, &QPushButton::clicked, this, &TagEditor::removeSelected);
    connect(m_list, &QListWidget::itemSelectionChanged, this,
            [this] { m_remove->setEnabled(!m_list->selectedItems().isEmpty()); });
    retranslate();
}

void TagEditor::retranslate()
{
    m_input->setPlaceholderText(tr("New tag"));
    m_input->setAccessibleName(tr("New tag"));
    m_input->setToolTip(tr("Type a tag and press Enter; separate several with commas"));
    m_add->setText(tr("Add"));
    m_add->setToolTip(tr("Add the tag (up to 10 tags)"));
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove the selected tags"));
    m_list->setAccessibleName(tr("Tags"));
}

QStringList TagEditor::tags() const
{
    QStringList out;
    for (int i = 0; i < m_list->count(); ++i)
        out << m_list->item(i)->text();
    return out;
}

void TagEditor::setTags(const QStringList &tags)
{
    m_list->clear();
    m_list->addItems(tags);
    emit tagsChanged();
}

void TagEditor::addCurrent()
{
    // Commas separate several tags typed at once.
    for (const QString &raw : m_input->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString tag = raw.trimmed();
        if (!tag.isEmpty() && !tags().contains(tag) && m_list->count() < protocol::kMaxTags)
            m_list->addItem(tag);
    }
    m_input->clear();
    emit tagsChanged();
}

void TagEditor::removeSelected()
{
    qDeleteAll(m_list->selectedItems());
    emit tagsChanged();
}

} // namespace roomrec
