#include "recordpanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace roomrec {

RecordPanel::RecordPanel(QWidget *parent) : QWidget(parent)
{
    m_source = new QComboBox(this);
    m_source->addItem(tr("Camera"), int(RecordParam::Camera));
    m_source->addItem(tr("Screen share (sub-stream)"), int(RecordParam::SubStream));
    m_source->setAccessibleName(tr("What to record"));
    m_fileName = new QLineEdit(this);
    m_fileName->setAccessibleName(tr("File name"));
    m_fileName->setToolTip(tr("Name of the recorded file, without suffix. Hour-long parts share it."));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("e.g. math, week 3"));
    m_tags->setAccessibleName(tr("Tags"));
    m_tags->setToolTip(tr("Up to 10 tags, separated by commas"));
    m_classId = new QSpinBox(this);
    m_classId->setRange(0, 999999999);
    m_classId->setAccessibleName(tr("Category (class ID)"));
    m_transcode = new QCheckBox(tr("Transcode"), this);
    m_screenshot = new QCheckBox(tr("Screenshots"), this);
    m_watermark = new QCheckBox(tr("Watermark"), this);
    m_button = new QPushButton(tr("Record"), this);
    m_button->setAccessibleName(tr("Start or stop recording"));
    m_button->setToolTip(tr("Start recording (Ctrl+R)"));
    m_button->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_button->setMinimumHeight(36);
    m_elapsed = new QLabel(QStringLiteral("00:00:00"), this);
    m_elapsed->setAccessibleName(tr("Elapsed recording time"));
    QFont mono = m_elapsed->font();
    mono.setStyleHint(QFont::Monospace);
    mono.setPointSizeF(mono.pointSizeF() * 1.4);
    m_elapsed->setFont(mono);

    auto *options = new QHBoxLayout;
    options->addWidget(m_transcode);
    options->addWidget(m_screenshot);
    options->addWidget(m_watermark);
    options->addStretch();
    auto *form = new QFormLayout;
    form->addRow(tr("Record"), m_source);
    form->addRow(tr("File name"), m_fileName);
    form->addRow(tr("Tags"), m_tags);
    form->addRow(tr("Category"), m_classId);
    form->addRow(tr("Options"), options);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_button, 1);
    buttonRow->addWidget(m_elapsed);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttonRow);

    connect(m_button, &QPushButton::clicked, this, [this] {
        if (m_recording)
            emit stopRequested();
        else
            emit startRequested(param());
    });
    connect(&m_tick, &QTimer::timeout, this, &RecordPanel::updateElapsed);
    suggestFileName();
}

void RecordPanel::suggestFileName()
{
    m_fileName->setText(tr("recording") + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")));
}

RecordParam RecordPanel::param() const
{
    RecordParam p;
    p.fileName = m_fileName->text();
    for (const QString &tag : m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!tag.trimmed().isEmpty())
            p.tags << tag.trimmed();
    }
    p.classId = quint32(m_classId->value());
    p.transcode = m_transcode->isChecked();
    p.screenshot = m_screenshot->isChecked();
    p.watermark = m_watermark->isChecked();
    p.recordDataType = quint32(m_source->currentData().toInt());
    return p;
}

void RecordPanel::setRecording(bool recording)
{
    m_recording = recording;
    m_button->setText(recording ? tr("Stop") : tr("Record"));
    m_button->setToolTip(recording ? tr("Stop recording (Ctrl+R)") : tr("Start recording (Ctrl+R)"));
    m_button->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    for (QWidget *w : {static_cast<QWidget *>(m_source), static_cast<QWidget *>(m_fileName),
                       static_cast<QWidget *>(m_tags), static_cast<QWidget *>(m_classId),
                       static_cast<QWidget *>(m_transcode), static_cast<QWidget *>(m_screenshot),
                       static_cast<QWidget *>(m_watermark)})
        w->setEnabled(!recording);
    if (recording) {
        m_since.start();
        m_tick.start(500);
    } else {
        m_tick.stop();
    }
    updateElapsed();
}

void RecordPanel::setBusy(bool busy)
{
    m_button->setEnabled(!busy);
}

void RecordPanel::updateElapsed()
{
    const qint64 s = m_recording ? m_since.elapsed() / 1000 : 0;
    m_elapsed->setText(QStringLiteral("%1:%2:%3").arg(s / 3600, 2, 10, QLatin1Char('0'))
                           .arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0')));
}

} // namespace roomrec
