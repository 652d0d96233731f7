#pragma once

#include "client/recordtargetmodel.h"
#include "protocol/recordparam.h"

#include <QElapsedTimer>
#include <QPair>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QFormLayout;

namespace roomrec {

class TagEditor;

// What to record and the Record/Stop button: what (your camera or screen share; with the
// admin privilege, another member's published stream: RecordTargetModel decides which),
// file name (defaults to the date and time), tags, category (class ID, with names the user
// keeps), transcode / screenshot / watermark, elapsed time and live stats.
class RecordPanel : public QWidget {
    Q_OBJECT
public:
    using Categories = QList<QPair<QString, quint32>>;

    explicit RecordPanel(RecordTargetModel &targets, QWidget *parent = nullptr);

    RecordParam param() const;
    // Whose stream the choice names (userId empty: your own) and which.
    RecordTarget target() const;
    void setRecording(bool recording);
    void setBusy(bool busy); // a request is in flight: the button waits
    bool isRecording() const { return m_recording; }
    void suggestFileName();
    void setCategories(const Categories &categories);
    Categories categories() const { return m_categories; }
    void setStats(const QString &text);
    void retranslate();

    QPushButton *recordButton() const { return m_button; }
    QLineEdit *fileNameEdit() const { return m_fileName; }
    TagEditor *tagEditor() const { return m_tags; }
    QSpinBox *classIdBox() const { return m_classId; }
    QComboBox *categoryBox() const { return m_category; }
    QComboBox *sourceBox() const { return m_source; }

signals:
    void startRequested(const roomrec::RecordParam &param);
    void stopRequested();
    void categoriesEdited(const roomrec::RecordPanel::Categories &categories);

private:
    void updateElapsed();
    void nameCurrentCategory();

    RecordTargetModel &m_targets;
    QFormLayout *m_form;
    QComboBox *m_source;
    QLineEdit *m_fileName;
    TagEditor *m_tags;
    QComboBox *m_category;
    QSpinBox *m_classId;
    QPushButton *m_nameCategory;
    QCheckBox *m_transcode;
    QCheckBox *m_screenshot;
    QCheckBox *m_watermark;
    QPushButton *m_button;
    QLabel *m_elapsed;
    QLabel *m_stats;
    QTimer m_tick;
    QElapsedTimer m_since;
    Categories m_categories;
    bool m_recording = false;
};

} // namespace roomrec
