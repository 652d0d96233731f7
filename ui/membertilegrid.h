#pragma once

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace roomrec {

class MemberListModel;
class MemberTile;

// The room as a grid of member tiles, one per row of the MemberListModel (your own tile
// included), in the model's order: tiles come and go with the rows and follow their data
// (pictures, levels, flags). Clicking a tile focuses it (it alone fills the grid); clicking
// it again returns to the grid. Outside a room it says so.
class MemberTileGrid : public QWidget {
    Q_OBJECT
public:
    explicit MemberTileGrid(QWidget *parent = nullptr);

    void setModel(MemberListModel *model);

    int tileCount() const { return int(m_tiles.size()); }
    MemberTile *tile(const QString &userId) const { return m_tiles.value(userId); }
    QList<MemberTile *> tiles() const; // in the model's order
    QString focusedUserId() const { return m_focused; }
    void setFocusedUserId(const QString &userId); // empty: the grid

    QSize sizeHint() const override { return {640, 360}; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void syncTiles();
    void updateRows(int first, int last);
    void arrange();
    void retranslate();

    MemberListModel *m_model = nullptr;
    QGridLayout *m_layout = nullptr;
    QLabel *m_empty = nullptr;
    QHash<QString, MemberTile *> m_tiles;
    QString m_focused;
};

} // namespace roomrec
