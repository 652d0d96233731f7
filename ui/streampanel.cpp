#include "streampanel.h"

#include "videopreview.h"

#include "media/camerasource.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace roomrec {

StreamPanel::StreamPanel(Track track, QWidget *parent) : QWidget(parent), m_track(track)
{
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    if (track == Track::CameraVideo) {
        m_caption = new QLabel(this);
        m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    } else {
        m_preview = new VideoPreview(this);
    }
    m_source = new QComboBox(this);
    // Long device names must not push the other controls out of sight.
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(16);
    // The screen is shared from the room's controls bar (one button for it in the window).
    if (track == Track::CameraVideo) {
        m_publish = new QCheckBox(this);
        m_publish->setChecked(false); // privacy by default
    }
    auto *row = new QHBoxLayout;
    row->addWidget(m_source, 1);
    if (track == Track::CameraVideo) {
        m_format = new QComboBox(this);
        row->addWidget(m_format);
        connect(m_format, &QComboBox::activated, this, [this] { emit sourceChanged(sourceId()); });
        connect(m_source, &QComboBox::currentIndexChanged, this, &StreamPanel::fillFormats);
    }
    if (track == Track::SubStreamVideo) {
        m_region = new QLineEdit(this);
        m_region->setMinimumWidth(130);
        m_region->setMaximumWidth(170);
        // WIDTHxHEIGHT+X+Y, as X11 geometry: empty means the whole screen.
        m_region->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^(\\d+x\\d+\\+\\d+\\+\\d+)?$")), m_region));
        row->addWidget(m_region);
        connect(m_region, &QLineEdit::editingFinished, this, [this] { emit sourceChanged(sourceId()); });
    }
    if (m_publish)
        row->addWidget(m_publish);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    if (m_preview)
        layout->addWidget(m_preview, 1);
    else
        layout->addWidget(m_caption);
    layout->addLayout(row);
    if (!m_preview)
        layout->addStretch();
    fillSources();
    fillFormats();
    connect(m_source, &QComboBox::activated, this, [this] { emit sourceChanged(sourceId()); });
    if (m_publish)
        connect(m_publish, &QAbstractButton::toggled, this, &StreamPanel::publishToggled);
    retranslate();
}

void StreamPanel::fillSources()
{
    const QString current = sourceId();
    m_source->clear();
    m_source->addItem(QString(), QStringLiteral("auto"));
    for (const SourceChoice &choice : PublishedStream::videoChoices(m_track))
        m_source->addItem(choice.isTest ? tr("%1 (test source)").arg(choice.label) : choice.label, choice.id);
    setSourceId(current.isEmpty() ? QStringLiteral("auto") : current);
}

void StreamPanel::retranslate()
{
    const bool camera = m_track == Track::CameraVideo;
    m_title->setText(camera ? tr("Camera") : tr("Screen share (sub-stream)"));
    if (m_preview)
        m_preview->setAccessibleName(tr("Screen share preview"));
    m_source->setItemText(0, camera ? tr("Automatic (first camera, else test pattern)")
                                    : tr("Automatic (screen capture, else test pattern)"));
    m_source->setAccessibleName(camera ? tr("Camera source") : tr("Screen source"));
    if (m_publish) {
        m_publish->setText(tr("Publish"));
        m_publish->setToolTip(tr("Send the camera (and microphone) to the room"));
    }
    if (m_format) {
        m_format->setAccessibleName(tr("Camera format"));
        m_format->setToolTip(tr("Size and frame rate, from what the camera offers"));
    }
    if (m_region) {
        m_region->setPlaceholderText(tr("whole screen"));
        m_region->setAccessibleName(tr("Screen region"));
        m_region->setToolTip(tr("Share only part of the screen: WIDTHxHEIGHT+X+Y, e.g. 1280x720+0+0"));
    }
}

void StreamPanel::setCaption(const QString &caption)
{
    if (m_preview)
        m_preview->setCaption(caption);
    else
        m_caption->setText(caption);
}

QString StreamPanel::caption() const
{
    return m_preview ? m_preview->caption() : m_caption->text();
}

QString StreamPanel::sourceId() const
{
    return m_source->currentData().toString();
}

void StreamPanel::setSourceId(const QString &id)
{
    const int index = m_source->findData(id);
    m_source->setCurrentIndex(index >= 0 ? index : 0);
}

void StreamPanel::fillFormats()
{
    if (!m_format)
        return;
    m_format->clear();
    // What the chosen camera offers, largest first; hidden for test sources.
    QList<QPair<QSize, int>> offered;
    for (const QCameraDevice &device : CameraSource::devices()) {
        if (QString::fromUtf8(device.id()) != sourceId() && !(sourceId() == QLatin1String("auto") && device == CameraSource::devices().first()))
            continue;
        for (const QCameraFormat &f : device.videoFormats()) {
            const auto entry = qMakePair(f.resolution(), int(f.maxFrameRate()));
            if (!offered.contains(entry))
                offered << entry;
        }
    }
    std::sort(offered.begin(), offered.end(), [](const auto &a, const auto &b) {
        return a.first.width() * a.first.height() != b.first.width() * b.first.height()
                   ? a.first.width() * a.first.height() > b.first.width() * b.first.height()
                   : a.second > b.second;
    });
    for (const auto &[size, fps] : offered)
        m_format->addItem(QStringLiteral("%1x%2 @ %3").arg(size.width()).arg(size.height()).arg(fps), QVariant::fromValue(qMakePair(size, fps)));
    m_format->setVisible(!offered.isEmpty());
}

QSize StreamPanel::formatSize() const
{
    return m_format && m_format->count() ? m_format->currentData().value<QPair<QSize, int>>().first : QSize();
}

int StreamPanel::formatFps() const
{
    return m_format && m_format->count() ? m_format->currentData().value<QPair<QSize, int>>().second : 0;
}

QRect StreamPanel::region() const
{
    const auto m = QRegularExpression(QStringLiteral("^(\\d+)x(\\d+)\\+(\\d+)\\+(\\d+)$")).match(m_region ? m_region->text() : QString());
    if (!m.hasMatch())
        return {};
    return QRect(m.captured(3).toInt(), m.captured(4).toInt(), m.captured(1).toInt(), m.captured(2).toInt());
}

void StreamPanel::setRegion(const QRect &region)
{
    if (m_region)
        m_region->setText(region.isEmpty() ? QString()
                                           : QStringLiteral("%1x%2+%3+%4").arg(region.width()).arg(region.height())
                                                 .arg(region.x()).arg(region.y()));
}

bool StreamPanel::publishWanted() const
{
    return m_publish && m_publish->isChecked();
}

void StreamPanel::setPublishWanted(bool on)
{
    if (!m_publish || m_publish->isChecked() == on)
        return;
    m_publish->setChecked(on);
}

} // namespace roomrec
