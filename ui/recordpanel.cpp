#include "recordpanel.h"

#include "tageditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace roomrec {

RecordPanel::RecordPanel(RecordTargetModel &targets, QWidget *parent) : QWidget(parent), m_targets(targets)
{
    m_source = new QComboBox(this);
    m_source->setModel(&targets); // rows come and go with the members; the current one stays
    m_source->setCurrentIndex(0);
    m_fileName = new QLineEdit(this);
    m_fileName->setMaxLength(100);
    m_tags = new TagEditor(this);
    m_category = new QComboBox(this);
    m_classId = new QSpinBox(this);
    m_classId->setRange(0, 999999999);
    m_nameCategory = new QPushButton(this);
    m_transcode = new QCheckBox(this);
    m_screenshot = new QCheckBox(this);
    m_watermark = new QCheckBox(this);
    m_button = new QPushButton(this);
    m_button->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_button->setMinimumHeight(36);
    m_button->setIcon(QIcon(QStringLiteral(":/icons/record.svg")));
    m_elapsed = new QLabel(QStringLiteral("00:00:00"), this);
    QFont mono = m_elapsed->font();
    mono.setStyleHint(QFont::Monospace);
    mono.setPointSizeF(mono.pointSizeF() * 1.4);
    m_elapsed->setFont(mono);
    m_stats = new QLabel(this);
    m_stats->setWordWrap(true);

    auto *categoryRow = new QHBoxLayout;
    categoryRow->addWidget(m_category, 1);
    categoryRow->addWidget(m_classId);
    categoryRow->addWidget(m_nameCategory);
    auto *options = new QHBoxLayout;
    options->addWidget(m_transcode);
    options->addWidget(m_screenshot);
    options->addWidget(m_watermark);
    options->addStretch();
    m_form = new QFormLayout;
    m_form->addRow(QString(), m_source);
    m_form->addRow(QString(), m_fileName);
    m_form->addRow(QString(), m_tags);
    m_form->addRow(QString(), categoryRow);
    m_form->addRow(QString(), options);
    auto *buttonRow = new QHBoxLayout;
    buttonRow->addWidget(m_button, 1);
    buttonRow->addWidget(m_elapsed);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addLayout(buttonRow);
    layout->addWidget(m_stats);
    layout->addStretch(1); // keep the form together at the top when the window is tall
    setMinimumWidth(400);

    connect(m_button, &QPushButton::clicked, this, [this] {
        if (m_recording)
            emit stopRequested();
        else
            emit startRequested(param());
    });
    connect(m_category, &QComboBox::activated, this, [this](int index) {
        const QVariant id = m_category->itemData(index);
        if (id.isValid())
            m_classId->setValue(int(id.toUInt()));
    });
    connect(m_classId, &QSpinBox::valueChanged, this, [this](int value) {
        const int index = m_category->findData(quint32(value));
        m_category->setCurrentIndex(index >= 0 ? index : 0);
    });
    connect(m_nameCategory, &QPushButton::clicked, this, &RecordPanel::nameCurrentCategory);
    connect(&m_tick, &QTimer::timeout, this, &RecordPanel::updateElapsed);
    retranslate();
    suggestFileName();
}

void RecordPanel::retranslate()
{
    auto label = [this](int row, const QString &text) {
        if (auto *item = m_form->itemAt(row, QFormLayout::LabelRole); item && item->widget())
            static_cast<QLabel *>(item->widget())->setText(text);
        else
            m_form->setWidget(row, QFormLayout::LabelRole, new QLabel(text, this));
    };
    label(0, tr("Record"));
    label(1, tr("File name"));
    label(2, tr("Tags"));
    label(3, tr("Category"));
    label(4, tr("Options"));
    m_targets.retranslate();
    m_source->setAccessibleName(tr("What to record"));
    m_fileName->setAccessibleName(tr("File name"));
    m_fileName->setToolTip(tr("Name of the recorded file, without suffix. Hour-long parts share it."));
    m_category->setAccessibleName(tr("Named category"));
    m_classId->setAccessibleName(tr("Category (class ID)"));
    m_classId->setToolTip(tr("The category's number (class ID) stored with the file"));
    m_nameCategory->setText(tr("Name…"));
    m_nameCategory->setToolTip(tr("Give this class ID a name you can pick next time"));
    m_transcode->setText(tr("Transcode"));
    m_transcode->setToolTip(tr("Ask the server for extra renditions"));
    m_screenshot->setText(tr("Screenshots"));
    m_screenshot->setToolTip(tr("Ask the server for a cover image and thumbnails"));
    m_watermark->setText(tr("Watermark"));
    m_watermark->setToolTip(tr("Ask the server to add a watermark"));
    m_button->setAccessibleName(tr("Start or stop recording"));
    m_elapsed->setAccessibleName(tr("Elapsed recording time"));
    m_stats->setAccessibleName(tr("Live statistics"));
    m_tags->retranslate();
    setCategories(m_categories);
    setRecording(m_recording);
}

void RecordPanel::suggestFileName()
{
    m_fileName->setText(QStringLiteral("recording") + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")));
}

void RecordPanel::setCategories(const Categories &categories)
{
    m_categories = categories;
    const quint32 current = quint32(m_classId->value());
    m_category->clear();
    m_category->addItem(tr("(no name)"));
    for (const auto &[name, id] : categories)
        m_category->addItem(QStringLiteral("%1 (%2)").arg(name).arg(id), id);
    const int index = m_category->findData(current);
    m_category->setCurrentIndex(index >= 0 ? index : 0);
}

void RecordPanel::nameCurrentCategory()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Name category"),
                                               tr("Name for class ID %1:").arg(m_classId->value()), QLineEdit::Normal, {}, &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return;
    Categories updated;
    for (const auto &entry : std::as_const(m_categories)) {
        if (entry.second != quint32(m_classId->value()))
            updated << entry;
    }
    updated << qMakePair(name, quint32(m_classId->value()));
    setCategories(updated);
    emit categoriesEdited(updated);
}

RecordParam RecordPanel::param() const
{
    RecordParam p;
    p.fileName = m_fileName->text();
    p.tags = m_tags->tags();
    p.classId = quint32(m_classId->value());
    p.transcode = m_transcode->isChecked();
    p.screenshot = m_screenshot->isChecked();
    p.watermark = m_watermark->isChecked();
    p.recordDataType = target().recordDataType;
    return p;
}

RecordTarget RecordPanel::target() const
{
    return m_targets.target(std::max(m_source->currentIndex(), 0));
}

void RecordPanel::setRecording(bool recording)
{
    m_recording = recording;
    m_button->setText(recording ? tr("Stop") : tr("Record"));
    m_button->setIcon(QIcon(recording ? QStringLiteral(":/icons/stop.svg") : QStringLiteral(":/icons/record.svg")));
    m_button->setToolTip(recording ? tr("Stop recording (Ctrl+R)") : tr("Start recording (Ctrl+R)"));
    m_button->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    for (QWidget *w : std::initializer_list<QWidget *>{m_source, m_fileName, m_tags, m_category, m_classId,
                                                       m_nameCategory, m_transcode, m_screenshot, m_watermark})
        w->setEnabled(!recording);
    if (recording && !m_tick.isActive()) {
        m_since.start();
        m_tick.start(500);
    } else if (!recording) {
        m_tick.stop();
    }
    updateElapsed();
}

void RecordPanel::setBusy(bool busy)
{
    m_button->setEnabled(!busy);
}

void RecordPanel::setStats(const QString &text)
{
    m_stats->setText(text);
}

void RecordPanel::updateElapsed()
{
    const qint64 s = m_recording ? m_since.elapsed() / 1000 : 0;
    m_elapsed->setText(QStringLiteral("%1:%2:%3").arg(s / 3600, 2, 10, QLatin1Char('0'))
                           .arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0')));
}

} // namespace roomrec
