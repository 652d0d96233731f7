#pragma once

#include <QStringList>
#include <QWidget>

class QLineEdit;
class QListWidget;
class QPushButton;

namespace roomrec {

// Tags as a list: type one and press Enter (or Add); select and Remove (or Delete key).
class TagEditor : public QWidget {
    Q_OBJECT
public:
    explicit TagEditor(QWidget *parent = nullptr);

    QStringList tags() const;
    void setTags(const QStringList &tags);
    QLineEdit *input() const { return m_input; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    void retranslate();

signals:
    void tagsChanged();

private:
    void addCurrent();
    void removeSelected();

    QLineEdit *m_input;
    QPushButton *m_add;
    QPushButton *m_remove;
    QListWidget *m_list;
};

} // namespace roomrec
