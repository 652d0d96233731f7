#include "membertilegrid.h"

#include "client/memberlistmodel.h"
#include "membertile.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>

#include <cmath>

namespace roomrec {

MemberTileGrid::MemberTileGrid(QWidget *parent) : QWidget(parent)
{
    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(4);
    m_empty = new QLabel(this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    retranslate();
    arrange();
}

void MemberTileGrid::setModel(MemberListModel *model)
{
    m_model = model;
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(model, signal, this, &MemberTileGrid::syncTiles);
    connect(model, &QAbstractItemModel::rowsMoved, this, &MemberTileGrid::syncTiles);
    connect(model, &QAbstractItemModel::modelReset, this, &MemberTileGrid::syncTiles);
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) { updateRows(from.row(), to.row()); });
    syncTiles();
}

QList<MemberTile *> MemberTileGrid::tiles() const
{
    QList<MemberTile *> out;
    if (!m_model)
        return out;
    for (const QString &id : m_model->userIds()) {
        if (MemberTile *t = m_tiles.value(id))
            out << t;
    }
    return out;
}

void MemberTileGrid::setFocusedUserId(const QString &userId)
{
    m_focused = m_tiles.contains(userId) ? userId : QString();
    arrange();
}

void MemberTileGrid::syncTiles()
{
    const QStringList ids = m_model ? m_model->userIds() : QStringList();
    for (auto it = m_tiles.begin(); it != m_tiles.end();) {
        if (ids.contains(it.key())) {
            ++it;
            continue;
        }
        it.value()->hide();
        it.value()->deleteLater();
        it = m_tiles.erase(it);
    }
    for (const QString &id : ids) {
        if (m_tiles.contains(id))
            continue;
        auto *t = new MemberTile(this);
        connect(t, &MemberTile::clicked, this, [this](const QString &clicked) {
            setFocusedUserId(m_focused == clicked ? QString() : clicked);
        });
        m_tiles.insert(id, t);
    }
    if (!m_tiles.contains(m_focused))
        m_focused.clear(); // the focused member left: back to the grid
    if (m_model && m_model->rowCount() > 0)
        updateRows(0, m_model->rowCount() - 1);
    arrange();
}

void MemberTileGrid::updateRows(int first, int last)
{
    for (int row = std::max(0, first); m_model && row <= last && row < m_model->rowCount(); ++row) {
        const QString id = m_model->data(m_model->index(row), MemberListModel::UserIdRole).toString();
        MemberTile *t = m_tiles.value(id);
        const std::optional<MemberState> state = m_model->member(id);
        if (t && state)
            t->setState(*state);
    }
}

void MemberTileGrid::arrange()
{
    while (m_layout->count() > 0)
        delete m_layout->takeAt(0); // the layout items, not the widgets: only places change
    const QList<MemberTile *> ordered = tiles();
    m_empty->setVisible(ordered.isEmpty());
    if (ordered.isEmpty()) {
        m_layout->addWidget(m_empty, 0, 0);
        return;
    }
    if (!m_focused.isEmpty()) {
        for (MemberTile *t : ordered)
            t->setVisible(t->userId() == m_focused);
        m_layout->addWidget(m_tiles.value(m_focused), 0, 0);
        return;
    }
    // As square a grid as the count allows: 1, 2 side by side, 2x2, 3x2, 3x3...
    const int columns = int(std::ceil(std::sqrt(double(ordered.size()))));
    for (int i = 0; i < ordered.size(); ++i) {
        ordered.at(i)->setVisible(true);
        m_layout->addWidget(ordered.at(i), i / columns, i % columns);
    }
}

void MemberTileGrid::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void MemberTileGrid::retranslate()
{
    m_empty->setText(tr("Not in a room: members appear here once you join one."));
    for (MemberTile *t : std::as_const(m_tiles))
        t->update();
}

} // namespace roomrec
