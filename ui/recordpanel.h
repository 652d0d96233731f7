#pragma once

#include "protocol/recordparam.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace roomrec {

// What to record and the Record/Stop button: record data type, file name (defaults to the
// date and time), tags, category (class ID), transcode/screenshot/watermark, elapsed time.
class RecordPanel : public QWidget {
    Q_OBJECT
public:
    explicit RecordPanel(QWidget *parent = nullptr);

    RecordParam param() const;
    void setRecording(bool recording);
    void setBusy(bool busy); // a request is in flight: the button waits
    bool isRecording() const { return m_recording; }
    void suggestFileName();

    QPushButton *recordButton() const { return m_button; }
    QLineEdit *fileNameEdit() const { return m_fileName; }
    QLineEdit *tagsEdit() const { return m_tags; }
    QSpinBox *classIdBox() const { return m_classId; }
    QComboBox *sourceBox() const { return m_source; }

signals:
    void startRequested(const roomrec::RecordParam &param);
    void stopRequested();

private:
    void updateElapsed();

    QComboBox *m_source;
    QLineEdit *m_fileName;
    QLineEdit *m_tags;
    QSpinBox *m_classId;
    QCheckBox *m_transcode;
    QCheckBox *m_screenshot;
    QCheckBox *m_watermark;
    QPushButton *m_button;
    QLabel *m_elapsed;
    QTimer m_tick;
    QElapsedTimer m_since;
    bool m_recording = false;
};

} // namespace roomrec
